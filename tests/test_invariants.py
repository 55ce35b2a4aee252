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
    return f.act is Act.POST_ON_WEB or (f.act in (Act.DISCLOSE, Act.REFERENCE) and f.channel in WEB)


def _specific(f: Facts) -> bool:
    return f.specific or f.consent is ConsentForm.SIGNED_AUTHORIZATION


def _consented(f: Facts) -> bool:
    """The student agreed to this act in a form the policy accepts somewhere."""
    if _posting(f):
        return f.web_posting
    return f.consent in EXPLICIT and _specific(f)


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
    if f.consent in WRITTEN and _specific(f):
        return True
    if _posting(f):
        return f.web_posting
    email_reference = f.act is Act.REFERENCE and f.consent is ConsentForm.EMAIL
    return email_reference and f.specific


def a_listing_never_leaves_the_institute(f: Facts, o: Outcome, p: Profile) -> bool:
    """Denied, or (legal process for several students) referred to the office that answers it."""
    if not (_listing(f) and f.recipient in OUTSIDE) or o.decision is Decision.DENY:
        return True
    referred = (LegalProcess.SUBPOENA, LegalProcess.COURT_ORDER, LegalProcess.NON_ROUTINE)
    return o.decision is Decision.REFER and f.legal_process in referred


def a_listing_never_goes_on_an_open_web_site(f: Facts, o: Outcome, p: Profile) -> bool:
    public = f.channel is Channel.WEB_PUBLIC or (
        f.act is Act.POST_ON_WEB and f.channel is not Channel.WEB_RESTRICTED
    )
    return not (_listing(f) and public) or o.decision is Decision.DENY


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
    if f.act is not Act.SHARE_CLASS_LIST or o.decision is not Decision.PERMIT:
        return True
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
    referred = court or f.legal_process is LegalProcess.NON_ROUTINE
    if referred and p.referrals:
        return not answered
    if f.recipient is RecipientKind.MEDIA and p.referral("media") is not None:
        return not answered
    return True


def a_background_check_needs_a_signed_authorisation(f: Facts, o: Outcome, p: Profile) -> bool:
    check = f.legal_process is LegalProcess.ROUTINE_BACKGROUND_CHECK
    return not (check and o.decision is Decision.PERMIT) or (
        f.consent is ConsentForm.SIGNED_AUTHORIZATION
        or (f.consent is ConsentForm.WRITTEN and f.specific)
    )


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
    return not _posting(f) or o.decision is not Decision.PERMIT or f.web_posting


def email_carries_care_in_proportion(f: Facts, o: Outcome, p: Profile) -> bool:
    if f.channel not in (Channel.EMAIL, Channel.EMAIL_ENCRYPTED):
        return True
    if _listing(f) and f.item.sensitive:
        return o.decision is Decision.DENY
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
    own_records_open_only_on_a_written_request_within_45_days,
    a_posting_needs_each_students_permission,
    email_carries_care_in_proportion,
    releases_outside_are_recorded,
    date_of_birth_goes_only_to_a_legitimate_need,
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
