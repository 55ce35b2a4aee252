"""Class lists, for the staff assigned to the subject."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from discretion.api.auth import Caller, context_of, transaction
from discretion.api.models import ClassList
from discretion.services.class_lists import find_subject, release_class_list

__all__ = ["router"]

router = APIRouter(tags=["subjects"])


@router.get(
    "/v1/subjects/{subject}/class-list",
    response_model=ClassList,
    summary="A subject's class list, for its staff",
)
def class_list(request: Request, principal: Caller, subject: str) -> dict[str, Any]:
    """The list goes to the subject's instructors, TAs and administrators only.

    The subject is named by its code as people know it (`8.01`) or by its id;
    a code several sections share names the caller's own (else a 400 lists them).
    """
    with transaction(request) as session:
        subject_id = find_subject(session, principal, subject)
        listed = release_class_list(
            session, context_of(request).profile, reader=principal, subject_id=subject_id
        )
        return listed.to_json()
