"""The facts a rule may read about one information item of a question, declared once.

``ItemFacts`` is the single declaration of every fact: its name and type
(whose values are the fact's domain), the default a question takes when it
does not state it, where a question states it (``at``), and, for a fact that
differs by item, how the item's value is derived. The parser, the question's
key, the explorer's domains and the simplest question for an outcome all read
``FACTS``, which is built from it; nothing else lists the facts.

Rules see an item only through ``ItemFacts``: its traits, never its name, and
the question's facts flattened. That is what lets the invariant tests and the
compiled fast path explore every question: whatever a rule does not read
cannot change its answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from enum import Enum
from typing import TYPE_CHECKING, Any, get_type_hints

from discretion.policy.profile import ItemTraits, Office, Profile
from discretion.policy.vocabulary import (
    OUTSIDE,
    Act,
    Channel,
    ConsentForm,
    LegalProcess,
    Level,
    RecipientKind,
    RequestForm,
    Status,
    Students,
)

if TYPE_CHECKING:
    from discretion.policy.question import Question

__all__ = [
    "read_stated",
    "FACTS",
    "FACT_NAMES",
    "REQUIRED",
    "STATED",
    "Fact",
    "Facts",
    "ItemFacts",
    "has_explicit_consent",
    "has_need_to_know",
    "has_written_consent",
    "has_posting_permission",
    "is_background_check",
    "is_court_process",
    "is_listing",
    "is_non_routine",
    "is_open_directory",
    "is_outside",
    "is_plain",
    "is_posting",
    "is_public_web",
    "is_routine_law_enforcement",
    "is_served_process",
    "PER_ITEM",
    "fact_value",
    "item_facts",
    "legal_process_office",
]

_WEB = frozenset({Channel.WEB_PUBLIC, Channel.WEB_RESTRICTED})
_EMAIL_OR_STRONGER = frozenset(
    {ConsentForm.EMAIL, ConsentForm.WRITTEN, ConsentForm.SIGNED_AUTHORIZATION}
)
_WRITTEN = frozenset({ConsentForm.WRITTEN, ConsentForm.SIGNED_AUTHORIZATION})

# How a fact's value for one item follows from the question: (question, item,
# profile, the value the question states or None) -> the item's value.
PerItem = Callable[["Question", str, Profile, Any], Any]


class _Required:
    """The default of a fact every question must state."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


def _fact(at: str | None, default: Any = REQUIRED, per_item: PerItem | None = None) -> Any:
    """Declare a fact: where a question states it, its default, how an item derives it."""
    metadata = {"at": tuple(at.split(".")) if at else None, "per_item": per_item}
    if default is REQUIRED:
        return field(metadata=metadata)
    return field(default=default, metadata=metadata)


def _needs(question: Question, item: str, profile: Profile, stated: bool) -> bool:
    # stated in the question, or given by a relation the profile's matrix says needs it
    return stated or profile.covers(question.relations, item)


def _traits(question: Question, item: str, profile: Profile, stated: None) -> ItemTraits:
    return profile.traits(item)


def _suppressed(question: Question, item: str, profile: Profile, stated: None) -> bool:
    return item in question.suppressed


def _consent_form(
    question: Question, item: str, profile: Profile, stated: ConsentForm
) -> ConsentForm:
    # a consent that names its items counts for those items only
    return stated if question.consent_covers(item) else ConsentForm.NONE


def _specific(question: Question, item: str, profile: Profile, stated: bool) -> bool:
    return stated and question.consent_covers(item)


def _posting(question: Question, item: str, profile: Profile, stated: bool) -> bool:
    return stated and question.posting_covers(item)


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemFacts:
    """The facts of one item of a question: each field declares one fact.

    ``need_to_know`` is the recipient's need for this item: stated in the
    question, or given by a relation that the profile's matrix says needs it.
    ``suppressed`` says whether the student suppressed this item (the question
    lists them in ``student.suppressed``); ``consent``, ``specific`` and
    ``web_posting`` count only for the items a consent or permission names.
    """

    act: Act = _fact("act", Act.DISCLOSE)
    recipient: RecipientKind = _fact("recipient.kind")
    need_to_know: bool = _fact("recipient.need_to_know", False, _needs)
    assigned_to_subject: bool = _fact("recipient.assigned_to_subject", False)
    legal_process: LegalProcess = _fact("recipient.legal_process", LegalProcess.NONE)
    notice_forbidden: bool = _fact("recipient.notice_forbidden", False)
    student_enrolling: bool = _fact("recipient.student_enrolling", False)
    students: Students = _fact("students", Students.ONE)
    status: Status = _fact("student.status", Status.CURRENT)
    level: Level = _fact("student.level", Level.UNDERGRADUATE)
    item: ItemTraits = _fact(None, per_item=_traits)
    suppressed: bool = _fact(None, False, _suppressed)
    withheld: bool = _fact("student.withheld", False)
    dependent: bool = _fact("student.dependent", False)
    consent: ConsentForm = _fact("consent.form", ConsentForm.NONE, _consent_form)
    specific: bool = _fact("consent.specific", False, _specific)
    web_posting: bool = _fact("consent.web_posting", False, _posting)
    channel: Channel = _fact("channel", Channel.IN_PERSON)
    emergency: bool = _fact("emergency", False)
    for_financial_aid: bool = _fact("for_financial_aid", False)
    request: RequestForm = _fact("record.request_form", RequestForm.WRITTEN)
    identifies_other_students: bool = _fact("record.identifies_other_students", False)
    sole_possession_note: bool = _fact("record.sole_possession_note", False)
    access_waived: bool = _fact("record.access_waived", False)


# Rules are written against the facts of one item.
Facts = ItemFacts


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact, as ``ItemFacts`` declares it.

    ``values`` is its domain (None for an item's traits, which the profile
    knows); ``at`` the path where a question states it (None when only the
    item gives it); ``per_item`` how an item's value derives, if it differs by
    item.
    """

    name: str
    kind: type
    values: tuple[Any, ...] | None
    default: Any
    at: tuple[str, ...] | None
    per_item: PerItem | None

    def read(self, data: Mapping[str, Any]) -> Any:
        """Return the value a (schema-valid) question states, or the default."""
        assert self.at is not None  # INVARIANT: only stated facts are read
        here: Any = data
        for key in self.at:
            # a decoded object is a dict: ask the abstract Mapping only of anything else
            if not (type(here) is dict or isinstance(here, Mapping)) or key not in here:
                return self.default
            here = here[key]
        members = _MEMBERS.get(self.kind)
        return bool(here) if members is None else members.get(here) or self.kind(here)

    def json(self, value: Any) -> Any:
        """Return a value as a question states it."""
        return value.value if isinstance(value, Enum) else value


def _declared() -> tuple[Fact, ...]:
    hints = get_type_hints(ItemFacts)
    declared = []
    for spec in fields(ItemFacts):
        kind = hints[spec.name]
        if issubclass(kind, Enum):
            values: tuple[Any, ...] | None = tuple(kind)
        elif kind is bool:
            values = (False, True)
        else:
            values = None
        default = REQUIRED if spec.default is MISSING else spec.default
        meta = spec.metadata
        declared.append(Fact(spec.name, kind, values, default, meta["at"], meta["per_item"]))
    return tuple(declared)


FACTS: tuple[Fact, ...] = _declared()
# each enumerated fact's members by value: a dict lookup, where calling the Enum takes longer
_MEMBERS: dict[type, dict[Any, Any]] = {
    fact.kind: {member.value: member for member in fact.kind}
    for fact in FACTS
    if issubclass(fact.kind, Enum)
}
FACT_NAMES: tuple[str, ...] = tuple(fact.name for fact in FACTS)
# the facts a question states, in declaration order (its key follows it)
STATED: tuple[Fact, ...] = tuple(fact for fact in FACTS if fact.at is not None)
# how each fact that differs by item follows from the question's stated value
PER_ITEM: dict[str, PerItem] = {f.name: f.per_item for f in FACTS if f.per_item is not None}


def _sections() -> tuple[tuple[str | None, tuple[tuple[str, str, Any, Any, type], ...]], ...]:
    """Group the stated facts by the object that holds them (None: the question itself)."""
    groups: dict[str | None, list[tuple[str, str, Any, Any, type]]] = {}
    for fact in STATED:
        assert fact.at is not None and len(fact.at) in (1, 2)  # INVARIANT: the schema's shape
        section, key = (None, fact.at[0]) if len(fact.at) == 1 else fact.at
        plan = (fact.name, key, fact.default, _MEMBERS.get(fact.kind), fact.kind)
        groups.setdefault(section, []).append(plan)
    return tuple((section, tuple(plans)) for section, plans in groups.items())


_SECTIONS = _sections()


def read_stated(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return what a (schema-valid) question states of every fact: each ``Fact.read``, in one
    pass that looks each of the question's objects up once."""
    stated: dict[str, Any] = {}
    for section, plans in _SECTIONS:
        where = data if section is None else data.get(section)
        if not isinstance(where, Mapping):  # the object is absent: every fact in it defaults
            for name, _, default, _, _ in plans:
                stated[name] = default
            continue
        for name, key, default, members, kind in plans:
            if key not in where:
                stated[name] = default
            elif members is None:
                stated[name] = bool(where[key])
            else:
                stated[name] = members.get(where[key]) or kind(where[key])
    return stated


def item_facts(question: Question, item: str, profile: Profile) -> ItemFacts:
    """Return the facts of ``item`` in ``question``.

    Raises:
        UnknownInformationError: the profile does not know the item.
    """
    return ItemFacts(**{name: fact_value(question, item, profile, name) for name in FACT_NAMES})


def fact_value(question: Question, item: str, profile: Profile, name: str) -> Any:
    """Return one fact of ``item`` in ``question``: as stated, or as the item makes it.

    ``item_facts`` works every fact out this way, and ``decide``'s engine each
    fact a rule reads, one at a time.
    """
    derive = PER_ITEM.get(name)
    stated = question.stated.get(name)
    return stated if derive is None else derive(question, item, profile, stated)


# Predicates shared by the rules. Each reads only what it must, in an order
# that keeps the explored question space small.


def is_outside(facts: Facts) -> bool:
    """Return whether the recipient is outside the Institute."""
    return facts.recipient in OUTSIDE


def is_listing(facts: Facts) -> bool:
    """Return whether the act concerns several students (a class list always does)."""
    return facts.act is Act.SHARE_CLASS_LIST or facts.students is Students.MANY


def is_posting(facts: Facts) -> bool:
    """Return whether the act distributes information on the web to a community or the public.

    Posting is ``post_on_web``, anything on an open site, and a restricted site
    read by people with no right of their own to the item: the student reading
    their own record on a restricted portal, or an official who needs the item
    reading it in a restricted system, is being told, not shown a posting.
    """
    if facts.act is Act.POST_ON_WEB:
        return True
    if facts.act not in (Act.DISCLOSE, Act.REFERENCE) or facts.channel not in _WEB:
        return False
    if facts.channel is Channel.WEB_PUBLIC:
        return True
    if facts.act is Act.DISCLOSE and facts.recipient is RecipientKind.SELF:
        return facts.students is not Students.ONE  # the student reading their own record
    return not has_need_to_know(facts)


def is_plain(facts: Facts, act: Act) -> bool:
    """Return whether the act is ``act`` and not a posting."""
    return facts.act is act and not is_posting(facts)


def is_public_web(facts: Facts) -> bool:
    """Return whether the information would go on an open web site.

    A posting that does not say its site is restricted counts as open.
    """
    if facts.channel is Channel.WEB_PUBLIC:
        return True
    return facts.act is Act.POST_ON_WEB and facts.channel is not Channel.WEB_RESTRICTED


_INVESTIGATORS = frozenset({RecipientKind.LAW_ENFORCEMENT, RecipientKind.GOVERNMENT_AGENCY})


def is_background_check(facts: Facts) -> bool:
    """Return whether an investigator (law enforcement, a government agency) checks a background.

    An employer's or a screening firm's check is no background check in the
    FAQ's sense: it is a degree check, or a disclosure like any other.
    """
    if facts.legal_process is not LegalProcess.ROUTINE_BACKGROUND_CHECK:
        return False
    return facts.recipient in _INVESTIGATORS


def is_routine_law_enforcement(facts: Facts) -> bool:
    """Return whether the request is the one routine case: a check with the signed form.

    A student's form authorises telling the investigator about that student:
    a request about several students, or to do anything else, is never routine.
    """
    if not is_background_check(facts) or is_listing(facts) or not is_plain(facts, Act.DISCLOSE):
        return False
    return has_written_consent(facts)


def is_court_process(facts: Facts) -> bool:
    """Return whether the request comes with a subpoena or a court order."""
    return facts.legal_process in (LegalProcess.SUBPOENA, LegalProcess.COURT_ORDER)


def _is_emergency_about_one(facts: Facts) -> bool:
    """Return whether a plain disclosure about one student is asked for in an emergency."""
    if facts.legal_process is not LegalProcess.NONE or not facts.emergency:
        return False
    return not is_listing(facts) and is_plain(facts, Act.DISCLOSE)


# who may serve or be named in legal process: an outsider who is not the public or the press
_SERVED = OUTSIDE - {RecipientKind.PUBLIC, RecipientKind.MEDIA}


def is_served_process(facts: Facts) -> bool:
    """Return whether a subpoena or court order asks for the information to go to a party.

    Legal process answers to the court, agency or litigant that served it;
    the public and the press are no such party.
    """
    return is_court_process(facts) and facts.recipient in _SERVED


def is_non_routine(facts: Facts) -> bool:
    """Return whether the request is non-routine law enforcement.

    Said so by the question, or any request from law enforcement (or a
    background investigator) that is neither court process nor the one
    routine case, directory items included. A plain disclosure about one
    student asked for in a health or safety emergency is answered as the
    emergency it is.
    """
    if facts.legal_process is LegalProcess.NON_ROUTINE:
        return True
    if is_court_process(facts) or is_routine_law_enforcement(facts):
        return False
    if facts.recipient not in _INVESTIGATORS:
        return False
    if _is_emergency_about_one(facts):
        return False  # protecting someone's health or safety, not investigating (99.36)
    return facts.recipient is RecipientKind.LAW_ENFORCEMENT or is_background_check(facts)


def legal_process_office(facts: Facts, profile: Profile) -> Office | None:
    """Return the office that answers the request's legal process, if it has one."""
    if is_court_process(facts):
        return profile.referral("legal_process", facts.level)
    if is_non_routine(facts):
        return profile.referral("non_routine_law_enforcement")
    return None


def has_need_to_know(facts: Facts) -> bool:
    """Return whether the recipient is an official who needs this item."""
    return facts.recipient is RecipientKind.OFFICIAL and facts.need_to_know


def is_open_directory(facts: Facts) -> bool:
    """Return whether the item is directory information the student left open."""
    return facts.item.directory and not facts.withheld and not facts.suppressed


def has_written_consent(facts: Facts) -> bool:
    """Return whether the student gave specific, written consent.

    A consent is specific only when the question says so (34 CFR 99.30(b):
    it names the records, the purpose and the recipient); a signed form is
    no exception.
    """
    return facts.consent in _WRITTEN and facts.specific


def has_explicit_consent(facts: Facts) -> bool:
    """Return whether the student explicitly consented, as needed inside the Institute.

    An email is explicit; a withheld student's directory item needs writing.
    """
    if facts.consent not in _EMAIL_OR_STRONGER or not facts.specific:
        return False
    if facts.item.directory and facts.withheld:
        return facts.consent in _WRITTEN
    return True


def has_posting_permission(facts: Facts) -> bool:
    """Return whether the student's permission to post counts for this posting.

    Spoken permission counts for nothing. For a page the public can reach it
    must be written, and for non-directory items also specific (34 CFR
    99.30); so too for a student who withheld everything. For a page only the
    Institute community reaches, an email will do.
    """
    if not facts.web_posting or facts.consent not in _EMAIL_OR_STRONGER:
        return False
    if is_public_web(facts) or is_outside(facts):
        return has_written_consent(facts) if not facts.item.directory else facts.consent in _WRITTEN
    return facts.consent in _WRITTEN if facts.withheld else True
