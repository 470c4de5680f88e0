"""Finding learners by username or e-mail, one or many at a time."""

import pytest

from exams.allowances.batch import (
    AMBIGUOUS_LEARNER,
    UNKNOWN_LEARNER,
    Problem,
    learner_resolve_one,
    learners_resolve,
)
from exams.exceptions import DomainError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("identifier", ["learner", "  learner ", "LEARNER@example.com"])
def test_learner_is_found_by_username_or_email(learner, identifier):
    assert learner_resolve_one(identifier) == learner


@pytest.mark.parametrize(
    ("identifier", "code"),
    [
        ("nobody", "unknown_learner"),
        ("nobody@example.com", "unknown_learner"),
        ("", "invalid_input"),
    ],
)
def test_unknown_learner_is_refused(learner, identifier, code):
    with pytest.raises(DomainError) as raised:
        learner_resolve_one(identifier)

    assert raised.value.code == code
    assert raised.value.extra == {"field": "learner"}


def test_a_username_wins_over_an_email_of_the_same_text(learner):
    named_like_an_email = UserFactory(username="learner@example.com", email="x@example.com")

    assert learner_resolve_one("learner@example.com") == named_like_an_email


def test_a_username_is_matched_exactly(learner):
    with pytest.raises(DomainError) as raised:
        learner_resolve_one("LEARNER")

    assert raised.value.code == "unknown_learner"


def test_an_email_that_several_users_share_is_refused():
    UserFactory(username="one", email="same@example.com")
    UserFactory(username="two", email="Same@Example.com")

    with pytest.raises(DomainError) as raised:
        learner_resolve_one("same@example.com")

    assert raised.value.code == "invalid_input"
    assert raised.value.message == (
        "Several users share the e-mail 'same@example.com'; use the username."
    )


def test_many_learners_are_resolved_in_two_queries(
    learner, other_learner, django_assert_num_queries
):
    texts = ["learner", "OTHER@example.com", "nobody", " learner "]

    with django_assert_num_queries(2):
        found = learners_resolve(texts)

    assert found == {
        "learner": learner,
        "OTHER@example.com": other_learner,
        "nobody": Problem(UNKNOWN_LEARNER, "No user with username or e-mail 'nobody'."),
    }


def test_blank_identifiers_are_left_out_and_cost_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert learners_resolve(["", "  "]) == {}


def test_an_ambiguous_email_among_many_is_a_problem_not_an_error():
    UserFactory(username="one", email="same@example.com")
    UserFactory(username="two", email="SAME@example.com")

    found = learners_resolve(["same@example.com"])

    assert found["same@example.com"].code == AMBIGUOUS_LEARNER
