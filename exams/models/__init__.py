"""The exams app's models, one module per family."""

from exams.models.allowances import Allowance, AllowanceKind
from exams.models.attempts import Answer, Attempt, AttemptTransition, TransitionKind
from exams.models.audit import AuditAction, AuditLogEntry
from exams.models.courses import Course, CourseRole, Enrollment, EnrollmentMode, RoleName
from exams.models.exams import CHOICE_KINDS, Choice, Exam, ExamType, Question, QuestionKind

__all__ = [
    "CHOICE_KINDS",
    "Allowance",
    "AllowanceKind",
    "Answer",
    "Attempt",
    "AttemptTransition",
    "AuditAction",
    "AuditLogEntry",
    "Choice",
    "Course",
    "CourseRole",
    "Enrollment",
    "EnrollmentMode",
    "Exam",
    "ExamType",
    "Question",
    "QuestionKind",
    "RoleName",
    "TransitionKind",
]
