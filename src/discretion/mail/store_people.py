"""``People`` from the store, through services: the checker's look-ups when a store is open.

Students are recognised by their full name, username, email address or id
(``services.mail_lookups``). Whether a recipient may receive something is
asked of ``services.asking`` with the student's id and, when the address is
someone's in the store, the recipient's id, so consents, suppressions and
relations on file count. An address the store does not know is asked about
as a member of the public, and a question the service cannot answer counts
as refused: the checker fails closed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from discretion.mail.checker import check
from discretion.mail.people import Permission, StudentRef, permission_of
from discretion.mail.verdict import Verdict
from discretion.policy import DiscretionError, Profile
from discretion.services import asking
from discretion.services.context import Context
from discretion.services.mail_lookups import person_id_by_email, student_finder
from discretion.services.redaction import Verifier

__all__ = ["StorePeople", "store_checker"]


class StorePeople:
    """``People`` backed by the store, for one session.

    Args:
        session: an open session of the store (read only).
        profile: the institution's profile, to rule with.
        finder: the students' scanner, when one built before is reused (the
            guard builds it once); else built from the session.
    """

    def __init__(self, session: Session, profile: Profile, finder: Verifier | None = None) -> None:
        self.session = session
        self.profile = profile
        self._finder = finder if finder is not None else student_finder(session)

    def find(self, text: str) -> list[StudentRef]:
        """Return the students of the store that ``text`` names in full."""
        return [StudentRef(student_id) for student_id in sorted(self._finder.scan(text))]

    def may_receive(self, student_id: str, recipient: str, items: tuple[str, ...]) -> Permission:
        """Ask the policy, with the store's facts, whether ``recipient`` may receive ``items``."""
        reader = person_id_by_email(self.session, recipient)
        question: dict[str, Any] = {
            "act": "disclose",
            "student": {"id": student_id},
            "recipient": {"id": reader, "kind": "public"} if reader else {"kind": "public"},
            "information": list(items),
            "channel": "email",
        }
        try:
            return permission_of(asking.ask(self.session, self.profile, question).ruling)
        except DiscretionError:
            return Permission(False, ("mail.not_checked",), ())


def store_checker(context: Context) -> Callable[[bytes], Verdict]:
    """Return a checker that looks students and recipients up in the store.

    The students' scanner is built once, now (restart to see students added
    later); each message is checked in a read-only session of its own.
    """
    with context.transaction() as session:
        finder = student_finder(session)

    def checked(raw: bytes) -> Verdict:
        with context.transaction() as session:
            return check(raw, context.profile, people=StorePeople(session, context.profile, finder))

    return checked
