"""``POST /v1/decisions``: one question or a batch, with stated facts or the store's."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from discretion.api.auth import Caller, context_of, transaction
from discretion.api.errors import ApiError
from discretion.services import Context, ForbiddenError, InvalidQuestionError
from discretion.services.asking import (
    ask,
    names_anyone,
    question_schema,
    rule_on_stated_facts,
    ruling_schema,
)
from discretion.services.principals import Principal

__all__ = ["router"]

router = APIRouter(tags=["decisions"])
BATCH_LIMIT = 1000
# roles that may have the store fill in the facts about anyone
STORE_ROLES = ("official", "administrator", "service")


def _schema(item: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [item, {"type": "array", "items": item, "minItems": 1, "maxItems": 1000}]}


def _strip(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k not in ("$schema", "$id")}


_OPENAPI = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": _schema(_strip(question_schema()))}},
    },
    "responses": {
        "200": {
            "description": "The ruling, or an array of rulings in the batch's order",
            "content": {"application/json": {"schema": _schema(_strip(ruling_schema()))}},
        }
    },
}


async def _body(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except ClientDisconnect:
        raise ApiError(400, "bad_request", "the client went away before sending its body") from None
    except ValueError:
        raise ApiError(400, "bad_request", "the body is not JSON; send a question") from None
    except RecursionError:  # the decoder recurses; a question nests three levels
        raise ApiError(
            400, "bad_request", "the body nests lists or objects too deeply; send a question"
        ) from None


def _check_store_access(principal: Principal, question: Any) -> None:
    """Only officials and services, or a student about themselves, get the store's facts."""
    if principal.has(*STORE_ROLES):
        return
    student_id = (question.get("student") or {}).get("id")
    recipient_id = (question.get("recipient") or {}).get("id")
    if (
        principal.person_id
        and student_id in (None, principal.person_id)
        and (recipient_id in (None, principal.person_id))
    ):
        return
    raise ForbiddenError(
        "only officials and services may have the store fill in facts about others; "
        "state the facts instead"
    )


@router.post(
    "/v1/decisions",
    summary="Rule on a question, or a batch of them",
    openapi_extra=_OPENAPI,
    response_model=None,
)
async def decisions(request: Request, principal: Caller) -> Any:
    """Rule on one question (an object) or a batch (an array, up to 1000).

    A question that names ``student.id`` or ``recipient.id`` gets those facts
    from the store and carries them back under ``facts``.
    """
    body = await _body(request)
    batch = body if isinstance(body, list) else [body]
    if not batch or len(batch) > BATCH_LIMIT:
        raise ApiError(
            422, "validation_error", f"send between 1 and {BATCH_LIMIT} questions in a batch"
        )
    context = context_of(request)
    if any(names_anyone(q) for q in batch):
        for question in batch:
            if names_anyone(question):
                _check_store_access(principal, question)

        def from_store() -> list[dict[str, Any]]:
            with transaction(request) as session:
                return [
                    _numbered(i, len(batch), partial(_asked, session, context, q))
                    for i, q in enumerate(batch)
                ]

        rulings = await run_in_threadpool(from_store)
    else:
        rulings = [
            _numbered(i, len(batch), partial(_stated, context, q)) for i, q in enumerate(batch)
        ]
    # already plain JSON data: answer it as is, without FastAPI's encoder walking it again
    return JSONResponse(rulings if isinstance(body, list) else rulings[0])


def _asked(session: Session, context: Context, question: Any) -> dict[str, Any]:
    return ask(session, context.profile, question).to_json()


def _stated(context: Context, question: Any) -> dict[str, Any]:
    return rule_on_stated_facts(context.profile, question).to_json()


def _numbered(index: int, count: int, rule: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run one ruling; in a batch, say which question was wrong."""
    try:
        return rule()
    except InvalidQuestionError as error:
        where = f"question {index}: " if count > 1 else ""
        raise ApiError(422, "invalid_question", f"{where}{error}") from None
