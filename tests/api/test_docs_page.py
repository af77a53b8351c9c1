"""``/api/docs`` is public and works under the site's own Content-Security-Policy: no
inline script or style, only same-origin URLs, every referenced file among our static
files, and the same policy header as every other page."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0
        self.inline_styles = 0
        self.handlers: list[str] = []
        self._in_script = False
        self.openapi_url = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        self.inline_styles += tag == "style" or "style" in found
        self._in_script = tag == "script"
        if tag == "script" and not found.get("src"):
            self.inline_scripts += 1
        self.openapi_url = found.get("data-openapi-url") or self.openapi_url

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts += 1


def parsed(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def test_the_docs_page_is_public_and_has_no_inline_script_or_style(db: None) -> None:
    answer = Client().get("/api/docs")
    assert answer.status_code == 200
    page = parsed(answer.content.decode())
    assert (page.inline_scripts, page.inline_styles, page.handlers) == (0, 0, [])
    assert page.openapi_url == "/api/openapi.json"


def test_the_docs_page_loads_only_same_origin_urls_and_our_static_files(db: None) -> None:
    page = parsed(Client().get("/api/docs").content.decode())
    urls = [url for url in page.urls if url != "data:,"]  # the empty favicon
    for url in urls:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc, url[:1]) == ("", "", "/"), url
    static = [
        url.removeprefix(settings.STATIC_URL) for url in urls if url.startswith(settings.STATIC_URL)
    ]
    assert static == ["ninja/swagger-ui.css", "ninja/swagger-ui-bundle.js", "api/docs.js"]
    assert all(finders.find(path) for path in static)
    assert set(urls) - {f"{settings.STATIC_URL}{path}" for path in static} == {
        "/api/openapi.json"  # the link for a browser without JavaScript
    }


def test_the_docs_page_keeps_the_site_policy(db: None) -> None:
    docs, sign_in = Client().get("/api/docs"), Client().get("/login/")
    policy = docs["Content-Security-Policy"]
    assert policy == sign_in["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "unsafe" not in policy
