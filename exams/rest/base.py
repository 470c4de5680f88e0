"""The one base of every API view: how requests are read, authenticated and refused is the
app's own, whatever the host project's REST_FRAMEWORK settings say."""

from collections.abc import Callable
from typing import Any

from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from exams.rest.authentication import SessionAuthentication
from exams.rest.handler import JSONParser, exception_handler


class ApiView(APIView):
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Any]:
        return exception_handler
