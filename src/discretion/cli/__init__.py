"""The ``discretion`` command."""
