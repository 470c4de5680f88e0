"""What the typed inputs of every feature share: the marker of a value left out, and booleans.

A typed input (`exams/<feature>/inputs.py`) turns what a door received (a JSON body, a form's
cleaned data, a CSV row) into typed values, refusing with `InvalidInput` naming the field; the
services take only typed values, so every door refuses the same way.
"""

from enum import Enum
from typing import Any

from django.utils.translation import gettext as _

from exams.exceptions import InvalidInput


class Keep(Enum):
    """Marks a value left out: the stored value stays."""

    KEEP = "keep"


KEEP = Keep.KEEP


def parse_bool(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(_("Give true or false."), field=field)
    return value
