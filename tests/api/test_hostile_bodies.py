"""Bodies built to hurt the API: answered 4xx in the error shape, never 500."""

from __future__ import annotations

from tests.api.conftest import Api


def test_a_body_nested_too_deeply_is_a_bad_request(api: Api) -> None:
    deep = "[" * 100_000 + "]" * 100_000  # the JSON decoder's RecursionError was a 500
    headers = {**api.auth("registrar"), "Content-Type": "application/json"}
    answer = api.client.post("/v1/decisions", content=deep, headers=headers)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == {
        "code": "bad_request",
        "message": "the body nests deeper than 32 levels; flatten it",
        "details": {},
    }


def test_a_question_nested_too_deeply_is_a_bad_request(api: Api) -> None:
    deep: object = "name"
    for _ in range(900):  # decodes, but the schema checks recursed into a RecursionError
        deep = [deep]
    question = {"recipient": {"kind": "public"}, "information": [deep]}
    answer = api.client.post("/v1/decisions", json=question, headers=api.auth("registrar"))
    assert answer.status_code == 400, answer.text  # refused before anything parses it
    assert "nests deeper than 32 levels" in answer.json()["error"]["message"]


def test_an_expiry_past_year_9999_in_utc_is_invalid(api: Api) -> None:
    # the offset takes it past 9999 in UTC: storing it overflowed into a 500
    consent = {"recipient_id": "c-acme", "purpose": "a job", "items": ["grades"],
               "form": "email", "message_id": "<a@b.example>",
               "expires_at": "9999-12-31T23:59:59-01:00"}  # fmt: skip
    answer = api.client.post(
        "/v1/students/u-ada/consents", json=consent, headers=api.auth("registrar")
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["message"] == (
        "`9999-12-31T23:59:59-01:00` is outside the years 1 to 9999 in UTC; give a date in between"
    )
