"""docs/state-diagram.md is drawn from the table of moves, and kept in step with it."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from exams.lifecycle.diagram import render
from exams.lifecycle.moves import MOVES, moves

DIAGRAM = Path(__file__).resolve().parents[3] / "docs" / "state-diagram.md"


def test_the_committed_diagram_is_the_one_the_table_draws():
    assert DIAGRAM.read_text(encoding="utf-8") == render(), (
        "docs/state-diagram.md is stale: run manage.py state_diagram"
    )


@pytest.mark.parametrize("proctored", [True, False])
def test_every_legal_pair_is_drawn(proctored):
    text = render()
    for source, targets in moves(proctored=proctored).items():
        for target in targets:
            assert f"    {source} --> {target}: " in text


def test_the_error_to_timed_out_move_is_drawn():
    assert "    error --> timed_out: staff resume after the due date" in render()


def test_every_verb_has_a_row():
    text = render()
    for move in MOVES:
        assert f"| `{move.verb}` |" in text


def test_the_command_checks_and_writes(tmp_path, capsys):
    path = tmp_path / "diagram.md"
    path.write_text("old", encoding="utf-8")

    with pytest.raises(CommandError, match="stale"):
        call_command("state_diagram", str(path), "--check")
    call_command("state_diagram", str(path))
    call_command("state_diagram", str(path), "--check")

    assert path.read_text(encoding="utf-8") == render()
    assert "up to date" in capsys.readouterr().out
