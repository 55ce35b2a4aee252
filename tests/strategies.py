"""Hypothesis strategies for questions, drawn from the profile and the facts' declaration."""

from __future__ import annotations

from hypothesis import strategies as st

from discretion.policy.facts import STATED
from discretion.policy.profile import Profile
from discretion.policy.question import Question


def questions(profile: Profile, *, max_items: int = 4) -> st.SearchStrategy[Question]:
    """Draw valid questions, several items at once, with any facts."""
    items = list(profile.items)
    stated = st.fixed_dictionaries({f.name: st.sampled_from(f.values or ()) for f in STATED})
    return st.builds(
        Question,
        information=st.lists(
            st.sampled_from(items), min_size=1, max_size=max_items, unique=True
        ).map(tuple),
        stated=stated,
        relations=st.frozensets(st.sampled_from(sorted(profile.need_to_know)), max_size=3),
        suppressed=st.frozensets(st.sampled_from(profile.directory_items)),
        purpose=st.none() | st.text(max_size=40),
    )
