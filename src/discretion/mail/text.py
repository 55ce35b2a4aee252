"""Plain text from a message body: HTML without its tags, replies and signatures cut.

A quoted reply (lines that start with ``>``, or everything after an
"On ... wrote:" line or an "Original Message" rule) is what someone else sent;
a signature (after a line ``-- ``) is the sender's own details. Neither is
what the sender is sending now about a student, so neither is judged.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["html_text", "strip_replies"]

_WROTE = re.compile(r"^\s*On\b.{0,300}\bwrote:\s*$", re.IGNORECASE)
_ON = re.compile(r"^\s*On\s.*\d", re.IGNORECASE)  # the first line of a wrapped "On ... wrote:"
_ORIGINAL = re.compile(r"^\s*-{2,}\s*(Original Message|Forwarded message)\s*-{2,}", re.IGNORECASE)
_SKIPPED_TAGS = frozenset({"blockquote", "style", "script", "head", "title"})
_BLOCK_TAGS = frozenset({"br", "p", "div", "tr", "li", "table", "h1", "h2", "h3", "td", "th"})


class _Text(HTMLParser):
    """Collect the text of an HTML document outside quotes, styles and scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n" if tag != "td" and tag != "th" else "\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS and self.skipping:
            self.skipping -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n" if tag in ("p", "div", "tr", "table") else "")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_text(html: str) -> str:
    """Return the text of an HTML body, without tags and without quoted replies."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def strip_replies(text: str) -> str:
    """Return ``text`` without quoted lines, the quoted message after them, or a signature."""
    kept: list[str] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for index, line in enumerate(lines):
        if line in ("-- ", "--") or _ORIGINAL.match(line) or _WROTE.match(line):
            break
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if _ON.match(line) and following.strip().endswith("wrote:"):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept)
