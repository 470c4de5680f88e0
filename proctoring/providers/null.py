"""The null provider: no proctoring software. Timed exams use it."""

from proctoring.providers.base import (
    ExamRegistration,
    LearnerUi,
    ProctoringProvider,
    SessionOpened,
    SessionRequest,
)


class NullProvider(ProctoringProvider):
    uses_proctoring = False

    def register_exam(self, exam: ExamRegistration) -> str:
        return f"null-exam-{exam.exam_id}"

    def open_session(self, request: SessionRequest) -> SessionOpened:
        return SessionOpened(external_id=f"null-{request.attempt_code}")

    def learner_ui(self, attempt_code: str) -> LearnerUi:
        return LearnerUi()
