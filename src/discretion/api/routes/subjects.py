"""Class lists, for the staff assigned to the subject."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from discretion.api.auth import Caller, context_of, transaction
from discretion.api.models import ClassList
from discretion.services.class_lists import release_class_list

__all__ = ["router"]

router = APIRouter(tags=["subjects"])


@router.get(
    "/v1/subjects/{subject_id}/class-list",
    response_model=ClassList,
    summary="A subject's class list, for its staff",
)
def class_list(request: Request, principal: Caller, subject_id: str) -> dict[str, Any]:
    """The list goes to the subject's instructors, TAs and administrators only."""
    with transaction(request) as session:
        listed = release_class_list(
            session, context_of(request).profile, reader=principal, subject_id=subject_id
        )
        return listed.to_json()
