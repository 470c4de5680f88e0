"""Sessions with a REST vendor: a small fake vendor server on 127.0.0.1 records what it gets."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from exams import services
from exams.models import AllowanceKind
from proctoring.models import ProviderExam, ProviderSession
from proctoring.providers import get_provider
from proctoring.services import session_notify, session_open
from tests.factories import AllowanceFactory, AttemptFactory, ExamFactory

pytestmark = pytest.mark.django_db


class FakeVendor(BaseHTTPRequestHandler):
    received: list[tuple[str, dict, str]] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        FakeVendor.received.append((self.path, body, self.headers.get("Authorization", "")))
        answer = (
            {"id": "vendor-exam-1"}
            if self.path == "/exams"
            else {"id": "vendor-session-9", "software_url": "https://vendor.invalid/launch"}
        )
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def vendor():
    FakeVendor.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeVendor)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    providers = {
        "rest": {
            "BACKEND": "proctoring.providers.rest.RestProvider",
            "BASE_URL": f"http://127.0.0.1:{server.server_port}",
            "TOKEN": "vendor-token",
            "SECRET": "vendor-secret",
        }
    }
    get_provider.cache_clear()
    with override_settings(PROCTORING_PROVIDERS=providers):
        yield FakeVendor.received
    get_provider.cache_clear()
    server.shutdown()


def test_review_rules_and_review_exception_reach_the_vendor(vendor, course, learner):
    course.proctoring_provider = "rest"
    course.save()
    exam = ExamFactory(course=course, proctored=True, review_rules="Allow a calculator.")
    AllowanceFactory(
        exam=exam,
        learner=learner,
        kind=AllowanceKind.REVIEW_EXCEPTION,
        minutes=None,
        text="Learner cannot see. Allow a scribe.",
    )
    AllowanceFactory(exam=exam, learner=learner, minutes=30)
    attempt = AttemptFactory(exam=exam, learner=learner, status="download_software_clicked")

    session = session_open(attempt_id=attempt.pk)

    paths = [path for path, _, _ in vendor]
    assert paths == ["/exams", "/sessions"]
    exam_body = vendor[0][1]
    assert exam_body["review_rules"] == "Allow a calculator."
    session_body = vendor[1][1]
    assert session_body["review_rules"] == "Allow a calculator."
    assert session_body["review_exceptions"] == ["Learner cannot see. Allow a scribe."]
    assert session_body["allowed_seconds"] == (60 + 30) * 60
    assert session_body["attempt_code"] == attempt.attempt_code
    assert learner.username not in json.dumps(session_body["learner_ref"])
    assert session_body["callback_url"].endswith("/api/v1/proctoring/rest/callback/")
    assert vendor[1][2] == "Bearer vendor-token"
    assert session.external_id == "vendor-session-9"
    assert session.software_url == "https://vendor.invalid/launch"
    assert ProviderExam.objects.get().external_id == "vendor-exam-1"


def test_opening_twice_makes_one_session_and_registers_the_exam_once(vendor, course, learner):
    course.proctoring_provider = "rest"
    course.save()
    exam = ExamFactory(course=course, proctored=True)
    first = AttemptFactory(exam=exam, learner=learner, status="download_software_clicked")

    session_open(attempt_id=first.pk)
    session_open(attempt_id=first.pk)

    assert ProviderSession.objects.count() == 1
    assert [path for path, _, _ in vendor] == ["/exams", "/sessions"]


def test_setup_begun_opens_the_session_through_the_event(
    vendor, course, learner, django_capture_on_commit_callbacks
):
    course.proctoring_provider = "rest"
    course.save()
    exam = ExamFactory(course=course, proctored=True)
    attempt = services.attempt_create(exam=exam, learner=learner, proctored=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.attempt_setup_begin(attempt_id=attempt.pk, actor=learner)

    assert ProviderSession.objects.get().attempt_id == attempt.pk
    session_notify(attempt_id=attempt.pk, event="started")
    assert vendor[-1][0] == "/sessions/vendor-session-9/events"
    assert vendor[-1][1] == {"event": "started"}


def test_unproctored_attempts_get_no_session(vendor, course, learner):
    attempt = AttemptFactory(exam=ExamFactory(course=course), learner=learner)

    assert session_open(attempt_id=attempt.pk) is None
    assert vendor == []
