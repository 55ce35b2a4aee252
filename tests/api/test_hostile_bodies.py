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


def _post(api: Api, body: bytes) -> tuple[int, dict[str, object]]:
    headers = {**api.auth("registrar"), "Content-Type": "application/json"}
    answer = api.client.post("/v1/decisions", content=body, headers=headers)
    error = answer.json().get("error") if answer.status_code >= 400 else answer.json()
    return answer.status_code, error


PUBLIC = b'{"recipient": {"kind": "public"}, "information": ["name"]'


def test_a_key_given_twice_deep_inside_is_a_bad_request(api: Api) -> None:
    body = b'[{"recipient": {"kind": "employer", "kind": "official", "need_to_know": true}, ' \
           b'"information": ["grades"]}]'  # fmt: skip
    status, error = _post(api, body)
    assert status == 400
    assert error == {
        "code": "bad_request",
        "message": "the body repeats the key `kind` in one object; give each key once",
        "details": {},
    }


def test_numbers_that_are_not_finite_are_a_bad_request(api: Api) -> None:
    for number in (b"NaN", b"Infinity", b"-Infinity", b"1e999"):
        status, error = _post(api, PUBLIC + b', "purpose": ' + number + b"}")
        assert status == 400, (number, error)  # NaN was taken, and left to the schema
        assert error["code"] == "bad_request"
        assert str(error["message"]).startswith("the body holds a number that is not finite")


def test_an_integer_too_long_to_read_is_a_bad_request(api: Api) -> None:
    status, error = _post(api, PUBLIC + b', "purpose": ' + b"9" * 5000 + b"}")
    assert status == 400, error  # a plain ValueError escaped the body guard
    assert error["message"] == "the body holds a number longer than 4300 digits; send a shorter one"


def test_a_lone_surrogate_is_a_bad_request(api: Api) -> None:
    status, error = _post(api, PUBLIC + b', "purpose": "\\udc80"}')
    assert status == 400, error
    assert error["message"] == (
        "the body holds a lone UTF-16 surrogate (`\\udc80`); send whole characters"
    )


def test_a_utf8_byte_order_mark_is_accepted(api: Api) -> None:
    status, ruling = _post(api, b"\xef\xbb\xbf" + PUBLIC + b"}")
    assert status == 200, ruling  # it was refused as not JSON
    assert ruling["decision"] == "permit"


def test_every_bad_question_of_a_batch_is_listed_in_details(api: Api) -> None:
    good = {"recipient": {"kind": "public"}, "information": ["name"]}
    batch = [good, {"recipient": {"kind": "alien"}, "information": ["name"]}, good,
             {"recipient": {"kind": "public"}, "information": ["grade"]}]  # fmt: skip
    for questions in (batch, [{**q, "student": {"id": "u-ada"}} for q in batch]):
        answer = api.client.post("/v1/decisions", json=questions, headers=api.auth("registrar"))
        assert answer.status_code == 422, answer.text
        error = answer.json()["error"]
        assert error["code"] == "invalid_question"
        assert error["message"].startswith("question 1: invalid question at `recipient.kind`")
        assert error["message"].endswith("(2 questions are invalid; see details)")
        listed = error["details"]["questions"]
        assert [entry["index"] for entry in listed] == [1, 3]
        assert listed[0]["message"].startswith("invalid question at `recipient.kind`")
        assert listed[1]["message"].startswith("unknown information item `grade`")
