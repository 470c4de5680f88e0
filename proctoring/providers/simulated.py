"""The simulated provider: plays the proctoring software in the browser, for demos and tests.

Its "vendor side" (proctoring.simulated) calls the app back through the same signed HTTP
callbacks a real vendor uses, so the real intake path runs end to end.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from proctoring.providers.base import (
    ExamRegistration,
    LearnerUi,
    ProctoringProvider,
    SessionOpened,
    SessionRequest,
    SetupStep,
)


class SimulatedProvider(ProctoringProvider):
    def register_exam(self, exam: ExamRegistration) -> str:
        return f"sim-exam-{exam.exam_id}"

    def open_session(self, request: SessionRequest) -> SessionOpened:
        return SessionOpened(
            external_id=f"sim-{request.attempt_code}",
            software_url=reverse("proctoring:simulated-software", args=[request.attempt_code]),
        )

    def learner_ui(self, attempt_code: str) -> LearnerUi:
        return LearnerUi(
            steps=(
                SetupStep(_("Install"), _("Open the proctoring software in a new window.")),
                SetupStep(_("System check"), _("The software checks your camera and screen.")),
                SetupStep(_("Photo ID"), _("Hold a government-issued photo ID to the camera.")),
                SetupStep(_("Photo of you"), _("The software takes a photo of your face.")),
                SetupStep(_("Room scan"), _("Show your desk, under it, and the whole room.")),
            ),
            software_url=reverse("proctoring:simulated-software", args=[attempt_code]),
            liveness_channel=f"proctoring-{attempt_code}",
        )
