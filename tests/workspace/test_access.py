"""Only staff: customers get a 404 on every page and form; forms need the CSRF token."""

from __future__ import annotations

import pytest
from django.test import Client

from supportdesk.slamath.policy import Priority
from supportdesk.tickets.models import Request
from supportdesk.workspace.views import ACTION_FORMS
from tests.tickets.conftest import Desk
from tests.workspace.conftest import browser, open_


@pytest.mark.parametrize("who", ["anna", "alfa_admin", "vera"])
def test_customers_get_404_everywhere(desk: Desk, who: str) -> None:
    request = open_(desk, Priority.P3)
    client = browser(getattr(desk, who))
    for url in ("/desk/", "/desk/rows", "/desk/new/", f"/desk/requests/{request.pk}/"):
        assert client.get(url).status_code == 404, url
    assert client.post("/desk/new/", {"subject": "x"}).status_code == 404
    for action in ACTION_FORMS:
        response = client.post(
            f"/desk/requests/{request.pk}/{action}/",
            {f"{action}-body": "x", f"{action}-reason": "x", f"{action}-to": "P1"},
        )
        assert response.status_code == 404, action
    assert request.messages.count() == 0
    assert Request.objects.get(pk=request.pk).priority == "P3"


def test_anonymous_posts_go_to_sign_in(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    response = Client().post(f"/desk/requests/{request.pk}/reply/", {"reply-body": "x"})
    assert response.status_code == 302
    assert request.messages.count() == 0


def test_forms_need_the_csrf_token(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk.agent)
    response = client.post(f"/desk/requests/{request.pk}/reply/", {"reply-body": "x"})
    assert response.status_code == 403
    assert client.post("/desk/new/", {}).status_code == 403
    assert request.messages.count() == 0
    page = client.get(f"/desk/requests/{request.pk}/").text
    # Every form an agent may use on a new P3 request: not the lead's exclusion, nor an
    # objection's decision, nor incidents (L2 up); no reopening, downgrade or canned reply
    # (there is none); the out-of-contract decisions show only outside the contract.
    not_shown = {"accept_out", "decline_out", "exclude", "objection", "incident", "reopen"}
    shown = set(ACTION_FORMS) - not_shown - {"downgrade", "macro"}
    assert page.count("csrfmiddlewaretoken") >= 1 + len(shown)


def test_pages_have_no_inline_script_or_style(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    agent = browser(desk.agent)
    for url in ("/desk/", f"/desk/requests/{request.pk}/", "/desk/new/"):
        text = agent.get(url).text
        assert "<script>" not in text
        assert " style=" not in text
        assert " onclick=" not in text
        assert "workspace/workspace.js" in text
