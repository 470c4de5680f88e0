"""Reads for course staff: the Special Exam dashboard's attempts, its chart, the allowances.

Every function costs a constant number of queries, however many attempts a course has.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from math import ceil
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exams.exceptions import InvalidInput
from exams.models import Attempt, Course, Exam, ExamType
from exams.statuses import AttemptStatus

PAGE_SIZE = 25
MAX_QUERY_LENGTH = 254


@dataclass(frozen=True)
class AttemptFilters:
    """The dashboard's search: username prefix or e-mail, exam, status, page (from 1)."""

    q: str = ""
    exam_id: int | None = None
    status: str | None = None
    page: int = 1


def _positive_int(raw: str, *, field: str, message: str) -> int:
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise InvalidInput(message, field=field)
    return int(text)


def attempt_filters_clean(params: Mapping[str, Any]) -> AttemptFilters:
    """Read the dashboard's filters from query parameters; raise InvalidInput naming the field.

    Empty values mean "no filter" (page: 1). Whether the exam belongs to the course and the page
    exists is checked by `attempts_for_course`.
    """
    q = str(params.get("q") or "").strip()
    if len(q) > MAX_QUERY_LENGTH:
        raise InvalidInput(
            ngettext(
                "Search for at most %(max)d character.",
                "Search for at most %(max)d characters.",
                MAX_QUERY_LENGTH,
            )
            % {"max": MAX_QUERY_LENGTH},
            field="q",
        )
    exam = str(params.get("exam") or "")
    status = str(params.get("status") or "").strip()
    if status and status not in AttemptStatus.values:
        raise InvalidInput(_("Unknown status '%(status)s'.") % {"status": status}, field="status")
    page = str(params.get("page") or "1")
    exam_id = None
    if exam.strip():
        exam_id = _positive_int(
            exam, field="exam", message=_("The exam id must be a whole number from 1 up.")
        )
    return AttemptFilters(
        q=q,
        exam_id=exam_id,
        status=status or None,
        page=_positive_int(
            page, field="page", message=_("The page number must be a whole number from 1 up.")
        ),
    )


@dataclass(frozen=True)
class AttemptRow:
    """One line of the dashboard's attempts table."""

    id: int
    username: str
    email: str
    exam_id: int
    exam_name: str
    exam_type: str
    exam_type_label: str
    allowed_seconds: int | None
    allowed_minutes: Decimal | None
    started_at: datetime | None
    completed_at: datetime | None
    status: str
    status_label: str
    taking_as_proctored: bool
    is_sample_attempt: bool
    can_resume: bool


@dataclass(frozen=True)
class AttemptPage:
    count: int
    page: int
    pages: int
    page_size: int
    results: list[AttemptRow]

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


_ROW_FIELDS = (
    "id",
    "status",
    "created",
    "started_at",
    "completed_at",
    "allowed_seconds",
    "taking_as_proctored",
    "is_sample_attempt",
    "exam__id",
    "exam__name",
    "exam__exam_type",
    "learner__id",
    "learner__username",
    "learner__email",
)


def _row(attempt: Attempt) -> AttemptRow:
    allowed = attempt.allowed_seconds
    exam = attempt.exam
    return AttemptRow(
        id=attempt.pk,
        username=attempt.learner.get_username(),
        email=attempt.learner.email,
        exam_id=exam.pk,
        exam_name=exam.name,
        exam_type=exam.exam_type,
        exam_type_label=str(ExamType(exam.exam_type).label),
        allowed_seconds=allowed,
        allowed_minutes=(Decimal(allowed) / 60).quantize(Decimal("0.01")) if allowed else None,
        started_at=attempt.started_at,
        completed_at=attempt.completed_at,
        status=attempt.status,
        status_label=str(AttemptStatus(attempt.status).label),
        taking_as_proctored=attempt.taking_as_proctored,
        is_sample_attempt=attempt.is_sample_attempt,
        can_resume=attempt.status == AttemptStatus.ERROR and attempt.completed_at is None,
    )


def attempts_for_course(*, course: Course, filters: AttemptFilters) -> AttemptPage:
    """One page of the course's attempts (timed, proctored, practice), newest first.

    `q` matches the start of the username or of the e-mail, ignoring case (so a whole e-mail
    matches too). Raises InvalidInput for an exam of another course or a page past the last
    one; page 1 always exists, even with no attempts. Three queries at most.
    """
    # By the attempt's own course column: the course's attempts are one range of an index.
    queryset = Attempt.objects.filter(course=course)
    if filters.exam_id is not None:
        if not Exam.objects.filter(course=course, pk=filters.exam_id).exists():
            raise InvalidInput(
                _("No exam %(exam)s in this course.") % {"exam": filters.exam_id}, field="exam"
            )
        queryset = queryset.filter(exam_id=filters.exam_id)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.q:
        queryset = queryset.filter(
            Q(learner__username__istartswith=filters.q) | Q(learner__email__istartswith=filters.q)
        )
    count = queryset.count()
    pages = max(1, ceil(count / PAGE_SIZE))
    if filters.page > pages:
        raise InvalidInput(
            ngettext(
                "Page %(page)d does not exist; there are %(pages)d.",
                "Page %(page)d does not exist; there are %(pages)d.",
                pages,
            )
            % {"page": filters.page, "pages": pages},
            field="page",
            pages=pages,
        )
    attempts = _page_of(queryset, page=filters.page, count=count, searched=bool(filters.q))
    return AttemptPage(
        count=count,
        page=filters.page,
        pages=pages,
        page_size=PAGE_SIZE,
        results=[_row(attempt) for attempt in attempts],
    )


# A search matching at most this many attempts gathers them through the matching learners
# and sorts them; one matching more walks the course's attempts in id order (see _page_of).
SEARCH_GATHER_MAX = 10_000


def _page_of(
    queryset: QuerySet[Attempt], *, page: int, count: int, searched: bool
) -> list[Attempt]:
    """The page's attempts, newest (highest id) first, in one query.

    The page's ids are found first, from indexes where possible, and only those rows are read
    whole: skipping rows then costs index entries, not table rows. Pages in the second half
    are counted from the oldest end, so no page skips more than half the matches.

    Given a LIMIT, PostgreSQL walks the attempts in id order and keeps those that match,
    which is quick when matches are dense and slow when they are few (an e-mail search read
    half a 100,000-attempt course to find its 10 rows). So a search with few matches sorts
    by an expression instead of the column, which makes the database gather the matches
    through the learners' rows first and sort only those.
    """
    start = (page - 1) * PAGE_SIZE
    end = min(start + PAGE_SIZE, count)
    newest_first = start <= count // 2
    offset = start if newest_first else count - end
    order: Any = F("id")
    if searched and count <= SEARCH_GATHER_MAX:
        order = F("id") + 0
    ids = (
        queryset.alias(sort_id=order)
        .order_by("-sort_id" if newest_first else "sort_id")
        .values("id")[offset : offset + (end - start)]
    )
    rows = Attempt.objects.filter(pk__in=ids).select_related("exam", "learner")
    return list(rows.only(*_ROW_FIELDS).order_by("-id"))


def exams_of_course(*, course: Course) -> list[Exam]:
    """Every exam of the course, special or not, in course order (the settings page)."""
    return list(Exam.objects.filter(course=course))


def exams_for_staff(*, course: Course) -> list[Exam]:
    """The course's special exams (active or not), in course order."""
    return list(Exam.objects.filter(course=course).exclude(exam_type=ExamType.NONE))


@dataclass(frozen=True)
class StatusBar:
    status: str
    label: str
    count: int
    percent: int


@dataclass(frozen=True)
class ExamChart:
    exam_id: int
    exam_name: str
    total: int
    bars: list[StatusBar]


def attempt_status_chart(*, course: Course) -> list[ExamChart]:
    """Per special exam of the course: how many attempts are in each status. Two queries."""
    counts: dict[int, dict[str, int]] = {}
    rows = (
        Attempt.objects.filter(exam__course=course)
        .values("exam_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts.setdefault(row["exam_id"], {})[row["status"]] = row["n"]
    charts = []
    for exam in exams_for_staff(course=course):
        by_status = counts.get(exam.pk, {})
        total = sum(by_status.values())
        bars = [
            StatusBar(
                status=status.value,
                label=str(status.label),
                count=by_status[status.value],
                percent=round(by_status[status.value] * 100 / total),
            )
            for status in AttemptStatus
            if by_status.get(status.value)
        ]
        charts.append(ExamChart(exam_id=exam.pk, exam_name=exam.name, total=total, bars=bars))
    return charts


def proctoring_provider_names() -> list[str]:
    """The providers a course may choose (settings.PROCTORING_PROVIDERS)."""
    return sorted(settings.PROCTORING_PROVIDERS)
