"""Discretion: may this student information be shared? Ask, then enforce the answer."""

from discretion.policy import (
    POLICY_VERSION,
    Question,
    Ruling,
    decide,
    load_profile,
    parse_question,
)

__all__ = ["POLICY_VERSION", "Question", "Ruling", "decide", "load_profile", "parse_question"]
