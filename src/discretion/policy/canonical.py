"""A canonical form of what the policy decides, so its fingerprint follows behaviour only.

The explorer (``compiled.explore``) branches on facts in the order the rules
happen to read them, so two rule sets that rule every question alike can give
trees of different shapes: swap the operands of a pure ``and`` in a rule and
the tree, and its leaf count, change. Rebuilt as a reduced, ordered decision
diagram (every fact tested in one fixed order, the declaration's; a test whose
branches all lead to the same place dropped; equal sub-diagrams shared), the
same behaviour always gives the same diagram, whatever tree it came from.

A fact with values outside the question space (``suppressed`` for an item
that is not directory information) takes, for those values, the branch of a
value inside it; the diagram is then the same for every tree of the same
behaviour on the space.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from discretion.policy.facts import FACT_NAMES

__all__ = ["Diagram", "digest"]

# A node: ("leaf", key) or (level of the fact tested, child node ids in value order).
_Node = tuple[Any, ...]


class Diagram:
    """A reduced, ordered multi-valued decision diagram, built from a decision tree."""

    def __init__(self, domains: Mapping[str, tuple[Any, ...]]) -> None:
        self.order = FACT_NAMES
        self.level = {name: i for i, name in enumerate(self.order)}
        self.domains = {name: domains[name] for name in self.order if name in domains}
        self.nodes: list[_Node] = []
        self._unique: dict[_Node, int] = {}
        self._memo: dict[tuple[int, tuple[int, ...]], int] = {}

    def _make(self, node: _Node) -> int:
        found = self._unique.get(node)
        if found is None:
            found = self._unique[node] = len(self.nodes)
            self.nodes.append(node)
        return found

    def leaf(self, key: Hashable) -> int:
        """Return the node that answers ``key`` whatever the facts."""
        return self._make(("leaf", key))

    def _test(self, level: int, children: tuple[int, ...]) -> int:
        if all(child == children[0] for child in children):
            return children[0]  # the fact does not matter here
        return self._make((level, children))

    def _top(self, node: int) -> int:
        here = self.nodes[node]
        return len(self.order) if here[0] == "leaf" else int(here[0])

    def _branch(self, node: int, level: int, index: int) -> int:
        here = self.nodes[node]
        return int(here[1][index]) if here[0] == level else node

    def case(self, name: str, children: tuple[int, ...]) -> int:
        """Return the diagram that tests ``name`` and goes on to ``children[value index]``.

        The children may test facts above ``name`` in the order; those tests
        are lifted above it, so every path tests facts in the fixed order.
        """
        level = self.level[name]
        key = (level, children)
        found = self._memo.get(key)
        if found is not None:
            return found
        top = min(self._top(child) for child in children)
        if level < top:
            result = self._test(level, children)
        else:
            # INVARIANT: a tree never tests a fact twice on one path, so top != level
            width = len(self.domains[self.order[top]])
            result = self._test(
                top,
                tuple(
                    self.case(name, tuple(self._branch(c, top, i) for c in children))
                    for i in range(width)
                ),
            )
        self._memo[key] = result
        return result

    def serialise(self, root: int) -> list[Any]:
        """Return the diagram below ``root`` as plain data, its nodes numbered in visit order."""
        numbers: dict[int, int] = {}
        out: list[Any] = []

        def visit(node: int) -> int:
            if node in numbers:
                return numbers[node]
            here = self.nodes[node]
            if here[0] == "leaf":
                entry: Any = ["leaf", here[1]]
            else:
                entry = [self.order[here[0]], [visit(child) for child in here[1]]]
            numbers[node] = len(out)
            out.append(entry)
            return numbers[node]

        visit(root)
        return out


def digest(
    tree: Any,
    domains: Mapping[str, tuple[Any, ...]],
    outcome_key: Callable[[Any], Hashable],
) -> tuple[str, int]:
    """Return the digest of a decision tree's canonical diagram, and its number of nodes.

    Args:
        tree: a ``compiled.Node`` or ``compiled.Leaf``.
        domains: each fact's values, in a fixed order.
        outcome_key: what of a leaf's outcome counts as behaviour (plain, JSON-ready data).
    """
    diagram = Diagram(domains)

    def build(node: Any) -> int:
        if not hasattr(node, "children"):
            return diagram.leaf(outcome_key(node.outcome))
        values = diagram.domains[node.name]
        present = node.children
        # a value outside the space (not in the tree) follows a value inside it
        fallback = next(iter(present.values()))
        kids = tuple(build(present[v]) if v in present else build(fallback) for v in values)
        return diagram.case(node.name, kids)

    root = build(tree)
    data = diagram.serialise(root)
    text = json.dumps(data, default=str, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest(), len(data)
