"""Support staff may do on the dashboard exactly what their Django permissions let them do in
the admin (exams.policy): a staff user who may only view attempts lists them, and can neither
clear nor resume one, nor see or change allowances and settings, through the API or the pages."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from exams.models import Allowance, Attempt, Course
from exams.policy import SUPPORT_PERMISSIONS, Action, may
from exams.statuses import AttemptStatus as S
from exams.support import ensure_support_group
from tests.factories import AttemptFactory, ExamFactory, UserFactory

pytestmark = pytest.mark.django_db


def staff_with(*names: str, is_staff: bool = True, username: str = "staffer"):
    user = UserFactory(username=username, is_staff=is_staff)
    for name in names:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


@pytest.fixture
def errored(course, learner):
    exam = ExamFactory(course=course, proctored=True, name="Midterm")
    return AttemptFactory(exam=exam, learner=learner, status=S.ERROR)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_support_group_may_do_what_its_admin_permissions_allow(course):
    support = UserFactory(username="support", is_staff=True)
    support.groups.add(ensure_support_group())
    allowed = {action for action in Action if may(support, action, course)}
    assert allowed == set(Action) - {Action.SETTINGS_CHANGE, Action.REPORTS_BUILD}


def test_every_action_names_permissions_django_knows():
    known = {f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.all()}
    for action in Action:
        assert set(SUPPORT_PERMISSIONS[action] or ()) <= known, action


def test_no_django_permission_lets_support_build_reports(course):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    assert SUPPORT_PERMISSIONS[Action.REPORTS_BUILD] is None
    assert not may(superuser, Action.REPORTS_BUILD, course)
    assert may(superuser, Action.REVIEWS_SETTLE, course)


def test_permissions_without_staff_status_give_nothing(course):
    user = staff_with(*(SUPPORT_PERMISSIONS[Action.SETTINGS_CHANGE] or ()), is_staff=False)
    assert not any(may(user, action, course) for action in Action)


def test_view_only_staff_list_attempts_and_can_change_nothing(course, errored):
    client = signed_in(staff_with("exams.view_attempt"))
    course_id = course.course_id
    api = f"/api/v1/courses/{course_id}"
    pages = f"/courses/{course_id}/instructor"

    # reading the attempts: yes, through the API and the page
    listed = client.get(f"{api}/attempts/")
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [errored.pk]
    page = client.get(f"{pages}/")
    assert page.status_code == 200
    # and the page offers nothing they may not do
    html = page.content.decode()
    assert f"/attempts/{errored.pk}/clear/" not in html
    assert f"/attempts/{errored.pk}/resume/" not in html
    assert f"{pages}/allowances/" not in html and f"{pages}/settings/" not in html

    # everything else: the same 404 as for a course that does not exist
    refused = {
        "clear (API)": client.delete(f"/api/v1/attempts/{errored.pk}/"),
        "resume (API)": client.post(f"/api/v1/attempts/{errored.pk}/resume/"),
        "allowances (API)": client.get(f"{api}/allowances/"),
        "grant (API)": client.post(
            f"{api}/allowances/",
            {"learner": "learner", "kind": "additional_minutes", "value": "10"},
            content_type="application/json",
        ),
        "settings (API)": client.get(f"{api}/settings/"),
        "change settings (API)": client.patch(
            f"{api}/settings/", {"allow_opting_out": False}, content_type="application/json"
        ),
        "clear (page)": client.post(f"{pages}/attempts/{errored.pk}/clear/"),
        "resume (page)": client.post(f"{pages}/attempts/{errored.pk}/resume/"),
        "allowances (page)": client.get(f"{pages}/allowances/"),
        "settings (page)": client.get(f"{pages}/settings/"),
    }
    assert {name: r.status_code for name, r in refused.items()} == dict.fromkeys(refused, 404)
    errored.refresh_from_db()
    assert errored.status == S.ERROR
    assert Attempt.objects.count() == 1 and not Allowance.objects.exists()
    assert Course.objects.get(pk=course.pk).allow_opting_out is True


def test_staff_who_may_change_attempts_clear_and_resume(course, errored):
    client = signed_in(staff_with("exams.view_attempt", "exams.change_attempt"))

    resumed = client.post(f"/api/v1/attempts/{errored.pk}/resume/")
    assert resumed.status_code == 200, resumed.content
    assert client.delete(f"/api/v1/attempts/{errored.pk}/").status_code == 204
    assert not Attempt.objects.exists()
    # and still no settings
    assert client.get(f"/api/v1/courses/{course.course_id}/settings/").status_code == 404


def test_course_staff_are_offered_every_action_on_the_dashboard(course, errored, instructor):
    html = signed_in(instructor).get(f"/courses/{course.course_id}/instructor/").content.decode()
    pages = f"/courses/{course.course_id}/instructor"
    for offered in ("clear/", "resume/"):
        assert f"{pages}/attempts/{errored.pk}/{offered}" in html
    assert f"{pages}/allowances/" in html and f"{pages}/settings/" in html


def test_the_dashboard_asks_for_the_course_role_once_for_its_offers(course, errored, instructor):
    AttemptFactory(exam=errored.exam, learner=UserFactory(), status=S.ERROR)
    client = signed_in(instructor)
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/courses/{course.course_id}/instructor/")
    role_reads = [q for q in queries.captured_queries if "exams_courserole" in q["sql"]]
    assert len(role_reads) == 2  # the access check, then every offer on the page


def test_settings_are_read_only_for_those_who_may_only_read_them(course, errored, instructor):
    support = UserFactory(username="support", is_staff=True)
    support.groups.add(ensure_support_group())
    url = f"/courses/{course.course_id}/instructor/settings/"

    read_only = signed_in(support).get(url).content.decode()
    assert "changing them is for the course team" in read_only
    assert read_only.count('<fieldset class="plain" disabled>') == 2  # the course, the exam
    assert "Save the course settings" not in read_only and "Save Midterm" not in read_only

    editable = signed_in(instructor).get(url).content.decode()
    assert "changing them is for the course team" not in editable
    assert "disabled>" not in editable and "Save the course settings" in editable


def test_allowances_are_read_only_for_those_who_may_only_read_them(course, errored, instructor):
    from tests.factories import AllowanceFactory

    AllowanceFactory(exam=errored.exam, learner=errored.learner, granted_by=instructor)
    reader = staff_with("exams.view_allowance")
    url = f"/courses/{course.course_id}/instructor/allowances/"

    read_only = signed_in(reader).get(url).content.decode()
    assert "granting and changing them is for the course team" in read_only
    assert "Add the allowance" not in read_only and "Check the file" not in read_only
    assert "/edit/" not in read_only and "Delete" not in read_only

    editable = signed_in(instructor).get(url).content.decode()
    assert "granting and changing them is for the course team" not in editable
    assert "Add the allowance" in editable and "Delete" in editable


def test_the_data_download_tab_is_offered_only_to_those_who_may_build_reports(
    course, errored, instructor
):
    support = UserFactory(username="support", is_staff=True)
    support.groups.add(ensure_support_group())
    url = f"/courses/{course.course_id}/instructor/"
    tab = f"/courses/{course.course_id}/instructor/data-download/"

    assert tab in signed_in(instructor).get(url).content.decode()
    page = signed_in(support).get(url)
    assert page.status_code == 200
    assert tab not in page.content.decode()
    assert signed_in(support).get(tab).status_code == 404


def test_the_hand_review_is_offered_only_to_those_who_may_settle_reviews(errored):
    reader = staff_with("exams.view_attempt")
    settler = staff_with("exams.view_attempt", "exams.change_attempt", username="settler")

    def actions(user):
        form = signed_in(user).get("/admin/exams/attempt/").context["action_form"]
        return [] if form is None else [name for name, _ in form.fields["action"].choices[1:]]

    assert "review_satisfactory" not in actions(reader)
    assert "review_satisfactory" in actions(settler)
