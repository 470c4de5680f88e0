"""Instructor → Data Download in a real browser: generate the proctored exam results report,
download it, watch a report being built, and links that expire on an open page."""

import csv
import io
import re
import time
from contextlib import AbstractContextManager, nullcontext
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from exams.models import Course
from exams.statuses import AttemptStatus as S
from reports import services
from reports.models import ReportJob
from reports.state_machine import JobStatus
from tests.browser.helpers import assert_accessible, violations_in_each_language
from tests.factories import AttemptFactory, ExamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = [
    "user_email",
    "exam_name",
    "attempt_code",
    "allowed_time_limit_mins",
    "is_sample_attempt",
    "started_at",
    "completed_at",
    "status",
]
EXPIRED = "These download links have expired. Refresh the page to get new links."
_HREF = re.compile(r'href="(/reports/download/[^"]+/)"')


@pytest.fixture(autouse=True)
def report_storage(settings, tmp_path):
    """Reports go to a temporary media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return settings.MEDIA_ROOT


def server_idle(live_server: LiveServer) -> AbstractContextManager[object]:
    """Hold the live server's turn (in-memory SQLite: one request at a time) while the test
    thread writes through the connection it shares with the server."""
    lock = getattr(live_server.thread.httpd, "request_lock", None)
    return lock if lock is not None else nullcontext()


def data_download_path(course: Course) -> str:
    return f"/courses/{course.course_id}/instructor/data-download/"


def file_name_pattern(course: Course) -> re.Pattern[str]:
    return re.compile(
        rf"^{re.escape(course.course_id)}_proctored_exam_results_report_"
        r"\d{4}-\d\d-\d\d-\d{6}\.csv$"
    )


def attempts(course: Course) -> int:
    """Attempts at a proctored and a practice exam (in the report) and at a timed one (not);
    returns how many rows the report has."""
    proctored = ExamFactory(course=course, name="Final exam", proctored=True)
    practice = ExamFactory(course=course, name="Practice exam", practice=True)
    timed = ExamFactory(course=course, name="Midterm")
    done = timezone.now() - timedelta(minutes=5)
    for n, status in enumerate([S.VERIFIED, S.SUBMITTED, S.ERROR]):
        learner = UserFactory(username=f"taker{n}")
        AttemptFactory(exam=proctored, learner=learner, status=status, completed_at=done)
        AttemptFactory(exam=practice, learner=learner, status=S.COMPLETED, completed_at=done)
        AttemptFactory(exam=timed, learner=learner, status=S.COMPLETED, completed_at=done)
    return 6


def finished_report(course: Course, user, *, ago: timedelta = timedelta(0)) -> ReportJob:
    job = services.report_request(course=course, user=user, now=timezone.now() - ago)
    job.refresh_from_db()  # built on commit: Celery runs eagerly in tests
    assert job.status == JobStatus.DONE
    return job


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def download(page: Page, file_name: str) -> list[list[str]]:
    """Click the report's link; check the name the file is saved as; return its rows."""
    link = page.get_by_role("link", name=file_name)
    served = page.request.get(link.get_attribute("href") or "")
    assert f'filename="{file_name}"' in served.headers["content-disposition"]
    with page.expect_download() as started:
        link.click()
    file = started.value
    # Chromium saves a name with ":" (course-v1:...) with "_" instead, on every platform.
    assert file.suggested_filename == file_name.replace(":", "_")
    with open(file.path(), encoding="utf-8", newline="") as handle:
        return read_csv(handle.read())


def test_generate_the_report_and_download_it(course, instructor, browser_as):
    rows = attempts(course)
    older = finished_report(course, instructor, ago=timedelta(hours=1))
    page = browser_as(instructor, data_download_path(course))
    expect(page.locator("[data-finished] li")).to_have_count(1)

    page.get_by_role("button", name="Generate Proctored Exam Results Report").click()

    # The job is built (Celery runs eagerly here); the page reloads to show it, newest first.
    links = page.locator("[data-finished] a[data-download]")
    expect(links).to_have_count(2)
    newest = links.first
    expect(newest).to_have_text(file_name_pattern(course))
    expect(links.last).to_have_text(older.file_name)
    expect(page.locator("[data-pending] tbody")).to_have_text("No reports are being built.")
    expect(page.get_by_text(EXPIRED)).to_be_hidden()
    name = newest.inner_text()

    table = download(page, name)

    assert table[0][: len(HEADER)] == HEADER
    assert len(table) == 1 + rows
    assert sorted({row[1] for row in table[1:]}) == ["Final exam", "Practice exam"]
    assert sorted(row[7] for row in table[1:] if row[1] == "Final exam") == [
        "error",
        "submitted",
        "verified",
    ]
    assert ReportJob.objects.filter(course=course, status=JobStatus.DONE).count() == 2


def test_links_on_an_open_page_expire_and_a_refresh_makes_new_ones(
    course, instructor, browser_as, settings
):
    rows = attempts(course)
    job = finished_report(course, instructor)
    settings.REPORTS_LINK_MAX_AGE_SECONDS = 4  # before the page is made
    page = browser_as(instructor)
    response = page.goto(data_download_path(course))
    assert response is not None and response.ok
    old_url = _HREF.search(response.text()).group(1)
    first = page.request.get(old_url)
    assert first.status == 200 and first.text().startswith("user_email,")

    # The page's script expires the links itself, a little before the server would.
    expect(page.get_by_role("alert").filter(has_text=EXPIRED)).to_be_visible()
    expect(page.locator("a[data-download][href]")).to_have_count(0)
    expect(page.locator("a[data-download]")).to_have_attribute("aria-disabled", "true")
    expect(page.locator("a[data-download]")).to_have_text(job.file_name)

    deadline = time.monotonic() + 8
    refused = page.request.get(old_url)
    while refused.status == 200 and time.monotonic() < deadline:
        time.sleep(0.25)
        refused = page.request.get(old_url)
    assert refused.status == 410
    assert "expired" in refused.text()

    settings.REPORTS_LINK_MAX_AGE_SECONDS = 300
    page.reload()
    expect(page.get_by_text(EXPIRED)).to_be_hidden()
    link = page.get_by_role("link", name=job.file_name)
    expect(link).to_have_attribute("href", re.compile(r"^/reports/download/"))
    assert link.get_attribute("href") != old_url
    table = download(page, job.file_name)
    assert table[0][: len(HEADER)] == HEADER
    assert len(table) == 1 + rows


def test_pending_task_shows_live_progress_then_the_finished_report(
    course, instructor, browser_as, live_server
):
    now = timezone.now()
    job = ReportJob.objects.create(
        course=course,
        requested_by=instructor,
        status=JobStatus.RUNNING,
        created_at=now,
        started_at=now,
        heartbeat_at=now,
        tries=1,
        rows_done=10,
        rows_total=40,
    )
    page = browser_as(instructor, data_download_path(course))
    row = page.locator(f"[data-pending] tr[data-job='{job.pk}']")
    expect(row).to_contain_text("Running")
    expect(row).to_contain_text("10 / 40")
    expect(row.get_by_role("progressbar")).to_have_attribute("value", "25")
    expect(page.locator("[data-finished]")).to_have_text("No reports yet.")

    with server_idle(live_server):
        ReportJob.objects.filter(pk=job.pk).update(rows_done=30, heartbeat_at=timezone.now())
    # The page asks the list API every 1.5 s.
    expect(row).to_contain_text("30 / 40", timeout=6_000)
    expect(row.get_by_role("progressbar")).to_have_attribute("value", "75")

    file_name = f"{course.course_id}_proctored_exam_results_report_2026-11-02-090000.csv"
    with server_idle(live_server):
        stored = default_storage.save(
            f"reports/{job.pk}.csv", ContentFile(",".join(HEADER).encode() + b"\r\n")
        )
        ReportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE,
            rows_done=40,
            storage_name=stored,
            file_name=file_name,
            finished_at=timezone.now(),
        )
    # Finished: the page reloads itself to show it with a fresh link.
    expect(page.get_by_role("link", name=file_name)).to_be_visible(timeout=6_000)
    expect(page.locator("[data-pending] tbody")).to_have_text("No reports are being built.")
    table = download(page, file_name)
    assert table == [HEADER]


def test_data_download_page_has_no_serious_accessibility_problem(course, instructor, browser_as):
    attempts(course)
    finished_report(course, instructor, ago=timedelta(hours=2))
    ReportJob.objects.create(
        course=course,
        requested_by=instructor,
        status=JobStatus.FAILED,
        created_at=timezone.now() - timedelta(hours=1),
        error="The report could not be built (OSError).",
    )
    ReportJob.objects.create(
        course=course,
        requested_by=instructor,
        status=JobStatus.RUNNING,
        created_at=timezone.now(),
        heartbeat_at=timezone.now(),
        rows_done=1,
        rows_total=6,
    )
    page = browser_as(instructor, data_download_path(course))
    expect(page.locator("[data-finished] li")).to_have_count(2)
    expect(page.get_by_role("button", name="Retry")).to_be_visible()

    found = violations_in_each_language(
        lambda language: browser_as(instructor, data_download_path(course), language=language)
    )
    assert found == {}, "Data Download"


def test_expired_link_page_has_no_serious_accessibility_problem(
    course, instructor, browser_as, settings
):
    job = finished_report(course, instructor)
    settings.REPORTS_LINK_MAX_AGE_SECONDS = 1
    page = browser_as(instructor)
    response = page.goto(data_download_path(course))
    assert response is not None
    old_url = _HREF.search(response.text()).group(1)
    time.sleep(2.1)

    answer = page.goto(old_url)

    assert answer is not None and answer.status == 410
    expect(page.get_by_role("alert")).to_contain_text("This download link has expired.")
    assert job.file_name not in page.content()
    assert_accessible(page, "the expired link page")


def test_page_without_download_links_never_says_links_expired(
    course, instructor, browser_as, settings
):
    ReportJob.objects.create(
        course=course,
        requested_by=instructor,
        status=JobStatus.FAILED,
        created_at=timezone.now(),
        error="The report could not be built (OSError).",
    )
    settings.REPORTS_LINK_MAX_AGE_SECONDS = 2  # the page's script would expire links at once
    page = browser_as(instructor, data_download_path(course))
    expect(page.get_by_role("button", name="Retry")).to_be_visible()

    page.wait_for_timeout(1_000)
    expect(page.get_by_text(EXPIRED)).to_be_hidden()
