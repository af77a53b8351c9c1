"""The admin site: Django's, with the sign-in form and status of the throttled sign-in."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from supportdesk.web.forms import AdminSignInForm
from supportdesk.web.throttle import refused


class AdminSite(admin.AdminSite):
    login_form = AdminSignInForm

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().login(request, extra_context)
        if refused(request) is not None:
            response.status_code = 429
        return response
