"""The rules, one module per question of the FAQ, in the FAQ's order.

Read top to bottom, the modules follow the FAQ. ``RULES`` holds every rule
in that order, which is also the order ``decide`` consults them within an
effect.
"""

from __future__ import annotations

from discretion.policy.registry import REGISTRY, Effect, Rule
from discretion.policy.rules import (  # noqa: F401  (importing registers the rules)
    class_lists,
    directory,
    disclosure,
    email,
    exceptions,
    legal_process,
    media,
    need_to_know,
    non_directory,
    own_records,
    parents,
    references,
    web_posting,
)

__all__ = ["BY_EFFECT", "DEFAULT", "MODULES", "RULES"]

MODULES = (
    "disclosure",
    "need_to_know",
    "directory",
    "non_directory",
    "references",
    "exceptions",
    "parents",
    "legal_process",
    "media",
    "own_records",
    "web_posting",
    "class_lists",
    "email",
)

RULES: tuple[Rule, ...] = tuple(sorted(REGISTRY.values(), key=lambda r: MODULES.index(r.module)))

BY_EFFECT: dict[Effect, tuple[Rule, ...]] = {
    effect: tuple(r for r in RULES if r.effect is effect) for effect in Effect
}

(DEFAULT,) = BY_EFFECT[Effect.DEFAULT]
