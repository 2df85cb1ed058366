"""Outside text printed to a terminal: escapes for what would act on it, nothing else touched."""

from __future__ import annotations

from lever_desktop.untrusted import echo, for_display, printable, printable_lines, text_problem


def test_what_acts_on_a_terminal_is_escaped_and_ordinary_text_is_kept():
    assert printable("\x1b]0;title\x07\x1b[2J") == "\\x1b]0;title\\x07\\x1b[2J"
    assert (
        printable("C1 \x9b31m, DEL \x7f, RLO \u202eevil, FSI \u2068, half \ud800")
        == "C1 \\x9b31m, DEL \\x7f, RLO \\u202eevil, FSI \\u2068, half \\ud800"
    )
    kept = "Zoë · 面接 · 👩🏽‍💻 (ZWJ kept) — tab\tstays"
    assert printable(kept) == kept.replace("\t", "\\t")
    assert printable_lines(["a: ok", "b\nforged: line"]) == "a: ok\nb\\nforged: line"


def test_echo_prints_a_lone_surrogate_instead_of_raising(capsys):
    echo("draft d-\ud83d", "second\x1b")
    assert capsys.readouterr().out == "draft d-\\ud83d\nsecond\\x1b\n"


def test_free_text_keeps_tab_and_newline_identifiers_do_not():
    assert text_problem("a\tb\nc") is None
    assert text_problem("a\rb") == "contains a control character U+000D"
    assert text_problem("a\nb", free_text=False) == "contains a control character U+000A"


def test_for_display_marks_each_directional_formatting_character_and_keeps_the_rest():
    directional = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    assert for_display(f"Ada{directional}Lee") == "Ada" + "\ufffd" * 9 + "Lee"  # one for one: lengths hold
    # Right-to-left names, digits among them, and the implicit marks a name may need: as they are.
    for text in ("דוד כהן", "محمد 42 علي", "שרה\u200f (2024)", "Zoë\u200e O'Neil\ttab\nline", "😀 e\u0301"):
        assert for_display(text) == text
    assert printable("a\u202eb") == "a\\u202eb"  # the terminal's escape is unchanged
