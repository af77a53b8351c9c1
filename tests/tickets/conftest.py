"""Personas: two customers on different plans, their people, and the vendor's staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import User

from supportdesk.billing.seed import seed_price_list
from supportdesk.calendars.seed import seed_russian_production_calendar, seed_shipped_calendars
from supportdesk.contracts.models import Contract
from supportdesk.contracts.seed import seed_add_on_catalogue
from supportdesk.customers.models import Contact, Organization
from supportdesk.sla.models import PolicyVersion
from supportdesk.sla.seed import seed_shipped_plans
from supportdesk.staff.models import StaffMember, StaffRole, Team
from supportdesk.tickets.models import Component
from supportdesk.tickets.seed import seed_components

MOSCOW = ZoneInfo("Europe/Moscow")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """November 2026 in Moscow; the 23rd is a Monday."""
    return datetime(2026, 11, day, hour, minute, tzinfo=MOSCOW)


@dataclass
class Desk:
    alfa: Organization
    beta: Organization
    alfa_contract: Contract
    beta_contract: Contract
    anna: User  # Alfa's user
    alfa_admin: User  # Alfa's customer admin
    boris: User  # Alfa's colleague of Anna
    vera: User  # Beta's user
    agent: User
    engineer: User
    manager: User
    lead: User
    team: Team
    messaging: Component

    def contact(self, user: User) -> Contact:
        return user.contact


def _user(username: str, email: str) -> User:
    return User.objects.create_user(
        username, email, "a-long-password-1", first_name=username.title()
    )


def _staff(username: str, role: StaffRole, team: Team | None = None) -> User:
    user = _user(username, f"{username}@vendor.example")
    member = StaffMember.objects.create(user=user, role=role)
    if team:
        member.teams.add(team)
    return user


def _customer(username: str, organization: Organization, *, admin: bool = False) -> User:
    user = _user(username, f"{username}@{organization.slug}.example")
    Contact.objects.create(
        organization=organization, user=user, name=username.title(), email=user.email,
        is_customer_admin=admin,
    )  # fmt: skip
    return user


def ensure_shipped_data() -> None:
    """What the data migrations seed. Tests on a live server or with threads use
    transactional databases, which are emptied after each test; the seeds are idempotent."""
    for seed in (
        seed_russian_production_calendar,
        seed_shipped_calendars,
        seed_shipped_plans,
        seed_components,
        seed_add_on_catalogue,
        seed_price_list,
    ):
        seed(django_apps, None)


@pytest.fixture
def desk(db: None) -> Desk:
    ensure_shipped_data()
    team = Team.objects.create(name="L2")
    engineer = _staff("egor", StaffRole.ENGINEER, team)
    manager = _staff("maria", StaffRole.MANAGER)
    alfa = Organization.objects.create(name="Alfa", slug="alfa")
    beta = Organization.objects.create(name="Beta", slug="beta")

    def contract(number: str, organization: Organization, plan: str) -> Contract:
        return Contract.objects.create(
            number=number, organization=organization,
            policy_version=PolicyVersion.objects.get(plan__code=plan, number=1),
            valid_from=date(2026, 1, 1), valid_until=date(2027, 12, 31), users=500,
            dedicated_engineer=engineer, personal_manager=manager,
        )  # fmt: skip

    return Desk(
        alfa=alfa,
        beta=beta,
        alfa_contract=contract("A-1", alfa, "8x5"),
        beta_contract=contract("B-1", beta, "premium"),
        anna=_customer("anna", alfa),
        alfa_admin=_customer("alla", alfa, admin=True),
        boris=_customer("boris", alfa),
        vera=_customer("vera", beta),
        agent=_staff("oleg", StaffRole.AGENT, team),
        engineer=engineer,
        manager=manager,
        lead=_staff("lena", StaffRole.LEAD),
        team=team,
        messaging=Component.objects.get(code="messaging"),
    )


DETAILED = (
    "Messages to all users in the main workspace have been delayed by 10 minutes since 09:40."
)


def without_dedicated_engineers() -> None:
    """Tests about queues and figures of unassigned requests: no contract names a
    dedicated engineer, so intake assigns nobody (tests/tickets/test_dedicated_engineer.py)."""
    Contract.objects.update(dedicated_engineer=None)
