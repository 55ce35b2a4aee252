"""Hypothesis strategies for questions, drawn from a profile's vocabulary."""

from __future__ import annotations

from hypothesis import strategies as st

from discretion.policy.profile import Profile
from discretion.policy.question import Consent, Question, Recipient, Record, Student
from discretion.policy.vocabulary import (
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


def questions(profile: Profile, *, max_items: int = 4) -> st.SearchStrategy[Question]:
    """Draw valid questions, several items at once, with any facts."""
    items = list(profile.items)
    return st.builds(
        Question,
        act=st.sampled_from(Act),
        recipient=st.builds(
            Recipient,
            kind=st.sampled_from(RecipientKind),
            need_to_know=st.booleans(),
            assigned_to_subject=st.booleans(),
            legal_process=st.sampled_from(LegalProcess),
            relations=st.frozensets(st.sampled_from(sorted(profile.need_to_know)), max_size=3),
        ),
        information=st.lists(
            st.sampled_from(items), min_size=1, max_size=max_items, unique=True
        ).map(tuple),
        students=st.sampled_from(Students),
        student=st.builds(
            Student,
            status=st.sampled_from(Status),
            level=st.sampled_from(Level),
            suppressed=st.frozensets(st.sampled_from(profile.directory_items)),
            withheld=st.booleans(),
        ),
        consent=st.builds(
            Consent,
            form=st.sampled_from(ConsentForm),
            specific=st.booleans(),
            web_posting=st.booleans(),
        ),
        channel=st.sampled_from(Channel),
        purpose=st.none() | st.text(max_size=40),
        record=st.builds(
            Record,
            request_form=st.sampled_from(RequestForm),
            identifies_other_students=st.booleans(),
            sole_possession_note=st.booleans(),
            access_waived=st.booleans(),
        ),
    )
