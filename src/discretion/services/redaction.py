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
  surname (which a parent or the subject may bear) or given name, and does not follow a
  title (Prof., Dr., Dean, Mr., Ms., ...) that names a staff member of ``keep``
  with that surname; a surname shared by staff and a classmate without a title
  is removed, since nothing tells them apart;
- the given name alone, starting with a capital, only when the same text names
  that student in full somewhere, and never the subject's own given name.

A word split by a hyphen at a line end ("Smi-\\nth") is read both joined and
as two words. A possessive stays after the marker ("John Smith's" becomes
"[another student]'s"; "Smiths'" becomes "[another student]'"), and
overlapping matches merge into one marker. The subject's own identifiers and
the full names of ``keep`` are left; where a reading could be the subject's
(an initial and surname they share), it is left too.

Readings are found by walking the text's tokens and looking up short runs of
them in dicts keyed by case-folded names, usernames, emails and ids, built once
per redactor; no regular expression is built per person.

Known limits: a surname that is also a word is removed where it starts a
sentence or a proper noun ("Brown University"), and a surname written in lower
case alone ("smith said") is left; a surname shared with the subject is never
removed alone; nicknames, initials alone ("JS"), misspellings, a name
joined by punctuation ("john.smith", "John-Smith"), part of a hyphenated
surname ("Sofia Garcia") and descriptions ("her roommate") are not found;
usernames are words of letters, digits, ``_`` and ``-`` (one with a dot is
not matched), and a username that is an ordinary word ("will") is removed
wherever that word stands alone.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from discretion.services._redaction_text import (
    TITLES,
    Token,
    after_initial,
    after_title,
    name_words,
    replace_spans,
    tokens,
    words,
)

__all__ = ["MARKER", "TITLES", "Identity", "Redacted", "Redactor", "Verifier"]

MARKER = "[another student]"
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
    ids: frozenset[str] = frozenset()  # every student a removed mention may name


@dataclass(frozen=True, slots=True)
class _Person:
    role: str
    id: str
    given: Key
    family: Key


@dataclass(frozen=True, slots=True)
class _Hits:
    """Who a reading may name: the roles among them, and the other students."""

    roles: frozenset[str]
    ids: frozenset[str]  # the other students'
    named: tuple[tuple[str, str], ...]  # (first given word, id) of each other student


_NONE = _Hits(frozenset(), frozenset(), ())
Span = tuple[int, int, frozenset[str]]


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
        # INVARIANT: one dict lookup per reading; a key's hits are summed on first use
        self._index: dict[str, defaultdict[Key, list[_Person]]] = {
            form: defaultdict(list) for form in ("full", "reverse", "initial", "family", "exact")
        }
        self._hits: dict[tuple[str, Key], _Hits] = {}
        self._given_sizes: set[int] = set()
        self._subject = self._add(SUBJECT, subject)
        if self._subject.given:  # their given name alone may be a classmate's surname: it stays
            self._index["family"][self._subject.given].append(self._subject)
        for person in others:
            if person.id != subject.id:
                self._add(OTHER, person)
        for person in keep:
            self._add(KEEP, person)
        self._name_sizes = sorted({len(k) for k in self._index["full"]}, reverse=True)
        self._family_sizes = sorted({len(k) for k in self._index["family"]}, reverse=True)

    def _add(self, role: str, identity: Identity) -> _Person:
        given, family = name_words(identity.given_name), name_words(identity.family_name)
        person, index = _Person(role, identity.id, given, family), self._index
        self._given_sizes.add(len(given))
        if given and family:
            index["full"][given + family].append(person)
            index["reverse"][family + given].append(person)
            index["initial"][(given[0][0], *family)].append(person)
        if family:
            index["family"][family].append(person)
        for handle in (identity.username, identity.email, identity.id):
            if handle:
                index["exact"][(handle.casefold(),)].append(person)
        return person

    def redact(self, text: str, *, prose: bool = True) -> Redacted:
        """Return ``text`` with each mention of another student replaced by :data:`MARKER`.

        ``prose=False`` is for a field that holds a value, not sentences (an
        address, a directory item): there a surname or given name alone is a
        word of the value ("838 Foster Knolls"), and only whole identifiers
        (full names, initial and surname, usernames, emails, ids) are taken.
        """
        spans: list[Span] = []
        said: defaultdict[str, set[str]] = defaultdict(set)
        loose: list[Token] = []
        for joined in (True, False):
            self._scan(tokens(text, joined_breaks=joined), spans, said, loose, prose)
        own = self._subject.given[:1]
        for token in (
            loose if prose else ()
        ):  # a given name alone, once the text has named its bearer in full
            ids = {i for key in token.keys if (key,) != own for i in said.get(key, ())}
            if ids and token.is_capital:
                spans.append((token.start, token.end, frozenset(ids)))
        text, count = replace_spans(text, [(start, end) for start, end, _ in spans], MARKER)
        return Redacted(text, count, frozenset().union(*(ids for *_, ids in spans)))

    def _scan(
        self,
        toks: list[Token],
        spans: list[Span],
        said: dict[str, set[str]],
        loose: list[Token],
        prose: bool,
    ) -> None:
        i = 0
        while i < len(toks):
            best = max(self._verdicts(toks, i), key=lambda v: v[:2], default=None)
            if best is None:
                if toks[i].kind == "word":
                    loose.append(toks[i])
                i += 1
                continue
            end, priority, form, hits = best
            if form == "family" and not prose:  # a surname alone is a word of a value
                i += 1
                continue
            if priority == 2:  # the best reading is another student
                spans.append((toks[i].start, toks[end - 1].end, hits.ids))
                for given, person in hits.named if form == "full" else ():
                    said.setdefault(given, set()).add(person)
            i = end

    def _verdicts(self, toks: list[Token], i: int) -> Iterator[tuple[int, int, str, _Hits]]:
        """Yield (end, priority, form, hits) for each reading at ``i``; 2 means redact."""
        titled = after_title(toks, i)
        for end, form, hits in self._readings(toks, i):
            if form == "family":
                if SUBJECT in hits.roles or (titled and KEEP in hits.roles):
                    yield end, 3, form, hits  # the subject's surname, or a titled staff member
                elif hits.ids and toks[i].is_capital:
                    yield end, 2, form, hits
            elif SUBJECT in hits.roles:
                yield end, 3, form, hits
            elif hits.ids:
                yield end, 2, form, hits
            elif hits.roles:
                yield end, 1, form, hits  # staff named in full: kept

    def _readings(self, toks: list[Token], i: int) -> Iterator[tuple[int, str, _Hits]]:
        tok, find = toks[i], self._find
        if tok.kind in ("word", "email"):
            yield i + 1, "exact", find("exact", [tok.keys])
        if tok.keys == ("@",) and i + 1 < len(toks) and toks[i + 1].kind == "word":
            yield i + 2, "exact", find("exact", [toks[i + 1].keys])
        for n in self._name_sizes:
            yield i + n, "full", find("full", words(toks, i, n))
        after_middle = after_initial(toks, i + 1, bare=True) if tok.kind == "word" else None
        after_first = after_initial(toks, i, bare=tok.is_capital)
        for m in self._family_sizes:
            if after_middle is not None:  # "John Q. Smith"
                family = words(toks, after_middle, m)
                yield after_middle + m, "full", find("full", [tok.keys, *family] if family else [])
            if after_first is not None:  # "J. Smith"
                family = words(toks, after_first, m)
                yield after_first + m, "initial", find("initial", [tok.keys, *family])
            family = words(toks, i, m)
            yield i + m, "family", find("family", family)
            comma = i + m
            if not family or comma >= len(toks) or toks[comma].keys != (",",):
                continue
            for g in self._given_sizes:  # "Smith, John"
                given = words(toks, comma + 1, g)
                yield comma + 1 + g, "full", find("reverse", family + given if given else [])
            after = after_initial(toks, comma + 1, bare=True)
            if after is not None:  # "Smith, J."
                yield after, "initial", find("initial", [toks[comma + 1].keys, *family])

    def _find(self, form: str, parts: list[Key]) -> _Hits:
        found = [self._hits_of(form, key) for key in itertools.product(*parts)] if parts else []
        found = [hits for hits in found if hits.roles]
        if len(found) < 2:
            return found[0] if found else _NONE
        return _Hits(
            frozenset().union(*(h.roles for h in found)),
            frozenset().union(*(h.ids for h in found)),
            tuple(pair for h in found for pair in h.named),
        )

    def _hits_of(self, form: str, key: Key) -> _Hits:
        if (form, key) not in self._hits:
            people = self._index[form].get(key, ())
            others = [p for p in people if p.role == OTHER]
            self._hits[form, key] = _Hits(
                frozenset(p.role for p in people),
                frozenset(p.id for p in others),
                tuple((p.given[0], p.id) for p in others if p.given),
            )
        return self._hits[form, key]


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
    It reads no surname or given name alone, and does not know ``keep``: staff
    who share a student's full name are reported, which stops a release
    rather than leaking one. A name, username, email or id the subject shares
    is never reported.

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
            parts = _verifier_words(_LINE_SPLIT.sub(joiner, folded))
            for i, word in enumerate(parts):
                found |= self._handles.get(word, set())
                if "@" in word:
                    found |= self._handles.get(word.partition("@")[0], set())
                titled = i > 0 and parts[i - 1] in TITLES
                for n in self._sizes:
                    gram = tuple(parts[i : i + n])
                    if gram in self._grams and not (titled and len(gram[0]) == 1):
                        found |= self._grams[gram]
        return frozenset(found)


def _verifier_words(text: str) -> list[str]:
    text = re.sub(r"'s\b", " ", text).replace(",", " , ")
    return [w for w in (w.strip(".'-@") for w in _NOT_KEPT.sub(" ", text).split()) if w]
