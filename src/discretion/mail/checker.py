"""The email checker: is this message fit to send, as the FAQ on email advises (`faq.email`)?

Email travels like a postcard. The FAQ asks senders to take care in
proportion to what a message says: keep sensitive words out of the subject,
name the student as little as the recipient needs, encrypt, ideally have the
student accept the risk first, and never email batches of grades or ID
numbers. Each of those is a rule here, with a stable id:

- ``mail.subject_words`` (warn): the subject uses one of the profile's sensitive words.
- ``mail.identified_student`` (warn): sensitive information names a student in full.
- ``mail.unencrypted`` (warn): information about a student goes unencrypted.
- ``mail.unreadable_attachment`` (warn): an attachment could not be read to check it.
- ``mail.batch`` (block): as many grades or IDs as the profile's batch threshold.
- ``mail.recipient_not_permitted`` (block): the policy denies a recipient the information.

Findings say what and how many, never the words of the body.
"""

from __future__ import annotations

from discretion.mail.detect import Evidence, sensitive_words, text_evidence
from discretion.mail.parsing import Parsed, parse
from discretion.mail.people import People, StudentRef
from discretion.mail.sheets import table_evidence
from discretion.mail.verdict import Finding, Level, Verdict
from discretion.policy import Profile

__all__ = ["check"]

EMAIL = ("faq.email",)
_CONSENT = "or first have the student agree to the risks of sending it by email"
# the information a sensitive word in the body stands for, to ask the policy about
_WORD_ITEMS = {
    "grade": "grades", "grades": "grades", "transcript": "transcript",
    "academic difficulty": "academic_standing", "probation": "academic_standing",
    "cap": "academic_standing", "financial hold": "financial", "disciplinary": "disciplinary",
    "disciplinary action": "disciplinary", "cod": "disciplinary",
}  # fmt: skip


def check(raw: bytes, profile: Profile, *, people: People | None = None) -> Verdict:
    """Judge an outgoing message, raw as it would be sent.

    Args:
        raw: the message, headers and body, as bytes (an .eml file).
        profile: the institution's profile: sensitive words, ID format, batch size.
        people: who the checker may recognise, and whom the policy lets receive what.

    Raises:
        MailError: the input is not an email message at all.
    """
    parsed = parse(raw)
    try:
        return _judge(parsed, profile, people)
    # INVARIANT: any message gets a verdict; a part the checker fails on is reported, not raised.
    except Exception:
        finding = Finding(
            "mail.not_checked", Level.WARN, "part of the message could not be checked",
            fix="check it yourself before sending, or send it encrypted",
        )  # fmt: skip
        return Verdict((finding,), encrypted=parsed.encrypted)


def _units(parsed: Parsed, profile: Profile) -> list[tuple[str, Evidence, str]]:
    """Return each unit of the message: where it is, what it reveals, and its text for people."""
    units = [
        ("subject", text_evidence(parsed.subject, profile), parsed.subject),
        ("body", text_evidence(parsed.body, profile), parsed.body),
    ]
    for attachment in parsed.attachments:
        evidence = text_evidence(attachment.text, profile)
        for table in attachment.tables:
            evidence.add(table_evidence(table, profile))
        text = attachment.text + "\n".join("\t".join(r) for t in attachment.tables for r in t)
        units.append((f"attachment {attachment.name}", evidence, text))
    return units


def _judge(parsed: Parsed, profile: Profile, people: People | None) -> Verdict:
    findings: list[Finding] = []
    subject_words = sensitive_words(parsed.subject, profile.sensitive_subject_words)
    if subject_words:
        quoted = " and ".join(f"`{w}`" for w in subject_words)
        findings.append(Finding(
            "mail.subject_words", Level.WARN, f"the subject says {quoted}",
            fix=f"remove {quoted} from the subject: subjects are never encrypted", where="subject",
        ))  # fmt: skip
    units = _units(parsed, profile)
    total = Evidence()
    for _, evidence, _ in units:
        total.add(evidence)
    refs = _found(people, [text for _, _, text in units])
    findings += _batches(units, total, profile)
    sensitive = bool(total.grades or total.ids or total.words or subject_words)
    # the same student may be found twice (by the store, and beside a grade): count the larger
    students = max(len(total.students), len(refs))
    in_full = max(total.in_full + len(total.ids), len([r for r in refs if r.in_full]))
    if sensitive and in_full:
        findings.append(Finding(
            "mail.identified_student", Level.WARN,
            f"the message identifies {_count(in_full, 'student')} in full, by name or ID number",
            fix="use initials, or no name at all if the recipient knows whom you mean; "
            "leave out ID numbers",
        ))  # fmt: skip
    if sensitive and students and not parsed.encrypted:
        findings.append(Finding(
            "mail.unencrypted", Level.WARN, "information about a student would go unencrypted",
            fix=f"encrypt the message (S/MIME or PGP), {_CONSENT}",
        ))  # fmt: skip
    findings += [
        Finding("mail.unreadable_attachment", Level.WARN, "the attachment could not be read",
                fix="make sure it holds no student information, or send it encrypted",
                where=f"attachment {name}")
        for name in parsed.unreadable
    ]  # fmt: skip
    if people is not None and refs:
        findings += _recipients(people, parsed, refs, _items(total, subject_words))
    return Verdict(tuple(findings), students=students, encrypted=parsed.encrypted)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _found(people: People | None, texts: list[str]) -> list[StudentRef]:
    if people is None:
        return []
    refs: dict[str, StudentRef] = {}
    for text in texts:
        for ref in people.find(text):
            refs[ref.id] = StudentRef(ref.id, ref.in_full or refs.get(ref.id, ref).in_full)
    return list(refs.values())


def _batches(
    units: list[tuple[str, Evidence, str]], total: Evidence, profile: Profile
) -> list[Finding]:
    findings = []
    for what, count in (("grades", total.grades), ("ID numbers", len(total.ids))):
        if count < profile.batch_threshold:
            continue
        places = [where for where, e, _ in units if (e.grades if what == "grades" else e.ids)]
        findings.append(Finding(
            "mail.batch", Level.BLOCK,
            f"the message carries a batch of {count} students' {what}",
            fix=f"do not email lists of {what}: share them through a system that restricts "
            "who can open them, and send only a pointer to it",
            where=", ".join(places),
        ))  # fmt: skip
    return findings


def _items(total: Evidence, subject_words: list[str]) -> tuple[str, ...]:
    items = {"name"}
    items |= {"grades"} if total.grades else set()
    items |= {"id_number"} if total.ids else set()
    items |= {
        _WORD_ITEMS[w.lower()] for w in [*total.words, *subject_words] if w.lower() in _WORD_ITEMS
    }
    return tuple(sorted(items))


def _recipients(
    people: People, parsed: Parsed, refs: list[StudentRef], items: tuple[str, ...]
) -> list[Finding]:
    findings = []
    for recipient in dict.fromkeys(parsed.recipients):
        refused = [people.may_receive(ref.id, recipient, items) for ref in refs]
        refused = [p for p in refused if not p.allowed]
        if not refused:
            continue
        cites = tuple(dict.fromkeys(c for p in refused for c in p.cites))
        rules = ", ".join(dict.fromkeys(r for p in refused for r in p.rules))
        findings.append(Finding(
            "mail.recipient_not_permitted", Level.BLOCK,
            f"`{recipient}` may not receive {', '.join(items)} about "
            f"{_count(len(refused), 'student')} in this message ({rules})",
            fix="leave this recipient out, or send only what the policy permits "
            "(`discretion ask` says what and why)",
            cites=EMAIL + tuple(c for c in cites if c not in EMAIL), where="recipients",
        ))  # fmt: skip
    return findings
