"""Celery tasks of the reports app: each one call of a service."""

from celery import shared_task

from reports.services import report_build, reports_purge, reports_recover


@shared_task(
    name="reports.report_build",
    acks_late=True,
    ignore_result=True,
    soft_time_limit=3600,
    time_limit=3700,
)
def report_build_task(job_id: int) -> None:
    """Build one report. Running it twice is harmless (see reports.services.report_build)."""
    report_build(job_id=job_id)


@shared_task(name="reports.reports_recover", ignore_result=True)
def reports_recover_task() -> int:
    """Beat entry: requeue reports whose worker died or whose message was lost."""
    return reports_recover()


@shared_task(name="reports.reports_purge", ignore_result=True)
def reports_purge_task() -> int:
    """Beat entry: delete report files past the retention period."""
    return reports_purge()
