"""Fuzzing the REST API with schemathesis, against the app's own OpenAPI schema.

The schema is read from /api/schema/ and every operation is called in-process through the WSGI
application, signed in as a learner and as an instructor (session cookie and CSRF header, as a
browser sends them), on a real database with objects the calls can reach: path ids are drawn
from the ids of real objects as well as from anything. Each response must not be a 5xx, must
have a status code the schema documents, and a body of the documented shape.

The provider callback is left out: it is authenticated by a signature over the body, not by the
session, so every generated request would stop at 401 and test nothing; its own tests
(tests/proctoring/test_callbacks.py) cover signatures, bad bodies and replays.
"""

import os
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.conftest import World, world_of

# Examples per operation and user; FUZZ_EXAMPLES=500 for a longer hunt.
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application()).exclude(
    path_regex=r"/callback/$"
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# Filled by the `fuzz_world` fixture before each test's examples run.
KNOWN: dict[str, list[Any]] = {}


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    """Most examples aim at real objects of the world; the generated value (any integer or text,
    valid or not) stays among the choices."""
    return st.fixed_dictionaries(
        {
            name: st.sampled_from([*KNOWN.get(name, []), value])
            for name, value in path_parameters.items()
        }
    )


@pytest.fixture
def fuzz_world(transactional_db, course, learner, instructor) -> World:
    world = world_of(course, learner, instructor)
    started = world.attempt("started")
    KNOWN.clear()
    KNOWN.update(
        course_id=[course.course_id],
        exam_id=[world.proctored.pk, world.final.pk, world.timed.pk, world.practice.pk],
        attempt_id=[started.pk, world.attempt("error").pk, world.attempt("completed").pk],
        question_id=[world.question.pk, *(q.pk for q in world.questions)],
        allowance_id=[world.allowance.pk],
        job_id=[world.done_job.pk, world.failed_job.pk],
    )
    return world


@pytest.fixture(params=["learner", "instructor"])
def credentials(request) -> dict[str, Any]:
    """What the user's browser sends: the session and CSRF cookies and the CSRF header."""
    client = Client()
    client.force_login(request.getfixturevalue(request.param))
    token = _get_new_csrf_string()
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": token},
        "headers": {"X-CSRFToken": token},
    }


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    # The database makes examples slow, and the world is built once per operation and user.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_api(case, fuzz_world, credentials):
    case.call_and_validate(**credentials, checks=CHECKS)
