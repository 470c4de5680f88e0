"""Report jobs as the Data Download page and the API show them, with fresh download links."""

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from reports.links import make_token
from reports.models import ReportJob
from reports.state_machine import JobStatus


@dataclass(frozen=True)
class JobView:
    id: int
    status: str
    status_label: str
    created_at: datetime
    finished_at: datetime | None
    rows_done: int
    rows_total: int | None
    percent: int
    file_name: str
    error: str
    download_url: str | None
    links_expire_at: datetime | None


def job_view(job: ReportJob, *, user_id: int, now: datetime, expires_at: datetime) -> JobView:
    url = None
    if job.status == JobStatus.DONE:
        token = make_token(job_id=job.pk, user_id=user_id, now=now)
        url = reverse("reports:download", args=[token])
    return JobView(
        id=job.pk,
        status=job.status,
        status_label=str(JobStatus(job.status).label),
        created_at=job.created_at,
        finished_at=job.finished_at,
        rows_done=job.rows_done,
        rows_total=job.rows_total,
        percent=job.percent,
        file_name=job.file_name,
        error=job.error,
        download_url=url,
        links_expire_at=expires_at if url else None,
    )
