"""The tool end to end against a real platform (lti1p3platform on 127.0.0.1): launches, deep
linking whose answer the platform's own validation accepts, and grades it records."""

import pytest
import requests

from exams.models import Course, Enrollment
from exams.statuses import AttemptStatus as S
from lti.models import GradeSync, LaunchUser, SyncState
from tests.lti.conftest import ANN, CONTEXT, TOM, exam_in, launch, post_form
from tests.lti.platform import DEEP_LINKING_REQUEST, INSTRUCTOR

pytestmark = pytest.mark.django_db(transaction=True)


def api(session, live_server, method, path, **kwargs):
    token = session.cookies.get("csrftoken", "")
    headers = {"X-CSRFToken": token, "Referer": live_server.url + "/"}
    return session.request(
        method, f"{live_server.url}/api/v1/{path}", headers=headers, timeout=10, **kwargs
    )


def open_link(landing, live_server):
    """The landing page's "Open ..." link (it opens a window of its own)."""
    import re

    path = re.search(r'id="lti-open" href="([^"]+)"', landing.text).group(1)
    return live_server.url + path


def course_of_context():
    return Course.objects.get(lti_context__context_id=CONTEXT["id"])


def deep_link(lms, exam_ids):
    """The instructor picks these exams; the tool's answer posted back to the platform."""
    picker, session = launch(lms, TOM, message_type=DEEP_LINKING_REQUEST)
    assert picker.status_code == 200, lms.errors or picker.text[:500]
    chosen = post_form(session, picker, "lti-picker", {"exam": [str(i) for i in exam_ids]})
    assert chosen.status_code == 200, chosen.text[:500]
    returned = post_form(session, chosen, "lti-return", {})
    return returned


def test_a_learner_launch_signs_in_enrolls_and_leads_to_the_exam(lms, live_server):
    first, _ = launch(lms, TOM, roles=[INSTRUCTOR])  # the course exists from here
    assert first.status_code == 200, lms.errors
    exam = exam_in(course_of_context())

    landing, session = launch(lms, ANN, custom={"exam_id": str(exam.pk)})

    assert landing.status_code == 200, lms.errors
    assert 'target="_blank"' in landing.text
    learner = LaunchUser.objects.get(sub=ANN.sub).user
    assert Enrollment.objects.get(user=learner, course=exam.course).mode == "verified"
    page = session.get(f"{live_server.url}/courses/{exam.course.course_id}/exams/{exam.pk}/")
    assert page.status_code == 200
    assert exam.name in page.text
    # Inside the platform's frame the session cookie may not have been kept: the link itself
    # signs the learner in, in a window without any cookie of ours, once.
    link = open_link(landing, live_server)
    window = requests.Session()
    opened = window.get(link, timeout=10)
    assert opened.url == f"{live_server.url}/courses/{exam.course.course_id}/exams/{exam.pk}/"
    assert exam.name in opened.text
    again = requests.Session().get(link, timeout=10)
    assert again.status_code == 400
    assert 'data-code="lti_link_expired"' in again.text


def test_a_staff_launch_leads_to_the_dashboard(lms, live_server):
    landing, session = launch(lms, TOM, roles=[INSTRUCTOR])

    course = course_of_context()
    dashboard = f"/courses/{course.course_id}/instructor/"
    assert session.get(live_server.url + dashboard).status_code == 200
    opened = requests.Session().get(open_link(landing, live_server), timeout=10)
    assert opened.url == live_server.url + dashboard
    assert opened.status_code == 200


def test_deep_linking_answers_links_the_platform_accepts(lms):
    launch(lms, TOM, roles=[INSTRUCTOR])
    exam = exam_in(course_of_context())

    returned = deep_link(lms, [exam.pk])

    assert returned.status_code == 200, lms.errors
    (item,) = lms.deep_link_items
    assert item["type"] == "ltiResourceLink"
    assert item["custom"] == {"exam_id": str(exam.pk)}
    assert item["lineItem"]["scoreMaximum"] == 3
    assert item["title"] == exam.name


def test_a_learner_takes_a_deep_linked_exam_and_the_platform_gets_one_final_score(lms, live_server):
    launch(lms, TOM, roles=[INSTRUCTOR])
    exam = exam_in(course_of_context())
    deep_link(lms, [exam.pk])
    item = lms.resource_link_for(0)

    landing, session = launch(lms, ANN, **item)
    assert landing.status_code == 200, lms.errors
    created = api(session, live_server, "POST", f"exams/{exam.pk}/attempts/", json={})
    assert created.status_code == 201, created.text
    attempt_id = created.json()["id"]
    assert api(session, live_server, "POST", f"attempts/{attempt_id}/start/").status_code == 200
    first_question = exam.questions.order_by("position", "id").first()
    saved = api(
        session,
        live_server,
        "PUT",
        f"attempts/{attempt_id}/answers/{first_question.pk}/",
        json={"response": "42"},
    )
    assert saved.status_code == 200, saved.text
    submitted = api(session, live_server, "POST", f"attempts/{attempt_id}/submit/")
    assert submitted.json()["status"] == S.COMPLETED

    (score,) = lms.scores
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    assert score["scoreGiven"] == float(first_question.points)
    assert score["scoreMaximum"] == 3
    assert score["userId"] == ANN.sub
    assert GradeSync.objects.get().state == SyncState.SENT


def test_grades_wait_while_the_token_endpoint_is_down_and_go_when_it_is_back(lms, live_server):
    from lti.grades import grades_sweep

    launch(lms, TOM, roles=[INSTRUCTOR])
    exam = exam_in(course_of_context())
    deep_link(lms, [exam.pk])
    _, session = launch(lms, ANN, **lms.resource_link_for(0))
    attempt_id = api(session, live_server, "POST", f"exams/{exam.pk}/attempts/", json={}).json()[
        "id"
    ]
    api(session, live_server, "POST", f"attempts/{attempt_id}/start/")
    lms.token_endpoint_down = True

    api(session, live_server, "POST", f"attempts/{attempt_id}/submit/")

    row = GradeSync.objects.get()
    assert (row.state, row.tries) == (SyncState.PENDING, 1)
    assert "503" in row.last_error or "access token" in row.last_error
    assert lms.scores == []
    lms.token_endpoint_down = False
    GradeSync.objects.update(next_try_at=row.created)  # due now

    assert grades_sweep() == 1

    (score,) = lms.scores
    assert score["gradingProgress"] == "FullyGraded"
    assert grades_sweep() == 0  # sent once: a second run posts nothing
    assert len(lms.scores) == 1


def test_a_proctored_exam_is_pending_manual_until_its_review_passes_and_a_replay_adds_nothing(
    lms, live_server
):
    import json

    from django.utils import timezone

    from exams import services
    from exams.models import ExamType
    from proctoring import signing
    from tests.factories import AttemptFactory
    from tests.proctoring.conftest import SECRET, review

    launch(lms, TOM, roles=[INSTRUCTOR])
    course = course_of_context()
    course.proctored_exams_enabled = True
    course.proctoring_provider = "simulated"
    course.save()
    exam = exam_in(course, exam_type=ExamType.PROCTORED)
    deep_link(lms, [exam.pk])
    launch(lms, ANN, **lms.resource_link_for(0))
    learner = LaunchUser.objects.get(sub=ANN.sub).user
    attempt = AttemptFactory(exam=exam, learner=learner, graded=True, taking_as_proctored=True)

    services.attempt_session_submitted(attempt_id=attempt.pk)

    (pending,) = lms.scores
    assert (pending["activityProgress"], pending["gradingProgress"]) == (
        "Submitted",
        "PendingManual",
    )
    assert "scoreGiven" not in pending
    body = json.dumps(review(attempt.attempt_code, "passed")).encode()
    for _ in range(2):  # the vendor sends its callback twice
        headers = signing.signed_headers(secret=SECRET, body=body, now=timezone.now())
        answer = requests.post(
            f"{live_server.url}/api/v1/proctoring/simulated/callback/",
            data=body,
            headers={**headers, "Content-Type": "application/json"},
            timeout=10,
        )
        assert answer.status_code in (200, 202), answer.text

    assert len(lms.scores) == 2
    final = lms.scores[-1]
    assert (final["gradingProgress"], final["scoreGiven"]) == ("FullyGraded", 7.5)
    assert GradeSync.objects.filter(state=SyncState.SENT).count() == 2
