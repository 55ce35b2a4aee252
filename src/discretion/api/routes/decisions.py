"""``POST /v1/decisions``: one question or a batch, with stated facts or the store's.

A few questions with stated facts are ruled on the event loop (microseconds
each); anything larger, and anything that reads the store, runs in a worker
thread, so a batch of a thousand never holds up other requests.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from discretion.api.auth import Caller, context_of, transaction
from discretion.api.errors import ApiError
from discretion.services import Context, InvalidQuestionError
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
# at most this many stated questions are ruled on the event loop itself
INLINE_LIMIT = 8


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


def _body(request: Request) -> Any:
    """Return the body as parsed and checked by ``api.body.BodyGuard``."""
    state = request.scope.get("state", {})
    if "json" not in state:
        raise ApiError(400, "bad_request", "the body is empty; send a question as JSON")
    return state["json"]


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
    body = _body(request)
    batch = body if isinstance(body, list) else [body]
    if not batch or len(batch) > BATCH_LIMIT:
        raise ApiError(
            422, "validation_error", f"send between 1 and {BATCH_LIMIT} questions in a batch"
        )
    context = context_of(request)
    one = not isinstance(body, list)

    def rule_all() -> bytes:
        if any(names_anyone(q) for q in batch):
            with transaction(request) as session:
                rulings = _rule_each(
                    [partial(_asked, session, context, principal, q) for q in batch], one
                )
        else:
            rulings = _rule_each([partial(_stated, context, q) for q in batch], one)
        answer = rulings[0] if one else rulings
        return json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()

    stated_few = len(batch) <= INLINE_LIMIT and not any(names_anyone(q) for q in batch)
    content = rule_all() if stated_few else await run_in_threadpool(rule_all)
    # already plain JSON: answer it as is, without FastAPI's encoder walking it again
    return Response(content, media_type="application/json")


def _asked(
    session: Session, context: Context, principal: Principal, question: Any
) -> dict[str, Any]:
    return ask(session, context.profile, question, caller=principal).to_json()


def _stated(context: Context, question: Any) -> dict[str, Any]:
    return rule_on_stated_facts(context.profile, question).to_json()


def _rule_each(rules: list[Callable[[], dict[str, Any]]], one: bool) -> list[dict[str, Any]]:
    """Run every ruling; if any question is invalid, refuse them all, naming each by index.

    The message names the first (``question 1: ...`` in a batch); ``details.questions``
    lists every one as ``{"index", "message"}``, indices counting from 0.
    """
    rulings: list[dict[str, Any]] = []
    invalid: list[dict[str, Any]] = []
    for index, rule in enumerate(rules):
        try:
            rulings.append(rule())
        except InvalidQuestionError as error:
            invalid.append({"index": index, "message": str(error)})
    if not invalid:
        return rulings
    if one:
        raise ApiError(422, "invalid_question", invalid[0]["message"])
    message = f"question {invalid[0]['index']}: {invalid[0]['message']}"
    if len(invalid) > 1:
        message += f" ({len(invalid)} questions are invalid; see details)"
    raise ApiError(422, "invalid_question", message, {"questions": invalid})
