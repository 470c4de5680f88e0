"""The proctoring REST API: the providers' callback endpoint and staff's resume."""
