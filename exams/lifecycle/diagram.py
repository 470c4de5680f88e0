"""`docs/state-diagram.md`, drawn from the table of moves (`manage.py state_diagram` writes it;
a test fails when the file is stale)."""

from exams.lifecycle.moves import MOVES, Effect, Kind, sources
from exams.statuses import AttemptStatus

HEADER = """\
# Attempt state diagram

Generated from the table of moves in `exams/lifecycle/moves.py` by `manage.py state_diagram`;
do not edit by hand (a test fails when this file and the table differ). Any move not drawn
here is refused with `illegal_transition` and changes nothing.
"""

_ORDER = {status: index for index, status in enumerate(AttemptStatus)}


def _in_order(statuses: frozenset[AttemptStatus]) -> list[AttemptStatus]:
    return sorted(statuses, key=_ORDER.__getitem__)


def _edges(*, proctored: bool) -> list[str]:
    lines = ["```mermaid", "stateDiagram-v2", "    [*] --> created"]
    for move in MOVES:
        for source in _in_order(sources(move, proctored=proctored)):
            lines.append(f"    {source} --> {move.target}: {move.label}")
    lines.append("```")
    return lines


def _table() -> list[str]:
    lines = [
        "| Verb | From | To | Made by | Also |",
        "| --- | --- | --- | --- | --- |",
    ]
    for move in MOVES:
        by_kind = {kind: ", ".join(_in_order(statuses)) for kind, statuses in move.sources.items()}
        if len(set(by_kind.values())) == 1 and len(by_kind) == len(Kind):
            froms = next(iter(by_kind.values()))
        else:
            froms = "; ".join(f"{text} ({kind})" for kind, text in by_kind.items())
        effect = move.effect.value if move.effect != Effect.NONE else ""
        if move.overdue_times_out:
            effect = "; ".join(filter(None, [effect, "times out instead when overdue"]))
        lines.append(
            f"| `{move.verb}` | {froms} | {move.target} "
            f"| {', '.join(sorted(move.parties))} | {effect} |"
        )
    return lines


def render() -> str:
    parts = [
        HEADER,
        "## Proctored and practice attempts\n",
        "\n".join(_edges(proctored=True)) + "\n",
        "## Timed exams and open exams (no proctoring)\n",
        "\n".join(_edges(proctored=False)) + "\n",
        "## The moves\n",
        "A move asked for in a status it lists as made already returns the attempt unchanged.\n",
        "\n".join(_table()) + "\n",
    ]
    return "\n".join(parts)
