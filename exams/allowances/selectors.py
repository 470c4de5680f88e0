"""Reading allowances, and resolving the exams a door names within one course."""

from collections.abc import Sequence

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exams.exceptions import InvalidInput
from exams.models import Allowance, Course, Exam, ExamType
from exams.selectors.staff import exams_for_staff


def allowances_for_course(*, course: Course) -> QuerySet[Allowance]:
    """The course's allowances with learner, exam and granter. One query.

    By learner; for each, the course-wide ones ("all timed exams") first, then by exam.
    """
    return (
        Allowance.objects.filter(course=course)
        .select_related("learner", "exam", "granted_by")
        .order_by(
            "learner__username",
            F("exam__position").asc(nulls_first=True),
            F("exam_id").asc(nulls_first=True),
            "kind",
            "id",
        )
    )


def exams_chosen(*, course: Course, exam_ids: Sequence[int | None]) -> list[Exam | None]:
    """The course's special exams with these ids, once each in the order given; `None` stands
    for all timed exams of the course. One query. InvalidInput (field `exams`, the ids in
    `exam_ids`) names any id that is not a special exam of the course."""
    exams = {exam.pk: exam for exam in exams_for_staff(course=course)}
    unknown = [exam_id for exam_id in exam_ids if exam_id is not None and exam_id not in exams]
    if unknown:
        raise InvalidInput(
            ngettext(
                "Not special exams of this course: %(ids)s.",
                "Not special exams of this course: %(ids)s.",
                len(unknown),
            )
            % {"ids": ", ".join(map(str, unknown))},
            field="exams",
            exam_ids=unknown,
        )
    return list(dict.fromkeys(None if exam_id is None else exams[exam_id] for exam_id in exam_ids))


def exam_chosen(*, course: Course, exam_id: int | None) -> Exam | None:
    """The course's special exam with this id, or None for all timed exams. InvalidInput
    (field `exam`) when it is not a special exam of the course."""
    if exam_id is None:
        return None
    found = Exam.objects.filter(course=course, pk=exam_id).exclude(exam_type=ExamType.NONE).first()
    if found is None:
        raise InvalidInput(
            _("No special exam %(exam)s in this course.") % {"exam": exam_id}, field="exam"
        )
    return found
