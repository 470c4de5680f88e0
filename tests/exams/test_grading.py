"""Scoring and cleaning of answers. Pure, no database."""

from decimal import Decimal

import pytest

from exams.exceptions import InvalidInput
from exams.grading import MAX_TEXT_LENGTH, QuestionKey, clean_response, is_passing, score

SINGLE = QuestionKey(
    kind="single_choice",
    points=Decimal(2),
    correct_choice_ids=frozenset({1}),
    all_choice_ids=frozenset({1, 2, 3}),
)
MULTIPLE = QuestionKey(
    kind="multiple_choice",
    points=Decimal(3),
    correct_choice_ids=frozenset({1, 3}),
    all_choice_ids=frozenset({1, 2, 3}),
)
NUMERIC = QuestionKey(
    kind="numeric",
    points=Decimal(1),
    numeric_answer=Decimal("3.14"),
    numeric_tolerance=Decimal("0.01"),
)
TEXT = QuestionKey(kind="text", points=Decimal(1), text_answers=("Ada Lovelace", "Lovelace"))


@pytest.mark.parametrize(
    ("key", "response", "points"),
    [
        (SINGLE, [1], Decimal(2)),
        (SINGLE, [2], Decimal(0)),
        (SINGLE, [], Decimal(0)),
        (MULTIPLE, [1, 3], Decimal(3)),
        (MULTIPLE, [1], Decimal(0)),
        (MULTIPLE, [1, 2, 3], Decimal(0)),
        (NUMERIC, "3.14", Decimal(1)),
        (NUMERIC, "3.15", Decimal(1)),
        (NUMERIC, "3.13", Decimal(1)),
        (NUMERIC, "3.16", Decimal(0)),
        (NUMERIC, "", Decimal(0)),
        (NUMERIC, None, Decimal(0)),
        (NUMERIC, "not a number", Decimal(0)),
        (NUMERIC, "1e999999999", Decimal(0)),  # stored before it was refused: no Overflow
        (TEXT, "ada   LOVELACE", Decimal(1)),
        (TEXT, " lovelace ", Decimal(1)),
        (TEXT, "Babbage", Decimal(0)),
        (TEXT, "", Decimal(0)),
    ],
)
def test_score_is_all_or_nothing(key, response, points):
    assert score(key, response) == points


def test_score_of_an_unknown_kind_is_zero():
    assert score(QuestionKey(kind="essay", points=Decimal(5)), "anything") == Decimal(0)


def test_score_of_a_numeric_question_without_answer_is_zero():
    key = QuestionKey(kind="numeric", points=Decimal(1))

    assert score(key, "0") == Decimal(0)


@pytest.mark.parametrize(
    ("key", "raw", "cleaned"),
    [
        (SINGLE, 2, [2]),
        (SINGLE, [2], [2]),
        (MULTIPLE, [3, 1, 3], [1, 3]),
        (NUMERIC, " 3,14 ", "3.14"),
        (NUMERIC, 42, "42"),
        (NUMERIC, "", ""),
        (TEXT, "free text", "free text"),
    ],
)
def test_clean_response_returns_the_stored_form(key, raw, cleaned):
    assert clean_response(key, raw) == cleaned


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        (SINGLE, [1, 2], "Choose only one option."),
        (SINGLE, [9], "That option does not belong to this question."),
        (SINGLE, "1", "Choose one or more of the options."),
        (SINGLE, [True], "Choose one or more of the options."),
        (NUMERIC, "abc", "Enter a number, such as 42 or 3.14."),
        (NUMERIC, True, "Enter a number."),
        (NUMERIC, "Infinity", "Enter a finite number of reasonable size."),
        (NUMERIC, "1e20", "Enter a finite number of reasonable size."),
        (TEXT, 12, "Enter text."),
        (TEXT, "a\x00b", "Answers cannot contain NUL characters."),
        (TEXT, "x" * (MAX_TEXT_LENGTH + 1), "Answers are limited to 2000 characters."),
        (QuestionKey(kind="essay", points=Decimal(1)), "x", "Unknown question kind."),
    ],
)
def test_clean_response_refuses_bad_input_with_a_reason(key, raw, message):
    with pytest.raises(InvalidInput) as raised:
        clean_response(key, raw)

    assert raised.value.code == "invalid_input"
    assert raised.value.message == message


@pytest.mark.parametrize(
    ("earned", "possible", "passing", "passed"),
    [
        (Decimal(5), Decimal(10), Decimal(50), True),
        (Decimal("4.99"), Decimal(10), Decimal(50), False),
        (Decimal(0), Decimal(0), Decimal(50), True),
        (Decimal(0), Decimal(10), Decimal(0), True),
    ],
)
def test_is_passing_compares_the_percentage_with_the_passing_score(
    earned, possible, passing, passed
):
    assert is_passing(earned=earned, possible=possible, passing_percent=passing) is passed
