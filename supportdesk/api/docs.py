"""The browsable API docs at ``/api/docs``: Swagger UI served from our own static files
(django-ninja ships it) and started by a static script, so the page works under the
site's Content-Security-Policy (``script-src 'self'``, ``style-src 'self'``) unchanged.

Ninja's own page loads Swagger UI from a CDN and starts it with an inline script unless
``ninja`` is an installed app, and even then reads its settings from an inline JSON block;
here the script reads the schema's URL from a data attribute."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI


class SwaggerDocs(DocsBase):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        context = {"title": api.title, "openapi_url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", context)
