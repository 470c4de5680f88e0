"""The OpenAPI schema is as strict as the server: what it allows, the server accepts, and the
answers it lists are the ones the server gives (a client generated from it refuses early)."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

from exams.allowances.batch import MAX_EXAMS, MAX_LEARNERS
from exams.course_settings.inputs import MAX_REVIEW_RULES, ExamSettingsChange
from exams.exceptions import InvalidInput
from exams.models import ExamType
from exams.timing import parse_hhmm
from proctoring.models import DeliveryStatus
from tests.proctoring import conftest as callback_fixtures
from tests.proctoring.conftest import review

pytestmark = pytest.mark.django_db

# A signed callback and a finished proctored attempt, as the callback tests have them.
deliver = callback_fixtures.deliver
proctored_attempt = callback_fixtures.proctored_attempt


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def component(schema: dict, name: str) -> dict:
    return schema["components"]["schemas"][name]


def resolved(schema: dict, field: dict) -> dict:
    if "$ref" in field:
        return component(schema, field["$ref"].rsplit("/", 1)[1])
    return field


def parameter(schema: dict, path: str, method: str, name: str) -> dict:
    (found,) = [p for p in schema["paths"][path][method]["parameters"] if p["name"] == name]
    return found["schema"]


def test_the_attempts_list_states_its_bounds_and_its_enum(schema):
    path = "/api/v1/courses/{course_id}/attempts/"
    assert parameter(schema, path, "get", "page") == {"type": "integer", "minimum": 1}
    assert parameter(schema, path, "get", "exam") == {"type": "integer", "minimum": 1}
    assert "verified" in parameter(schema, path, "get", "status")["enum"]


def test_exam_settings_state_the_type_enum_and_the_review_rules_length(schema):
    fields = component(schema, "PatchedExamSettingsInput")["properties"]
    assert resolved(schema, fields["exam_type"])["enum"] == ExamType.values
    assert fields["review_rules"]["maxLength"] == MAX_REVIEW_RULES


def _time_allotted(value):
    return ExamSettingsChange.parse({"time_allotted": value}).time_limit_minutes


def _passing_percent(value):
    return ExamSettingsChange.parse({"passing_percent": value}).passing_percent


def _accepted_by_server(cleaner, value: str) -> bool:
    try:
        cleaner(value)
    except (ValueError, InvalidInput):
        return False
    return True


def test_the_time_allotted_pattern_allows_exactly_what_the_server_accepts(schema):
    field = component(schema, "PatchedExamSettingsInput")["properties"]["time_allotted"]
    assert field["nullable"] is True
    text_form, empty_form = field["oneOf"]  # HH:MM, or empty (no time limit, as null)
    assert empty_form == {"type": "string", "maxLength": 0}
    regex = re.compile(text_form["pattern"])
    for hours in range(26):
        for minutes in (0, 1, 5, 30, 59, 60, 99):
            text = f"{hours:02d}:{minutes:02d}"
            assert bool(regex.match(text)) == _accepted_by_server(parse_hhmm, text), text
    for text in ["1:30", "01:5", "01-30", "0130", "24:01", "aa:bb", " 01:30"]:
        assert not regex.match(text), text
    assert _time_allotted("") is None and _time_allotted(None) is None


def test_the_passing_score_schema_allows_what_the_server_accepts(schema):
    (as_text, as_number) = component(schema, "PatchedExamSettingsInput")["properties"][
        "passing_percent"
    ]["oneOf"]
    assert (as_number["minimum"], as_number["maximum"]) == (0, 100)
    regex = re.compile(as_text["pattern"])
    allowed = ["0", "7", "70", "70.5", "70.25", "99.99", "100", "100.0", "100.00"]
    refused = ["100.01", "101", "-1", "70.255", "abc", "", "NaN", "Infinity"]
    for text in allowed:
        assert regex.match(text) and _accepted_by_server(_passing_percent, text), text
    for text in refused:
        assert not regex.match(text), text
        assert not _accepted_by_server(_passing_percent, text), text
    assert _passing_percent("70.25") == Decimal("70.25")


def test_bulk_allowances_state_the_service_limits(schema):
    fields = component(schema, "AllowanceBulkInput")["properties"]
    assert (fields["learners"]["minItems"], fields["learners"]["maxItems"]) == (1, MAX_LEARNERS)
    assert (fields["exams"]["minItems"], fields["exams"]["maxItems"]) == (1, MAX_EXAMS)
    assert fields["exams"]["items"]["minimum"] == 1
    grant = component(schema, "AllowanceGrantInput")["properties"]
    assert (grant["exam"]["minimum"], grant["exam"]["nullable"]) == (1, True)


def test_the_callback_lists_every_answer_it_gives(schema, deliver, proctored_attempt, settings):
    operation = schema["paths"]["/api/v1/proctoring/{provider}/callback/"]["post"]
    error = "#/components/schemas/Error"
    listed = {
        status: answer["content"]["application/json"]["schema"].get("$ref")
        for status, answer in operation["responses"].items()
    }
    assert listed == {
        "202": "#/components/schemas/CallbackAccepted",
        **dict.fromkeys(["400", "401", "404", "413", "429"], error),
    }
    accepted = resolved(schema, component(schema, "CallbackAccepted")["properties"]["status"])
    assert accepted["enum"] == DeliveryStatus.values

    # and the server gives each of them, in the listed shape
    error_fields = set(component(schema, "Error")["properties"])
    code = proctored_attempt.attempt_code
    answers = {
        400: deliver(raw=b"[not json"),
        401: deliver(review(code), secret="wrong"),
        404: deliver(review(code), provider="nobody"),
        413: deliver(raw=b"{" + b" " * (70 * 1024) + b"}"),
    }
    cache.clear()
    settings.PROCTORING_CALLBACK_RATE_PER_MINUTE = 1
    deliver(review(code))
    answers[429] = deliver(review(code))
    for status, response in answers.items():
        assert response.status_code == status
        assert set(response.json()) == error_fields, (status, response.json())
    cache.clear()
