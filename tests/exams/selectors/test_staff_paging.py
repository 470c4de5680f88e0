"""Every page of the dashboard's attempts lists the right attempts in the right order, whether
it is read from the newest end or (second half) from the oldest end, and whatever other
courses' attempts lie between the course's own."""

import pytest

from exams.models import Attempt
from exams.selectors import staff
from exams.selectors.staff import PAGE_SIZE, AttemptFilters, attempts_for_course
from exams.statuses import AttemptStatus
from tests.factories import AttemptFactory, ExamFactory, attempts_in_bulk

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("total", [0, 1, 25, 26, 60, 101])
def test_pages_together_list_every_attempt_newest_first_once(course, total):
    exam = ExamFactory(course=course)
    attempts_in_bulk(exam, total)
    expected = list(Attempt.objects.filter(exam=exam).order_by("-id").values_list("id", flat=True))

    first = attempts_for_course(course=course, filters=AttemptFilters())
    listed = []
    for page in range(1, first.pages + 1):
        result = attempts_for_course(course=course, filters=AttemptFilters(page=page))
        assert len(result.results) == min(PAGE_SIZE, total - (page - 1) * PAGE_SIZE)
        listed += [row.id for row in result.results]

    assert first.count == total
    assert listed == expected


def test_pages_list_only_the_courses_attempts_among_other_courses_attempts(course):
    mine = [ExamFactory(course=course), ExamFactory(course=course)]
    elsewhere = ExamFactory()
    for n in range(60):  # ids of the two courses interleave
        attempts_in_bulk(mine[n % 2], 1)
        attempts_in_bulk(elsewhere, 2)
    expected = list(
        Attempt.objects.filter(exam__in=mine).order_by("-id").values_list("id", flat=True)
    )

    listed = []
    for page in (1, 2, 3):
        result = attempts_for_course(course=course, filters=AttemptFilters(page=page))
        listed += [row.id for row in result.results]

    assert result.count == 60
    assert result.pages == 3
    assert listed == expected


@pytest.mark.parametrize("page", [1, 2])  # page 2 of 2 is read from the oldest end
def test_filtered_pages_count_and_list_only_what_matches(course, page):
    exam, other_exam = ExamFactory(course=course), ExamFactory(course=course)
    attempts_in_bulk(exam, 30, status=AttemptStatus.COMPLETED)
    attempts_in_bulk(other_exam, 30, status=AttemptStatus.COMPLETED)
    attempts_in_bulk(exam, 30, status=AttemptStatus.CREATED)
    attempts_in_bulk(ExamFactory(), 30, status=AttemptStatus.COMPLETED)
    expected = list(
        Attempt.objects.filter(exam=exam, status=AttemptStatus.COMPLETED)
        .order_by("-id")
        .values_list("id", flat=True)
    )

    result = attempts_for_course(
        course=course,
        filters=AttemptFilters(exam_id=exam.pk, status=AttemptStatus.COMPLETED, page=page),
    )

    assert (result.count, result.pages) == (30, 2)
    start = (page - 1) * PAGE_SIZE
    assert [row.id for row in result.results] == expected[start : start + PAGE_SIZE]


@pytest.mark.parametrize("gather_max", [0, 10_000])  # walked in id order, or gathered
def test_a_search_pages_through_the_matching_learners_only(course, monkeypatch, gather_max):
    monkeypatch.setattr(staff, "SEARCH_GATHER_MAX", gather_max)
    exam = ExamFactory(course=course)
    matching = [AttemptFactory(exam=exam, learner__username=f"ann{n:02d}") for n in range(30)]
    AttemptFactory.create_batch(10, exam=exam)
    AttemptFactory(exam=ExamFactory(), learner__username="ann_elsewhere")

    pages = [
        attempts_for_course(course=course, filters=AttemptFilters(q="ANN", page=page))
        for page in (1, 2)  # page 2 of 2 is counted from the oldest end
    ]

    assert pages[0].count == 30
    assert [row.id for page in pages for row in page.results] == [
        attempt.pk for attempt in reversed(matching)
    ]
