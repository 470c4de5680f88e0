"""Every page of the dashboard's attempts lists the right attempts in the right order, whether
it is read from the newest end or (second half) from the oldest end."""

import pytest

from exams.models import Attempt
from exams.selectors.staff import PAGE_SIZE, AttemptFilters, attempts_for_course
from tests.factories import ExamFactory, attempts_in_bulk

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
