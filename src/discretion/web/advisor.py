"""The advisor ("May I share this?") and the rule pages.

One question per page at ``/advisor/{step}``; the answers so far travel in
the query string, in the permalink's format, so the pages need no session
and no JavaScript. Posting an answer (with the CSRF token) goes on, with a
303, to the next question that applies or to the check page; the check page
lists the answers with a link to change each; the answer page rules on them.
Staff may name a real student, a person and a subject on the check page and
get the answer with the store's facts. Every decision is the policy's,
reached through ``services.advising``.
"""

from __future__ import annotations

from urllib.parse import parse_qs, parse_qsl, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from discretion.services import ForbiddenError, InvalidQuestionError, NotFoundError
from discretion.services import advising as advisor
from discretion.services.advising import Answers, InvalidAnswersError, Step
from discretion.web.browsing import Viewer, context_of, viewer
from discretion.web.forms import MAX_FORM_BYTES, is_csrf_valid, read_form
from discretion.web.rendering import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

EXPIRED = "The form had expired. Nothing was changed; please try again."
BAD_LINK = "This link does not hold answers the advisor knows. Start again, or check the link."
REFUSED = "You may not ask about these people with the records' facts. Answer without naming them."
UNKNOWN = "No student, person or subject in the records matches what you named. Check them."
NAMED_FIELDS = (
    ("student", "Student ID", "The student the information is about, e.g. student-000001."),
    ("person", "Recipient's person ID", "Who would receive it, if they are in the records."),
    ("subject", "Subject code", "The subject whose records you would share, e.g. 6.100A."),
)


def _link(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def _not_found(request: Request, who: Viewer | None) -> Response:
    return render(request, "not_found.html", who, 404, title="Page not found")


def _bad_link(request: Request, who: Viewer | None) -> Response:
    return render(
        request, "problem.html", who, 400, title="This link does not work", message=BAD_LINK
    )


def _answers(request: Request, query: str | None = None) -> Answers:
    """Return the answers the query string carries (raises InvalidAnswersError)."""
    return advisor.from_query(
        request.url.query if query is None else query, context_of(request).profile
    )


def _prefilled(request: Request) -> tuple[str, dict[str, str]]:
    """Return the check page's query without the people it names, and those people.

    A staff page links to the check page with ``student`` (say) beside the
    answers, to fill the field in; the answers are read without it.
    """
    names = {name for name, _, _ in NAMED_FIELDS}
    pairs = parse_qsl(request.url.query, keep_blank_values=True)
    named = {key: value.strip()[:100] for key, value in pairs if key in names}
    rest = urlencode([(key, value) for key, value in pairs if key not in names], safe=",")
    return (request.url.query if not named else rest), named


def _next(answers: Answers, request: Request) -> str:
    profile = context_of(request).profile
    query = advisor.to_query(answers, profile)
    step = advisor.next_step(answers, profile)
    return _link("/advisor/check" if step is None else f"/advisor/{step.id}", query)


@router.get("/advisor")
async def start(request: Request) -> Response:
    """The start page: what the advisor does, and a button to begin."""
    first = advisor.STEPS[0].id
    return render(request, "advisor_start.html", await viewer(request), title="May I share this?",
                  first=first)  # fmt: skip


def _step_page(
    request: Request,
    who: Viewer | None,
    step: Step,
    answers: Answers,
    status: int = 200,
    error: str | None = None,
    chosen: tuple[str, ...] | None = None,
) -> Response:
    profile = context_of(request).profile
    query = advisor.to_query(answers, profile)
    back = advisor.previous_step(answers, profile, step.id)
    if chosen is None:
        given = answers.get(step.id, ())
        chosen = given if isinstance(given, tuple) else (given,)
    choices = advisor.options(step, profile, advisor.current(answers, profile))
    return render(
        request,
        "advisor_step.html",
        who,
        status,
        title=("Error: " if error else "") + step.question,
        step=step,
        multiple=step.kind == advisor.Kind.ITEMS,
        choices=choices,
        chosen=chosen,
        error=error,
        action=_link(f"/advisor/{step.id}", query),
        back=_link("/advisor" if back is None else f"/advisor/{back.id}", query),
    )


def _applicable(
    request: Request, who: Viewer | None, step_id: str
) -> tuple[Step, Answers] | Response:
    """Return the step and the answers, or the page to answer with instead.

    That is a 404 for an unknown step, a 400 for a link whose answers do not
    read, and a redirect (303) onward when the step does not apply.
    """
    try:
        step = advisor.get_step(step_id)
    except InvalidAnswersError:
        return _not_found(request, who)
    profile = context_of(request).profile
    try:
        answers = _answers(request)
        if not step.applies(advisor.current(answers, profile), profile):
            return RedirectResponse(_next(answers, request), status_code=303)
    except InvalidAnswersError:
        return _bad_link(request, who)
    return step, answers


@router.get("/advisor/check")
async def check(request: Request) -> Response:
    """Check your answers: each with a link to change it, and a button to get the answer."""
    return await _check_page(request)


async def _check_page(
    request: Request,
    status: int = 200,
    error: str | None = None,
    named: dict[str, str] | None = None,
) -> Response:
    who = await viewer(request)
    profile = context_of(request).profile
    given, prefill = _prefilled(request)
    try:
        answers = _answers(request, given)
    except InvalidAnswersError:
        return _bad_link(request, who)
    if advisor.next_step(answers, profile) is not None:
        return RedirectResponse(_next(answers, request), status_code=303)
    if named is None and advisor.may_name_people(who.principal if who else None):
        named = prefill
    query = advisor.to_query(answers, profile)
    back = advisor.previous_step(answers, profile, None)
    rows = [
        {"id": step_id, "question": question, "answer": said,
         "change": _link(f"/advisor/{step_id}", query)}
        for step_id, question, said in advisor.summary(answers, profile)
    ]  # fmt: skip
    return render(
        request,
        "advisor_check.html",
        who,
        status,
        title=("Error: " if error else "") + "Check your answers",
        rows=rows,
        pairs=_pairs(query),
        query=query,
        back=_link("/advisor" if back is None else f"/advisor/{back.id}", query),
        may_name=advisor.may_name_people(who.principal if who else None),
        named_fields=NAMED_FIELDS,
        named=named or {},
        error=error,
    )


def _pairs(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query, keep_blank_values=True)


@router.get("/advisor/answer")
async def stated(request: Request) -> Response:
    """The answer on the answers the link holds, with stated facts: the permalink."""
    who = await viewer(request)
    profile = context_of(request).profile
    try:
        answers = _answers(request)
    except InvalidAnswersError:
        return _bad_link(request, who)
    if advisor.next_step(answers, profile) is not None:
        return RedirectResponse(_next(answers, request), status_code=303)
    explanation = advisor.stated_answer(answers, profile)
    return _answer_page(request, who, answers, explanation)


def _answer_page(
    request: Request,
    who: Viewer | None,
    answers: Answers,
    explanation: advisor.Explanation,
    notes: tuple[str, ...] = (),
    named: dict[str, str] | None = None,
) -> Response:
    profile = context_of(request).profile
    query = advisor.to_query(answers, profile)
    return render(
        request,
        "advisor_answer.html",
        who,
        title=explanation.headline,
        answer=explanation,
        notes=notes,
        named=[(label, named[name]) for name, label, _ in NAMED_FIELDS if named and named[name]],
        permalink=_link("/advisor/answer", query),
        change=_link("/advisor/check", query),
    )


@router.post("/advisor/answer")
async def store_backed(request: Request) -> Response:
    """The answer with the store's facts about the student, person and subject named (staff)."""
    who = await viewer(request)
    form = await read_form(request)
    named = {name: form.get(name, "").strip()[:100] for name, _, _ in NAMED_FIELDS}
    if not is_csrf_valid(request, form):
        return await _check_page(request, 403, EXPIRED, named)
    if who is None or not advisor.may_name_people(who.principal):
        return await _check_page(request, 403, REFUSED)
    context = context_of(request)
    try:
        answers = _answers(request)
    except InvalidAnswersError:
        return _bad_link(request, who)
    if advisor.next_step(answers, context.profile) is not None:
        return RedirectResponse(_next(answers, request), status_code=303)
    principal = who.principal

    def ask() -> advisor.StoreAnswer:
        with context.transaction() as session:
            return advisor.store_answer(session, context.profile, answers, principal, named)

    try:
        found = await run_in_threadpool(ask)
    except ForbiddenError:
        return await _check_page(request, 403, REFUSED, named)
    except (NotFoundError, InvalidQuestionError):
        return await _check_page(request, 400, UNKNOWN, named)
    return _answer_page(request, who, answers, found.explanation, found.notes, named)


@router.get("/advisor/{step_id}")
async def question(request: Request, step_id: str) -> Response:
    """One question, with the answers so far carried in the link."""
    who = await viewer(request)
    found = _applicable(request, who, step_id)
    if isinstance(found, Response):
        return found
    step, answers = found
    return _step_page(request, who, step, answers)


@router.post("/advisor/{step_id}")
async def answer_question(request: Request, step_id: str) -> Response:
    """Check the answer; show the question again with the error, or go on (303)."""
    who = await viewer(request)
    found = _applicable(request, who, step_id)
    if isinstance(found, Response):
        return found
    step, answers = found
    raw = await _values(request)
    form = await read_form(request)
    if not is_csrf_valid(request, form):
        return _step_page(request, who, step, answers, 403, EXPIRED, tuple(raw))
    profile = context_of(request).profile
    value, error = advisor.validate(step, raw, profile, advisor.current(answers, profile))
    if value is None:
        return _step_page(request, who, step, answers, 400, error or step.error, tuple(raw))
    return RedirectResponse(_next(advisor.answer(answers, step.id, value), request), 303)


async def _values(request: Request) -> list[str]:
    """Return every value of the form's ``answer`` field (checkboxes send several)."""
    if request.headers.get("content-type", "").split(";")[0].strip() != (
        "application/x-www-form-urlencoded"
    ):
        return []
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return []
    return parse_qs(body.decode("utf-8", "replace")).get("answer", [])[:100]


@router.get("/rules/{rule_id}")
async def rule(request: Request, rule_id: str) -> Response:
    """One rule in plain words: what it does, what it cites, and a worked example."""
    who = await viewer(request)
    profile = context_of(request).profile
    try:
        page = await run_in_threadpool(advisor.rule_page, rule_id, profile)
    except NotFoundError:
        return _not_found(request, who)
    return render(request, "rule.html", who, title=page.point, rule=page,
                  example_link=_link("/advisor/answer", page.example.query)
                  if page.example and page.example.query else None)  # fmt: skip
