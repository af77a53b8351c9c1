"""``supportdesk price``: the exact contract scripts depend on, run as real processes on a
real (SQLite) database migrated with the shipped illustrative list in force."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.core.processes import SUPPORTDESK
from tests.core.test_script_commands_start_lean import probe_run, web_and_jobs_in


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("price")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'price.sqlite3'}",
        "SUPPORTDESK_VAR_DIR": str(folder),
    }
    subprocess.run([SUPPORTDESK, "migrate", "-v0"], env=env, check=True)
    return env


def price(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SUPPORTDESK, "price", *args], env=env, capture_output=True, text=True, check=False
    )


def quote(env: dict[str, str], *args: str) -> dict[str, Any]:
    result = price(env, "quote", *args, "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1  # one JSON object and nothing else
    answer: dict[str, Any] = json.loads(lines[0])
    return answer


def test_a_quote_within_2026(env: dict[str, str]) -> None:
    answer = quote(
        env, "--plan", "24x7", "--users", "501", "--servers", "4", "--fault-tolerance",
        "--addon", "onsite=2", "--addon", "remote_access", "--period-start", "2026-01-01",
    )  # fmt: skip
    assert answer == {
        "price_list": "illustrative-1",
        "illustrative": True,
        "currency": "RUB",
        "lines": [
            {"code": "base", "text": "Plan base price: 600000.00", "quantity": 1,
             "unit_price": "600000.00", "net": "600000.00"},
            {"code": "users", "text": "Users (tier 1, 1–500): 500 × 900.00", "quantity": 500,
             "unit_price": "900.00", "net": "450000.00"},
            {"code": "users", "text": "Users (tier 2, 501–2000): 1 × 700.00", "quantity": 1,
             "unit_price": "700.00", "net": "700.00"},
            {"code": "servers", "text": "CTS servers (tier 1, 1–3): 3 × 90000.00",
             "quantity": 3, "unit_price": "90000.00", "net": "270000.00"},
            {"code": "servers", "text": "CTS servers (tier 2, 4–10): 1 × 70000.00",
             "quantity": 1, "unit_price": "70000.00", "net": "70000.00"},
            {"code": "fault_tolerance",
             "text": "Fault tolerance: plan lines 1390700.00 × (1.30 − 1)",
             "quantity": 1, "unit_price": "417210.00", "net": "417210.00"},
            {"code": "remote_access", "text": "Remote-access organization: 1 × 90000.00 per year",
             "quantity": 1, "unit_price": "90000.00", "net": "90000.00"},
            {"code": "onsite", "text": "On-site support: 2 × 60000.00 per visit", "quantity": 2,
             "unit_price": "60000.00", "net": "120000.00"},
        ],
        "net": "2017910.00",
        "vat_rate": "0.22",
        "vat": "443940.20",
        "gross": "2461850.20",
    }  # fmt: skip


def test_a_period_spanning_the_change_of_rate_has_vat_parts(env: dict[str, str]) -> None:
    answer = quote(
        env, "--plan", "8x5", "--users", "10", "--servers", "1",
        "--period-start", "2025-11-01", "--months", "3",
    )  # fmt: skip
    # 300000 x 3/12 + 10 x 600 x 3/12 + 60000 x 3/12 = 75000 + 1500 + 15000
    assert answer["net"] == "91500.00"
    assert answer["vat_rate"] is None
    assert answer["vat_parts"] == [
        {"from": "2025-11-01", "to": "2026-01-01", "rate": "0.20", "vat": "12200.00"},
        {"from": "2026-01-01", "to": "2026-02-01", "rate": "0.22", "vat": "6710.00"},
    ]
    assert (answer["vat"], answer["gross"]) == ("18910.00", "110410.00")


def test_an_included_add_on_is_a_zero_line(env: dict[str, str]) -> None:
    answer = quote(
        env, "--plan", "premium", "--users", "100", "--servers", "1",
        "--addon", "dedicated_engineer", "--addon", "administration=130",
        "--period-start", "2026-03-01",
    )  # fmt: skip
    assert answer["lines"][-3:] == [
        {"code": "administration", "text": "Administration services: 120, included in the plan",
         "quantity": 120, "unit_price": "0.00", "net": "0.00"},
        {"code": "administration", "text": "Administration services: 10 × 4000.00 per hour",
         "quantity": 10, "unit_price": "4000.00", "net": "40000.00"},
        {"code": "dedicated_engineer", "text": "Dedicated engineer: 1, included in the plan",
         "quantity": 1, "unit_price": "0.00", "net": "0.00"},
    ]  # fmt: skip


def test_without_vat_and_the_default_period(env: dict[str, str]) -> None:
    answer = quote(env, "--plan", "8x5", "--users", "0", "--servers", "1", "--without-vat")
    assert (answer["net"], answer["vat_rate"], answer["vat"], answer["gross"]) == (
        "360000.00", "0", "0.00", "360000.00",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--plan", "gold"], "error: unknown plan 'gold' (one of: 8x5, 24x7, premium)"),
        (["--plan", "8x5", "--addon", "gold"], "error: unknown add-on 'gold' (one of: "),
        (["--plan", "8x5", "--addon", "test_dev=2"], "error: add-on 'test_dev' is sold per year"),
        (["--plan", "8x5", "--addon", "onsite=x"], "error: --addon 'onsite=x' is not CODE or"),
        (["--plan", "8x5", "--period-start", "1.1.2026"], "error: --period-start '1.1.2026' is"),
        (["--plan", "8x5", "--months", "0"], "error: months must be from 1 to 120"),
        (["--plan", "8x5", "--users", "-5"], "error: users must be from 0 to 10000000"),
        (["--plan", "8x5", "--users", "many"], "error: argument --users: invalid int value"),
    ],
)
def test_bad_input_exits_2_with_one_line(env: dict[str, str], args: list[str], reason: str) -> None:
    defaults = ["--users", "1", "--servers", "1"]
    result = price(env, "quote", *defaults, *args, "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(reason)


def test_help_lists_the_add_on_codes(env: dict[str, str]) -> None:
    result = price(env, "quote", "--help")
    assert result.returncode == 0
    codes = ["test_dev", "chatbot_smartapp", "administration", "dedicated_engineer",
             "personal_manager", "remote_access", "onsite", "extended_reporting",
             "development_support", "preventive_maintenance", "complex_administration",
             "performance_analysis", "client_app_publication"]  # fmt: skip
    assert all(f"  {code} " in result.stdout for code in codes)
    assert "administration           per hour, =QUANTITY" in result.stdout


def test_quote_starts_lean(env: dict[str, str], tmp_path: Path) -> None:
    stdout, modules, checks_ran = probe_run(
        env, tmp_path, "price", "quote", "--plan", "8x5", "--users", "1", "--servers", "1",
        "--period-start", "2026-01-01", "--json",
    )  # fmt: skip
    assert json.loads(stdout)["net"] == "360600.00"
    assert checks_ran is False
    assert web_and_jobs_in(modules) == []


def test_a_lead_loads_and_puts_a_list_in_force(env: dict[str, str], tmp_path: Path) -> None:
    subprocess.run(
        [SUPPORTDESK, "shell", "-c",
         "from django.contrib.auth.models import User;"
         "from supportdesk.staff.models import StaffMember, StaffRole;"
         "u = User.objects.create(username='lead1');"
         "StaffMember.objects.create(user=u, role=StaffRole.LEAD)"],
        env=env, check=True,
    )  # fmt: skip
    shown = price(env, "show")
    document = json.loads(shown.stdout)
    document.update(version="2027-1", illustrative=False)
    document["plans"]["8x5"]["base"] = "330000.00"
    path = tmp_path / "list.json"
    path.write_text(json.dumps(document))
    refused = price(env, "load", str(path), "--as", "nobody")
    assert (refused.returncode, refused.stderr) == (2, "error: no user 'nobody'\n")
    loaded = price(env, "load", str(path), "--as", "lead1")
    assert (loaded.returncode, loaded.stdout) == (0, "price list 2027-1: draft\n")
    forced = price(env, "in-force", "2027-1", "--as", "lead1")
    assert (forced.returncode, forced.stdout) == (0, "price list 2027-1: in force\n")
    answer = quote(env, "--plan", "8x5", "--users", "0", "--servers", "1", "--without-vat")
    assert (answer["price_list"], answer["illustrative"], answer["net"]) == (
        "2027-1", False, "390000.00",
    )  # fmt: skip
    again = price(env, "load", str(path), "--as", "lead1")
    assert again.returncode == 2
    assert again.stderr == "error: Price list 2027-1 is in force: it cannot be changed.\n"
