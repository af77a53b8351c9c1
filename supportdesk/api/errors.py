"""Every error the API answers is JSON ``{"detail": "<reason>"}`` with its status.

The map below turns the domain's exceptions into statuses; anything unexpected is logged
and answered as a JSON 500 rather than Django's HTML page.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    ObjectDoesNotExist,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from supportdesk.calendars.plain_reads import UnknownCalendar
from supportdesk.channels.reads import DuplicateMismatch
from supportdesk.contracts.actions import ContractError
from supportdesk.contracts.versions import VersionError
from supportdesk.slamath.clock import ClockError
from supportdesk.slamath.policy import PolicyError
from supportdesk.tickets.access import ActionDenied, NotFound
from supportdesk.tickets.attachments import UploadRejected
from supportdesk.tickets.errors import ActionError

logger = logging.getLogger(__name__)

# The first class in an exception's MRO found here decides its status.
STATUSES: dict[type[Exception], int] = {
    RequestDataTooBig: 413,
    SuspiciousOperation: 400,  # e.g. too many fields
    MultiPartParserError: 400,
    NotFound: 404,
    Http404: 404,
    ObjectDoesNotExist: 404,
    ActionDenied: 403,
    ActionError: 409,
    PolicyError: 409,
    ClockError: 409,
    UnknownCalendar: 409,
    ContractError: 409,
    VersionError: 422,
    DuplicateMismatch: 422,  # an ActionError; the MRO finds it first
    DjangoValidationError: 422,
}


def _location(error: dict[str, Any]) -> str:
    return ".".join(str(part) for part in error.get("loc", ()))


def validation_reason(errors: list[dict[str, Any]]) -> str:
    """One line naming every invalid field, e.g. ``body.priority: Input should be …``."""
    return "; ".join(f"{_location(error)}: {error.get('msg', 'invalid')}" for error in errors)


def status_and_reason(exc: Exception) -> tuple[int, str]:
    if isinstance(exc, NinjaValidationError):
        return 422, validation_reason(exc.errors)
    if isinstance(exc, HttpError):
        return exc.status_code, exc.message
    if isinstance(exc, UploadRejected):
        return exc.status_code, str(exc)
    if isinstance(exc, TooManyFilesSent):
        return 413, f"more than {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files in one request"
    if isinstance(exc, IntegrityError):
        return 409, "the change conflicts with another one; try again"
    if isinstance(exc, DataError):
        return 422, "a value is too long or out of range for where it is stored"
    if isinstance(exc, DjangoValidationError):
        return 422, "; ".join(exc.messages)
    for cls in type(exc).__mro__:
        if cls in STATUSES:
            return STATUSES[cls], str(exc) or cls.__name__
    logger.error("unexpected API error", exc_info=exc)
    return 500, "internal error"


def install(api: NinjaAPI) -> None:
    """One handler for every exception; ``status_and_reason`` picks the status."""

    def handle(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        error = exc if isinstance(exc, Exception) else exc()
        status, reason = status_and_reason(error)
        body: dict[str, Any] = {"detail": reason}
        if isinstance(error, NinjaValidationError):
            body["errors"] = error.errors
        return api.create_response(request, body, status=status)

    # Exception catches everything; ninja's own defaults for these would otherwise win.
    for exc_class in (Exception, Http404, HttpError, NinjaValidationError):
        api.add_exception_handler(exc_class, handle)
