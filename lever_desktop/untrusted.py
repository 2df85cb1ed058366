"""Text from outside (drafts, Lever, the relay, settings): what intake refuses, and how it is printed.

Two kinds of character do harm. A lone surrogate (half of a UTF-16 pair; JSON's ``\\ud800``
escape carries one) is not Unicode text: it cannot be encoded as UTF-8, so a feedback form
holding one can never be sent and ``print`` of it raises. Control characters (ESC and friends)
rewrite a terminal, forge lines or hide text. Intake refuses both, except tab and newline in free
text; whatever got stored before that is escaped when printed and stopped before it is sent.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

# C0 and C1 control characters (Unicode category Cc) and the surrogate range.
_BAD_ANYWHERE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_BAD_IN_FREE_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")  # tab and newline allowed
# Unicode's explicit directional formatting characters: the embeddings and overrides LRE RLE PDF LRO
# RLO (U+202A-U+202E) and the isolates LRI RLI FSI PDI (U+2066-U+2069). They make a line read
# differently from what it holds ("Trojan Source"): a name with RLO is drawn backwards.
_DIRECTIONAL = "\u202a-\u202e\u2066-\u2069"
_DIRECTIONAL_CHARACTER = re.compile(f"[{_DIRECTIONAL}]")
# What a terminal must not receive raw: the above (intake's refusals), plus the directional characters.
_UNPRINTABLE = re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff{_DIRECTIONAL}]")
# What a window shows for each of them.
DIRECTIONAL_SHOWN_AS = "\ufffd"


# Lever's deliveries nest 3 levels, a draft about 6. Deeper JSON is refused at every door (the relay,
# draft intake): ``json.loads`` takes nearly 1000 levels, but the code after it is recursive
# (``copy.deepcopy``, JSON encoding, the same parse one level down inside a feed page) and deeper in
# the stack, so a body that parsed at the door raised RecursionError later: at the relay, 969 levels
# were stored and then failed every desktop's poll for 30 days; a draft 900 deep crashed intake.
MAX_DEPTH = 64


def nesting_depth(value: Any) -> int:
    """How many arrays and objects deep ``value`` goes (iterative: any depth ``json.loads`` returns)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        v, depth = stack.pop()
        if isinstance(v, dict):
            stack.extend((child, depth + 1) for child in v.values())
        elif isinstance(v, list):
            stack.extend((child, depth + 1) for child in v)
        else:
            deepest = max(deepest, depth)
            continue
        deepest = max(deepest, depth + 1)
    return deepest


def text_problem(text: str, *, free_text: bool = True) -> str | None:
    """Why ``text`` is refused, in words with the code point, or None when it is fine."""
    m = (_BAD_IN_FREE_TEXT if free_text else _BAD_ANYWHERE).search(text)
    if m is None:
        return None
    code = ord(m.group())
    if 0xD800 <= code <= 0xDFFF:
        return f"contains a lone surrogate U+{code:04X} (not valid Unicode text)"
    return f"contains a control character U+{code:04X}"


def strings_in(value: Any, where: str) -> Iterator[tuple[str, str, bool]]:
    """(path, text, is_key) for every string in a JSON value, depth first in document order.

    Iterative: a hostile document nested as deeply as ``json.loads`` allows must not overflow the stack.
    """
    stack: list[tuple[str, Any]] = [(where, value)]
    while stack:
        path, v = stack.pop()
        if isinstance(v, str):
            yield path, v, False
        elif isinstance(v, dict):
            children = []
            for k, child in v.items():
                if isinstance(k, str):
                    yield path, k, True
                children.append((f"{path}.{k}" if path else str(k), child))
            stack.extend(reversed(children))
        elif isinstance(v, list):
            stack.extend(reversed([(f"{path}[{i}]", child) for i, child in enumerate(v)]))


def value_problems(
    value: Any, where: str, *, free_text: bool = True, strict: Iterable[str] = (), note: str = ""
) -> Iterator[str]:
    """``"<path><note>: contains ..."`` for every refused string in ``value``.

    Keys and the paths in ``strict`` (identifiers) are never free text: no tab or newline there.
    """
    strict = frozenset(strict)
    for path, text, is_key in strings_in(value, where):
        problem = text_problem(text, free_text=free_text and not is_key and path not in strict)
        if problem is not None:
            yield f"{path}{note}: a key {problem}" if is_key else f"{path}{note}: {problem}"


def printable(text: str) -> str:
    """``text`` safe for a terminal or a log line: control and bidi characters and lone
    surrogates become visible escapes (``\\x1b``, ``\\n``, ``\\u202e``, ``\\ud800``)."""
    return _UNPRINTABLE.sub(_escape, text)


def for_display(text: str) -> str:
    """``text`` as a window shows it: each explicit directional formatting character becomes U+FFFD (�).

    For what a person reads and decides on (a candidate's name, a headline, a posting, who authors
    the form); the cache and what is sent to Lever keep the text as it came. A visible mark, not
    nothing: dropped, "Ann\u2066a Lee" would read as the "Anna Lee" it is not, and a name of bidi
    characters only would be blank. Not isolated (FSI … PDI around the whole): an override inside an
    isolate still reverses what follows it. Right-to-left letters and the implicit marks (LRM, RLM,
    ALM), which a Hebrew or Arabic name may need, are not directional formatting characters and stay:
    such text reads as before. One character for one, so a length limit cuts as it did."""
    return _DIRECTIONAL_CHARACTER.sub(DIRECTIONAL_SHOWN_AS, text)


def printable_lines(lines: Iterable[str]) -> str:
    """Lines joined for printing, each escaped whole: a newline inside a value cannot forge a line."""
    return "\n".join(printable(line) for line in lines)


def echo(*lines: str, file: TextIO | None = None) -> None:
    """Print text that may hold outside text (the CLI's one printer): each line escaped whole."""
    print(printable_lines(lines), file=file or sys.stdout)


def _escape(m: re.Match[str]) -> str:
    return repr(m.group())[1:-1]  # Python's own escape: \x1b, \n, \u202e, \ud800
