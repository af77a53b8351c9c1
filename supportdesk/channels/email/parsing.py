"""Reading one raw e-mail: ``parse(raw) -> ParsedMail``. Pure: no database, no settings,
and never an exception out. Whatever cannot be read is a classification (``unparseable``,
with the reason in ``problem``), so the caller can keep the message and show why."""

from __future__ import annotations

import hashlib
import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import errors, policy
from email.header import decode_header
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from enum import StrEnum
from pathlib import PurePath

from tnefparse import TNEF

from supportdesk.channels.email.bodies import (
    UnknownCharset,
    codec_for,
    content_id,
    decode_text,
    html_to_text,
    reply_part,
    sanitize_html,
    unflow,
)

DEFAULT_MAX_BYTES = 25 * 2**20
# Of an oversized message the headers and the first part are kept, the part up to this.
FIRST_PART_MAX_BYTES = 2**20

TAG = re.compile(r"\[SD-(\d{1,18})\]", re.IGNORECASE)
_ANGLE_ID = re.compile(r"<([^<>\s]+)>")
_ENCODED_WORD_CHARSET = re.compile(r"=\?([^?*\s]+)(?:\*[^?]*)?\?[QqBb]\?")
_OUT_OF_OFFICE = re.compile(
    r"^\s*(automatic reply|auto(matic)?[- ]?reply|autoreply|out of (the )?office|"
    r"автоматический ответ|автоответ|нет на месте|вне офиса|в отпуске)\b",
    re.IGNORECASE,
)
_DAEMONS = frozenset({"mailer-daemon", "postmaster"})


class MailKind(StrEnum):
    """What a message is, as far as the message itself tells. The values that are not
    ``ordinary`` are the quarantine reasons of the same name."""

    ORDINARY = "ordinary"
    LOOP = "loop"
    BOUNCE = "bounce"
    AUTO_REPLY = "auto-reply"
    TOO_LARGE = "too-large"
    UNPARSEABLE = "unparseable"


@dataclass(frozen=True)
class MailRules:
    """What classification needs to know about us (plain values; the caller reads them
    from the settings)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    own_domains: frozenset[str] = frozenset()  # our Message-IDs end with @<one of these>
    own_addresses: frozenset[str] = frozenset()  # our mailboxes (lower-cased)


@dataclass(frozen=True)
class MailPart:
    """An attached or inline file of the message."""

    name: str
    content_type: str
    data: bytes
    content_id: str = ""  # without angle brackets; what ``cid:`` references in the HTML
    inline: bool = False


@dataclass(frozen=True)
class Bounce:
    """What a delivery status notification (RFC 3464) says about the mail it returns."""

    original_message_id: str
    original_tag: int | None
    failed_recipients: tuple[str, ...]
    status: str  # e.g. "5.1.1"
    diagnostic: str


@dataclass(frozen=True)
class ParsedMail:
    kind: MailKind
    problem: str  # why it is of this kind, for people ("" when ordinary)
    size: int  # of the raw message as received
    sha256: str  # of the raw message as received
    kept: bytes = field(repr=False)  # what to store: the raw message, or its head when too large
    message_id: str = ""  # without angle brackets
    sender: str = ""  # lower-cased address
    sender_name: str = ""
    recipients: tuple[str, ...] = ()  # To and Cc, lower-cased
    subject: str = ""
    sent_at: datetime | None = None
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    tag: int | None = None  # the request number of a "[SD-123]" in the subject
    text: str = ""  # the whole text (the plain part, else the HTML's text)
    reply: str = ""  # the text without quoted history and signature
    html: str = ""  # the HTML part, sanitized; ``cid:`` images still as ``cid:``
    attachments: tuple[MailPart, ...] = ()
    bounce: Bounce | None = None

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """The Message-IDs this one answers, the nearest first (In-Reply-To, then the
        References from the end)."""
        seen: dict[str, None] = {}
        for message_id in (*self.in_reply_to, *reversed(self.references)):
            seen.setdefault(message_id, None)
        return tuple(seen)

    @property
    def dedupe_key(self) -> str:
        """The Message-ID; for a message without one (or an absurdly long one), the
        SHA-256 of its bytes."""
        if self.message_id and len(self.message_id) <= 250:
            return self.message_id
        return f"sha256:{self.sha256}"

    def inline_image(self, key: str) -> MailPart | None:
        return next((part for part in self.attachments if part.content_id == key), None)


class _Unreadable(ValueError):
    """A message whose structure or text cannot be read faithfully."""


def parse(raw: bytes, *, rules: MailRules | None = None) -> ParsedMail:
    """Read a raw message (RFC 5322 bytes, as IMAP serves it)."""
    rules = rules or MailRules()
    size = len(raw)
    digest = hashlib.sha256(raw).hexdigest()
    too_large = size > rules.max_bytes
    kept = head_and_first_part(raw) if too_large else raw
    try:
        return _parse(kept, size=size, digest=digest, too_large=too_large, rules=rules)
    except Exception as error:  # a message that breaks the reader is a kind, not a crash
        return _unparseable(kept, size=size, digest=digest, problem=_describe(error))


def _describe(error: Exception) -> str:
    if isinstance(error, UnknownCharset):
        return f"unknown charset {error.label!r}"
    if isinstance(error, _Unreadable):
        return str(error)
    return f"the message cannot be read ({type(error).__name__}: {error})"


def _unparseable(kept: bytes, *, size: int, digest: str, problem: str) -> ParsedMail:
    """The headers that can still be read, for the quarantine list."""
    message_id = sender = subject = ""
    try:
        head = BytesHeaderParser(policy=policy.compat32).parsebytes(kept)
        message_id = _first_id(str(head.get("Message-ID", "")))
        sender = parseaddr(str(head.get("From", "")))[1].lower()
        subject = _readable(str(head.get("Subject", "")))
    except Exception:  # noqa: S110 - nothing readable: the reason says so
        pass
    return ParsedMail(
        kind=MailKind.UNPARSEABLE, problem=problem, size=size, sha256=digest, kept=kept,
        message_id=message_id, sender=sender, subject=subject,
    )  # fmt: skip


def _readable(value: str) -> str:
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")[:300]


# -- headers ---------------------------------------------------------------------------


class _Headers:
    """Header values decoded the way the senders meant: encoded-words (RFC 2047) and raw
    UTF-8 (RFC 6532), or raw 8-bit text in the body's charset as old clients send it.

    Read from the raw header lines with the email package's compat32 helpers: its
    ``policy.default`` header objects are exact but cost ~0.2 ms each, a third of a
    message's whole reading."""

    def __init__(self, message: Message, fallback: str | None) -> None:
        self.fallback = fallback
        self.values: dict[str, list[str]] = {}
        for name, value in message.raw_items():
            self.values.setdefault(name.lower(), []).append(self._eight_bit(str(value)))

    def _eight_bit(self, value: str) -> str:
        if value.isascii() or not any("\udc80" <= char <= "\udcff" for char in value):
            return _FOLD.sub(" ", value)
        data = value.encode("utf-8", "surrogateescape")
        for codec in ("utf-8", self.fallback or "cp1251"):
            try:
                return _FOLD.sub(" ", data.decode(codec))
            except (UnicodeDecodeError, LookupError):
                continue
        return _FOLD.sub(" ", data.decode("utf-8", "replace"))

    def raw(self, name: str) -> list[str]:
        return self.values.get(name.lower(), [])

    def text(self, name: str) -> str:
        values = self.raw(name)
        return decode_words(values[0]).strip() if values else ""

    def _addresses(self, name: str) -> list[tuple[str, str]]:
        found = []
        for display, address in getaddresses(self.raw(name)):
            if "@" in address:
                found.append((decode_words(display).strip(), address.lower()))
        return found

    def address(self, name: str) -> tuple[str, str]:
        found = self._addresses(name)
        return found[0] if found else ("", "")

    def addresses(self, *names: str) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(address for name in names for _display, address in self._addresses(name))
        )

    def ids(self, name: str) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(found for value in self.raw(name) for found in _ANGLE_ID.findall(value))
        )


_FOLD = re.compile(r"\r?\n(?=[ \t])")


def decode_words(value: str) -> str:
    """A header value with its RFC 2047 encoded-words decoded; UnknownCharset when one
    names a charset no codec knows."""
    if "=?" not in value:
        return value
    for label in _ENCODED_WORD_CHARSET.findall(value):
        codec_for(label)
    try:
        chunks = decode_header(value)
    except errors.HeaderParseError:
        return value
    text = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            text.append(chunk)
        else:
            text.append(chunk.decode(codec_for(charset) if charset else "ascii", "replace"))
    return "".join(text)


def _first_id(value: str) -> str:
    found = _ANGLE_ID.search(value)
    return found.group(1) if found else value.strip().strip("<>").strip()


def _date(value: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:  # "-0000": UTC, origin unknown (RFC 5322 3.3)
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


# -- structure -------------------------------------------------------------------------


def _leaves(part: Message) -> Iterator[Message]:
    """The parts that carry content, without descending into attached messages (a
    forwarded mail stays one attachment)."""
    if part.is_multipart() and part.get_content_maintype() == "multipart":
        for child in part.get_payload():
            if isinstance(child, Message):
                yield from _leaves(child)
    else:
        yield part


def _bodies(message: Message) -> tuple[Message | None, Message | None]:
    """The message's own text: its first plain and first HTML part that are not
    attachments (in a multipart/alternative both are the same text)."""
    plain = html = None
    for part in _leaves(message):
        if part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = part
        elif kind == "text/html" and html is None:
            html = part
    return plain, html


def _structure_problem(message: Message) -> str:
    for part in message.walk():
        for defect in part.defects:
            if isinstance(defect, errors.StartBoundaryNotFoundDefect):
                return "broken MIME: the multipart boundary never appears in the body"
            if isinstance(defect, errors.NoBoundaryInMultipartDefect):
                return "broken MIME: a multipart part has no boundary"
            if isinstance(defect, errors.MultipartInvariantViolationDefect):
                return "broken MIME: a multipart part is not multipart"
    return ""


def _part_text(part: Message) -> str:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return ""
    text = decode_text(data, part.get_param("charset"))  # type: ignore[arg-type]
    if str(part.get_param("format", "")).lower() == "flowed":
        text = unflow(text, delsp=str(part.get_param("delsp", "")).lower() == "yes")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _filename(part: Message, index: int) -> str:
    try:
        name = part.get_filename() or ""
    except (errors.HeaderParseError, LookupError, ValueError):
        name = ""
    name = PurePath(str(name).replace("\\", "/")).name.strip()
    if name:
        return name
    if part.get_content_type() == "message/rfc822":
        return f"message-{index}.eml"
    extension = mimetypes.guess_extension(part.get_content_type()) or ".bin"
    return f"part-{index}{extension}"


# Types of names Python's table leaves out, as the portal's allow-list spells them.
_TYPES_BY_EXTENSION = {
    ".log": "text/x-log",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
}


def _guess_type(name: str) -> str | None:
    extension = PurePath(name).suffix.lower()
    return _TYPES_BY_EXTENSION.get(extension) or mimetypes.guess_type(name)[0]


def _content_type(declared: str, name: str) -> str:
    """The declared type; for the generic ones mail clients send, the name's type."""
    if declared in {"application/octet-stream", "application/x-unknown", "binary/octet-stream"}:
        return _guess_type(name) or declared
    return declared


def _tnef_parts(data: bytes) -> tuple[list[MailPart], str] | None:
    """The files and text inside Outlook's winmail.dat; None when it is no TNEF."""
    try:
        tnef = TNEF(data, do_checksum=False)
    except Exception:  # not TNEF after all: keep winmail.dat as it is
        return None
    files: list[MailPart] = []
    for attachment in tnef.attachments:
        name = str(attachment.long_filename() or attachment.name or "").strip("\x00 ")
        payload = attachment.data
        if not isinstance(payload, bytes) or not payload:
            continue
        name = name or f"attachment-{len(files) + 1}.bin"
        content_type = _guess_type(name) or "application/octet-stream"
        files.append(MailPart(name=name, content_type=content_type, data=payload))
    body = tnef.body
    if isinstance(body, bytes):
        body = body.decode("cp1252", "replace")
    return files, str(body or "").strip("\x00").strip()


def _bounce(message: Message, headers: _Headers) -> Bounce | None:
    """The delivery status of a ``multipart/report; report-type=delivery-status``."""
    if message.get_content_type() != "multipart/report":
        return None
    if str(message.get_param("report-type", "")).lower() != "delivery-status":
        return None
    failed: list[str] = []
    status = diagnostic = original_id = ""
    original_tag = None
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            for block in part.get_payload():
                if not isinstance(block, Message):
                    continue
                recipient = str(
                    block.get("Final-Recipient") or block.get("Original-Recipient") or ""
                )
                action = str(block.get("Action", "")).strip().lower()
                if recipient and action == "failed":
                    failed.append(recipient.rpartition(";")[2].strip().strip("<>").lower())
                    status = status or str(block.get("Status", "")).strip()
                    diagnostic = diagnostic or " ".join(
                        str(block.get("Diagnostic-Code", "")).split()
                    )
        elif kind in {"text/rfc822-headers", "message/rfc822"}:
            if kind == "message/rfc822":
                inner = part.get_payload()
                original = inner[0] if isinstance(inner, list) and inner else None
            else:
                data = part.get_payload(decode=True)
                original = BytesHeaderParser(policy=policy.compat32).parsebytes(
                    data if isinstance(data, bytes) else b""
                )
            if isinstance(original, Message):
                original_id = _first_id(str(original.get("Message-ID", "")))
                reference = str(original.get("X-Supportdesk-Request", ""))
                found = TAG.search(f"[{reference.strip()}]") or TAG.search(
                    str(original.get("Subject", ""))
                )
                original_tag = int(found.group(1)) if found else None
    return Bounce(
        original_message_id=original_id,
        original_tag=original_tag,
        failed_recipients=tuple(dict.fromkeys(failed)),
        status=status,
        diagnostic=diagnostic[:500],
    )


def _auto_reply(headers: _Headers, subject: str) -> str:
    """Why this is an automatic message (RFC 3834 and what Exchange, mailing lists and
    vacation responders write), or ""."""
    auto_submitted = headers.text("Auto-Submitted").lower()
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {auto_submitted}"
    if suppress := headers.text("X-Auto-Response-Suppress"):
        return f"X-Auto-Response-Suppress: {suppress}"
    precedence = headers.text("Precedence").lower()
    if precedence in {"bulk", "junk", "list", "auto_reply"}:
        return f"Precedence: {precedence}"
    if loop := headers.text("X-Loop"):
        return f"X-Loop: {loop}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autogenerated", "X-Auto-Reply"):
        if value := headers.text(name):
            return f"{name}: {value}"
    if _OUT_OF_OFFICE.match(subject):
        return f"an out-of-office subject: {subject}"
    return ""


def _loop(message_id: str, headers: _Headers, sender: str, rules: MailRules) -> str:
    """Why this is our own mail coming back, or ""."""
    domain = message_id.rpartition("@")[2].lower()
    if message_id and domain in rules.own_domains:
        return f"its Message-ID is ours (@{domain})"
    for name in ("X-Supportdesk-Event", "X-Supportdesk-Request", "X-Supportdesk-Notification"):
        if headers.raw(name):
            return f"it carries our {name} header"
    x_loop = headers.text("X-Loop").lower()
    if x_loop and (x_loop in rules.own_addresses or x_loop.rpartition("@")[2] in rules.own_domains):
        return f"X-Loop names us ({x_loop})"
    if sender and sender in rules.own_addresses:
        return f"it is from our own address {sender}"
    return ""


def _parse(kept: bytes, *, size: int, digest: str, too_large: bool, rules: MailRules) -> ParsedMail:
    message = BytesParser(policy=policy.compat32).parsebytes(kept)
    structure = _structure_problem(message)
    body_charset = None
    for candidate in message.walk():
        if candidate.get_content_maintype() == "text" and candidate.get_param("charset"):
            try:
                body_charset = codec_for(str(candidate.get_param("charset")))
            except UnknownCharset:
                continue
            break
    headers = _Headers(message, body_charset)
    message_id = _first_id(headers.raw("Message-ID")[0]) if headers.raw("Message-ID") else ""
    sender_name, sender = headers.address("From")
    if not sender:
        sender_name, sender = headers.address("Sender")
    subject = headers.text("Subject")
    tag = TAG.search(subject)

    plain = html_part = None
    if not structure:
        plain, html_part = _bodies(message)
    problem = ""
    text = html = ""
    try:
        if plain is not None:
            text = _part_text(plain)
        if html_part is not None:
            source = _part_text(html_part)
            html = sanitize_html(source).strip()
            if plain is None:
                text = html_to_text(source)
    except UnknownCharset as error:
        problem = f"unknown charset {error.label!r} in the text"

    attachments: list[MailPart] = []
    if not structure:
        for index, part in enumerate(_leaves(message), start=1):
            if part is plain or part is html_part:
                continue
            if part.get_content_type() in {"message/delivery-status", "text/rfc822-headers"}:
                continue
            if part.get_content_type() == "message/rfc822":
                inner = part.get_payload()
                forwarded = inner[0] if isinstance(inner, list) and inner else None
                data = (
                    forwarded.as_bytes(policy=policy.compat32)
                    if isinstance(forwarded, Message)
                    else b""
                )
            else:
                payload = part.get_payload(decode=True)
                data = payload if isinstance(payload, bytes) else b""
            name = _filename(part, index)
            declared = part.get_content_type()
            if declared == "application/ms-tnef" or name.lower() == "winmail.dat":
                unpacked = _tnef_parts(data)
                if unpacked is not None:
                    files, tnef_text = unpacked
                    attachments.extend(files)
                    text = text or tnef_text
                    continue
            attachments.append(
                MailPart(
                    name=name,
                    content_type=_content_type(declared, name),
                    data=data,
                    content_id=content_id(str(part.get("Content-ID", ""))),
                    inline=part.get_content_disposition() != "attachment",
                )
            )

    text = text.strip("\n")
    bounce = _bounce(message, headers)
    kind, why = MailKind.ORDINARY, ""
    loop = _loop(message_id, headers, sender, rules)
    daemon = sender.partition("@")[0] in _DAEMONS
    auto = _auto_reply(headers, subject)
    if loop:
        kind, why = MailKind.LOOP, loop
    elif bounce is not None or daemon:
        kind = MailKind.BOUNCE
        why = (
            f"delivery failed for {', '.join(bounce.failed_recipients) or 'nobody named'}"
            f" ({bounce.status or 'no status'})"
            if bounce is not None
            else f"from {sender}"
        )
    elif auto:
        kind, why = MailKind.AUTO_REPLY, auto
    elif too_large:
        kind = MailKind.TOO_LARGE
        why = f"{size} bytes, over the limit of {rules.max_bytes}: headers and first part kept"
    elif structure or problem:
        kind, why = MailKind.UNPARSEABLE, structure or problem
    elif not sender:
        kind, why = MailKind.UNPARSEABLE, "no sender address in From"
    return ParsedMail(
        kind=kind,
        problem=why,
        size=size,
        sha256=digest,
        kept=kept,
        message_id=message_id,
        sender=sender,
        sender_name=sender_name,
        recipients=headers.addresses("To", "Cc"),
        subject=subject[:300],
        sent_at=_date(headers.text("Date")),
        in_reply_to=headers.ids("In-Reply-To"),
        references=headers.ids("References"),
        tag=int(tag.group(1)) if tag else None,
        text=text,
        reply=reply_part(text),
        html=html,
        attachments=tuple(attachments),
        bounce=bounce,
    )


def head_and_first_part(raw: bytes, *, first_part_max: int = FIRST_PART_MAX_BYTES) -> bytes:
    """An oversized message cut down to its headers and its first part (at most
    ``first_part_max`` bytes of it), closed so that it parses as a message again."""
    match = re.search(rb"\r?\n\r?\n", raw)
    if match is None:
        return raw[:first_part_max]
    head, body = raw[: match.end()], raw[match.end() :]
    newline = b"\r\n" if b"\r\n" in match.group() else b"\n"
    boundary = BytesHeaderParser(policy=policy.compat32).parsebytes(head).get_boundary()
    if not boundary:
        return head + _cut_at_line(body, first_part_max)
    delimiter = b"--" + boundary.encode("ascii", "replace")
    start = body.find(delimiter)
    if start < 0:
        return head + _cut_at_line(body, first_part_max)
    first_start = body.find(b"\n", start) + 1
    following = body.find(newline + delimiter, first_start)
    first = body[first_start : following if following >= 0 else len(body)]
    return (
        head
        + body[:first_start]
        + _cut_at_line(first, first_part_max)
        + newline
        + delimiter
        + b"--"
        + newline
    )


def _cut_at_line(data: bytes, limit: int) -> bytes:
    if len(data) <= limit:
        return data
    end = data.rfind(b"\n", 0, limit)
    return data[: end + 1 if end > 0 else limit]
