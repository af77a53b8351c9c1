"""404, 403 and 500 in the reader's language, with the site's navigation; the 500 page needs
no database."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading", "other"),
    [("ru", "Страница не найдена", "Not Found"), ("en", "Page not found", "Страница")],
)
def test_a_missing_page_is_a_404_with_navigation(language: str, heading: str, other: str) -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert f"<h1>{heading}</h1>" in text
    assert '<a href="/desk/">' in text
    assert '<a href="/portal/">' in text
    assert other not in text
    assert f'<html lang="{language}">' in text


@pytest.mark.parametrize(
    ("language", "heading"), [("ru", "Доступ запрещён"), ("en", "Access denied")]
)
def test_a_refusal_is_a_403_in_the_readers_language(language: str, heading: str) -> None:
    request = RequestFactory().get("/desk/somewhere/")
    request.user = AnonymousUser()
    with translation.override(language):
        response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert f"<h1>{heading}</h1>" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "heading"),
    [("ru", "У нас что-то пошло не так"), ("en", "Something went wrong on our side")],
)
def test_the_500_page_renders_without_the_database(
    language: str, heading: str, django_assert_num_queries: object
) -> None:
    request = RequestFactory().get("/desk/")
    with translation.override(language), django_assert_num_queries(0):  # type: ignore[operator]
        response = defaults.server_error(request)
    assert response.status_code == 500
    text = response.content.decode()
    assert f"<h1>{heading}</h1>" in text
    assert '<a href="/">' in text
