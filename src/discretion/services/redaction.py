"""Redact other students from a student's copy of their own records (34 CFR § 99.12(a)).

When one record holds information on more than one student, the student who
inspects it sees only the part about themself. :class:`Redactor` replaces each
mention of another student with :data:`MARKER`; :class:`Verifier` is a second,
simpler scan that names the students whose identifiers are still there, so that
no copy is released while one remains. Neither reads the store: the caller
passes the identities in, and this module imports only the standard library.

A mention of another student, in any case unless said otherwise:

- the full name, with any whitespace between the parts (line breaks too) and
  an optional middle initial: "John Smith", "John\\nSmith", "John Q. Smith";
  reversed, "Smith, John"; an initial with the surname, "J. Smith", "Smith,
  J.", and "J Smith" when the bare initial is a capital;
- the username as a whole word ("jsmith2", "@jsmith2"), the email address
  (also an address whose local part is the username) and the id, each a whole
  token;
- the surname alone, when it starts with a capital, is not the subject's own
  surname (which a parent or the subject may bear), and does not follow a
  title (Prof., Dr., Dean, Mr., Ms., ...) that names a staff member of ``keep``
  with that surname; a surname shared by staff and a classmate without a title
  is removed, since nothing tells them apart;
- the given name alone, starting with a capital, only when the same text names
  that student in full somewhere, and never the subject's own given name.

A word split by a hyphen at a line end ("Smi-\\nth") is read both joined and
as two words. A possessive stays after the marker ("John Smith's" becomes
"[another student]'s"; "Smiths'" becomes "[another student]'"), and
overlapping matches merge into one marker. The subject's own identifiers and
the full names of ``keep`` are left.

Known limits: a surname that is also a word is removed where it starts a
sentence or a proper noun ("Brown University"), and a surname written in lower
case alone ("smith said") is left; a surname shared with the subject is never
removed alone; nicknames, initials alone ("JS"), misspellings and descriptions
("her roommate") are not found; usernames are words of letters, digits, ``_``
and ``-`` (one with a dot is not matched).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from discretion.services._redaction_text import Token, name_words, tokens

__all__ = ["MARKER", "TITLES", "Identity", "Redacted", "Redactor", "Verifier"]

MARKER = "[another student]"
TITLES = frozenset({"prof", "professor", "dr", "dean", "mr", "ms", "mrs", "mx", "miss"})
RARE = 3  # the Verifier reads "J. Smith" only when at most this many others are Smiths

SUBJECT, OTHER, KEEP = "subject", "other", "keep"
Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Identity:
    """A person the text may name."""

    id: str
    given_name: str
    family_name: str
    username: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class Redacted:
    """A text with every mention of another student replaced by :data:`MARKER`."""

    text: str
    count: int
    ids: frozenset[str] = frozenset()  # the students whose mentions went


@dataclass(frozen=True, slots=True)
class _Person:
    role: str
    id: str
    given: Key
    family: Key


class Redactor:
    """Find and replace the mentions of other students in the subject's copy.

    Args:
        subject: the student whose copy it is; their identifiers always stay.
        others: every other student known (indexed once, so 100,000 is fine).
        keep: staff and other non-students whose names must stay.
    """

    def __init__(
        self, subject: Identity, others: Iterable[Identity], keep: Iterable[Identity] = ()
    ) -> None:
        self._index: dict[str, defaultdict[Key, list[_Person]]] = {
            form: defaultdict(list) for form in ("full", "reverse", "initial", "family", "exact")
        }
        self._given_sizes: set[int] = set()
        self._subject = self._add(SUBJECT, subject)
        for person in others:
            if person.id != subject.id:
                self._add(OTHER, person)
        for person in keep:
            self._add(KEEP, person)
        self._name_sizes = sorted({len(k) for k in self._index["full"]}, reverse=True)
        self._family_sizes = sorted({len(k) for k in self._index["family"]}, reverse=True)

    def _add(self, role: str, identity: Identity) -> _Person:
        person = _Person(
            role, identity.id, name_words(identity.given_name), name_words(identity.family_name)
        )
        index = self._index
        self._given_sizes.add(len(person.given))
        if person.given and person.family:
            index["full"][person.given + person.family].append(person)
            index["reverse"][person.family + person.given].append(person)
            index["initial"][(person.given[0][0], *person.family)].append(person)
        if person.family:
            index["family"][person.family].append(person)
        for handle in (identity.username, identity.email, identity.id):
            if handle:
                index["exact"][(handle.casefold(),)].append(person)
        return person

    def redact(self, text: str) -> Redacted:
        """Return ``text`` with each mention of another student replaced by :data:`MARKER`."""
        spans: list[tuple[int, int, frozenset[str]]] = []
        said: defaultdict[str, set[str]] = defaultdict(set)
        loose: list[Token] = []
        for joined in (True, False):
            found, named, free = self._scan(tokens(text, joined_breaks=joined))
            spans += found
            loose += free
            for given, ids in named.items():
                said[given] |= ids
        own = self._subject.given[:1]
        for token in loose:
            ids = {i for key in token.keys if (key,) != own for i in said.get(key, ())}
            if ids and token.is_capital:
                spans.append((token.start, token.end, frozenset(ids)))
        return _replace(text, spans)

    def _scan(
        self, toks: list[Token]
    ) -> tuple[list[tuple[int, int, frozenset[str]]], dict[str, set[str]], list[Token]]:
        spans: list[tuple[int, int, frozenset[str]]] = []
        said: defaultdict[str, set[str]] = defaultdict(set)
        loose: list[Token] = []
        i = 0
        while i < len(toks):
            best = max(self._verdicts(toks, i), key=lambda v: v[:2], default=None)
            if best is None:
                if toks[i].kind == "word":
                    loose.append(toks[i])
                i += 1
                continue
            end, _, form, persons = best
            if persons:  # the best reading is another student
                spans.append((toks[i].start, toks[end - 1].end, frozenset(p.id for p in persons)))
                if form == "full":
                    for person in persons:
                        said[person.given[0]].add(person.id)
            i = end
        return spans, said, loose

    def _verdicts(self, toks: list[Token], i: int) -> Iterator[tuple[int, int, str, list[_Person]]]:
        """Yield (end, priority, form, others to redact) for each reading at ``i``."""
        titled = _after_title(toks, i)
        for end, form, hits in self._readings(toks, i):
            if not hits:
                continue
            roles = {p.role for p in hits}
            others = [p for p in hits if p.role == OTHER]
            if form == "family":
                if SUBJECT in roles or (titled and KEEP in roles):
                    yield end, 3, form, []  # the subject's surname, or a titled staff member
                elif others and toks[i].is_capital:
                    yield end, 2, form, others
            elif SUBJECT in roles:
                yield end, 3, form, []
            elif others:
                yield end, 2, form, others
            else:
                yield end, 1, form, []  # staff named in full: kept

    def _readings(self, toks: list[Token], i: int) -> Iterator[tuple[int, str, list[_Person]]]:
        index, tok = self._index, toks[i]
        if tok.kind in ("word", "email"):
            yield i + 1, "exact", _find(index["exact"], [tok.keys])
        if tok.keys == ("@",) and i + 1 < len(toks) and toks[i + 1].kind == "word":
            yield i + 2, "exact", _find(index["exact"], [toks[i + 1].keys])
        for n in self._name_sizes:
            yield i + n, "full", _find(index["full"], _words(toks, i, n))
        after_middle = _after_initial(toks, i + 1, bare=True) if tok.kind == "word" else None
        after_initial = _after_initial(toks, i, bare=tok.is_capital)
        for m in self._family_sizes:
            if after_middle is not None:
                family = _words(toks, after_middle, m)
                yield after_middle + m, "full", _find(index["full"], [tok.keys, *family])
            if after_initial is not None:
                family = _words(toks, after_initial, m)
                yield after_initial + m, "initial", _find(index["initial"], [tok.keys, *family])
            family = _words(toks, i, m)
            yield i + m, "family", _find(index["family"], family)
            comma = i + m
            if not family or comma >= len(toks) or toks[comma].keys != (",",):
                continue
            for g in self._given_sizes:
                yield (
                    comma + 1 + g,
                    "full",
                    _find(index["reverse"], family + _words(toks, comma + 1, g)),
                )
            after = _after_initial(toks, comma + 1, bare=True)
            if after is not None:
                yield after, "initial", _find(index["initial"], [toks[comma + 1].keys, *family])


def _words(toks: list[Token], i: int, n: int) -> list[Key]:
    """Return the keys of ``n`` words from ``i``, or nothing when there are not ``n`` words."""
    part = toks[i : i + n]
    if len(part) != n or any(t.kind != "word" for t in part):
        return []
    return [t.keys for t in part]


def _find(index: dict[Key, list[_Person]], parts: list[Key]) -> list[_Person]:
    if not parts:
        return []
    return [p for key in itertools.product(*parts) for p in index.get(key, ())]


def _after_initial(toks: list[Token], i: int, *, bare: bool) -> int | None:
    """Return the index after an initial ("J." or, when ``bare``, "J") at ``i``."""
    if i >= len(toks) or toks[i].kind != "word" or len(toks[i].keys[0]) != 1:
        return None
    if not toks[i].keys[0].isalpha():
        return None
    if i + 1 < len(toks) and toks[i + 1].keys == (".",):
        return i + 2
    return i + 1 if bare else None


def _after_title(toks: list[Token], i: int) -> bool:
    before = toks[max(0, i - 2) : i]
    if before and before[-1].keys == (".",):
        before = before[:-1]
    return bool(before) and before[-1].kind == "word" and before[-1].keys[0] in TITLES


def _replace(text: str, spans: list[tuple[int, int, frozenset[str]]]) -> Redacted:
    merged: list[list[int]] = []
    for start, end, _ in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out += [text[last:start], MARKER]
        last = end
    out.append(text[last:])
    ids = frozenset(i for *_, found in spans for i in found)
    return Redacted("".join(out), len(merged), ids)


_NOT_KEPT = re.compile(r"[^\w@.'\-,]+")
_LINE_SPLIT = re.compile(r"-[ \t]*\r?\n\s*")


class Verifier:
    """Name the other students whose identifiers a text still holds.

    A second check, deliberately unlike :class:`Redactor`: the text is
    case-folded, a word split at a line end is joined (both with and without
    its hyphen), punctuation other than ``@ . - _ ' ,`` becomes a space, and
    the words are matched as whole tokens and n-grams against sets: the full
    name ("given family" and "family , given"), the username, the email (and
    its local part), the id, and "initial family" when no more than
    :data:`RARE` others share the surname and no title comes before it.

    Args:
        subject: the student whose copy it is; their identifiers are not reported.
        others: every other student known.
    """

    def __init__(self, subject: Identity, others: Iterable[Identity]) -> None:
        own_given, own_family = name_words(subject.given_name), name_words(subject.family_name)
        own = {own_given + own_family, own_family + (",",) + own_given}
        if own_given and own_family:
            own.add((own_given[0][0], *own_family))
        own_handles = {h.casefold() for h in (subject.id, subject.username, subject.email) if h}
        self._grams: defaultdict[Key, set[str]] = defaultdict(set)
        self._handles: defaultdict[str, set[str]] = defaultdict(set)
        people = [p for p in others if p.id != subject.id]
        families = Counter(name_words(p.family_name) for p in people)
        for person in people:
            given, family = name_words(person.given_name), name_words(person.family_name)
            if given and family:
                grams = {given + family, family + (",",) + given}
                if families[family] <= RARE:
                    grams.add((given[0][0], *family))
                for gram in grams - own:
                    self._grams[gram].add(person.id)
            for handle in (person.username, person.email, person.id):
                if handle and handle.casefold() not in own_handles:
                    self._handles[handle.casefold()].add(person.id)
        self._sizes = sorted({len(g) for g in self._grams})

    def scan(self, text: str) -> frozenset[str]:
        """Return the ids of other students whose identifiers appear in ``text``."""
        found: set[str] = set()
        folded = text.casefold().replace(MARKER.casefold(), " ").replace("’", "'")
        for joiner in ("", "-"):
            words = _verifier_words(_LINE_SPLIT.sub(joiner, folded))
            for i, word in enumerate(words):
                found |= self._handles.get(word, set())
                if "@" in word:
                    found |= self._handles.get(word.partition("@")[0], set())
                titled = i > 0 and words[i - 1] in TITLES
                for n in self._sizes:
                    gram = tuple(words[i : i + n])
                    if gram in self._grams and not (titled and len(gram[0]) == 1):
                        found |= self._grams[gram]
        return frozenset(found)


def _verifier_words(text: str) -> list[str]:
    text = re.sub(r"'s\b", " ", text).replace(",", " , ")
    return [w for w in (w.strip(".'-@") for w in _NOT_KEPT.sub(" ", text).split()) if w]
