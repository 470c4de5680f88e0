"""The reports REST API."""
