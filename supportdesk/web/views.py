"""Sign-in, sign-out and the front door: staff go to the workspace, customers to the portal."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from supportdesk.tickets.access import contact_of, is_staff
from supportdesk.web.forms import SignInForm
from supportdesk.web.throttle import refused


class SignInView(auth_views.LoginView):
    """The throttle itself is in the authentication backend; this page says 429 for it."""

    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if refused(self.request) is not None:
            response.status_code = 429
        return response


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return HttpResponseRedirect("/login/")
    if is_staff(user):
        return HttpResponseRedirect("/desk/")
    if contact_of(user) is not None:
        return HttpResponseRedirect("/portal/")
    return HttpResponseRedirect("/admin/")
