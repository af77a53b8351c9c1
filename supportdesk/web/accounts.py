"""Password reset by e-mail and password change, for staff and customers alike.

Django's views, forms and tokens (``default_token_generator``: a link valid
``PASSWORD_RESET_TIMEOUT``, spent by the change it makes); the mail goes through the outbox
(``web.actions.send_reset_link``), the password through ``web.actions.set_own_password``.
The sign-in throttle guards both: a reset request counts against the (address, e-mail)
pair and the address like a failed sign-in, and the change form checks the current
password through ``authenticate``, i.e. the throttled backend.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from supportdesk.tickets.links import absolute
from supportdesk.web import throttle
from supportdesk.web.actions import send_reset_link, set_own_password
from supportdesk.web.client import client_address

THROTTLED = "throttled"


class ResetForm(PasswordResetForm):
    """Django's form with the mail through the outbox and the throttle in front."""

    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip()
        if self.request is not None:
            address = client_address(self.request)
            account = f"reset:{email.lower()}"
            if throttle.refusal(account, address, now=timezone.now()) is not None:
                raise forms.ValidationError(
                    _("Too many failed attempts. Try again in a few minutes."), code=THROTTLED
                )
            throttle.record_failure(account, address)  # every request counts
        return email

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user: User = context["user"]
        path = reverse(
            "password-reset-confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        send_reset_link(
            user=user,
            link=absolute(path),
            language=translation.get_language() or "ru",
            now=timezone.now(),
        )


class NewPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    def save(self, commit: bool = True) -> User:
        return set_own_password(
            user=self.user,
            password=self.cleaned_data["new_password1"],
            by_reset=True,
            now=timezone.now(),
        )


class ChangeForm(PasswordChangeForm):
    """The current password is checked by the throttled backend, so guessing it here is
    throttled like the sign-in page."""

    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old = str(self.cleaned_data["old_password"])
        # A refusal stops ``authenticate`` (it answers None) and is marked on the request.
        checked = authenticate(self.request, username=self.user.get_username(), password=old)
        if checked is None and self.request is not None and throttle.refused(self.request):
            raise forms.ValidationError(
                _("Too many failed attempts. Try again in a few minutes."), code=THROTTLED
            )
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old

    def save(self, commit: bool = True) -> User:
        return set_own_password(
            user=self.user,
            password=self.cleaned_data["new_password1"],
            by_reset=False,
            now=timezone.now(),
        )


class ResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset.html"
    form_class = ResetForm
    success_url = reverse_lazy("password-reset-sent")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error("email", THROTTLED):
            response.status_code = 429
        return response


class ResetSentView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_sent.html"


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("password-reset-complete")


class ResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


class ChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    form_class = ChangeForm
    success_url = reverse_lazy("password-change-done")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error("old_password", THROTTLED):
            response.status_code = 429
        return response


class ChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"
