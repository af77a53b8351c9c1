"""``POST /api/v1/alerts/alertmanager/<integration>``: authenticate, read, call ``take``.

Alertmanager retries a 5xx and drops a 4xx, so a 5xx is answered only for a transient
fault (the database unreachable or busy); everything else is 2xx or a 4xx with the reason.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging

from django.db import DatabaseError, IntegrityError
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from supportdesk.channels.alertmanager.actions import take
from supportdesk.channels.alertmanager.models import AlertIntegration, DeliveryOutcome

log = logging.getLogger(__name__)
MAX_BODY = 4 * 1024 * 1024


def _same(given: str, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def authenticated(integration: AlertIntegration, header: str) -> bool | None:
    """True: a configured credential matches; False: a wrong one; None: none sent."""
    scheme, _space, value = header.strip().partition(" ")
    if not value:
        return None
    if scheme.lower() == "bearer":
        return _same(value.strip(), integration.bearer_token)
    if scheme.lower() == "basic":
        try:
            user, _colon, password = base64.b64decode(value.strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return (
            bool(integration.basic_username)
            and _same(user, integration.basic_username)
            and _same(password, integration.basic_password)
        )
    return False


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, integration: str) -> JsonResponse:
    now = timezone.now()
    found = (
        AlertIntegration.objects.select_related("contact", "organization")
        .filter(slug=integration, is_active=True)
        .first()
    )
    if found is None:
        return JsonResponse({"detail": f"no integration {integration}"}, status=404)
    match authenticated(found, request.headers.get("Authorization", "")):
        case None:
            return JsonResponse(
                {"detail": "authentication required"},
                status=401,
                headers={"WWW-Authenticate": 'Bearer realm="alertmanager"'},
            )
        case False:
            return JsonResponse({"detail": "wrong credentials"}, status=403)
    if int(request.headers.get("Content-Length") or 0) > MAX_BODY:
        return JsonResponse({"detail": "body too large"}, status=413)
    try:
        taken = take(found, request.body, now=now)
    except IntegrityError:
        raise
    except DatabaseError:
        # Unreachable, locked, a serialization failure: Alertmanager will retry.
        log.exception("alertmanager %s: transient database fault", integration)
        return JsonResponse({"detail": "try again"}, status=503, headers={"Retry-After": "5"})
    if taken.outcome == DeliveryOutcome.QUARANTINED:
        return JsonResponse(
            {"detail": taken.reason, "kept": taken.delivery_id},
            status=422 if taken.refused else 400,
        )
    return JsonResponse(
        {
            "outcome": taken.outcome.value,
            "request": taken.request.reference if taken.request else None,
        }
    )
