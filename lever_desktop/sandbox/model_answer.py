"""What the sandbox model answers: a valid ``record_feedback_draft`` input, read off the transcript.

No model and no randomness: the same request always gets the same answer. The tool's JSON
schema (sent with the request) says which fields exist and what each may hold; the
transcript (between the ``<transcript>`` and ``</transcript>`` lines of the prompt, one
"[hh:mm:ss] Speaker: text" utterance a line) supplies the words. Enums get an option whose
words the transcript uses (else the middle one), scores a value in range leaning on how
positive the conversation sounds, text a sentence from the transcript, and every evidence
quote is copied verbatim from a transcript line, without its timestamp and speaker.

``paraphrase=True`` makes one field's only evidence a paraphrase that is not in the transcript,
so a drafter's evidence check has something to reject (the demo does this).

The schema is read defensively: the drafter builds it (``drafting/``, which the sandbox may not
import), so per-field variants may come as ``items.anyOf``/``oneOf``, ``prefixItems`` or one
``items`` with an ``id`` enum, and ``$ref`` into ``$defs``.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TOOL_NAME = "record_feedback_draft"

_LINE = re.compile(r"^(?:\[(\d{1,2}):(\d{2}):(\d{2})\]\s*)?(?:([^:\[\]]{1,60}):\s+)?(.*)$")
_WORD = re.compile(r"[a-z][a-z']+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_STOP = frozenset(
    """a an and are as at be been but by can could did do does for from had has have he her his how
i if in into is it its just me my not of on or our she so that the their them then there they this to
too was we were what when where which who why will with would you your yes no about also like really
very well okay ok um uh yeah sure right think know lot more some any""".split()
)
_POSITIVE = frozenset(
    "great good strong clear clearly excellent solid impressive confident thoughtful "
    "enjoyed structured careful thorough pragmatic".split()
)
_NEGATIVE = frozenset(
    "struggled unclear weak concern concerned worried missed vague stuck unsure hesitant confused".split()
)


@dataclass(frozen=True)
class Utterance:
    speaker: str | None
    text: str  # what was said: the part an evidence quote copies


@dataclass
class FieldSpec:
    id: str
    hint: str  # the question's words (title, description), to find the lines that answer it
    value_schema: dict[str, Any]
    required: bool


# -- the prompt ------------------------------------------------------------------------


def transcript_of(prompt: str) -> list[Utterance]:
    """The utterances between ``<transcript>`` and ``</transcript>``; the whole prompt without them."""
    lines = prompt.splitlines()
    try:
        start = next(i for i, s in enumerate(lines) if s.strip() == "<transcript>")
        end = next(i for i in range(start + 1, len(lines)) if lines[i].strip() == "</transcript>")
        lines = lines[start + 1 : end]
    except StopIteration:
        pass
    out = []
    for raw in lines:
        m = _LINE.match(raw.strip())
        if m and m.group(5).strip():
            out.append(Utterance(m.group(4), m.group(5).strip()))
    return out


def normalised(text: str) -> str:
    """Case, whitespace and punctuation folded: how a quote is looked up in the transcript."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


# -- the schema ------------------------------------------------------------------------


def _resolve(node: Any, root: dict[str, Any]) -> dict[str, Any]:
    for _ in range(20):  # a $ref chain, never a cycle
        if not isinstance(node, dict) or not isinstance(node.get("$ref"), str):
            break
        target: Any = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        node = target
    return node if isinstance(node, dict) else {}


def _allows_null(schema: dict[str, Any], root: dict[str, Any]) -> bool:
    types = schema.get("type")
    if types == "null" or (isinstance(types, list) and "null" in types):
        return True
    return any(_allows_null(_resolve(s, root), root) for s in schema.get("anyOf", []) + schema.get("oneOf", []))


def fields_of(input_schema: dict[str, Any]) -> list[FieldSpec]:
    root = input_schema
    fields = _resolve(_resolve(root, root).get("properties", {}).get("fields"), root)
    variants = fields.get("prefixItems")
    if not isinstance(variants, list):
        items = _resolve(fields.get("items"), root)
        variants = items.get("anyOf") or items.get("oneOf") or [items]
    # Required questions as ``allOf: [{"contains": {"properties": {"id": {"const": ...}}}}]`` on the list,
    # the drafter's way; else a value that may not be null counts as required.
    listed = [
        _resolve(_resolve(c, root).get("contains"), root).get("properties", {}).get("id", {})
        for c in fields.get("allOf", [])
    ]
    required_ids = {i["const"] for i in listed if isinstance(i, dict) and "const" in i}
    specs: list[FieldSpec] = []
    for variant in (_resolve(v, root) for v in variants):
        props = variant.get("properties", {})
        id_schema = _resolve(props.get("id"), root)
        ids = [id_schema["const"]] if "const" in id_schema else list(id_schema.get("enum") or [])
        value = _resolve(props.get("value"), root)
        hint = " ".join(
            str(x)
            for x in (
                variant.get("title"),
                variant.get("description"),
                id_schema.get("title"),
                id_schema.get("description"),
                value.get("title"),
                value.get("description"),
            )
            if x
        )
        specs += [
            FieldSpec(str(i), hint, value, i in required_ids if required_ids else not _allows_null(value, root))
            for i in ids
            if isinstance(i, (str, int))
        ]
    return specs


# -- the answer ------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return [w[:6] for w in _WORD.findall(text.lower()) if w not in _STOP]  # a crude stem


@dataclass
class _Reader:
    """The transcript, with what has been quoted already (so fields do not all quote one line)."""

    utterances: list[Utterance]
    root: dict[str, Any]
    used: set[int] = field(default_factory=set)
    last: str | None = None  # the sentence an answer was last read from: its evidence
    fresh: bool = False  # only lines not quoted yet, while answering the rows of one question

    def __post_init__(self) -> None:
        self.bag: dict[str, int] = {}
        self.words = [set(_words(u.text)) for u in self.utterances]  # read once, matched per question
        for u in self.utterances:
            for w in _words(u.text):
                self.bag[w] = self.bag.get(w, 0) + 1
        spoken: dict[str | None, int] = {}
        for u in self.utterances:
            spoken[u.speaker] = spoken.get(u.speaker, 0) + len(u.text.split())
        # The candidate talks most in an interview: their lines answer the questions (the
        # interviewer's lines repeat the question's words but are not evidence of anything).
        self.candidate = max(spoken, key=lambda k: spoken[k]) if spoken else None
        words = " ".join(u.text.lower() for u in self.utterances).split()
        pos = sum(w.strip(".,!?") in _POSITIVE for w in words)
        neg = sum(w.strip(".,!?") in _NEGATIVE for w in words)
        self.positivity = (pos + 1) / (pos + neg + 2)

    def sentence_for(self, hint: str, salt: int, having: Callable[[str], object] = bool) -> str | None:
        """The sentence of the transcript that best answers ``hint``: verbatim, never rephrased;
        only from lines ``having`` something (an amount, say) when given."""
        candidates = [i for i, u in enumerate(self.utterances) if len(u.text.split()) >= 5 and having(u.text)] or [
            i for i, u in enumerate(self.utterances) if having(u.text)
        ]
        if self.fresh:  # the rows of one answer (a scorecard's) each quote a line of their own
            candidates = [i for i in candidates if i not in self.used] or candidates
        if not candidates:
            return None
        wanted = set(_words(hint))

        def score(i: int) -> tuple[bool, int, int]:
            u = self.utterances[i]
            # An answer follows its question: the line before counts too, at half weight. A line
            # quoted already counts less, so that answers do not all quote one line.
            asked = len(wanted & self.words[i - 1]) if i else 0
            overlap = 2 * len(wanted & self.words[i]) + asked - (i in self.used)
            return (u.speaker == self.candidate, overlap, -((i - salt) % len(self.utterances)))

        best = max(candidates, key=score)
        self.used.add(best)
        self.last = self._sentence(best, wanted, having)
        return self.last

    def _sentence(self, best: int, wanted: set[str], having: Callable[[str], object]) -> str:
        sentences = [s for s in _SENTENCE_END.split(self.utterances[best].text) if len(s.split()) >= 4 and having(s)]
        if not sentences:
            return self.utterances[best].text
        return max(sentences, key=lambda s: (len(wanted & set(_words(s))), -sentences.index(s)))

    def option(self, options: list[Any]) -> Any:
        """The option whose words the transcript uses most; the middle one when none stands out."""

        def mentions(opt: Any) -> int:
            return sum(self.bag.get(w, 0) for w in set(_words(str(opt))))

        middle = (len(options) - 1) / 2
        return max(options, key=lambda o: (mentions(o), -abs(options.index(o) - middle)))


_SPELLED = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_SPELLED.update(
    {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
)


def _amount(text: str) -> int | None:
    """The largest amount said in ``text``: "85,000", or "eighty five thousand" (how speech is transcribed)."""
    found = [int(d.replace(",", "")) for d in re.findall(r"\d[\d,]*", text)]
    total = current = 0
    for word in re.findall(r"[a-z]+", text.lower()) + ["."]:
        if word in _SPELLED:
            current += _SPELLED[word]
        elif word == "hundred" and current:
            current *= 100
        elif word == "and" and current:  # "one hundred and twenty"
            continue
        elif word == "thousand" and current:
            total, current = total + current * 1000, 0
        elif total or current:
            found.append(total + current)
            total = current = 0
    return max(found, default=None)


SOME_DAY_MS = 1_803_945_600_000  # 2027-03-01 00:00 UTC: a start date, when the schema wants epoch milliseconds


def _number(schema: dict[str, Any], reader: _Reader, hint: str, salt: int) -> float:
    if "epoch" in str(schema.get("description", "")).lower():
        return min(max(SOME_DAY_MS, schema.get("minimum", SOME_DAY_MS)), schema.get("maximum", SOME_DAY_MS))
    if "maximum" not in schema and "exclusiveMaximum" not in schema:  # an amount (a salary): as said
        # ("one of our partners" is no amount: an amount worth reading is 10 or more.)
        amount = _amount(reader.sentence_for(hint, salt, having=lambda t: (_amount(t) or 0) >= 10) or "")
        if amount is not None and amount >= schema.get("minimum", 0):
            return amount
    lo = schema.get("minimum", schema.get("exclusiveMinimum", 0) + (1 if "exclusiveMinimum" in schema else 0))
    hi = schema.get("maximum", schema.get("exclusiveMaximum", lo + 5) - (1 if "exclusiveMaximum" in schema else 0))
    lo, hi = (lo, hi) if lo <= hi else (hi, lo)
    return lo + round((hi - lo) * reader.positivity)


def value_for(schema: dict[str, Any], reader: _Reader, hint: str, salt: int) -> Any:
    schema = _resolve(schema, reader.root)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return reader.option([o for o in schema["enum"] if o is not None] or schema["enum"])
    for key in ("anyOf", "oneOf"):
        alternatives = [_resolve(s, reader.root) for s in schema.get(key, [])]
        if alternatives:
            chosen = next((a for a in alternatives if a.get("type") != "null"), alternatives[0])
            return value_for(chosen, reader, hint, salt)
    types = schema.get("type")
    kind = next((t for t in types if t != "null"), "null") if isinstance(types, list) else types
    if kind is None:
        kind = "object" if "properties" in schema else "array" if "items" in schema else "string"
    if kind == "null":
        return None
    if kind == "boolean":
        return reader.positivity >= 0.4
    if kind in ("integer", "number"):
        n = _number(schema, reader, hint, salt)
        return int(n) if kind == "integer" else float(n)
    if kind == "array":
        return _array(schema, reader, hint, salt)
    if kind == "object":
        props = schema.get("properties", {})
        return {
            k: value_for(v, reader, f"{hint} {k} {_resolve(v, reader.root).get('title', '')}", salt + i)
            for i, (k, v) in enumerate(props.items())
        }
    if schema.get("format") == "date":
        return "2027-01-04"
    if schema.get("format") == "date-time":
        return "2027-01-04T09:00:00Z"
    text = reader.sentence_for(hint, salt) or "The transcript does not say."
    if isinstance(schema.get("maxLength"), int):
        text = text[: schema["maxLength"]]
    return text.ljust(int(schema.get("minLength", 0)), ".")


def _array(schema: dict[str, Any], reader: _Reader, hint: str, salt: int) -> list[Any]:
    fixed = schema.get("prefixItems")
    if isinstance(fixed, list):  # one item per row (a scorecard's rows, in order)
        reader.fresh = True
        try:
            return [
                value_for(s, reader, f"{hint} {_resolve(s, reader.root).get('title', '')}", salt + i)
                for i, s in enumerate(fixed)
            ]
        finally:
            reader.fresh = False
    items = _resolve(schema.get("items"), reader.root)
    low, high = int(schema.get("minItems", 1)), schema.get("maxItems")
    options = items.get("enum")
    if isinstance(options, list) and options:  # multiple-select: the mentioned options
        mentioned = [o for o in options if any(reader.bag.get(w) for w in _words(str(o)))]
        chosen = (mentioned or [reader.option(options)])[:2]
        chosen += [o for o in options if o not in chosen][: max(0, low - len(chosen))]
        return chosen[:high] if isinstance(high, int) else chosen
    count = max(low, 1) if not isinstance(high, int) else min(max(low, 1), high)
    reader.fresh = True
    try:
        return [value_for(items, reader, hint, salt + i) for i in range(count)]
    finally:
        reader.fresh = False


def _confidence(field_id: str) -> float:
    return round(0.6 + (zlib.crc32(field_id.encode()) % 36) / 100, 2)  # 0.60 .. 0.95, stable per field


def _paraphrase(quote: str, transcript: str) -> str:
    """The gist in other words: what a model does when it should have quoted."""
    swaps = {"i": "they", "i'm": "they're", "i've": "they've", "my": "their", "me": "them", "we": "the team"}
    words = [swaps.get(w.lower(), w) for w in quote.rstrip(".!?").split()]
    text = "They explained that " + " ".join(words[:1]).lower() + (" " + " ".join(words[1:]) if words[1:] else "")
    while normalised(text) in transcript:
        text = "In their words, roughly: " + text
    return text + "."


def answer(input_schema: dict[str, Any], prompt: str, *, paraphrase: bool = False) -> dict[str, Any]:
    """The tool input: ``{"fields": [{"id", "value", "confidence", "evidence", "rationale"}]}``."""
    reader = _Reader(transcript_of(prompt), input_schema)
    specs = fields_of(input_schema)
    out = []
    for n, spec in enumerate(specs):
        reader.last = None
        value = value_for(spec.value_schema, reader, spec.hint, salt=n * 7)
        if reader.last and not isinstance(value, (list, dict)):
            quote: str | None = reader.last  # the sentence the answer was read from (a text, an amount)
        else:  # the line that talks about the question and the chosen answer
            said = " ".join(str(v) for v in (value if isinstance(value, list) else [value]) if isinstance(v, str))
            quote = reader.sentence_for(f"{spec.hint} {said}", salt=n * 7 + 3)
        evidence = [{"quote": quote}] if quote else []
        out.append(
            {
                "id": spec.id,
                "value": value,
                "confidence": _confidence(spec.id),
                "evidence": evidence,
                "rationale": f"Based on what was said in the interview about {spec.hint or 'this question'}.",
            }
        )
    if paraphrase:
        target = next(
            (f for f in out if isinstance(f["value"], str) and f["evidence"]),
            next((f for f in out if f["evidence"]), None),
        )
        if target is not None:
            whole = normalised(" ".join(u.text for u in reader.utterances))
            target["evidence"] = [{"quote": _paraphrase(target["evidence"][0]["quote"], whole)}]
    return {"fields": out}
