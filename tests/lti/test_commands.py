"""Registering a platform from the command line, and attaching one of its courses to a
course that exists here."""

import pytest
from django.core.management import CommandError, call_command

from lti.models import Deployment, LaunchContext, Platform

pytestmark = pytest.mark.django_db

ARGS = [
    "--name=Moodle",
    "--issuer=https://moodle.example.edu",
    "--client-id=abc",
    "--auth-login-url=https://moodle.example.edu/mod/lti/auth.php",
    "--auth-token-url=https://moodle.example.edu/mod/lti/token.php",
    "--key-set-url=https://moodle.example.edu/mod/lti/certs.php",
    "--deployment=1",
]


def test_a_platform_is_registered_and_registering_again_updates_it(course):
    call_command("lti_platform", *ARGS, f"--attach=ctx-9={course.course_id}")
    call_command("lti_platform", *ARGS[1:], "--name=Moodle 4.5", "--deployment=2")

    platform = Platform.objects.get()
    assert platform.name == "Moodle 4.5"
    assert sorted(Deployment.objects.values_list("deployment_id", flat=True)) == ["1", "2"]
    assert LaunchContext.objects.get(context_id="ctx-9").course == course


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--attach=ctx-9=course-v1:No+Such+Course"], "give CONTEXT_ID=COURSE_ID"),
        (["--key-set-url=not a url"], "key_set_url"),
    ],
)
def test_bad_registrations_are_refused_and_save_nothing(extra, message):
    with pytest.raises(CommandError, match=message):
        call_command("lti_platform", *ARGS, *extra)

    assert not Platform.objects.exists()
