"""Find a question that exercises a rule (kept in ``services.examples``, shared with the web)."""

from __future__ import annotations

from discretion.services.examples import example_for, scenario_directory

__all__ = ["example_for", "scenario_directory"]
