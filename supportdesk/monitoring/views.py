"""``GET /metrics`` for Prometheus. It exists only when configured: a bearer token
(``SUPPORTDESK_METRICS_TOKEN``) or an address allow-list (``SUPPORTDESK_METRICS_ALLOW``);
with neither it is a 404, and a caller with neither the token nor an allowed address
gets a 403."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from supportdesk.monitoring.metrics import DeskCollector
from supportdesk.web.client import client_address


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    token, networks = settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS
    if not token and not networks:
        raise Http404("metrics are not configured")
    if not (_bearer_matches(request, token) or _address_allowed(request)):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DeskCollector(now=timezone.now()))
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def _bearer_matches(request: HttpRequest, token: str) -> bool:
    scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
    return (
        bool(token)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), token.encode())
    )


def _address_allowed(request: HttpRequest) -> bool:
    address = client_address(request)
    if not address:
        return False
    client = ipaddress.ip_address(address)
    return any(client in network for network in settings.METRICS_ALLOWED_NETWORKS)
