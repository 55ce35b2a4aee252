"""Words of a text for :mod:`discretion.services.redaction`: where they are and how they read.

A word is read case-folded, with a curly apostrophe made straight and a
possessive ``'s`` left out of its span (so that it stays after the marker).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Token", "name_words", "tokens"]

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
