"""The email checker, rule by rule, and its promises: it never raises but MailError, never leaks."""

from __future__ import annotations

import json
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discretion.mail.checker import check
from discretion.mail.detect import text_evidence
from discretion.mail.people import RosterPeople, Student, StudentRef
from discretion.mail.verdict import Level, MailError, Verdict
from discretion.policy import Profile, load_profile
from tests.mail.corpus_files import pdf, xlsx

CORPUS = Path(__file__).parent / "corpus"
MESSAGES = sorted(CORPUS.glob("*.eml"))
MIT = load_profile("mit")


def message(
    body: str = "Hello.",
    subject: str = "Note",
    to: str = "colleague@mit.edu",
    files: list[tuple[str, str, bytes]] | None = None,
) -> bytes:
    mail = EmailMessage()
    mail["From"] = "sender@mit.edu"
    mail["To"] = to
    mail["Subject"] = subject
    mail.set_content(body)
    for name, kind, data in files or []:
        main, sub = kind.split("/")
        mail.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return bytes(mail)


def rules(verdict: Verdict) -> set[str]:
    return {finding.rule for finding in verdict.findings}


# ---- mail.subject_words ----


@pytest.mark.parametrize(
    ("subject", "word"),
    [("Your grades", "grades"), ("ACADEMIC  difficulty", "academic difficulty"),
     ("Re: CAP", "CAP"), ("COD: next steps", "COD"), ("(disciplinary action)", "disciplinary")],
)  # fmt: skip
def test_a_sensitive_subject_word_warns_and_names_the_word(subject: str, word: str) -> None:
    verdict = check(message(subject=subject), MIT)
    assert verdict.level is Level.WARN and rules(verdict) == {"mail.subject_words"}
    assert f"`{word}`" in verdict.findings[0].message
    assert verdict.findings[0].fix is not None and "remove" in verdict.findings[0].fix


@pytest.mark.parametrize(
    "subject",
    ["capstone review", "Cape Cod", "cap and gown", "cod liver oil", "Encode videos",
     "Cap", "upgrade", "grading rubric", "Codify the rules", "CAPs lock"],
)  # fmt: skip
def test_a_lookalike_subject_passes(subject: str) -> None:
    assert check(message(subject=subject), MIT).level is Level.PASS


def test_the_federal_baseline_has_no_subject_words() -> None:
    assert check(message(subject="CAP grades"), load_profile("ferpa")).level is Level.PASS


# ---- ID numbers ----


@pytest.mark.parametrize(
    "body",
    ["MIT ID 912345678", "ID: 912345678", "student number 912345678", "912345678 (MIT ID)",
     "id no. 912345678"],
)  # fmt: skip
def test_an_id_with_its_context_word_identifies_a_student(body: str) -> None:
    verdict = check(message(body), MIT)
    assert rules(verdict) == {"mail.identified_student", "mail.unencrypted"}
    assert verdict.students == 1


@pytest.mark.parametrize(
    "body",
    ["Call 617-253-1000.", "Order 912345678 shipped.", "Cambridge MA 02139-4307",
     "On 2026-12-01 at 9am", "Fax 9175551234", "ID card office, 912 Main St"],
)  # fmt: skip
def test_a_number_that_only_looks_like_an_id_passes(body: str) -> None:
    assert check(message(body), MIT).level is Level.PASS


def test_a_run_of_ids_after_one_context_word_is_a_batch() -> None:
    body = "MIT IDs: 912345678, 923456781; 934567812 and 945678123"
    verdict = check(message(body), MIT)
    assert verdict.level is Level.BLOCK and "4 students' ID numbers" in verdict.findings[0].message


# ---- grades and batches ----


def test_two_grades_warn_and_three_block() -> None:
    two = "Jane Doe: A\nOmar Haddad: B\n"
    assert check(message(two), MIT).level is Level.WARN
    assert check(message(two + "Lena Fischer: C\n"), MIT).level is Level.BLOCK


def test_grades_are_found_whatever_the_line_endings() -> None:
    # found by the benchmark: "Renée Dubé: B+" before a CRLF was not read as a grade
    for ending in ("\n", "\r\n", "\r"):
        text = ending.join(["Renée Dubé: B+", "Omar Haddad: A-", "Lena Fischer: C", ""])
        assert text_evidence(text, MIT).grades == 3, repr(ending)


def test_the_batch_threshold_comes_from_the_profile() -> None:
    lenient: Profile = replace(MIT, batch_threshold=4)
    three = "Jane Doe: A\nOmar Haddad: B\nLena Fischer: C\n"
    assert check(message(three), lenient).level is Level.WARN


def test_a_grade_beside_no_one_is_not_a_grade() -> None:
    body = "Plan A: meet Monday.\nOption: B\nGrade: A\nHepatitis B vaccine\nVitamin D - A-"
    assert check(message(body), MIT).level is Level.PASS


def test_initials_beside_a_grade_advise_encryption_but_not_initials() -> None:
    verdict = check(message("J.D.: B+"), MIT)
    assert rules(verdict) == {"mail.unencrypted"}
    fix = verdict.findings[0].fix or ""
    assert "encrypt" in fix and "agree to the risks" in fix


def test_grades_in_attachments_count_per_file_and_together() -> None:
    sheet = xlsx([["Name", "Final grade"], ["Jane Doe", "A"], ["Omar Haddad", 88]])
    files = [("a.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              sheet), ("b.pdf", "application/pdf", pdf(["Lena Fischer: C"]))]  # fmt: skip
    verdict = check(message("See attached.", files=files), MIT)
    batch = [f for f in verdict.findings if f.rule == "mail.batch"]
    assert batch and batch[0].where == "attachment a.xlsx, attachment b.pdf"


def test_an_id_column_counts_only_with_an_id_header() -> None:
    rows = b"Room,Phone\n32-123,912345678\n10-250,923456781\n4-270,934567812\n"
    assert check(message(files=[("r.csv", "text/csv", rows)]), MIT).level is Level.PASS
    ids = b"Name,MIT ID\nA B,912345678\nC D,923456781\nE F,934567812\n"
    assert check(message(files=[("r.csv", "text/csv", ids)]), MIT).level is Level.BLOCK


def test_quoted_replies_and_signatures_are_not_judged() -> None:
    body = "Thanks!\n> Jane Doe: A\n> Omar Haddad: B\n-- \nMIT ID 912345678\nLena Fischer: C\n"
    assert check(message(body), MIT).level is Level.PASS


# ---- encryption ----


def _raw(content_type: str, body: str, subject: str = "Note") -> bytes:
    head = f"From: a@mit.edu\r\nTo: b@mit.edu\r\nSubject: {subject}\r\nContent-Type: {content_type}"
    return f"{head}\r\n\r\n{body}".encode()


@pytest.mark.parametrize(
    "content_type",
    ["application/pkcs7-mime; smime-type=enveloped-data", "application/x-pkcs7-mime",
     'multipart/encrypted; protocol="application/pgp-encrypted"; boundary=x'],
)  # fmt: skip
def test_an_encrypted_message_is_judged_by_its_headers(content_type: str) -> None:
    assert check(_raw(content_type, "MIAGCSqGSIb3"), MIT).encrypted
    verdict = check(_raw(content_type, "MIAGCSqGSIb3", "Grades of J.D."), MIT)
    assert verdict.encrypted and rules(verdict) == {"mail.subject_words"}


def test_opaque_signed_smime_is_not_encrypted() -> None:
    kind = "application/pkcs7-mime; smime-type=signed-data"
    assert not check(_raw(kind, "MIAGCSqGSIb3"), MIT).encrypted


def test_inline_pgp_counts_as_encrypted_and_its_text_is_not_read() -> None:
    body = "-----BEGIN PGP MESSAGE-----\nJane Doe: A\nOmar Haddad: B\nLena Fischer: C\n"
    verdict = check(message(body), MIT)
    assert verdict.encrypted and verdict.level is Level.PASS


# ---- recipients, with People ----


def roster() -> RosterPeople:
    return RosterPeople(
        MIT,
        [Student("s1", "Jane Doe", "jdoe@mit.edu", "912345678"), Student("s2", "Omar Haddad")],
        {"ta@mit.edu": {"kind": "official", "need_to_know": True}, "mom@example.com": {
            "kind": "parent"}},
    )  # fmt: skip


def test_a_recipient_the_policy_refuses_blocks_with_its_clauses() -> None:
    raw = message("Jane Doe: B+", to="ta@mit.edu, mom@example.com")
    verdict = check(raw, MIT, people=roster())
    refused = [f for f in verdict.findings if f.rule == "mail.recipient_not_permitted"]
    assert verdict.level is Level.BLOCK and len(refused) == 1
    assert "`mom@example.com` may not receive grades, name" in refused[0].message
    assert refused[0].cites[0] == "faq.email" and "faq.parents" in refused[0].cites


def test_a_recipient_with_need_to_know_passes_the_recipient_rule() -> None:
    verdict = check(message("Jane Doe: B+", to="ta@mit.edu"), MIT, people=roster())
    assert rules(verdict) == {"mail.identified_student", "mail.unencrypted"}


def test_people_find_students_named_in_prose() -> None:
    verdict = check(message("Omar Haddad is on probation."), MIT, people=roster())
    assert verdict.students == 1 and verdict.level is Level.BLOCK  # the public may not know


def test_people_find_students_named_in_the_subject() -> None:
    named = check(message("See me.", subject="Jane Doe"), MIT, people=roster())
    assert named.students == 1 and named.level is Level.PASS  # a name alone is directory
    raw = message("See me.", subject="Jane Doe: grades", to="mom@example.com")
    assert "mail.recipient_not_permitted" in rules(check(raw, MIT, people=roster()))


def test_a_student_found_twice_counts_once() -> None:
    verdict = check(message("Jane Doe: B+", to="ta@mit.edu"), MIT, people=roster())
    assert verdict.students == 1
    assert "identifies 1 student in full" in verdict.findings[0].message


def test_the_federal_baseline_reads_any_id_named_as_one() -> None:
    ferpa = load_profile("ferpa")
    assert check(message("student ID 1234567"), ferpa).level is Level.WARN
    assert check(message("call 6172531000"), ferpa).level is Level.PASS


# ---- what the checker never does ----


@pytest.mark.parametrize("raw", [b"", b"   \r\n", b"\x00\x01\x02binary", b"no header here\n"])
def test_input_that_is_not_a_message_raises_mail_error(raw: bytes) -> None:
    with pytest.raises(MailError):
        check(raw, MIT)


def test_text_instead_of_bytes_raises_mail_error() -> None:
    with pytest.raises(MailError, match="must be given as bytes"):
        check("Subject: hi\n\nbody", MIT)  # type: ignore[arg-type]


class _Failing(RosterPeople):
    def find(self, text: str) -> list[StudentRef]:
        raise RuntimeError("the directory is down")


def test_a_failure_while_judging_is_a_warning_not_an_exception() -> None:
    verdict = check(message("Jane Doe: B+"), MIT, people=_Failing(MIT, []))
    assert rules(verdict) == {"mail.not_checked"} and verdict.level is Level.WARN
    assert "down" not in json.dumps(verdict.to_json())


def test_no_finding_repeats_the_body() -> None:
    token = "Zyxwquint"
    body = f"{token} Doe: A\nOmar {token}: B\nLena Fischer: C\nMIT ID 912345678 {token}\n"
    files = [("list.csv", "text/csv", f"Name,Grade\n{token} Q,A\n".encode())]
    verdict = check(message(body, subject="CAP grades", files=files), MIT, people=roster())
    assert verdict.level is Level.BLOCK
    assert token.lower() not in json.dumps(verdict.to_json()).lower()


def _mutate(raw: bytes, data: st.DataObject) -> bytes:
    kind = data.draw(st.sampled_from(["flip", "truncate", "header", "insert"]))
    if kind == "truncate":
        return raw[: data.draw(st.integers(0, len(raw)))]
    if kind == "header":
        garbage = data.draw(st.binary(max_size=200))
        return b"Subject: =?x-bad?q?" + garbage + b"?=\r\nContent-Type: " + garbage + b"\r\n" + raw
    position = data.draw(st.integers(0, max(len(raw) - 1, 0)))
    chunk = data.draw(st.binary(min_size=1, max_size=16))
    if kind == "insert":
        return raw[:position] + chunk + raw[position:]
    return raw[:position] + chunk + raw[position + len(chunk) :]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MESSAGES), st.data())
def test_a_mutated_message_gets_a_verdict_or_mail_error(path: Path, data: st.DataObject) -> None:
    raw = _mutate(path.read_bytes(), data)
    try:
        verdict = check(raw, MIT, people=roster())
    except MailError:
        return
    assert isinstance(verdict, Verdict)
    assert not any(f.rule == "mail.not_checked" for f in verdict.findings)


def test_reading_a_damaged_pdf_logs_nothing_of_it(caplog: pytest.LogCaptureFixture) -> None:
    damaged = pdf(["Jane Doe: A"]).replace(b"startxref\n", b"startxref\n1")  # pypdf repairs it
    caplog.set_level("DEBUG")
    verdict = check(message(files=[("scan.pdf", "application/pdf", damaged)]), MIT)
    assert rules(verdict) == {"mail.identified_student", "mail.unencrypted"}
    assert caplog.records == []


def test_an_attachment_that_cannot_be_read_is_named() -> None:
    verdict = check(message(files=[("scan.pdf", "application/pdf", b"%PDF-1.4 junk")]), MIT)
    assert [(f.rule, f.where) for f in verdict.findings] == [
        ("mail.unreadable_attachment", "attachment scan.pdf")
    ]
