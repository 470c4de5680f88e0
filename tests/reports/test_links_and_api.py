"""Download links (signed, bound to a user, five minutes) and who may list and download."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reports import services
from reports.links import LinkExpired, LinkInvalid, make_token, read_token
from reports.models import ReportJob
from tests.factories import CourseRoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_job(course, instructor):
    job = services.report_request(course=course, user=instructor)
    return services.report_build(job_id=job.pk)


def test_link_is_valid_within_five_minutes():
    now = timezone.now()
    token = make_token(job_id=7, user_id=3, now=now)

    claim = read_token(token, now=now + timedelta(seconds=299))

    assert (claim.job_id, claim.user_id) == (7, 3)


def test_link_is_refused_after_five_minutes():
    now = timezone.now()
    token = make_token(job_id=7, user_id=3, now=now)

    with pytest.raises(LinkExpired):
        read_token(token, now=now + timedelta(seconds=301))


def test_tampered_link_is_refused():
    token = make_token(job_id=7, user_id=3, now=timezone.now())

    changed = "A" if token[-2] != "A" else "B"  # a character of the signature, surely changed
    tampered = token[:-2] + changed + token[-1]

    assert tampered != token
    with pytest.raises(LinkInvalid):
        read_token(tampered, now=timezone.now())


def test_download_serves_the_file_to_its_user(client, instructor, done_job):
    client.force_login(instructor)
    token = make_token(job_id=done_job.pk, user_id=instructor.pk, now=timezone.now())

    response = client.get(f"/reports/download/{token}/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert done_job.file_name in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("user_email,exam_name,attempt_code,")


def test_download_of_a_report_whose_file_is_missing_says_so(client, instructor, done_job):
    from django.core.files.storage import default_storage

    default_storage.delete(done_job.storage_name)
    client.force_login(instructor)
    token = make_token(job_id=done_job.pk, user_id=instructor.pk, now=timezone.now())

    response = client.get(f"/reports/download/{token}/")

    assert response.status_code == 410
    assert b"no longer stored" in response.content


def test_download_link_of_another_user_is_refused(client, course, instructor, done_job):
    colleague = CourseRoleFactory(course=course).user
    client.force_login(colleague)
    token = make_token(job_id=done_job.pk, user_id=instructor.pk, now=timezone.now())

    response = client.get(f"/reports/download/{token}/")

    assert response.status_code == 404
    assert b"not valid for you" in response.content


def test_expired_link_gets_a_clear_page_and_no_data(client, instructor, done_job):
    client.force_login(instructor)
    token = make_token(
        job_id=done_job.pk, user_id=instructor.pk, now=timezone.now() - timedelta(minutes=6)
    )

    response = client.get(f"/reports/download/{token}/")

    assert response.status_code == 410
    assert b"expired" in response.content
    assert b"user_email" not in response.content


def test_forged_link_gets_a_clear_page(client, instructor):
    client.force_login(instructor)

    response = client.get("/reports/download/not-a-real-token/")

    assert response.status_code == 404
    assert b"not valid" in response.content


def test_request_returns_202_at_once_with_the_job(client, course, instructor):
    client.force_login(instructor)

    response = client.post(f"/api/v1/courses/{course.course_id}/reports/proctored-results/")

    assert response.status_code == 202
    assert response.json()["status"] in ("queued", "done")  # eager in tests
    assert ReportJob.objects.count() == 1


def test_list_gives_fresh_download_urls(client, course, instructor, done_job):
    client.force_login(instructor)

    body = client.get(f"/api/v1/courses/{course.course_id}/reports/").json()

    assert body[0]["status"] == "done"
    assert body[0]["download_url"].startswith("/reports/download/")
    assert client.get(body[0]["download_url"]).status_code == 200


@pytest.mark.parametrize(
    ("actor", "status"),
    [("learner", 404), ("other_instructor", 404), ("support", 404), ("instructor", 200)],
)
def test_only_the_courses_staff_see_reports(request, client, course, actor, status):
    client.force_login(request.getfixturevalue(actor))

    listing = client.get(f"/api/v1/courses/{course.course_id}/reports/")
    page = client.get(f"/courses/{course.course_id}/instructor/data-download/")
    created = client.post(f"/api/v1/courses/{course.course_id}/reports/proctored-results/")

    assert (listing.status_code, page.status_code) == (status, status)
    assert created.status_code == (202 if status == 200 else 404)
    assert ReportJob.objects.count() == (1 if status == 200 else 0)


def test_anonymous_is_refused(client, course):
    assert client.get(f"/api/v1/courses/{course.course_id}/reports/").status_code == 403
    page = client.get(f"/courses/{course.course_id}/instructor/data-download/")
    assert page.status_code == 302


def test_data_download_page_lists_finished_reports(client, course, instructor, done_job):
    client.force_login(instructor)

    html = client.get(f"/courses/{course.course_id}/instructor/data-download/").content.decode()

    assert "Generate Proctored Exam Results Report" in html
    assert done_job.file_name in html
    assert "Pending Tasks" in html
