"""The fully grown decision tree of each built-in profile, shipped as data.

``make policy-tree`` (``python -m discretion.policy.prebuilt``) explores every
class of single-item question (``compiled.explore``) and writes
``prebuilt/<profile>.json.gz``: gzipped JSON, so reading it runs no code.
``decide``'s engine adopts it once it has met a few new classes, instead of
running the plain rules once for each class it meets.

The file (format 1) is one JSON object: ``profile``, ``policy_version``,
``sources`` (a digest of the policy's sources and the profile's file, checked
before the tree is used: a stale file is ignored), ``fingerprint``
(``compiled.fingerprint``, for the record), ``facts`` (fact names), ``outcomes``
``nodes`` and ``root``. The tree is written as a graph, each distinct subtree
once (MIT's 27,241 nodes are 768 distinct ones): a node is ``[fact index,
child...]`` with one child per value of the fact's domain, in domain order; a
child, and ``root``, is a node's index (a node comes after its children) or,
when negative, ``-1 - n`` for the leaf of outcome ``n``. An outcome is
``[decision, finding, [finding...]]`` (the deciding finding, then the added
ones); a finding is ``[rule id, [condition...], office id or null]``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from discretion.policy.decide import Finding, Outcome, _Branch
from discretion.policy.facts import FACT_NAMES, FACTS
from discretion.policy.profile import BUILTIN_PROFILES, Profile
from discretion.policy.rules import DEFAULT, RULES
from discretion.policy.version import POLICY_VERSION
from discretion.policy.vocabulary import Condition, Decision

__all__ = ["FORMAT", "build", "encode", "load", "main", "path", "sources_digest"]

FORMAT = 1
# what decides a class: ``decide.evaluate``, the facts and how they derive, the rules, the profile
_SOURCES = (
    "decide.py",
    "facts.py",
    "profile.py",
    "question.py",
    "registry.py",
    "vocabulary.py",
    "version.py",
)
_BOOL = (False, True)


def path(profile_id: str) -> Path:
    """Return where the tree of a built-in profile is kept, in the source tree."""
    return Path(__file__).parent / "prebuilt" / f"{profile_id}.json.gz"


def _shipped(profile_id: str) -> Traversable:
    """Return the shipped file of a built-in profile, as the installed package holds it."""
    return resources.files("discretion.policy").joinpath("prebuilt", f"{profile_id}.json.gz")


def sources_digest(profile_id: str) -> str:
    """Return a digest of every source a class's outcome depends on, and of the profile's file.

    Any edit to them (even one that keeps behaviour) makes a shipped tree stale
    until ``make policy-tree`` writes it again; reading them takes about a millisecond.
    """
    package = resources.files("discretion.policy")
    rules = sorted(
        (f for f in package.joinpath("rules").iterdir() if f.name.endswith(".py")),
        key=lambda f: f.name,
    )
    files = [package.joinpath(n) for n in _SOURCES] + rules
    files.append(package.joinpath("profiles", f"{profile_id}.toml"))
    digest = hashlib.sha256(f"{FORMAT} {POLICY_VERSION}".encode())
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def _domains(profile: Profile) -> dict[str, tuple[Any, ...]]:
    domains = {fact.name: fact.values for fact in FACTS if fact.values is not None}
    domains["item"] = tuple(sorted(set(profile.items.values())))
    domains["suppressed"] = _BOOL  # only ``False`` below a non-directory item
    return domains


def _finding_json(finding: Finding) -> list[Any]:
    office = finding.refer_to.id if finding.refer_to is not None else None
    return [finding.rule.id, [c.value for c in finding.conditions], office]


def encode(profile: Profile) -> dict[str, Any]:
    """Explore every class under ``profile`` and return the file's JSON object."""
    from discretion.policy.compiled import Leaf, compile_policy, fingerprint  # numpy: here only

    tree = compile_policy(profile).tree
    domains = _domains(profile)
    numbers: dict[Outcome, int] = {}
    nodes: dict[tuple[int, ...], int] = {}  # equal subtrees are written once

    def ref(node: Any) -> int:
        if isinstance(node, Leaf):
            return -1 - numbers.setdefault(node.outcome, len(numbers))
        values = domains[node.name]
        # INVARIANT: explore branches on a prefix of the fact's domain, in order
        assert tuple(node.children) == values[: len(node.children)], node.name
        form = (FACT_NAMES.index(node.name), *map(ref, node.children.values()))
        return nodes.setdefault(form, len(nodes))

    root = ref(tree)
    outcomes = [
        [o.decision.value, _finding_json(o.deciding), [_finding_json(f) for f in o.added]]
        for o in numbers
    ]
    return {
        "format": FORMAT,
        "profile": profile.id,
        "policy_version": POLICY_VERSION,
        "sources": sources_digest(profile.id),
        "fingerprint": fingerprint(profile),
        "facts": list(FACT_NAMES),
        "outcomes": outcomes,
        "nodes": [list(form) for form in nodes],
        "root": root,
    }


def build(
    data: dict[str, Any], profile: Profile, number: Callable[[Outcome], int]
) -> _Branch | int:
    """Return the engine's tree from the file's object.

    Args:
        data: the file's object.
        profile: the profile it is the tree of.
        number: the engine's number for an outcome (what its leaves hold).
    """
    rules = {rule.id: rule for rule in (*RULES, DEFAULT)}
    offices = profile.offices

    def finding(form: Sequence[Any]) -> Finding:
        rule_id, conditions, office = form
        refer_to = None if office is None else offices[office]
        return Finding(rules[rule_id], tuple(map(Condition, conditions)), refer_to)

    numbers = [
        number(Outcome(Decision(decision), finding(deciding), tuple(map(finding, added))))
        for decision, deciding, added in data["outcomes"]
    ]
    names = data["facts"]
    by_name = _domains(profile)
    domains = [by_name.get(name, ()) for name in names]

    built: list[_Branch] = []  # a node's children come before it

    def child(ref: int) -> _Branch | int:
        return numbers[-1 - ref] if ref < 0 else built[ref]

    for fact, *children in data["nodes"]:
        branch = _Branch(names[fact])
        branch.children = dict(zip(domains[fact], map(child, children), strict=False))
        built.append(branch)
    return child(data["root"])


def load(profile: Profile, number: Callable[[Outcome], int]) -> _Branch | int | None:
    """Return the shipped tree of a built-in profile, or ``None`` if there is none or it is stale.

    ``number`` gives the engine's number for an outcome, what the leaves hold.

    Only the very profile object ``load_profile`` gives for a built-in name
    qualifies: a profile from a file (even a copy of a built-in one) grows its tree.
    """
    from discretion.policy.profile import load_profile

    if profile.id not in BUILTIN_PROFILES or profile is not load_profile(profile.id):
        return None
    shipped = _shipped(profile.id)
    if not shipped.is_file():
        return None
    data = json.loads(gzip.decompress(shipped.read_bytes()))
    if data.get("format") != FORMAT or data.get("sources") != sources_digest(profile.id):
        return None
    return build(data, profile, number)


def write(profile: Profile) -> Path:
    """Grow the full tree of a built-in profile and write its file; return the file's path."""
    data = encode(profile)
    text = json.dumps(data, separators=(",", ":")).encode()
    target = path(profile.id)
    target.parent.mkdir(exist_ok=True)
    # mtime=0: the same tree always gives the same bytes
    target.write_bytes(gzip.compress(text, compresslevel=9, mtime=0))
    return target


def main(argv: Sequence[str] | None = None) -> None:
    """Write the tree of each built-in profile named (all of them by default)."""
    from discretion.policy.profile import load_profile

    for name in argv or BUILTIN_PROFILES:
        target = write(load_profile(name))
        print(f"{target}: {target.stat().st_size:,} bytes")


if __name__ == "__main__":  # pragma: no cover (``make policy-tree``)
    main(sys.argv[1:])
