"""The messages of the email corpus, each with the verdict it should get (see make_corpus.py).

Every name, address and number here is invented. MIT-format ID numbers are
nine digits starting with 9; lookalikes (phone numbers, dates, zip codes,
order numbers) are there to be left alone.
"""

from __future__ import annotations

from tests.mail.corpus_files import pdf, xlsx
from tests.mail.make_corpus import CSV, PDF, PGP, SIG, SMIME, TXT, W_ID, XLSX, Mail, csv, raw

PASS, WARN, BLOCK = "pass", "warn", "block"
SMIME_TYPE = 'application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"'
PGP_TYPE = 'multipart/encrypted; protocol="application/pgp-encrypted"; boundary="b1"'
PGP_BODY = (
    "--b1\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n--b1\n"
    "Content-Type: application/octet-stream\n\n" + PGP + "\n--b1--\n"
)


def smime(subject: str) -> bytes:
    return raw(subject, SMIME_TYPE, SMIME, "Content-Transfer-Encoding: base64\n")


def pgp(subject: str) -> bytes:
    return raw(subject, PGP_TYPE, PGP_BODY)


GRADES_CSV = csv(
    [
        "Name,Kerberos,Final Grade",
        "Jane Doe,jdoe,A-",
        "Omar Haddad,ohaddad,B+",
        "Lena Fischer,lfisch,C",
        "Ravi Menon,rmenon,A",
        "Chloe Martin,cmartin,B",
    ]
)
IDS_CSV = csv(
    [
        "Name,MIT ID,Room",
        "Jane Doe,912345678,E25-111",
        "Omar Haddad,923456781,E25-111",
        "Lena Fischer,934567812,E25-111",
    ]
)
ROOMS_CSV = csv(
    [
        "Room,Capacity,Phone",
        "32-123,80,617-253-1000",
        "10-250,450,617-253-2000",
        "E25-111,40,617-253-3000",
    ]
)

MESSAGES: list[Mail] = [
    # ---- pass: nothing about a student, or nothing that identifies one ----
    Mail(
        "pass-meeting",
        PASS,
        "Staff meeting moved to Thursday",
        "Hi all,\n\nThe staff meeting moves to Thursday at 2pm in 4-231.\n" + SIG,
    ),
    Mail(
        "pass-cape-cod",
        PASS,
        "Cape Cod retreat: carpool sign-up",
        "We leave for the Cape Cod retreat on Friday. Reply if you can drive.\n" + SIG,
    ),
    Mail(
        "pass-capstone",
        PASS,
        "Capstone presentations schedule",
        "The capstone presentations run 1-5pm on December 10 in 34-101.\n" + SIG,
    ),
    Mail(
        "pass-encode",
        PASS,
        "Please encode the lecture videos",
        "Could you encode last week's lecture videos for the course site?\n" + SIG,
    ),
    Mail(
        "pass-cap-lowercase",
        PASS,
        "cap and gown pickup",
        "Cap and gown pickup for commencement is at the Coop from May 20.\n" + SIG,
    ),
    Mail(
        "pass-cod-lowercase",
        PASS,
        "cod liver oil study is recruiting",
        "A colleague's cod liver oil study is recruiting adult volunteers.\n" + SIG,
    ),
    Mail(
        "pass-phone",
        PASS,
        "Who to call about the projector",
        "For the projector in 10-250 call 617-253-1000 or (617) 253-2000.\n" + SIG,
    ),
    Mail(
        "pass-dates-zip",
        PASS,
        "Shipping the poster",
        "Ship it to 77 Massachusetts Ave, Cambridge MA 02139-4307 by 2026-12-01.\n"
        "Tracking 9400111899223397 and invoice dated 20261201.\n" + SIG,
    ),
    Mail(
        "pass-order-number",
        PASS,
        "Purchase order for lab supplies",
        "The purchase order is PO 912345678; the vendor quote is attached as promised.\n" + SIG,
    ),
    Mail(
        "pass-quoted-grades",
        PASS,
        "Re: question about the midterm",
        "Thanks, noted. I will update the course site.\n\n"
        "> Jane Doe: A-\n> Omar Haddad: B+\n> Lena Fischer: C\n> MIT ID 912345678\n",
    ),
    Mail(
        "pass-wrote-block",
        PASS,
        "Re: lab section swap",
        "Fine by me, I will tell the TAs.\n\nOn Mon, Nov 30, 2026 at 9:12 AM Kim Lee "
        "<klee@mit.edu> wrote:\nJane Doe: A-\nOmar Haddad: B+\nLena Fischer: C\n",
    ),
    Mail(
        "pass-original-message",
        PASS,
        "RE: room booking",
        "Booked, see you there.\n\n-----Original Message-----\nFrom: Kim Lee\n"
        "Jane Doe: A-\nOmar Haddad: B+\nLena Fischer: C\nStudent ID 912345678\n",
    ),
    Mail("pass-smime", PASS, "", raw=smime("Documents you asked for")),
    Mail("pass-pgp", PASS, "", raw=pgp("Follow-up from our meeting")),
    Mail(
        "pass-inline-pgp", PASS, "Notes from today", "Notes below, encrypted to your key.\n\n" + PGP
    ),
    Mail(
        "pass-no-name",
        PASS,
        "Following up",
        "The student we discussed yesterday has caught up on the problem sets.\n" + SIG,
    ),
    Mail(
        "pass-initials-no-info",
        PASS,
        "New UROP in the lab",
        "J.D. will join the lab as a UROP student in January.\n" + SIG,
    ),
    Mail(
        "pass-html-newsletter",
        PASS,
        "Department newsletter",
        "See the HTML version.",
        html="<html><body><h1>News</h1><p>The new lounge opens Monday.</p></body></html>",
    ),
    Mail(
        "pass-html-quoted",
        PASS,
        "Re: section results?",
        "",
        html="<p>Received, thank you.</p><blockquote>Jane Doe: A-<br>Omar Haddad: B+<br>"
        "Lena Fischer: C</blockquote>",
    ),
    Mail(
        "pass-rooms-csv",
        PASS,
        "Room list for spring",
        "Room list attached.\n" + SIG,
        files=[("rooms.csv", CSV, ROOMS_CSV)],
    ),
    Mail(
        "pass-budget-xlsx",
        PASS,
        "Budget draft",
        "Draft budget attached.\n" + SIG,
        files=[("budget.xlsx", XLSX, xlsx([["Item", "Cost"], ["Coffee", 120], ["Posters", 80]]))],
    ),
    Mail(
        "pass-plan-b",
        PASS,
        "Options for the retreat",
        "Plan A: hold it on campus.\nOption: B\nPlan B - rent the boathouse.\n" + SIG,
    ),
    Mail(
        "pass-vitamin",
        PASS,
        "Flu clinic",
        "The clinic offers flu shots and Hepatitis B boosters; Vitamin D tests are extra.\n",
    ),
    Mail(
        "pass-distribution",
        PASS,
        "Class statistics",
        "Letter grade cut-offs: A 90, B 80, C 70.\nA: 12 students\nB: 20 students\n" + SIG,
    ),
    Mail(
        "pass-grading-rubric",
        PASS,
        "Grading rubric for problem set 4",
        "The grading rubric for problem set 4 is on the course site.\n" + SIG,
    ),
    Mail(
        "pass-upgrade",
        PASS,
        "Server upgrade tonight",
        "The server upgrade starts at 10pm; expect an hour of downtime.\n" + SIG,
    ),
    Mail(
        "pass-course-numbers",
        PASS,
        "Cross-listing 6.034 and 18.06",
        "6.034 will be cross-listed with 18.06 from spring; lectures in 32-123.\n" + SIG,
    ),
    Mail(
        "pass-phone-digits",
        PASS,
        "Vendor contact",
        "Their sales line is 9175551234 and the fax 917 555 1235.\n" + SIG,
    ),
    Mail(
        "pass-id-card-office",
        PASS,
        "ID card office hours",
        "The ID card office in E17 is open 9-5; bring a photo.\n" + SIG,
    ),
    Mail(
        "pass-signature-id",
        PASS,
        "Workshop room",
        "The workshop is in 4-270.\n-- \nPat Rivera\nStaff ID 987654321 | 617-253-4600\n",
    ),
    Mail(
        "pass-image",
        PASS,
        "Photo from the retreat",
        "Photo attached.\n" + SIG,
        files=[("retreat.png", "image/png", b"\x89PNG\r\n\x1a\n\0\0")],
    ),
    Mail(
        "pass-calendar",
        PASS,
        "Invitation: reading group",
        "Invitation attached.\n",
        files=[("invite.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")],
    ),
    Mail(
        "pass-pdf-agenda",
        PASS,
        "Agenda",
        "Agenda attached.\n" + SIG,
        files=[("agenda.pdf", PDF, pdf(["Agenda", "1. Welcome", "2. Budget", "3. Spring"]))],
    ),
    Mail(
        "pass-first-name-praise",
        PASS,
        "Great talk",
        "Jane did a fine job presenting the lab's work on Friday.\n" + SIG,
    ),
    Mail(
        "pass-kerberos",
        PASS,
        "Account for the new TA",
        "Please create a lab account for kerberos klee.\n" + SIG,
    ),
    Mail(
        "pass-alternative",
        PASS,
        "Seminar reminder",
        "Seminar at 4pm in 32-141.",
        html="<p>Seminar at <b>4pm</b> in 32-141.</p>",
    ),
    Mail(
        "pass-latin1",
        PASS,
        "",
        raw=raw(
            "Caf\xe9 order",
            "text/plain; charset=iso-8859-1",
            "One caf\xe9 au lait for the meeting, please.\n",
        ),
    ),
    # ---- warn: change something before sending ----
    Mail(
        "warn-subject-grades",
        WARN,
        "Grades due Friday",
        "Please submit all final marks on the registrar's site by Friday.\n" + SIG,
        rules=["mail.subject_words"],
    ),
    Mail(
        "warn-subject-difficulty",
        WARN,
        "Re: academic difficulty",
        "Let's talk in person about the student you mentioned.\n" + SIG,
        rules=["mail.subject_words"],
    ),
    Mail(
        "warn-subject-hold",
        WARN,
        "Financial hold question",
        "Can we meet about the student we discussed? Room 7-133 at 3pm.\n" + SIG,
        rules=["mail.subject_words"],
    ),
    Mail(
        "warn-subject-cap",
        WARN,
        "CAP meeting next week",
        "The agenda is on the shared drive.\n" + SIG,
        rules=["mail.subject_words"],
    ),
    Mail(
        "warn-subject-cod",
        WARN,
        "COD hearing logistics",
        "Room 400 is booked for the afternoon.\n" + SIG,
        rules=["mail.subject_words"],
    ),
    Mail(
        "warn-subject-disciplinary",
        WARN,
        "Disciplinary action follow-up",
        "Please call me when you can.\n" + SIG,
        rules=["mail.subject_words"],
    ),
    Mail(
        "warn-subject-transcript",
        WARN,
        "transcript request",
        "The request came in this morning; I will route it.\n" + SIG,
        rules=["mail.subject_words"],
    ),
    Mail(
        "warn-subject-probation",
        WARN,
        "Probation letters",
        "Drafts are in the usual folder.\n" + SIG,
        rules=["mail.subject_words"],
    ),
    Mail("warn-one-grade", WARN, "Quick update", "Jane Doe: B+\n" + SIG, rules=W_ID),
    Mail(
        "warn-initials-grade",
        WARN,
        "Quick update",
        "J.D.: B+\nThanks for asking.\n" + SIG,
        rules=["mail.unencrypted"],
    ),
    Mail(
        "warn-prose-grade",
        WARN,
        "Update on the student you asked about",
        "Jane Doe's final grade is B- after the regrade.\n" + SIG,
        rules=W_ID,
    ),
    Mail(
        "warn-prose-got",
        WARN,
        "Update",
        "Kim Lee got a C in the second quiz, so please check in with her.\n" + SIG,
        rules=W_ID,
    ),
    Mail(
        "warn-one-id",
        WARN,
        "Lab access",
        "Please add MIT ID 912345678 to the lab door list.\n" + SIG,
        rules=W_ID,
    ),
    Mail(
        "warn-two-grades", WARN, "Two regrades", "Jane Doe: B+\nOmar Haddad: A-\n" + SIG, rules=W_ID
    ),
    Mail(
        "warn-two-ids",
        WARN,
        "Card access",
        "Student IDs 912345678 and 923456781 need card access to 26-100.\n" + SIG,
        rules=W_ID,
    ),
    Mail(
        "warn-csv-two-grades",
        WARN,
        "Regrades attached",
        "Attached.\n" + SIG,
        files=[("regrades.csv", CSV, csv(["Name,Grade", "Jane Doe,B+", "Omar Haddad,A-"]))],
        rules=W_ID,
    ),
    Mail(
        "warn-smime-subject", WARN, "", raw=smime("Grades for J.D."), rules=["mail.subject_words"]
    ),
    Mail("warn-pgp-subject", WARN, "", raw=pgp("CAP case update"), rules=["mail.subject_words"]),
    Mail(
        "warn-id-probation",
        WARN,
        "Status check",
        "Student ID 912345678 is on probation this term.\n" + SIG,
        rules=W_ID,
    ),
    Mail(
        "warn-bad-xlsx",
        WARN,
        "Spreadsheet",
        "See attached.\n" + SIG,
        files=[("marks.xlsx", XLSX, b"PK\x03\x04not a workbook")],
        rules=["mail.unreadable_attachment"],
    ),
    Mail(
        "warn-bad-pdf",
        WARN,
        "Scan",
        "See attached.\n" + SIG,
        files=[("scan.pdf", PDF, b"%PDF-1.4 truncated")],
        rules=["mail.unreadable_attachment"],
    ),
    Mail(
        "warn-html-grade",
        WARN,
        "Update",
        "",
        html="<p>Hi,</p><p>Jane Doe: B+</p><p>Best, Pat</p>",
        rules=W_ID,
    ),
    Mail(
        "warn-latin1-grade",
        WARN,
        "",
        raw=raw("Note", "text/plain; charset=iso-8859-1", "Ren\xe9e Dub\xe9: B+\n"),
        rules=W_ID,
    ),
    Mail(
        "warn-bad-charset-id",
        WARN,
        "",
        raw=raw(
            "Note", "text/plain; charset=x-no-such-charset", "MIT ID 912345678 needs a new card\n"
        ),
        rules=W_ID,
    ),
    Mail(
        "warn-encoded-subject",
        WARN,
        "",
        raw=raw("=?utf-8?b?R3JhZGVzIGZvciBzZWN0aW9uIDM=?=", "text/plain", "Please see me.\n"),
        rules=["mail.subject_words"],
    ),
    Mail(
        "warn-student-number",
        WARN,
        "Records",
        "Student number: 923456781, please update the address.\n" + SIG,
        rules=W_ID,
    ),
    Mail(
        "warn-pdf-grade",
        WARN,
        "Letter draft",
        "Draft attached.\n" + SIG,
        files=[("letter.pdf", PDF, pdf(["To whom it may concern,", "Jane Doe: A-"]))],
        rules=W_ID,
    ),
    Mail("warn-dash-grade", WARN, "Update", "Jane Doe - A\n" + SIG, rules=W_ID),
    Mail(
        "warn-subject-and-name",
        WARN,
        "Re: grades",
        "Jane Doe: A-\n" + SIG,
        rules=["mail.subject_words", "mail.identified_student", "mail.unencrypted"],
    ),
    Mail("warn-id-hash", WARN, "Card", "ID# 934567812 lost their card.\n" + SIG, rules=W_ID),
    Mail(
        "warn-txt-grade",
        WARN,
        "Note attached",
        "Attached.\n" + SIG,
        files=[("note.txt", TXT, b"Omar Haddad: C+\n")],
        rules=W_ID,
    ),
    # ---- block: batches of grades or ID numbers ----
    Mail(
        "block-three-grades",
        BLOCK,
        "Section results",
        "Jane Doe: A-\nOmar Haddad: B+\nLena Fischer: C\n" + SIG,
    ),
    Mail(
        "block-grades-csv",
        BLOCK,
        "Final list",
        "Attached.\n" + SIG,
        files=[("final.csv", CSV, GRADES_CSV)],
        rules=None,
    ),
    Mail(
        "block-grades-xlsx",
        BLOCK,
        "Spreadsheet for the committee",
        "Attached.\n" + SIG,
        files=[
            (
                "section3.xlsx",
                XLSX,
                xlsx(
                    [
                        ["Student", "Grade"],
                        ["Jane Doe", "A-"],
                        ["Omar Haddad", "B+"],
                        ["Lena Fischer", "C"],
                        ["Ravi Menon", "A"],
                    ]
                ),
            )
        ],
    ),
    Mail(
        "block-ids-xlsx",
        BLOCK,
        "Door access list",
        "Attached.\n" + SIG,
        files=[
            (
                "doors.xlsx",
                XLSX,
                xlsx(
                    [
                        ["Name", "MIT ID"],
                        ["Jane Doe", 912345678],
                        ["Omar Haddad", 923456781],
                        ["Lena Fischer", 934567812],
                    ]
                ),
            )
        ],
    ),
    Mail(
        "block-ids-csv",
        BLOCK,
        "Room assignments",
        "Attached.\n" + SIG,
        files=[("rooms.csv", CSV, IDS_CSV)],
    ),
    Mail("block-ids-body", BLOCK, "Card access", "IDs: 912345678, 923456781, 934567812\n" + SIG),
    Mail(
        "block-grades-pdf",
        BLOCK,
        "Scan of the grade sheet",
        "Attached.\n" + SIG,
        files=[("sheet.pdf", PDF, pdf(["Jane Doe: A-", "Omar Haddad: B+", "Lena Fischer: C"]))],
    ),
    Mail(
        "block-html-table",
        BLOCK,
        "Results",
        "",
        html="<table><tr><th>Name</th><th>Grade</th></tr><tr><td>Jane Doe</td><td>A</td>"
        "</tr><tr><td>Omar Haddad</td><td>B</td></tr><tr><td>Lena Fischer</td>"
        "<td>C+</td></tr></table>",
    ),
    Mail(
        "block-split",
        BLOCK,
        "Results",
        "Jane Doe: A-\nOmar Haddad: B+\n" + SIG,
        files=[("more.csv", CSV, csv(["Name,Grade", "Lena Fischer,C"]))],
    ),
    Mail("block-initials", BLOCK, "Results", "J.D.: A\nO.H.: B\nL.F.: C\n" + SIG),
    Mail(
        "block-numbered",
        BLOCK,
        "Results",
        "1. Jane Doe - A-\n2. Omar Haddad - B+\n3. Lena Fischer - C\n" + SIG,
    ),
    Mail(
        "block-tabbed",
        BLOCK,
        "Pasted from the spreadsheet",
        "Name\tGrade\nJane Doe\tA-\nOmar Haddad\tB+\nLena Fischer\tC\n" + SIG,
    ),
    Mail(
        "block-semicolons",
        BLOCK,
        "Export",
        "Attached.\n" + SIG,
        files=[
            (
                "export.csv",
                CSV,
                csv(["Name;Grade", "Jane Doe;A-", "Omar Haddad;B+", "Lena Fischer;C"]),
            )
        ],
    ),
    Mail(
        "block-two-sheets",
        BLOCK,
        "Both sections",
        "Attached.\n" + SIG,
        files=[
            (
                "both.xlsx",
                XLSX,
                xlsx(
                    [["Name", "Grade"], ["Jane Doe", "A-"], ["Omar Haddad", "B+"]],
                    [["Name", "Grade"], ["Lena Fischer", "C"], ["Ravi Menon", "A"]],
                ),
            )
        ],
    ),
    Mail(
        "block-headerless-csv",
        BLOCK,
        "Export",
        "Attached.\n" + SIG,
        files=[
            (
                "export.csv",
                CSV,
                csv(
                    ["Jane Doe,912345678,A", "Omar Haddad,923456781,B", "Lena Fischer,934567812,C"]
                ),
            )
        ],
    ),
    Mail(
        "block-txt-list",
        BLOCK,
        "List attached",
        "Attached.\n" + SIG,
        files=[("list.txt", TXT, b"Jane Doe: A-\nOmar Haddad: B+\nLena Fischer: C\n")],
    ),
    Mail(
        "block-reply-with-batch",
        BLOCK,
        "Re: the numbers you wanted",
        "Here they are:\nJane Doe: A-\nOmar Haddad: B+\nLena Fischer: C\n\n"
        "> Could you send me the section results?\n",
    ),
    Mail(
        "block-pgp-with-clear-batch",
        BLOCK,
        "Results",
        "Jane Doe: A-\nOmar Haddad: B+\nLena Fischer: C\n\n" + PGP,
    ),
    Mail(
        "block-numeric-grades",
        BLOCK,
        "Midterm scores",
        "Attached.\n" + SIG,
        files=[
            (
                "midterm.csv",
                CSV,
                csv(
                    [
                        "Student,Score,Grade",
                        "Jane Doe,91,A-",
                        "Omar Haddad,85,B",
                        "Lena Fischer,74,C",
                    ]
                ),
            )
        ],
    ),
    Mail(
        "block-id-grade-lines",
        BLOCK,
        "Results by ID",
        "ID 912345678: A\nID 923456781: B+\nID 934567812: C\n" + SIG,
    ),
    Mail(
        "block-ids-with-subject",
        BLOCK,
        "CAP list",
        "Attached.\n" + SIG,
        files=[("cap.csv", CSV, IDS_CSV)],
    ),
]
