"""The corpus of real-world-shaped messages (``corpus/*.eml``, bytes as received) and
helpers to write more."""

from __future__ import annotations

from pathlib import Path

from supportdesk.channels.email.parsing import MailRules

CORPUS = Path(__file__).parent / "corpus"
RULES = MailRules(
    own_domains=frozenset({"desk.example"}), own_addresses=frozenset({"support@desk.example"})
)


def corpus(name: str, *, reference: str = "SD-0") -> bytes:
    """A corpus message; its ``SD-REQ`` placeholders (subject tags, our headers) become
    ``reference``, the request the test prepared."""
    return (CORPUS / name).read_bytes().replace(b"SD-REQ", reference.encode())


def plain(
    *,
    sender: str = "anna@alfa.example",
    subject: str = "Question",
    body: str = "Hello",
    message_id: str | None = "<q1@alfa.example>",
    headers: str = "",
) -> bytes:
    """A minimal plain-text message, for cases the corpus does not need to show."""
    lines = [
        f"From: {sender}",
        "To: support@desk.example",
        f"Subject: {subject}",
        "Date: Mon, 23 Nov 2026 10:00:00 +0300",
        *([f"Message-ID: {message_id}"] if message_id else []),
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: 8bit",
        *[line for line in headers.splitlines() if line],
    ]
    return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n") + "\r\n").encode()
