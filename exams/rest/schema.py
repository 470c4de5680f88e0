"""What every API's OpenAPI schema shares."""

from typing import Any

# An object's number in this API: a positive integer.
OBJECT_ID: dict[str, Any] = {"type": "integer", "minimum": 1}
