"""Bringing data in: OneRoster 1.1 CSV bundles, Discretion's own CSV files, the demo campus."""

from discretion.importers.errors import ImportRejected

__all__ = ["ImportRejected"]
