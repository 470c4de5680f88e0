"""A generic REST provider client: registers exams and sessions over HTTP; the vendor calls
back with signed JSON (the generic callback format).

Options: BASE_URL, TOKEN (sent as a bearer token and accepted on callbacks), SECRET (HMAC key
for callbacks), TIMEOUT (seconds, default 5), VERDICTS (overrides of the verdict table).
"""

import json
import urllib.error
import urllib.request
from dataclasses import asdict
from typing import Any

from django.utils.translation import gettext as _

from exams import json_input
from proctoring.exceptions import ProviderUnavailable
from proctoring.providers.base import (
    ExamRegistration,
    LearnerUi,
    ProctoringProvider,
    SessionOpened,
    SessionRequest,
    SetupStep,
)


class RestProvider(ProctoringProvider):
    def _call(self, method: str, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        url = str(self.options["BASE_URL"]).rstrip("/") + path
        request = urllib.request.Request(
            url,
            data=json.dumps(payload).encode(),
            method=method,
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.options.get('TOKEN', '')}",
            },
        )
        try:
            with urllib.request.urlopen(
                request, timeout=float(self.options.get("TIMEOUT", 5))
            ) as response:
                body = response.read()
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise ProviderUnavailable(f"{self.name}: {error}") from None
        try:
            data = json_input.parse(body or b"{}")
        except json_input.JsonInputError:
            raise ProviderUnavailable(f"{self.name}: the answer is not JSON") from None
        if not isinstance(data, dict):
            raise ProviderUnavailable(f"{self.name}: unexpected answer")
        return data

    def register_exam(self, exam: ExamRegistration) -> str:
        data = self._call("POST", "/exams", asdict(exam))
        return str(data.get("id", ""))

    def open_session(self, request: SessionRequest) -> SessionOpened:
        payload = asdict(request)
        payload["review_exceptions"] = list(request.review_exceptions)
        data = self._call("POST", "/sessions", payload)
        return SessionOpened(
            external_id=str(data.get("id", "")), software_url=str(data.get("software_url", ""))
        )

    def notify(self, *, external_id: str, attempt_code: str, event: str) -> None:
        self._call("POST", f"/sessions/{external_id}/events", {"event": event})

    def learner_ui(self, attempt_code: str) -> LearnerUi:
        return LearnerUi(
            steps=(
                SetupStep(_("Install"), _("Download and install the proctoring software.")),
                SetupStep(_("Checks"), _("Follow the software's identity and room checks.")),
            ),
        )
