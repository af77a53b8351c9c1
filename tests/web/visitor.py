"""A visitor over real HTTP: keeps its cookies, sends the CSRF token of the form it was
shown, and can carry an X-Forwarded-For header as a proxy in front of the site would."""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Answer:
    status: int
    text: str
    location: str


@dataclass
class Visitor:
    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, **headers: str
    ) -> Answer:
        parts = urlsplit(self.base_url)
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        body = urlencode(form) if form is not None else None
        sent = {key.replace("_", "-"): value for key, value in headers.items()}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for line in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                self.cookies[name] = morsel.value
        return Answer(response.status, text, response.headers.get("Location", ""))

    def sign_in(
        self, username: str, password: str, *, path: str = "/login/", forwarded_for: str = ""
    ) -> Answer:
        form_page = self.request("GET", path)
        token = CSRF_FIELD.search(form_page.text)
        assert token is not None, form_page.text
        headers = {"X_Forwarded_For": forwarded_for} if forwarded_for else {}
        form = {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
        return self.request("POST", path, form, **headers)
