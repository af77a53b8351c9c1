"""Handing one message to the mail server, and what its failure means for the next try.

Django's SMTP backend, with one thing added: the connection knows whether the server had
asked for the message's body (``354``) when a failure came. A timeout or a dropped
connection after that point is ambiguous: the server may have taken the message and only
its answer was lost. Anything earlier means it did not take it.
"""

from __future__ import annotations

import contextlib
import smtplib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.mail import EmailMessage, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend

DEFAULT_TIMEOUT = 10.0  # seconds; the SMTP mailer's OPTIONS["timeout"] when it has none
# A try after a lost answer waits this many times longer for the server's answer.
PATIENCE = 3


class _BodyAwareSMTP(smtplib.SMTP):
    body_requested = False  # the server answered DATA with 354: the body is on its way

    def mail(self, from_addr: str, options: Any = ()) -> tuple[int, bytes]:
        self.body_requested = False
        return super().mail(from_addr, options)

    def getreply(self) -> tuple[int, bytes]:
        code, message = super().getreply()
        if code == 354:
            self.body_requested = True
        return code, message


class _BodyAwareSMTPSSL(_BodyAwareSMTP, smtplib.SMTP_SSL):
    pass


class SmtpBackend(EmailBackend):
    """``SUPPORTDESK_MAIL=smtp``: Django's SMTP backend on a body-aware connection."""

    @property
    def connection_class(self) -> type[smtplib.SMTP]:
        return _BodyAwareSMTPSSL if self.use_ssl else _BodyAwareSMTP


class Verdict(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # the server did not take it: try again later
    ANSWER_LOST = "answer-lost"  # it may have taken it: at most one more try
    PERMANENT = "permanent"  # the server refused it for good (5xx)


@dataclass(frozen=True)
class Delivery:
    verdict: Verdict
    error: str = ""


class Transport:
    """One connection to the default mailer for a batch; reopened after a failure."""

    def __init__(self) -> None:
        self.backend: BaseEmailBackend = mailers.default
        timeout = getattr(self.backend, "timeout", None)
        self.timeout = float(timeout) if timeout else DEFAULT_TIMEOUT
        self._open = False

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._open:
            self._open = False
            # A broken connection is dropped either way.
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.backend.close()

    def open(self) -> Delivery | None:
        """None when connected; otherwise why the server cannot be reached. Always a retry,
        even for a 5xx (a refused sign-in): the settings get fixed, the mail is not at fault."""
        if self._open:
            return None
        try:
            self.backend.open()
        except (OSError, smtplib.SMTPException) as error:
            return Delivery(Verdict.RETRY, _describe(error))
        self._open = True
        return None

    def send(self, message: EmailMessage, *, patient: bool = False) -> Delivery:
        refused = self.open()
        if refused is not None:
            return refused
        connection = getattr(self.backend, "connection", None)
        socket = getattr(connection, "sock", None)
        if patient and socket is not None:
            socket.settimeout(self.timeout * PATIENCE)
        try:
            self.backend.send_messages([message])
        except ValueError as error:  # an address or header no server would take
            return Delivery(Verdict.PERMANENT, str(error))
        except (OSError, smtplib.SMTPException) as error:
            body_requested = bool(getattr(connection, "body_requested", False))
            self.close()
            refusal = _refusal(error)
            if refusal is not None:
                return refusal
            if isinstance(error, smtplib.SMTPResponseException):
                return Delivery(Verdict.RETRY, _describe(error))
            return Delivery(
                Verdict.ANSWER_LOST if body_requested else Verdict.RETRY, _describe(error)
            )
        finally:
            if patient and socket is not None and self._open:
                socket.settimeout(self.timeout)
        return Delivery(Verdict.SENT)


def _refusal(error: BaseException) -> Delivery | None:
    """A 5xx answer refuses the message for good; 4xx and anything else may pass later."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            return Delivery(Verdict.PERMANENT, _describe(error))
        return None
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500:
        return Delivery(Verdict.PERMANENT, _describe(error))
    return None


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {text.decode(errors='replace')}"
            for address, (code, text) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        reply = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        return f"{error.smtp_code} {reply}"
    return f"{type(error).__name__}: {error}".strip().rstrip(":")
