"""The NinjaAPI instance: ``/api/v1/...``, the OpenAPI schema at ``/api/openapi.json`` and
the browsable docs at ``/api/docs``. Mounted by ``supportdesk.urls`` at ``api/``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponseBase, JsonResponse
from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI

from supportdesk.api import (
    development,
    directory,
    entitlements,
    errors,
    messages,
    prices,
    request_actions,
    requests,
    tokens,
)
from supportdesk.api.auth import ANY_AUTH
from supportdesk.api.docs import SwaggerDocs

type View = Callable[..., HttpResponseBase]


def _unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    return JsonResponse({"detail": f"no API endpoint {request.path}"}, status=404)


def _json_errors(view: View) -> View:
    """Ninja answers a wrong method in plain text and its root with Django's 404 page; the
    API answers JSON."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return _unknown_path(request)
        if response.status_code != 405:
            return response
        return JsonResponse(
            {"detail": f"method {request.method} not allowed"},
            status=405,
            headers={"Allow": response.get("Allow", "")},
        )

    return wrapped


class DeskApi(NinjaAPI):
    """Every answer under ``/api/`` is JSON, even for a wrong method or an unknown path."""

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_errors(pattern.callback)
        return [*patterns, re_path(r"", _unknown_path)], app_name, namespace


api = DeskApi(
    title="supportdesk",
    version="1",
    description=(
        "The service desk's REST API. Authenticate with a personal token "
        "(`Authorization: Bearer <token>`) or the signed-in session (CSRF on unsafe methods). "
        'Every error is JSON `{"detail": "<reason>"}`.'
    ),
    auth=ANY_AUTH,
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=SwaggerDocs(),
)
errors.install(api)
api.add_router("/v1/", requests.router)
api.add_router("/v1/", request_actions.router)
api.add_router("/v1/", messages.router)
api.add_router("/v1/", directory.router)
api.add_router("/v1/", tokens.router)
api.add_router("/v1/", entitlements.router)
api.add_router("/v1/", development.router)
api.add_router("/v1/", prices.router)
