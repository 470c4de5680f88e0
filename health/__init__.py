"""Health: whether the periodic sweeps (Celery beat's schedule) still run."""
