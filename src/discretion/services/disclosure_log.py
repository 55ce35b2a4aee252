"""The disclosure log (34 CFR 99.32): append-only, chained under a key, verifiable.

Each entry's hash is the HMAC-SHA256, under a key derived from DISCRETION_LOG_KEY
(``log_keys``), of its fields and the hash of the entry before it; the entry
records that (scheme ``hmac-sha256``) and the key's id. Entries made before the
log was keyed have scheme ``sha256``: a plain hash that anyone who can write the
database can recompute, and ``verify`` says how many there are. ``log_head``
holds the last sequence number and hash, and database triggers let it move only
one recorded entry forward. An append locks the head row, so with any number of
writers the chain stays single. Signed checkpoints (``checkpoints``) pin the
chain up to an entry. An entry names the items released, never their values.

The key travels in ``session.info["log_key"]``, which ``Context.transaction`` sets.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from discretion.services.checkpoints import Checkpoint, record, sign, signature_holds, stored
from discretion.services.context import now
from discretion.services.errors import ConflictError
from discretion.services.exports import CsvWriter
from discretion.services.log_keys import LogKey, require
from discretion.store.models import Disclosure, LogHead

__all__ = [
    "GENESIS",
    "KEYED",
    "UNKEYED",
    "Entry",
    "Problem",
    "Verification",
    "append",
    "entries_after",
    "entries_for",
    "entry_hash",
    "make_checkpoint",
    "to_csv",
    "verify",
]

GENESIS = "0" * 64
KEYED, UNKEYED = "hmac-sha256", "sha256"
_FIELDS = ("seq", "at", "actor_id", "recipient", "student_id", "items", "rules", "purpose")
_COLUMNS = (*_FIELDS, "prev_hash", "hash", "scheme", "key_id")


@dataclass(frozen=True)
class Entry:
    """One disclosure: who released which items about whom, to whom, under which rules."""

    seq: int
    at: datetime
    actor_id: str
    recipient: str
    student_id: str
    items: list[str]
    rules: list[str]
    purpose: str | None
    prev_hash: str
    hash: str
    scheme: str  # hmac-sha256 (keyed) | sha256 (made before the log was keyed)
    key_id: str | None

    def to_json(self) -> dict[str, Any]:
        """Return the entry as JSON-ready data."""
        return {**asdict(self), "at": self.at.isoformat()}


def entry_hash(prev_hash: str, fields: Iterable[Any], key: LogKey | None = None) -> str:
    """Return the hash of an entry's fields (in ``_FIELDS`` order) chained to ``prev_hash``.

    With ``key``, the HMAC-SHA256 under it (scheme ``hmac-sha256``); without, the
    plain SHA-256 of the entries made before the log was keyed (``sha256``).
    """
    values = [v.isoformat() if isinstance(v, datetime) else v for v in fields]
    payload = json.dumps(values, separators=(",", ":"), ensure_ascii=False)
    data = (prev_hash + payload).encode()
    return key.mac(data) if key is not None else hashlib.sha256(data).hexdigest()


def _key(session: Session) -> LogKey | None:
    key = session.info.get("log_key")
    return key if isinstance(key, LogKey) else None


def append(
    session: Session,
    *,
    actor_id: str,
    recipient: str,
    student_id: str,
    items: list[str],
    rules: list[str],
    purpose: str | None,
    at: datetime | None = None,
) -> Entry:
    """Append an entry in the caller's transaction; it commits with the release it records.

    Raises:
        LogKeyMissingError: the session carries no log key (DISCRETION_LOG_KEY is unset).
    """
    key = require(_key(session))
    head = session.execute(select(LogHead).where(LogHead.id == 1).with_for_update()).scalar_one()
    seq, at = head.seq + 1, at or now()
    fields = (seq, at, actor_id, recipient, student_id, items, rules, purpose)
    digest = entry_hash(head.hash, fields, key)
    entry = Entry(*fields, prev_hash=head.hash, hash=digest, scheme=KEYED, key_id=key.key_id)
    session.add(Disclosure(**asdict(entry)))
    session.flush()  # the entry first: the head's trigger checks that it exists
    head.seq, head.hash = seq, digest
    session.flush()
    return entry


def _entries(
    session: Session, student_id: str | None = None, upto: int | None = None
) -> Iterator[Entry]:
    query = select(*(getattr(Disclosure, f) for f in _COLUMNS))
    if student_id is not None:
        query = query.where(Disclosure.student_id == student_id)
    if upto is not None:
        query = query.where(Disclosure.seq <= upto)
    for row in session.execute(query.order_by(Disclosure.seq)).yield_per(20_000):
        yield Entry(*row)


def entries_after(session: Session, after: int, limit: int) -> list[Entry]:
    """Return up to ``limit`` entries of the whole log after sequence number ``after``."""
    query = (
        select(*(getattr(Disclosure, f) for f in _COLUMNS))
        .where(Disclosure.seq > after)
        .order_by(Disclosure.seq)
        .limit(max(1, min(limit, 1000)))
    )
    return [Entry(*row) for row in session.execute(query)]


def entries_for(session: Session, student_id: str) -> list[Entry]:
    """Return the student's own disclosure record, oldest first."""
    return list(_entries(session, student_id))


@dataclass(frozen=True)
class Problem:
    """Where the chain breaks, and how.

    Kinds: ``edited`` (the entry's hash does not hold), ``missing`` (entries
    absent: a gap, or fewer than the head or a checkpoint records),
    ``out_of_place`` (it does not follow the entry before it), ``unrecorded``
    (the log's end is not the head's), ``unkeyed`` (an unkeyed entry after keyed
    ones: rewritten without the key), ``other_key`` (keyed with a key other than
    DISCRETION_LOG_KEY), ``rewritten`` (the entry is not the one a checkpoint
    signs), ``checkpoint`` (a checkpoint is not validly signed by the log's key).
    """

    seq: int
    kind: str
    message: str


@dataclass(frozen=True)
class Verification:
    """The result of checking the whole chain.

    ``unkeyed`` counts the entries made before the log was keyed: the chain
    holds, but whoever can write the database could have rewritten them.
    """

    entries: int
    problems: list[Problem]
    unkeyed: int = 0

    @property
    def ok(self) -> bool:
        """Return whether the chain holds."""
        return not self.problems


@dataclass
class _Walk:
    """What walking the chain in order found."""

    key: LogKey | None
    entries: int = 0
    unkeyed: int = 0
    last: tuple[int, str] = (0, GENESIS)
    problems: list[Problem] = field(default_factory=list)
    pinned: dict[int, str] = field(default_factory=dict)
    foreign: tuple[str | None, int, int, int] | None = None  # key id, first, last, problem index


def _other_key(walk: _Walk, entry: Entry, key: LogKey) -> None:
    """Report entries keyed with another key, one problem per consecutive run."""
    run = walk.foreign
    first, index = entry.seq, len(walk.problems)
    if run is not None and run[0] == entry.key_id and run[2] == entry.seq - 1:
        first, index = run[1], run[3]
    what = f"entry {first}" if first == entry.seq else f"entries {first} to {entry.seq}"
    message = (
        f"{what} were keyed with key `{entry.key_id}`, not with DISCRETION_LOG_KEY's "
        f"`{key.key_id}`: set the key they were made with, or they were changed"
    )
    problem = Problem(first, "other_key", message)
    if index == len(walk.problems):
        walk.problems.append(problem)
    else:
        walk.problems[index] = problem
    walk.foreign = (entry.key_id, first, entry.seq, index)


def _seal(walk: _Walk, entry: Entry, after_keyed: bool) -> None:
    """Check the entry's own hash under its scheme."""
    seq, fields = entry.seq, [getattr(entry, f) for f in _FIELDS]
    if entry.scheme == UNKEYED:
        if after_keyed:
            message = f"entry {seq} is unkeyed but follows keyed entries: it was rewritten"
            walk.problems.append(Problem(seq, "unkeyed", message))
            return
        holds = entry_hash(entry.prev_hash, fields) == entry.hash
    elif entry.scheme == KEYED:
        key = require(walk.key)
        if entry.key_id != key.key_id:
            _other_key(walk, entry, key)
            return
        holds = hmac.compare_digest(entry_hash(entry.prev_hash, fields, key), entry.hash)
    else:
        holds = False
    if not holds:
        walk.problems.append(Problem(seq, "edited", f"entry {seq} was changed"))


def _walk(session: Session, key: LogKey | None, pins: frozenset[int], upto: int | None) -> _Walk:
    """Check every entry (up to ``upto``) against its hash and its predecessor."""
    walk = _Walk(key)
    expected, prev, keyed = 1, GENESIS, False
    for entry in _entries(session, upto=upto):
        walk.entries += 1
        if entry.seq > expected:
            message = f"entries {expected} to {entry.seq - 1} are missing"
            walk.problems.append(Problem(expected, "missing", message))
        if entry.prev_hash != prev:
            message = (f"entry {entry.seq} does not follow the entry before it "
                       "(an entry was inserted, deleted or reordered)")  # fmt: skip
            walk.problems.append(Problem(entry.seq, "out_of_place", message))
        if entry.scheme == UNKEYED and not keyed:
            walk.unkeyed += 1  # made before the log was keyed
        _seal(walk, entry, keyed)
        keyed = keyed or entry.scheme != UNKEYED
        if entry.seq in pins:
            walk.pinned[entry.seq] = entry.hash
        expected, prev = entry.seq + 1, entry.hash
    walk.last = (expected - 1, prev)
    return walk


def _head(session: Session) -> tuple[int, str]:
    seq, digest = session.execute(select(LogHead.seq, LogHead.hash).where(LogHead.id == 1)).one()
    return int(seq), str(digest)


def _head_problems(walk: _Walk, head: tuple[int, str]) -> list[Problem]:
    """Compare the end of the chain walked up to the head with the head."""
    last, prev = walk.last
    if head[0] > last:
        return [Problem(last + 1, "missing", f"entries {last + 1} to {head[0]} are missing")]
    if head[1] != prev:
        message = (f"the log ends at entry {last}, which the head does not record "
                   "(an entry was added or changed outside Discretion)")  # fmt: skip
        return [Problem(last, "unrecorded", message)]
    return []


def _pin_problems(walk: _Walk, checkpoint: Checkpoint, label: str) -> list[Problem]:
    """Check a checkpoint's signature, and that its entry still has the hash it signs."""
    key, seq = require(walk.key), checkpoint.seq
    label = f"{label} of {checkpoint.at:%Y-%m-%d %H:%M:%S}"
    if checkpoint.key_id != key.key_id:
        message = (
            f"{label} was signed with key `{checkpoint.key_id}`, not with this log's "
            f"`{key.key_id}`: it is another log's, or DISCRETION_LOG_KEY is not this log's"
        )
        return [Problem(seq, "checkpoint", message)]
    if not signature_holds(checkpoint, key.public_key):
        message = f"{label} does not carry a valid signature: it was altered after signing"
        return [Problem(seq, "checkpoint", message)]
    found, last = walk.pinned.get(seq, GENESIS if seq == 0 else None), walk.last[0]
    if found is None and last < seq:
        message = f"entries {last + 1} to {seq} are missing, though {label} signs entry {seq}"
        return [Problem(last + 1, "missing", message)]
    if found is None:
        return [Problem(seq, "missing", f"entry {seq} is missing, though {label} signs it")]
    if found != checkpoint.hash:
        message = (f"entry {seq} is not the one {label} signs: entries up to it were "
                   "edited, removed, inserted or reordered")  # fmt: skip
        return [Problem(seq, "rewritten", message)]
    return []


def _stray(session: Session, after: int) -> list[Problem]:
    """Find entries past the head's entry ``after`` that no head records, even now."""
    newest = session.scalar(select(func.max(Disclosure.seq)).where(Disclosure.seq > after))
    if newest is None:
        return []
    # INVARIANT: read after the entries, the head records every append among them
    head, _ = _head(session)
    first = session.scalar(
        select(func.min(Disclosure.seq)).where(Disclosure.seq > head, Disclosure.seq <= newest)
    )
    if first is None:
        return []  # appends that committed while the chain was walked
    message = f"entry {first} comes after the head's entry {head}: it was added outside Discretion"
    return [Problem(first, "unrecorded", message)]


def _examine(
    session: Session, key: LogKey | None, extra: list[tuple[Checkpoint, str]]
) -> tuple[_Walk, list[Problem]]:
    """Walk the chain up to the head, and check its end and every checkpoint.

    Read in this order, checkpoints, head, entries, what one read sees the next
    one sees too, however many writers append meanwhile.
    """
    pins = [(c, "the stored checkpoint") for c in stored(session)] + extra
    head = _head(session)
    walk = _walk(session, key, frozenset(c.seq for c, _ in pins), head[0])
    problems = walk.problems + _head_problems(walk, head)
    for checkpoint, label in pins:
        problems += _pin_problems(walk, checkpoint, label)
    return walk, problems


def verify(session: Session, checkpoint: Checkpoint | None = None) -> Verification:
    """Check every entry, the end against the head, and every checkpoint.

    Finds edited entries (the hash, keyed or not, does not hold), deleted ones
    (gaps in the sequence, or a head ahead of the last entry), inserted or
    reordered ones (an entry that does not follow the one before it, or that
    the head does not know), unkeyed entries after keyed ones, and entries
    keyed with another key. Each checkpoint, the one given (kept outside the
    database) and those stored, must carry this log's valid signature, and its
    entry must still have the hash it signs: that finds entries removed from the
    end, and a chain rewritten by someone who holds the key, up to the
    checkpoint. Without one, someone who can drop the triggers can remove the
    newest entries and set the head back unseen.

    Raises:
        LogKeyMissingError: there are keyed entries or checkpoints, and no key to check them.
    """
    extra = [] if checkpoint is None else [(checkpoint, "the given checkpoint")]
    walk, problems = _examine(session, _key(session), extra)
    problems += _stray(session, walk.last[0])  # the walk ends at the head's entry
    return Verification(walk.entries, problems, walk.unkeyed)


def make_checkpoint(session: Session, at: datetime | None = None) -> tuple[Checkpoint, int]:
    """Sign the log's head, store the checkpoint and queue it for every webhook in service.

    The chain up to the head is verified first, stored checkpoints included, so a
    checkpoint never vouches for a log that was already tampered with.

    Returns:
        The checkpoint, and how many webhooks will receive it.

    Raises:
        LogKeyMissingError: the session carries no log key.
        ConflictError: the log fails verification; nothing was signed.
    """
    key = require(_key(session))
    walk, problems = _examine(session, key, [])
    if problems:
        first = problems[0]
        raise ConflictError(
            f"the disclosure log fails verification at entry {first.seq} ({first.kind}), so no "
            "checkpoint was made: it would vouch for that; run `discretion log verify`"
        )
    seq, digest = walk.last
    checkpoint = sign(key, seq, digest, at or now())
    return checkpoint, record(session, checkpoint)


def to_csv(entries: Iterable[Entry]) -> str:
    """Return entries as CSV, one row each, items and rules separated by spaces.

    Cells a spreadsheet would run as formulas (a recipient ``=...``) are neutralised.
    """
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow([*_FIELDS, "prev_hash", "hash"])
    for entry in entries:
        row = entry.to_json()
        row["items"], row["rules"] = " ".join(entry.items), " ".join(entry.rules)
        writer.writerow([row[f] for f in (*_FIELDS, "prev_hash", "hash")])
    return out.getvalue()
