"""Sign-in forms that say why the throttle refused, for the pages and for the admin."""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from supportdesk.web.throttle import refused


def _throttled(request: HttpRequest | None) -> ValidationError | None:
    if request is None or refused(request) is None:
        return None
    return ValidationError(
        _("Too many failed attempts. Try again in a few minutes."), code="throttled"
    )


class SignInForm(AuthenticationForm):
    def get_invalid_login_error(self) -> ValidationError:
        return _throttled(self.request) or super().get_invalid_login_error()


class AdminSignInForm(AdminAuthenticationForm):
    def get_invalid_login_error(self) -> ValidationError:
        return _throttled(self.request) or super().get_invalid_login_error()
