"""``POST /api/v1/telephony/<integration>/events``: the neutral call-event webhook, and
``.../events/call|summary`` for Mango Office. Thin: authenticate, parse, ``take_event``.

401 without credentials, 403 with wrong ones (nothing stored); 400 with the reason for a
malformed event (kept quarantined); 200 for a new or a repeated event."""

from __future__ import annotations

import hmac
import logging

from django.db import DatabaseError, IntegrityError
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from supportdesk.channels.telephony import events
from supportdesk.channels.telephony.actions import quarantine, take_event
from supportdesk.channels.telephony.models import Provider, TelephonyIntegration

log = logging.getLogger(__name__)
MAX_BODY = 256 * 1024


def _bearer(integration: TelephonyIntegration, header: str) -> bool | None:
    scheme, _space, value = header.strip().partition(" ")
    if not value:
        return None
    return (
        scheme.lower() == "bearer"
        and bool(integration.token)
        and hmac.compare_digest(value.strip().encode(), integration.token.encode())
    )


def _refused(signed: bool | None) -> JsonResponse | None:
    if signed is None:
        return JsonResponse(
            {"detail": "authentication required"},
            status=401,
            headers={"WWW-Authenticate": 'Bearer realm="telephony"'},
        )
    if not signed:
        return JsonResponse({"detail": "wrong credentials or signature"}, status=403)
    return None


@csrf_exempt
@require_POST
def events_view(request: HttpRequest, integration: str, kind: str = "") -> JsonResponse:
    now = timezone.now()
    found = TelephonyIntegration.objects.filter(slug=integration, is_active=True).first()
    if found is None:
        return JsonResponse({"detail": f"no integration {integration}"}, status=404)
    if int(request.headers.get("Content-Length") or 0) > MAX_BODY:
        return JsonResponse({"detail": "body too large"}, status=413)
    mango = found.provider == Provider.MANGO
    if mango:
        form = {name: request.POST.get(name, "") for name in ("vpbx_api_key", "sign", "json")}
        refused = _refused(events.mango_signed(form, found.api_key, found.api_salt))
        payload = form["json"]
    else:
        refused = _refused(_bearer(found, request.headers.get("Authorization", "")))
        payload = request.body.decode("utf-8", "replace")
    if refused is not None:
        return refused
    try:
        if mango:
            event = events.mango(kind, payload, found.region)
        elif kind:
            return JsonResponse(
                {"detail": f"no event path {kind} for this integration"}, status=404
            )
        else:
            event = events.neutral(request.body, found.region)
    except events.Malformed as error:
        kept = quarantine(found, payload, str(error), now=now)
        return JsonResponse({"detail": str(error), "kept": kept.pk}, status=400)
    if event is None:
        return JsonResponse({"outcome": "ignored"})
    try:
        taken = take_event(found, event, payload, now=now)
    except IntegrityError:
        raise
    except DatabaseError:
        log.exception("telephony %s: transient database fault", integration)
        return JsonResponse({"detail": "try again"}, status=503, headers={"Retry-After": "5"})
    if taken.duplicate:
        return JsonResponse({"outcome": "duplicate"})
    call = taken.call
    return JsonResponse(
        {"outcome": "taken", "call": call.pk if call else None, "state": call.state if call else ""}
    )
