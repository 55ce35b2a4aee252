"""Properties of the policy, checked over every single-item question.

The space is explored through the plain rules (see ``policy.compiled``): each
leaf of the decision tree is a class of questions that the rules provably
cannot tell apart, because they never read the facts the leaf leaves free.
A property is checked on a leaf for every completion of the facts the
property itself reads, so each check covers every question of the space.
Multi-item questions are drawn by Hypothesis.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from itertools import product
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings

from discretion.policy import decide
from discretion.policy.compiled import (
    CompiledPolicy,
    Leaf,
    compile_policy,
    every_completion,
    explore,
    leaves,
)
from discretion.policy.decide import Outcome, assemble, evaluate
from discretion.policy.facts import Facts, item_facts
from discretion.policy.profile import Profile, load_profile
from discretion.policy.question import Question
from discretion.policy.ruling import Ruling
from discretion.policy.vocabulary import (
    OUTSIDE,
    Act,
    Channel,
    Condition,
    ConsentForm,
    Decision,
    LegalProcess,
    Level,
    RecipientKind,
    RequestForm,
    Students,
)
from tests.conftest import CHECKED
from tests.strategies import questions

SEVERITY = {Decision.PERMIT: 0, Decision.REFER: 1, Decision.DENY: 2}
PROFILES = ("mit", "ferpa")
WRITTEN = (ConsentForm.WRITTEN, ConsentForm.SIGNED_AUTHORIZATION)
EXPLICIT = (ConsentForm.EMAIL, *WRITTEN)
WEB = (Channel.WEB_PUBLIC, Channel.WEB_RESTRICTED)


def _tree(name: str) -> CompiledPolicy:
    return compile_policy(load_profile(name))


def _record(test: str, profile: str, policy: CompiledPolicy, classes: int) -> None:
    CHECKED[f"{test}[{profile}]"] = (policy.space.total(), classes)


# -- properties of one question ------------------------------------------------------

Property = Callable[[Facts, Outcome, Profile], bool]


def _listing(f: Facts) -> bool:
    return f.act is Act.SHARE_CLASS_LIST or f.students is Students.MANY


def _posting(f: Facts) -> bool:
    """Distribution on the web: not the student or an official who needs it, on a closed site."""
    if f.act is Act.POST_ON_WEB:
        return True
    if f.act not in (Act.DISCLOSE, Act.REFERENCE) or f.channel not in WEB:
        return False
    if f.channel is Channel.WEB_PUBLIC:
        return True
    own = f.act is Act.DISCLOSE and f.recipient is RecipientKind.SELF and f.students is Students.ONE
    needed = f.recipient is RecipientKind.OFFICIAL and f.need_to_know
    return not (own or needed)


def _public(f: Facts) -> bool:
    return f.channel is Channel.WEB_PUBLIC or (
        f.act is Act.POST_ON_WEB and f.channel is not Channel.WEB_RESTRICTED
    )


def _consented(f: Facts) -> bool:
    """The student agreed to this act in a form the policy accepts somewhere."""
    if _posting(f):
        return f.web_posting and f.consent in EXPLICIT
    return f.consent in EXPLICIT and f.specific


def every_ruling_has_a_reason(f: Facts, o: Outcome, p: Profile) -> bool:
    return bool(assemble(("x",), (o,), p).reasons)


def refer_always_names_an_office(f: Facts, o: Outcome, p: Profile) -> bool:
    return o.decision is not Decision.REFER or o.deciding.refer_to is not None


def conditions_only_on_a_permit(f: Facts, o: Outcome, p: Profile) -> bool:
    return o.decision is Decision.PERMIT or not assemble(("x",), (o,), p).conditions


def a_deny_has_a_remedy_unless_nothing_can_cure_it(f: Facts, o: Outcome, p: Profile) -> bool:
    if o.decision is not Decision.DENY:
        return True
    rule = o.deciding.rule
    return rule.remedy is not None or rule.effect.value == "ban"


def non_directory_leaves_only_with_written_consent(f: Facts, o: Outcome, p: Profile) -> bool:
    """No non-directory item reaches an outsider without specific written consent,
    a signed authorisation, or (for a posting) the student's permission."""
    if o.decision is not Decision.PERMIT or f.item.directory or f.recipient not in OUTSIDE:
        return True
    if f.consent in WRITTEN and f.specific:
        return True
    if o.deciding.rule.module == "exceptions":
        return _federal_exception(f)
    if _posting(f):
        return False  # a posting's permission is a written, specific consent too
    email_reference = f.act is Act.REFERENCE and f.consent is ConsentForm.EMAIL
    return email_reference and f.specific


def _law_enforcement(f: Facts) -> bool:
    """Legal process, or a request from law enforcement or a background investigator."""
    investigators = (RecipientKind.LAW_ENFORCEMENT, RecipientKind.GOVERNMENT_AGENCY)
    check = (
        f.legal_process is LegalProcess.ROUTINE_BACKGROUND_CHECK and f.recipient in investigators
    )
    if f.legal_process in (
        LegalProcess.SUBPOENA,
        LegalProcess.COURT_ORDER,
        LegalProcess.NON_ROUTINE,
    ):
        return True
    plain = f.act is Act.DISCLOSE and not _posting(f)
    if f.legal_process is LegalProcess.NONE and f.emergency and plain and not _listing(f):
        return False  # an emergency about one student is answered as an emergency
    return f.recipient is RecipientKind.LAW_ENFORCEMENT or check


NOT_A_PARTY = (RecipientKind.PUBLIC, RecipientKind.MEDIA, RecipientKind.SELF)


def _federal_exception(f: Facts) -> bool:
    """The question states a case where 34 CFR 99.31 allows a disclosure without consent."""
    if f.recipient in NOT_A_PARTY or _posting(f):
        return False
    court = f.legal_process in (LegalProcess.SUBPOENA, LegalProcess.COURT_ORDER)
    if court and f.act in (Act.DISCLOSE, Act.SHARE_CLASS_LIST):
        return True
    if f.act is not Act.DISCLOSE:
        return False
    one = not _listing(f)
    enrolling = f.recipient is RecipientKind.OTHER_INSTITUTION and f.student_enrolling
    dependent = f.recipient is RecipientKind.PARENT and f.dependent
    return f.emergency or (one and (enrolling or dependent or f.for_financial_aid))


def a_listing_never_leaves_the_institute(f: Facts, o: Outcome, p: Profile) -> bool:
    """Denied, or legal process and law enforcement handed to the office that answers them,
    or answered under the law's own exception for subpoenas where a profile has no office."""
    if not (_listing(f) and f.recipient in OUTSIDE) or o.decision is Decision.DENY:
        return True
    court = f.legal_process in (LegalProcess.SUBPOENA, LegalProcess.COURT_ORDER)
    return _law_enforcement(f) and (o.decision is Decision.REFER or court)


def a_listing_never_goes_on_an_open_web_site(f: Facts, o: Outcome, p: Profile) -> bool:
    """Legal process asking for it is handed to its office, never posted either."""
    if not (_listing(f) and _public(f)) or o.decision is Decision.DENY:
        return True
    return o.decision is Decision.REFER and _law_enforcement(f)


def _reaches_without_consent(f: Facts, o: Outcome) -> bool:
    if o.decision is not Decision.PERMIT:
        return False
    if f.recipient is RecipientKind.SELF and (
        f.students is Students.ONE or f.act is Act.INSPECT_OWN_RECORD
    ):
        return False
    official = f.recipient is RecipientKind.OFFICIAL
    if official and (f.need_to_know or f.assigned_to_subject):
        return False
    if o.deciding.rule.module == "exceptions" and _federal_exception(f):
        return False  # the law's own exception, not the student's choice
    return not _consented(f)


def a_suppressed_item_reaches_no_one_without_need_or_consent(
    f: Facts, o: Outcome, p: Profile
) -> bool:
    return not (f.item.directory and f.suppressed and _reaches_without_consent(f, o))


def a_withheld_student_reaches_no_one_without_need_or_consent(
    f: Facts, o: Outcome, p: Profile
) -> bool:
    return not (f.item.directory and f.withheld and _reaches_without_consent(f, o))


def class_lists_go_only_to_assigned_staff(f: Facts, o: Outcome, p: Profile) -> bool:
    """Or, where no office answers legal process, to comply with a subpoena or court order."""
    if f.act is not Act.SHARE_CLASS_LIST or o.decision is not Decision.PERMIT:
        return True
    if o.deciding.rule.id == "exceptions.subpoena_compliance":
        court = f.legal_process in (LegalProcess.SUBPOENA, LegalProcess.COURT_ORDER)
        return court and p.referral("legal_process", f.level) is None
    return f.recipient is RecipientKind.OFFICIAL and f.assigned_to_subject


def parents_get_open_directory_items_at_most(f: Facts, o: Outcome, p: Profile) -> bool:
    """Where the profile has a dean's office for parents, they get nothing more directly."""
    if f.recipient is not RecipientKind.PARENT or o.decision is not Decision.PERMIT:
        return True
    if p.referral("parents", f.level) is None or _posting(f):
        return True
    return f.act is not Act.INSPECT_OWN_RECORD and (
        f.item.directory and not f.suppressed and not f.withheld
    )


def legal_process_and_media_are_never_answered_directly(f: Facts, o: Outcome, p: Profile) -> bool:
    answered = o.decision is Decision.PERMIT
    court = f.legal_process in (LegalProcess.SUBPOENA, LegalProcess.COURT_ORDER)
    if court and p.referral("legal_process", f.level) is not None:
        return not answered
    routine = _signed_background_check(f)
    if (
        _law_enforcement(f)
        and not court
        and not routine
        and p.referral("non_routine_law_enforcement")
    ):
        return not answered
    if f.recipient is RecipientKind.MEDIA and p.referral("media") is not None and not court:
        return not answered
    return True


def _signed_background_check(f: Facts) -> bool:
    investigators = (RecipientKind.LAW_ENFORCEMENT, RecipientKind.GOVERNMENT_AGENCY)
    check = (
        f.legal_process is LegalProcess.ROUTINE_BACKGROUND_CHECK and f.recipient in investigators
    )
    plain = f.act is Act.DISCLOSE and not _posting(f)
    return check and plain and not _listing(f) and f.consent in WRITTEN and f.specific


def a_background_check_needs_a_signed_authorisation(f: Facts, o: Outcome, p: Profile) -> bool:
    """The one routine law-enforcement case: a specific, signed form."""
    rule = o.deciding.rule.id
    if o.decision is not Decision.PERMIT or not rule.startswith("legal_process."):
        return True
    return _signed_background_check(f)


def legal_process_outranks_how_a_request_would_be_handled(f: Facts, o: Outcome, p: Profile) -> bool:
    """A subpoena or court order goes to its office whatever it asks for and however it travels."""
    if f.legal_process not in (LegalProcess.SUBPOENA, LegalProcess.COURT_ORDER):
        return True
    office = p.referral("legal_process", f.level)
    if office is None:
        return True
    return o.decision is Decision.REFER and o.deciding.refer_to == office


def own_records_open_only_on_a_written_request_within_45_days(
    f: Facts, o: Outcome, p: Profile
) -> bool:
    if f.act is not Act.INSPECT_OWN_RECORD or o.decision is not Decision.PERMIT:
        return True
    return (
        f.recipient is RecipientKind.SELF
        and f.request is RequestForm.WRITTEN
        and not f.access_waived
        and Condition.WITHIN_45_DAYS in o.conditions
        and (
            not (f.identifies_other_students or f.students is Students.MANY)
            or Condition.EXCLUDE_OTHER_STUDENTS in o.conditions
        )
    )


def a_posting_needs_each_students_permission(f: Facts, o: Outcome, p: Profile) -> bool:
    """In a form that counts: never spoken; written for the public or a withheld student."""
    if not _posting(f) or o.decision is not Decision.PERMIT:
        return True
    if not f.web_posting or f.consent not in EXPLICIT:
        return False
    if _public(f) or f.recipient in OUTSIDE or f.withheld:
        return f.consent in WRITTEN
    return True


def email_carries_care_in_proportion(f: Facts, o: Outcome, p: Profile) -> bool:
    if f.channel not in (Channel.EMAIL, Channel.EMAIL_ENCRYPTED):
        return True
    if _listing(f) and f.item.sensitive:
        # never sent; legal process and law enforcement are handed to their office instead
        return o.decision is Decision.DENY or (o.decision is Decision.REFER and _law_enforcement(f))
    if o.decision is not Decision.PERMIT or f.item.directory:
        return True
    needed = {Condition.MINIMIZE_IDENTIFIABILITY, Condition.NO_SENSITIVE_WORDS_IN_SUBJECT}
    if f.channel is Channel.EMAIL:
        needed |= {Condition.ENCRYPT, Condition.STUDENT_ACCEPTS_EMAIL_RISK}
    return needed <= set(o.conditions)


def releases_outside_are_recorded(f: Facts, o: Outcome, p: Profile) -> bool:
    if not p.record_consented_releases or o.decision is not Decision.PERMIT:
        return True
    if f.item.directory or f.recipient not in OUTSIDE:
        return True
    return Condition.RECORD_DISCLOSURE in o.conditions


def date_of_birth_goes_only_to_a_legitimate_need(f: Facts, o: Outcome, p: Profile) -> bool:
    """To anyone but the student, or a posting the student permitted."""
    if o.decision is not Decision.PERMIT or not f.item.legitimate_need_only:
        return True
    if f.recipient is RecipientKind.SELF or _posting(f):
        return True
    return Condition.LEGITIMATE_NEED_ONLY in o.conditions


def an_emergency_never_waits_for_consent(f: Facts, o: Outcome, p: Profile) -> bool:
    """A plain disclosure to a party who must act in an emergency is permitted or referred,
    never refused with "get consent"; only a listing may still be refused, for how it would
    travel or where it would go, never for want of consent."""
    if not f.emergency or f.act is not Act.DISCLOSE or f.recipient in NOT_A_PARTY or _posting(f):
        return True
    if o.decision is not Decision.DENY:
        return True
    remedy = o.deciding.rule.remedy or ""
    return _listing(f) and "consent" not in remedy


def no_exception_reaches_the_public(f: Facts, o: Outcome, p: Profile) -> bool:
    """Nor the media, a web posting, or (but for legal process) a listing for outsiders."""
    if o.deciding.rule.module != "exceptions":
        return True
    if f.recipient in NOT_A_PARTY or _posting(f) or _public(f):
        return False
    court = f.legal_process in (LegalProcess.SUBPOENA, LegalProcess.COURT_ORDER)
    return court or not (_listing(f) and f.recipient in OUTSIDE)


def an_exception_follows_the_office_or_the_law(f: Facts, o: Outcome, p: Profile) -> bool:
    """Where the profile names an office for an exception, the exception only refers; where
    it names none, it permits with the law's conditions."""
    rule = o.deciding.rule.id
    if not rule.startswith("exceptions."):
        return True
    if o.decision is Decision.REFER:
        return o.deciding.refer_to is not None
    met = set(o.conditions)
    if rule == "exceptions.health_or_safety_emergency":
        needed = {Condition.NECESSARY_ONLY, Condition.RECORD_THREAT, Condition.RECORD_DISCLOSURE}
        return p.referral("emergency", f.level) is None and needed <= met
    if rule == "exceptions.subpoena_compliance":
        told = {Condition.NOTIFY_STUDENT_FIRST, Condition.RECORD_DISCLOSURE}
        notice = told <= met if not f.notice_forbidden else not told & met
        return notice and Condition.NECESSARY_ONLY in met
    if rule == "exceptions.school_where_student_enrols":
        return Condition.NOTIFY_STUDENT_OF_TRANSFER in met
    return Condition.RECORD_DISCLOSURE in met


PROPERTIES: tuple[Property, ...] = (
    every_ruling_has_a_reason,
    refer_always_names_an_office,
    conditions_only_on_a_permit,
    a_deny_has_a_remedy_unless_nothing_can_cure_it,
    non_directory_leaves_only_with_written_consent,
    a_listing_never_leaves_the_institute,
    a_listing_never_goes_on_an_open_web_site,
    a_suppressed_item_reaches_no_one_without_need_or_consent,
    a_withheld_student_reaches_no_one_without_need_or_consent,
    class_lists_go_only_to_assigned_staff,
    parents_get_open_directory_items_at_most,
    legal_process_and_media_are_never_answered_directly,
    a_background_check_needs_a_signed_authorisation,
    legal_process_outranks_how_a_request_would_be_handled,
    own_records_open_only_on_a_written_request_within_45_days,
    a_posting_needs_each_students_permission,
    email_carries_care_in_proportion,
    releases_outside_are_recorded,
    date_of_birth_goes_only_to_a_legitimate_need,
    an_emergency_never_waits_for_consent,
    no_exception_reaches_the_public,
    an_exception_follows_the_office_or_the_law,
)


def _holds(prop: Property, leaf: Leaf, profile: Profile, facts: Facts) -> bool:
    return prop(facts, leaf.outcome, profile)


@pytest.mark.parametrize("profile_name", PROFILES)
@pytest.mark.parametrize("prop", PROPERTIES, ids=lambda p: p.__name__)
def test_invariant(prop: Property, profile_name: str) -> None:
    policy = _tree(profile_name)
    profile = policy.space.profile
    failing = [
        leaf.known
        for leaf in leaves(policy.tree)
        if not every_completion(policy.space, leaf.known, partial(_holds, prop, leaf, profile))
    ]
    assert not failing, f"{prop.__name__} fails for {len(failing)} classes, e.g. {failing[0]}"
    _record(prop.__name__, profile_name, policy, len(list(leaves(policy.tree))))


# -- properties relating two questions ------------------------------------------------


def _variants(
    policy: CompiledPolicy, leaf: Leaf, changes: Iterable[dict[str, Any]]
) -> Iterable[Outcome]:
    """Yield the outcomes of every question a change makes of one in ``leaf``.

    A change of a fact the leaf leaves free keeps the question in the leaf.
    """
    for change in changes:
        if not set(change) & set(leaf.known):
            yield leaf.outcome
            continue
        changed = {**leaf.known, **{k: v for k, v in change.items() if k in leaf.known}}
        for other in leaves(explore(policy.space, changed)):
            yield other.outcome


Relation = Callable[[Leaf], Iterable[dict[str, Any]]]


def _stronger_consent(leaf: Leaf) -> Iterable[dict[str, Any]]:
    form = leaf.known.get("consent", ConsentForm.NONE)
    forms = [c for c in ConsentForm if c.strength >= form.strength]
    specific = [True] if leaf.known.get("specific") else [False, True]
    posting = [True] if leaf.known.get("web_posting") else [False, True]
    for c, s, w in product(forms, specific, posting):
        yield {"consent": c, "specific": s, "web_posting": w}


def _check_relation(
    profile_name: str, name: str, changes: Relation, allowed: Callable[[Outcome, Outcome], bool]
) -> None:
    policy = _tree(profile_name)
    all_leaves = list(leaves(policy.tree))
    for leaf in all_leaves:
        for other in _variants(policy, leaf, changes(leaf)):
            assert allowed(leaf.outcome, other), (
                f"{name}: {leaf.known} gives {leaf.outcome.decision.value} "
                f"({leaf.outcome.deciding.rule.id}) but a variant gives "
                f"{other.decision.value} ({other.deciding.rule.id})"
            )
    _record(name, profile_name, policy, len(all_leaves))


def _not_stricter(before: Outcome, after: Outcome) -> bool:
    return SEVERITY[after.decision] <= SEVERITY[before.decision]


def _not_milder(before: Outcome, after: Outcome) -> bool:
    return SEVERITY[after.decision] >= SEVERITY[before.decision]


@pytest.mark.parametrize("profile_name", PROFILES)
def test_invariant_adding_consent_never_makes_a_ruling_stricter(profile_name: str) -> None:
    _check_relation(profile_name, "adding_consent", _stronger_consent, _not_stricter)


@pytest.mark.parametrize("profile_name", PROFILES)
def test_invariant_verbal_consent_counts_for_nothing(profile_name: str) -> None:
    def verbal(leaf: Leaf) -> Iterable[dict[str, Any]]:
        if leaf.known.get("consent") is ConsentForm.NONE:
            yield {"consent": ConsentForm.VERBAL}

    _check_relation(profile_name, "verbal_consent", verbal, lambda a, b: a == b)


@pytest.mark.parametrize("profile_name", PROFILES)
def test_invariant_suppressing_never_makes_a_ruling_milder(profile_name: str) -> None:
    def suppress(leaf: Leaf) -> Iterable[dict[str, Any]]:
        if leaf.known.get("suppressed") is False:
            yield {"suppressed": True}

    _check_relation(profile_name, "suppressing", suppress, _not_milder)


@pytest.mark.parametrize("profile_name", PROFILES)
def test_invariant_withholding_never_makes_a_ruling_milder(profile_name: str) -> None:
    _check_relation(profile_name, "withholding", lambda _: [{"withheld": True}], _not_milder)


@pytest.mark.parametrize("profile_name", PROFILES)
def test_invariant_need_to_know_never_makes_a_ruling_stricter(profile_name: str) -> None:
    _check_relation(profile_name, "need_to_know", lambda _: [{"need_to_know": True}], _not_stricter)


@pytest.mark.parametrize("profile_name", PROFILES)
def test_invariant_a_listing_is_never_milder_than_one_student(profile_name: str) -> None:
    _check_relation(profile_name, "listing", lambda _: [{"students": Students.MANY}], _not_milder)


@pytest.mark.parametrize("profile_name", PROFILES)
def test_invariant_a_closed_site_read_by_those_with_a_right_is_no_posting(
    profile_name: str,
) -> None:
    """The student (one record) or an official who needs it, on a restricted site, is told as in
    person: the same decision by the same rule."""

    def in_person(leaf: Leaf) -> Iterable[dict[str, Any]]:
        known = leaf.known
        if (
            known.get("channel") is not Channel.WEB_RESTRICTED
            or known.get("act") is not Act.DISCLOSE
        ):
            return
        own = known.get("recipient") is RecipientKind.SELF and known.get("students") is Students.ONE
        needed = known.get("recipient") is RecipientKind.OFFICIAL and known.get("need_to_know")
        if own or needed:
            yield {"channel": Channel.IN_PERSON}

    def same(a: Outcome, b: Outcome) -> bool:
        return (a.decision, a.deciding.rule) == (b.decision, b.deciding.rule)

    _check_relation(profile_name, "closed_site_is_no_posting", in_person, same)


@pytest.mark.parametrize("profile_name", PROFILES)
def test_invariant_a_consent_is_specific_only_when_it_says_so(profile_name: str) -> None:
    """Making a consent specific never makes a ruling stricter, and nothing that needs a specific
    consent is allowed by an unspecific one (checked by the consent properties above)."""

    def specific(leaf: Leaf) -> Iterable[dict[str, Any]]:
        if leaf.known.get("specific") is False:
            yield {"specific": True}

    _check_relation(profile_name, "specific_consent", specific, _not_stricter)


@pytest.mark.parametrize("profile_name", PROFILES)
@pytest.mark.parametrize(
    "fact", ["emergency", "student_enrolling", "for_financial_aid", "dependent"]
)
def test_invariant_stating_an_exception_never_makes_a_ruling_stricter(
    profile_name: str, fact: str
) -> None:
    """An exception only ever adds a way to allow something (or the office that decides it)."""

    def stated(leaf: Leaf) -> Iterable[dict[str, Any]]:
        if leaf.known.get(fact) is False:
            yield {fact: True}

    _check_relation(profile_name, f"stating_{fact}", stated, _not_stricter)


@pytest.mark.parametrize("profile_name", PROFILES)
def test_invariant_former_students_are_treated_as_current_ones(profile_name: str) -> None:
    policy = _tree(profile_name)
    assert all("status" not in leaf.known for leaf in leaves(policy.tree))
    _record("status_never_read", profile_name, policy, len(list(leaves(policy.tree))))


@pytest.mark.parametrize("profile_name", PROFILES)
def test_invariant_level_changes_only_the_office(profile_name: str) -> None:
    def same_but_office(a: Outcome, b: Outcome) -> bool:
        return (a.decision, a.deciding.rule, a.conditions) == (
            b.decision,
            b.deciding.rule,
            b.conditions,
        )

    _check_relation(
        profile_name, "level", lambda _: [{"level": level} for level in Level], same_but_office
    )


# -- questions of several items -------------------------------------------------------


def _plain(question: Question, profile: Profile) -> Ruling:
    """Rule without memo or compiled tree: the rules, item by item."""
    outcomes = [evaluate(item_facts(question, i, profile), profile) for i in question.information]
    return assemble(question.information, outcomes, profile)


@settings(max_examples=400, deadline=None)
@given(question=questions(load_profile("mit")))
def test_invariant_the_strictest_item_decides(question: Question) -> None:
    profile = load_profile("mit")
    ruling = decide(question, profile)
    assert ruling == _plain(question, profile)
    singles = [
        decide(replace(question, information=(item,)), profile) for item in question.information
    ]
    assert ruling.decision == max((s.decision for s in singles), key=SEVERITY.__getitem__)
    for item, single in zip(question.information, singles, strict=True):
        assert ruling.by_information[item] == single.by_information[item]
    if ruling.decision is Decision.PERMIT:
        assert set(ruling.conditions) == {c for s in singles for c in s.conditions}
    else:
        assert ruling.conditions == ()
    if ruling.decision is Decision.REFER:
        assert ruling.refer_to is not None
    assert ruling.reasons
    assert {r.rule for r in ruling.reasons} <= {r.rule for s in singles for r in s.reasons}


RULING_SCHEMA = json.loads((Path(__file__).parent / "contract" / "ruling.schema.json").read_text())


@settings(max_examples=200, deadline=None)
@given(question=questions(load_profile("mit")))
def test_invariant_every_ruling_fits_the_schema(question: Question) -> None:
    jsonschema.validate(decide(question, load_profile("mit")).to_json(), RULING_SCHEMA)
