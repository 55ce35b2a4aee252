"""The pure policy core: questions, rules, profiles and ``decide``.

Imports nothing of the rest of the project; reads no clock, store or
environment.
"""

from discretion.policy.decide import decide
from discretion.policy.errors import (
    DiscretionError,
    InvalidQuestionError,
    UnknownInformationError,
)
from discretion.policy.profile import Profile, load_profile
from discretion.policy.question import Question, parse_question
from discretion.policy.ruling import Ruling
from discretion.policy.version import POLICY_VERSION

__all__ = [
    "POLICY_VERSION",
    "DiscretionError",
    "InvalidQuestionError",
    "Profile",
    "Question",
    "Ruling",
    "UnknownInformationError",
    "decide",
    "load_profile",
    "parse_question",
]
