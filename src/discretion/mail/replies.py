"""What the SMTP guard says back and what it adds: reply lines and its one header.

Every reply is one ASCII line short enough for SMTP (RFC 5321 caps a reply
line at 512 octets). A reason is built from the findings' messages, fixes and
citations only, never from the message's body.
"""

from __future__ import annotations

import re
import unicodedata
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.parser import BytesParser
from email.policy import compat32

from discretion.mail.verdict import Finding, Level, Verdict

__all__ = [
    "CHECK_HEADER",
    "MAX_REPLY",
    "OVERRIDE_HEADER",
    "ascii_line",
    "block_reply",
    "check_header",
    "override_justification",
    "reason",
    "rule_ids",
    "warn_reply",
    "without_check_headers",
]

CHECK_HEADER = "X-Discretion-Check"
OVERRIDE_HEADER = "X-Discretion-Override"
MAX_REPLY = 500  # characters of a whole reply line, code included (RFC 5321 allows 512)
MAX_JUSTIFICATION = 1000  # characters of an override's justification that are kept
_SPACE = re.compile(r"\s+")
_OVERRIDE_HINT = f"; resend with {OVERRIDE_HEADER}: <justification> to send anyway"


def ascii_line(text: str) -> str:
    """Return ``text`` as one line of printable ASCII (accents dropped, the rest as ``?``)."""
    flat = unicodedata.normalize("NFKD", text)
    flat = "".join(ch for ch in flat if not unicodedata.combining(ch))
    flat = flat.translate({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"'})
    flat = _SPACE.sub(" ", flat).strip()
    return "".join(ch if " " <= ch <= "~" else "?" for ch in flat)


def _trim(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 3, 0)].rstrip() + "..."


def _phrase(finding: Finding) -> str:
    words = finding.message.rstrip(". ")
    if finding.fix:
        words += f"; {finding.fix.rstrip('. ')}"
    if finding.cites:
        words += f" ({', '.join(finding.cites)})"
    return words


def reason(verdict: Verdict) -> str:
    """Return the findings that are not passes, worst first, as one ASCII phrase."""
    shown = sorted(
        (f for f in verdict.findings if f.level is not Level.PASS),
        key=lambda f: -f.level.rank,
    )
    return ascii_line(" | ".join(_phrase(f) for f in shown)) or "the message was not allowed"


def rule_ids(verdict: Verdict) -> tuple[str, ...]:
    """Return the ids of the rules that found something, each once, in finding order."""
    return tuple(dict.fromkeys(f.rule for f in verdict.findings if f.level is not Level.PASS))


def _reply(prefix: str, verdict: Verdict, suffix: str = "") -> str:
    room = MAX_REPLY - len(prefix) - len(suffix)
    return f"{prefix}{_trim(reason(verdict), room)}{suffix}"


def block_reply(verdict: Verdict) -> str:
    """Return the 550 reply that refuses a blocked message, with its reasons."""
    return _reply("550 5.7.1 Discretion: ", verdict)


def warn_reply(verdict: Verdict) -> str:
    """Return the 550 reply that refuses a warned message and says how to override it."""
    return _reply("550 5.7.1 Discretion: ", verdict, _OVERRIDE_HINT)


def check_header(verdict: Verdict) -> bytes:
    """Return the header line the guard prepends to a warned message, CRLF included."""
    rules = ",".join(ascii_line(rule) for rule in rule_ids(verdict))
    return f"{CHECK_HEADER}: {verdict.level.value}; rules={rules}\r\n".encode("ascii")


def without_check_headers(raw: bytes) -> bytes:
    """Return ``raw`` without any ``X-Discretion-Check`` header a client put there itself.

    Only the guard says what it checked; everything else stays byte for byte.
    """
    lines = raw.splitlines(keepends=True)
    kept: list[bytes] = []
    dropping = False
    for index, line in enumerate(lines):
        if line in (b"\r\n", b"\n"):  # the end of the header block
            return b"".join(kept + lines[index:])
        if dropping and line[:1] in (b" ", b"\t"):
            continue  # a folded line of the dropped header
        name = line.split(b":", 1)[0].strip().lower()
        dropping = name == CHECK_HEADER.lower().encode()
        if not dropping:
            kept.append(line)
    return b"".join(kept)


def _decoded(value: str) -> str:
    """Return a header value with its RFC 2047 encoded words decoded, or as it is."""
    try:
        return str(make_header(decode_header(value)))
    except (HeaderParseError, LookupError, UnicodeDecodeError):
        return value


def override_justification(raw: bytes) -> str | None:
    """Return the message's override justification, or None when it gives none.

    Only the header block is parsed; an empty or blank justification counts as none.
    """
    head = BytesParser(policy=compat32).parsebytes(raw, headersonly=True)
    for value in head.get_all(OVERRIDE_HEADER, []):
        text = ascii_line(_decoded(str(value)))
        if text:
            return _trim(text, MAX_JUSTIFICATION)
    return None
