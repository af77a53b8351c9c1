"""Who sees the analytics pages and the dashboard, what they show, the CSV export, and a
bounded number of statements."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.models import User
from django.test import Client

from supportdesk.customers.models import Contact
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Scope
from tests.reports.conftest import Month
from tests.tickets.conftest import at


def browser(user: User, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_the_customer_admin_sees_their_own_figures_only(month: Month) -> None:
    desk = month.desk
    response = browser(desk.alfa_admin).get("/portal/analytics/?month=2026-11")
    assert response.status_code == 200
    assert response.context["result"].window.contract_ids == (desk.alfa_contract.pk,)
    assert response.context["result"].summary.requests == 6  # not Beta's request
    assert 'data-chart="chart-by_channel"' in response.text
    assert '<script id="chart-by_channel" type="application/json">' in response.text
    # Another organization's contract is not found, and neither is its export.
    other = f"?contract={desk.beta_contract.pk}"
    assert browser(desk.alfa_admin).get(f"/portal/analytics/{other}").status_code == 404
    assert browser(desk.alfa_admin).get(f"/portal/analytics/backlog.csv{other}").status_code == 404


def test_the_page_is_not_offered_without_the_add_on_or_admin_rights(month: Month) -> None:
    desk = month.desk
    beta_admin = User.objects.create_user("bob", "bob@beta.example", "a-long-password-1")
    Contact.objects.create(
        organization=desk.beta, user=beta_admin, name="Bob", email=beta_admin.email,
        is_customer_admin=True,
    )  # fmt: skip
    for user in (desk.anna, desk.vera, beta_admin, desk.agent):
        assert browser(user).get("/portal/analytics/").status_code == 404, user
    assert "/portal/analytics/" not in browser(beta_admin).get("/portal/contract/").text
    assert "/portal/analytics/" in browser(desk.alfa_admin).get("/portal/contract/").text


def test_only_leads_see_the_workspace_pages(month: Month) -> None:
    desk = month.desk
    for user in (desk.agent, desk.engineer, desk.manager, desk.alfa_admin):
        for path in ("/desk/analytics/", "/desk/dashboard/", "/desk/analytics/backlog.csv"):
            assert browser(user).get(path).status_code == 404, (user, path)
    lead = browser(desk.lead)
    response = lead.get("/desk/analytics/?month=2026-11")
    assert response.status_code == 200
    assert response.context["result"].summary.requests == 7  # every contract: Beta's too
    premium = lead.get("/desk/analytics/?month=2026-11&plan=premium")
    assert premium.context["result"].summary.requests == 1
    only_alfa = lead.get(f"/desk/analytics/?contract={desk.alfa_contract.pk}")
    assert only_alfa.context["result"].summary.requests == 6
    assert lead.get("/desk/analytics/?month=2026-13").status_code == 400


def test_russian_by_default_and_english_on_request(month: Month) -> None:
    client = Client()
    client.force_login(month.desk.lead)
    assert "Аналитика" in client.get("/desk/analytics/").text
    assert "Analytics" in browser(month.desk.lead, "en").get("/desk/analytics/").text


def test_csv_export_writes_user_text_never_as_a_formula(month: Month) -> None:
    desk = month.desk
    desk.engineer.first_name = "=HYPERLINK(evil)"
    desk.engineer.save(update_fields=["first_name"])
    response = browser(desk.lead).get("/desk/analytics/by_engineer.csv?month=2026-11")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="analytics-by_engineer-2026-11.csv"' in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][:2] == ["Group", "Requests"]
    assert ["'=HYPERLINK(evil)", "1"] in [row[:2] for row in table]
    assert ["(unassigned)", "6"] in [row[:2] for row in table]  # Beta's request too
    assert browser(desk.lead).get("/desk/analytics/nothing.csv").status_code == 404


def test_statements_do_not_grow_with_requests(month: Month, django_assert_max_num_queries) -> None:
    lead = browser(month.desk.lead)
    with django_assert_max_num_queries(35):
        assert lead.get("/desk/analytics/?month=2026-11").status_code == 200
    for n in range(10):
        r = actions.open_request(
            actor=month.desk.anna, contact=month.desk.contact(month.desk.anna),
            request_type=RequestType.INCIDENT, subject=f"more {n}", description="x",
            requested_priority=Priority.P3, channel=Channel.API,
            component=month.desk.messaging, scope=Scope.MASS, now=at(23, 11, n),
        )  # fmt: skip
        actions.resolve(actor=month.desk.agent, request=r, summary="Done.", now=at(23, 11, 30))
    with django_assert_max_num_queries(35):
        assert lead.get("/desk/analytics/?month=2026-11").status_code == 200
    with django_assert_max_num_queries(20):
        assert lead.get("/desk/dashboard/").status_code == 200


def test_the_dashboard(month: Month) -> None:
    board = browser(month.desk.lead).get("/desk/dashboard/").context["board"]
    # r2's reaction breached at 11:00 (stopped at 11:30), r4's at 11:00 (still running),
    # Beta's P2 on Premium (opened 10:00, no reply yet) is past its reaction target too.
    assert sorted((a.request.subject, a.clock) for a in board.breaches) == [
        ("beta's", "reaction"), ("r2", "reaction"), ("r4", "reaction")
    ]  # fmt: skip
    # r6's reaction (1 h from 11:00, P3 since 11:05) passed 75 % at 11:45 and is due at
    # 12:00, now: reaching the target is not a breach. r5's (from 11:10) passed 75 % at 11:55.
    assert [(a.request.subject, a.clock) for a in board.at_risk] == [
        ("r6", "reaction"), ("r5", "reaction")
    ]  # fmt: skip
    plans = {p.code: p for p in board.plans}
    assert (plans["8x5"].reaction_met, plans["8x5"].reaction_counted) == (2, 3)
    assert (plans["8x5"].resolution_met, plans["8x5"].resolution_counted) == (4, 4)
    assert plans["premium"].reaction_counted == 0
    load = {row.name: row for row in board.load}
    assert (load["Egor"].open, load["Egor"].p1, load["Egor"].p2) == (1, 1, 0)
    unassigned = board.load[-1]
    assert unassigned.user_id is None
    assert (unassigned.open, unassigned.p1, unassigned.p2) == (3, 1, 1)  # r5, r6, Beta's P2
