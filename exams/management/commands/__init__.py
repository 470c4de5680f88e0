"""`manage.py` commands of the exams app: `seed_demo`, `setup_roles`."""
