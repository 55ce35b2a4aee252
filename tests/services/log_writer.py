"""A process that appends to the disclosure log, for the concurrency test (spawned)."""

from __future__ import annotations

from discretion.services import disclosure_log, open_context


def append_many(url: str, worker: str, count: int) -> int:
    """Append ``count`` entries, one transaction each, as ``worker``."""
    context = open_context(url)
    try:
        for index in range(count):
            with context.transaction() as session:
                disclosure_log.append(
                    session,
                    actor_id=worker,
                    recipient="Concurrency Test",
                    student_id=f"s-{index % 7}",
                    items=["grades"],
                    rules=["disclosure.outside_with_written_consent"],
                    purpose=f"entry {index}",
                )
    finally:
        context.close()
    return count
