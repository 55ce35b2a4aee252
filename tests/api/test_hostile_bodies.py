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
        "message": "the body nests lists or objects too deeply; send a question",
        "details": {},
    }


def test_a_question_nested_too_deeply_is_invalid(api: Api) -> None:
    deep: object = "name"
    for _ in range(900):  # decodes, but the schema checks recursed into a RecursionError
        deep = [deep]
    question = {"recipient": {"kind": "public"}, "information": [deep]}
    answer = api.client.post("/v1/decisions", json=question, headers=api.auth("registrar"))
    assert answer.status_code == 422, answer.text
    assert "nest more than 32 levels deep" in answer.json()["error"]["message"]
