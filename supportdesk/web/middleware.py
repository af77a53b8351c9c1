"""Which language a page speaks: the one chosen with the switch (cookie), else the
customer's own (Contact.language), else Russian. The browser's Accept-Language is not
asked: the customers are Russian companies whose PCs often say en-US. The API answers in
English."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from supportdesk.customers.models import Contact

SUPPORTED = {code for code, _ in settings.LANGUAGES}


def _chosen(request: HttpRequest) -> str:
    if request.path.startswith("/api/"):
        return "en"  # machine clients and their logs: reasons in English
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in SUPPORTED:
        return str(cookie)
    user = request.user
    if user.is_authenticated:
        try:
            language = user.contact.language
        except Contact.DoesNotExist:
            language = ""
        if language in SUPPORTED:
            return str(language)
    return str(settings.LANGUAGE_CODE)


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = _chosen(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
