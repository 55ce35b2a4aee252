"""Words of a text for :mod:`discretion.services.redaction`: where they are and how they read.

A word is read case-folded, with a curly apostrophe made straight and a
possessive ``'s`` left out of its span (so that it stays after the marker).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "TITLES",
    "Token",
    "after_initial",
    "after_title",
    "name_words",
    "replace_spans",
    "tokens",
    "words",
]

TITLES = frozenset({"prof", "professor", "dr", "dean", "mr", "ms", "mrs", "mx", "miss"})

_EMAIL = r"(?P<email>[\w.+'-]+@[\w-]+(?:\.[\w-]+)+)"
_WORD = r"\w+(?:['’-]\w+)*"
_MARK = r"(?P<mark>\S)"
# a word may go on after a hyphen at the end of a line ("Smi-\nth")
_JOINED = re.compile(rf"{_EMAIL}|(?P<word>{_WORD}(?:-[ \t]*\r?\n\s*{_WORD})*)|{_MARK}")
_SPLIT = re.compile(rf"{_EMAIL}|(?P<word>{_WORD})|{_MARK}")
_BREAK = re.compile(r"-[ \t]*\r?\n\s*")
_NAME_WORD = re.compile(r"\w+(?:['-]\w+)*")


@dataclass(frozen=True, slots=True)
class Token:
    """A word, an email address or a mark of punctuation, with its span."""

    kind: str  # "word", "email" or "mark"
    keys: tuple[str, ...]  # the ways it reads, case-folded
    start: int
    end: int  # a possessive 's is left out
    is_capital: bool


def name_words(name: str) -> tuple[str, ...]:
    """Return the words of a name as the text's words read."""
    return tuple(_NAME_WORD.findall(name.casefold().replace("’", "'")))


def tokens(text: str, *, joined_breaks: bool) -> list[Token]:
    """Return the tokens of ``text``; ``joined_breaks`` reads "Smi-\\nth" as one word."""
    found = []
    for match in (_JOINED if joined_breaks else _SPLIT).finditer(text):
        raw, start, end = match.group(), match.start(), match.end()
        if match.lastgroup == "email":
            key = raw.casefold()
            found.append(Token("email", (key, key.partition("@")[0]), start, end, False))
        elif match.lastgroup == "word":
            keys, cut = _word_keys(raw, text[end : end + 1])
            found.append(Token("word", keys, start, end - cut, raw[:1].isupper()))
        else:
            found.append(Token("mark", (raw,), start, end, False))
    return found


def _word_keys(raw: str, after: str) -> tuple[tuple[str, ...], int]:
    word = raw.casefold().replace("’", "'")
    cut = 2 if word.endswith("'s") and len(word) > 2 else 0
    word = word[: len(word) - cut]
    forms = [_BREAK.sub("", word), _BREAK.sub("-", word)]
    if after and after in "'’" and word.endswith("s"):  # a plural possessive: "Smiths'"
        forms += [form[:-1] for form in forms]
    return tuple(dict.fromkeys(forms)), cut


def words(toks: list[Token], i: int, n: int) -> list[tuple[str, ...]]:
    """Return the keys of ``n`` words from ``i``, or nothing when there are not ``n`` words."""
    part = toks[i : i + n]
    if len(part) != n or any(t.kind != "word" for t in part):
        return []
    return [t.keys for t in part]


def after_initial(toks: list[Token], i: int, *, bare: bool) -> int | None:
    """Return the index after an initial at ``i``: "J." or, when ``bare``, "J"."""
    if i >= len(toks) or toks[i].kind != "word":
        return None
    letter = toks[i].keys[0]
    if len(letter) != 1 or not letter.isalpha():
        return None
    if i + 1 < len(toks) and toks[i + 1].keys == (".",):
        return i + 2
    return i + 1 if bare else None


def after_title(toks: list[Token], i: int) -> bool:
    """Return whether a title ("Dr", "Dr.", "Professor") comes just before ``i``."""
    before = toks[max(0, i - 2) : i]
    if before and before[-1].keys == (".",):
        before = before[:-1]
    return bool(before) and before[-1].kind == "word" and before[-1].keys[0] in TITLES


def replace_spans(text: str, spans: list[tuple[int, int]], marker: str) -> tuple[str, int]:
    """Return ``text`` with each span replaced by ``marker`` (overlaps merged) and the count."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out += [text[last:start], marker]
        last = end
    out.append(text[last:])
    return "".join(out), len(merged)
