"""``lever-desktop self-test`` as the installers run it, and Qt staying out of headless commands."""

from __future__ import annotations

import os
import subprocess
import sys


def _env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEVER_", "QT_"))}
    env["HOME"] = str(tmp_path)  # whatever the CLI logs before the self-test takes over stays here
    env["XDG_STATE_HOME"] = env["XDG_DATA_HOME"] = env["XDG_CACHE_HOME"] = env["XDG_CONFIG_HOME"] = str(tmp_path)
    return env


def test_self_test_exits_0_with_one_line_and_a_clean_stderr(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "lever_desktop", "self-test"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=90,
    )
    assert (out.returncode, out.stderr) == (0, "")
    assert out.stdout.startswith("self-test ok")
    assert "12 field types" in out.stdout and "sandbox sync stored" in out.stdout


def test_headless_commands_do_not_load_qt(tmp_path):
    code = (
        "import sys; from lever_desktop import cli; cli.build_parser().parse_args(['self-test']);"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'qasync'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(tmp_path), check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


def test_the_self_test_builds_every_field_type_it_counts(qtbot, monkeypatch):
    """The template with the most field types has its 13th question below the first screen,
    which streams in a turn of the event loop later (#16.3): the self-test must still build it."""
    import random
    from types import SimpleNamespace

    from lever_desktop.sandbox.templates import build_templates
    from lever_desktop.ui import self_test
    from lever_desktop.ui.forms.field_row import FieldRow
    from lever_desktop.ui.forms.form_widget import FIRST_SCREEN_ROWS

    raw = build_templates(random.Random(1), 1_700_000_000_000, [{"id": "s", "text": "Screen"}])
    templates = [SimpleNamespace(fields=t["fields"], raw=t) for t in raw]
    richest = max(raw, key=lambda t: len({f["type"] for f in t["fields"]}))
    later = {f["type"] for f in richest["fields"][FIRST_SCREEN_ROWS:]}
    assert later - {f["type"] for f in richest["fields"][:FIRST_SCREEN_ROWS]}, "a type only below the first screen"

    built: list[str] = []
    made = FieldRow.__init__

    def counted(row, form, field, *args, **kwargs) -> None:
        made(row, form, field, *args, **kwargs)
        built.append(field.definition.type)

    monkeypatch.setattr(FieldRow, "__init__", counted)
    kinds = self_test.render_every_field_type(templates)
    assert kinds == len({f["type"] for f in richest["fields"]}) == len(set(built))
