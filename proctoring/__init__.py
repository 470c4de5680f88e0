"""Proctoring: provider backends, provider sessions, the callbacks inbox and reviews."""
