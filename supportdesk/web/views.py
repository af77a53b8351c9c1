"""Sign-in, sign-out and the front door: staff go to the workspace, customers to the portal."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from supportdesk.tickets.access import contact_of, is_staff
from supportdesk.web.client import client_address
from supportdesk.web.throttle import clear, is_throttled, record_failure


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        username = str(request.POST.get("username", ""))
        if is_throttled(username, client_address(request)):
            form = self.get_form()
            form.add_error(None, _("Too many failed attempts. Try again in a few minutes."))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        record_failure(str(self.request.POST.get("username", "")), client_address(self.request))
        return super().form_invalid(form)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        clear(form.get_user().get_username(), client_address(self.request))
        return super().form_valid(form)


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return HttpResponseRedirect("/login/")
    if is_staff(user):
        return HttpResponseRedirect("/desk/")
    if contact_of(user) is not None:
        return HttpResponseRedirect("/portal/")
    return HttpResponseRedirect("/admin/")
