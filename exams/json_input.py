"""JSON from outside (API bodies, provider callbacks): nesting is bounded.

Python's parser raises RecursionError, not ValueError, on a body nested a few thousand levels
deep, and anything that walks a parsed value recursively can hit the same limit. Every JSON
door parses through here, or checks `too_deep` on what it parsed."""

import json
from typing import Any

# Deeper than any body this app accepts (an answer is a list of ids; a callback, two levels).
MAX_DEPTH = 32


class JsonInputError(ValueError):
    pass


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True if `value` nests lists or objects more than `limit` levels (walked without
    recursion)."""
    stack = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, dict):
            children = list(current.values())
        elif isinstance(current, list):
            children = current
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def parse(raw: bytes | str) -> Any:
    """The parsed value; JsonInputError if it is not JSON or is nested too deeply."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise JsonInputError("The JSON is nested too deeply.") from None
    except (ValueError, UnicodeDecodeError):
        raise JsonInputError("The body is not JSON.") from None
    if too_deep(value):
        raise JsonInputError("The JSON is nested too deeply.")
    return value
