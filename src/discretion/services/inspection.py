"""A student's copy of their records, for an access request: compiled, redacted, verified, kept.

The Registrar's office compiles the copy from every registered source
(``inspection_sources``), with each mention of another student replaced by a
visible marker (34 CFR 99.12(a)). Notes in their maker's sole possession and
letters of recommendation the student waived the right to see are left out
and only counted; the writers of letters are still named. Before a copy is
kept, an independent scan of both the JSON bundle and the PDF's own text must
find no other student's identifiers, and the PDF must read back whole, or
the copy is refused. Released, it fulfils the request; the student downloads
it (each download recorded) until the profile's ``inspection_copy_days`` run
out, and then its content is deleted.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from discretion.policy import Profile
from discretion.services.access import KEEPER, require_registrar
from discretion.services.access_requests import fulfil, kept_request, open_request, view_of
from discretion.services.context import now
from discretion.services.errors import ConflictError, NotFoundError
from discretion.services.identities import identities
from discretion.services.inspection_render import FORMAT, pdf_text, render_pdf
from discretion.services.inspection_sources import SOURCES, Names
from discretion.services.principals import Principal
from discretion.services.redaction import MARKER, Identity, Redactor, Verifier
from discretion.store.models import AccessRequest, Change, InspectionCopy, Person

__all__ = [
    "LEFT_OUT",
    "CopyView",
    "Download",
    "compile_copy",
    "copies",
    "download",
    "help_office",
    "purge_expired",
    "release_copy",
    "unverified",
]

# what may be left out of a copy, and the law that lets it be
LEFT_OUT = {
    "sole_possession_notes": (
        "Notes kept only by the person who made them, as a memory aid",
        "34 CFR 99.3, education records (b)(1)",
    ),
    "waived_recommendation_letters": (
        "Confidential letters of recommendation you waived the right to see",
        "34 CFR 99.12(a)(3) and (c)",
    ),
}
_ENTITY = "inspection_copy"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class CopyView:
    """A kept copy without its content: what the desk and the student see of it."""

    id: int
    request_id: int
    state: str
    compiled_at: datetime
    compiled_by: str
    redactions: int
    left_out: dict[str, int]
    released_at: datetime | None
    expires_at: datetime | None
    sha256: str

    @classmethod
    def of(cls, copy: InspectionCopy) -> CopyView:
        """Return the view of ``copy``."""
        return cls(copy.id, copy.request_id, copy.state, copy.compiled_at, copy.compiled_by,
                   copy.redactions, dict(copy.left_out), copy.released_at, copy.expires_at,
                   copy.sha256)  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        """Return the view as JSON-ready data."""
        data: dict[str, Any] = {}
        for name in self.__slots__:
            value = getattr(self, name)
            data[name] = value.isoformat() if isinstance(value, datetime) else value
        return data


@dataclass(frozen=True, slots=True)
class Download:
    """A copy's content in one format, ready to send."""

    content: bytes
    media_type: str
    filename: str


def _all(people: Iterable[Person]) -> Iterator[Identity]:
    for someone in people:
        yield from identities(someone)


def _help(profile: Profile) -> dict[str, str]:
    committee = profile.offices.get("csip")
    if committee is not None:
        return {"name": committee.name, "text": (
            "If you think a record is wrong or misleading, or that your rights were not "
            "respected, the committee can advise you and hear your concern."
        )}  # fmt: skip
    return {"name": "Student Privacy Policy Office, US Department of Education", "text": (
        "You may ask for a record you think wrong to be amended, and may file a complaint "
        "with the Department (34 CFR 99.63)."
    )}  # fmt: skip


def help_office(profile: Profile) -> dict[str, str]:
    """Return who helps a student with their records (``name``) and how (``text``)."""
    return _help(profile)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for part in value.values():
            yield from _strings(part)
    elif isinstance(value, list):
        for part in value:
            yield from _strings(part)


def unverified(bundle: dict[str, Any], pdf: bytes, verifier: Verifier) -> str | None:
    """Return why the copy may not be released, or None when it may.

    The verifier scans every string of the bundle and the PDF's own text; the
    PDF must also hold every cell of the bundle (so a text that did not read
    back, e.g. for want of a font, cannot hide a name from the scan).
    """
    found: set[str] = set()
    for value in _strings(bundle):
        found |= verifier.scan(value)
    written = pdf_text(pdf)
    found |= verifier.scan(written)
    if found:
        return (
            f"the copy still names {len(found)} other student(s) after redaction; "
            "it was not kept: correct the records that name them and compile again"
        )
    flat = _SPACE.sub("", written)
    for section in bundle["sections"]:
        for row in section["rows"]:
            if any(_SPACE.sub("", cell) not in flat for cell in row):
                return (f"the PDF's text does not read back whole (section {section['key']}); "
                        "it was not kept: check the fonts installed for WeasyPrint")  # fmt: skip
    return None


def _bundle(session: Session, profile: Profile, actor: Principal, request: AccessRequest,
            student: Person, others: list[Identity]) -> dict[str, Any]:  # fmt: skip
    staff = session.scalars(select(Person).where(Person.kind != "student"))
    own = identities(student)
    # the student's own preferred name is theirs: it stays, as staff names do
    redactor = Redactor(own[0], others, [*_all(staff), *own[1:]])
    names, redactions = Names(session), 0
    sections, held = [], []
    for source in SOURCES.values():
        found = source.find(session, student.id, names)
        held += found.held
        rows = []
        for row in found.rows:
            cells = []
            for column, cell in zip(source.columns, row, strict=True):
                done = redactor.redact(cell, prose=column in source.prose)
                redactions += done.count
                cells.append(done.text)
            rows.append(cells)
        sections.append({"key": source.key, "title": source.title,
                         "description": source.description, "columns": list(source.columns),
                         "rows": rows})  # fmt: skip
    counts = {category: sum(1 for h in held if h.category == category) for category in LEFT_OUT}
    clock = view_of(session, profile, request)  # the due date, pauses included
    return {
        "format": FORMAT,
        "institution": profile.name,
        "request": {"id": request.id, "method": request.method,
                    "received_at": request.received_at.isoformat(),
                    "due_at": clock.effective_due_at.isoformat()},
        "student": {"id": student.id, "name": f"{student.given_name} {student.family_name}",
                    "username": student.username or "", "email": student.email or ""},
        "compiled_at": now().isoformat(),
        "compiled_by": actor.name,
        "marker": MARKER,
        "redactions": redactions,
        "sections": sections,
        "left_out": [{"category": category, "label": label, "count": counts[category],
                      "basis": basis}
                     for category, (label, basis) in LEFT_OUT.items() if counts[category]],
        "letter_writers": sorted({h.writer for h in held if h.writer}),
        "help": _help(profile),
    }  # fmt: skip


def _record(session: Session, actor: Principal | None, action: str, copy: InspectionCopy) -> None:
    session.flush()
    session.add(Change(at=now(), actor=actor.name if actor else "retention", action=action,
                       entity=_ENTITY,
                       entity_id=str(copy.id), student_id=copy.student_id))  # fmt: skip


def compile_copy(session: Session, profile: Profile, actor: Principal, request_id: int) -> CopyView:
    """Compile, redact and verify the copy for an open request; keep it, unreleased.

    A copy compiled before for the request and not yet released is replaced.

    Raises:
        ForbiddenError: anyone but the Registrar's office.
        ConflictError: the request has ended, or the copy failed verification
            (nothing is kept then).
    """
    request = open_request(session, actor, request_id)
    require_registrar(actor)
    student = session.get(Person, request.student_id)
    assert student is not None  # INVARIANT: the request's key
    # every other student, loaded once: the redactor takes them out, the verifier checks it
    others = list(
        _all(
            session.scalars(select(Person).where(Person.kind == "student", Person.id != student.id))
        )
    )
    bundle = _bundle(session, profile, actor, request, student, others)
    pdf = render_pdf(bundle)
    reason = unverified(bundle, pdf, Verifier(identities(student)[0], others))
    if reason is not None:
        raise ConflictError(reason)
    for earlier in session.scalars(
        select(InspectionCopy).where(
            InspectionCopy.request_id == request.id, InspectionCopy.state == "ready"
        )  # fmt: skip
    ):
        session.delete(earlier)
    text = json.dumps(bundle, ensure_ascii=False, sort_keys=True, indent=1)
    copy = InspectionCopy(
        request_id=request.id, student_id=student.id, state="ready",
        compiled_at=datetime.fromisoformat(bundle["compiled_at"]), compiled_by=actor.name,
        sha256=hashlib.sha256(text.encode()).hexdigest(), redactions=bundle["redactions"],
        left_out={entry["category"]: entry["count"] for entry in bundle["left_out"]},
        bundle=text, pdf=pdf,
    )  # fmt: skip
    session.add(copy)
    _record(session, actor, "compile", copy)
    return CopyView.of(copy)


def release_copy(session: Session, profile: Profile, actor: Principal, request_id: int) -> CopyView:
    """Release the request's compiled copy to the student, which fulfils the request.

    Raises:
        ForbiddenError: anyone but the Registrar's office.
        ConflictError: the request has ended, or no copy is compiled for it.
    """
    request = open_request(session, actor, request_id)
    require_registrar(actor)
    copy = session.scalars(
        select(InspectionCopy).where(
            InspectionCopy.request_id == request.id, InspectionCopy.state == "ready"
        )  # fmt: skip
    ).first()
    if copy is None:
        raise ConflictError(f"access request {request_id} has no compiled copy; compile it first")
    moment = now()
    copy.state, copy.released_at, copy.released_by = "released", moment, actor.name
    copy.expires_at = moment + timedelta(days=profile.inspection_copy_days)
    _record(session, actor, "release", copy)
    fulfil(session, actor=actor, request_id=request.id)
    return CopyView.of(copy)


def purge_expired(session: Session, actor: Principal | None = None) -> int:
    """Delete the content of released copies kept past their day; return how many.

    The doors run it before they list or give copies, and ``access-request
    purge`` runs it for copies no one looks at. It only deletes what is due
    to go, so it is recorded as the retention rule's (``retention``), or as
    the person who ran the command.
    """
    purged = 0
    for copy in session.scalars(
        select(InspectionCopy).where(
            InspectionCopy.state == "released", InspectionCopy.expires_at <= now()
        )  # fmt: skip
    ):
        copy.state, copy.bundle, copy.pdf, copy.purged_at = "purged", None, None, now()
        _record(session, actor, "purge", copy)
        purged += 1
    return purged


def copies(session: Session, actor: Principal, request_id: int) -> list[CopyView]:
    """Return the copies of a request: to the student the released ones, to the office all.

    Raises:
        ForbiddenError: anyone else (to a student, another's request looks like none).
        NotFoundError: the Registrar's office named a request that does not exist.
    """
    request = kept_request(session, actor, request_id)
    query = select(InspectionCopy).where(InspectionCopy.request_id == request.id)
    if not (actor.is_system or actor.has(KEEPER)):
        query = query.where(InspectionCopy.state != "ready")
    return [CopyView.of(copy) for copy in session.scalars(query.order_by(InspectionCopy.id))]


def download(session: Session, actor: Principal, request_id: int, kind: str) -> Download:
    """Return the request's copy as ``pdf`` or ``json``, recording the delivery.

    The student gets the released copy; the Registrar's office also a compiled
    one, to check it before release. A copy past its day is never given, purged
    or not (doors run ``purge_expired`` in a transaction of its own first, so
    that the deletion stands when this refuses).

    Raises:
        ForbiddenError: anyone else.
        NotFoundError: no copy to give (none released, or its time ran out).
    """
    moment = now()
    shown = [
        view for view in copies(session, actor, request_id)
        if view.state != "purged" and (view.expires_at is None or view.expires_at > moment)
    ]  # fmt: skip
    if not shown:
        raise NotFoundError(
            f"access request {request_id} has no copy to download: none was released, or "
            "it was kept its full time and deleted; file a new request for a fresh copy"
        )
    copy = session.get(InspectionCopy, shown[-1].id)
    assert copy is not None and copy.bundle is not None and copy.pdf is not None
    _record(session, actor, f"download_{kind}", copy)
    name = f"records-request-{request_id}"
    if kind == "pdf":
        return Download(copy.pdf, "application/pdf", f"{name}.pdf")
    return Download(copy.bundle.encode(), "application/json", f"{name}.json")
