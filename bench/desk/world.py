"""The few hundred rows made through the ORM before the bulk load: organizations, their
contacts and contracts on the shipped policy versions, teams and staff."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import transaction

from supportdesk.calendars.models import BusinessCalendar
from supportdesk.contracts.models import Contract
from supportdesk.customers.models import Contact, Organization
from supportdesk.sla.models import PolicyVersion
from supportdesk.staff.models import StaffMember, StaffRole, Team
from supportdesk.tickets.models import Component

ORGANIZATIONS = 50
CONTACTS_PER_ORGANIZATION = 20
TEAMS = 10
# 20 staff users: who works the queues, and who is named on contracts.
STAFF_ROLES = [StaffRole.AGENT] * 10 + [StaffRole.ENGINEER] * 6 + [StaffRole.MANAGER] * 2
STAFF_ROLES += [StaffRole.LEAD] * 2
PLAN_MIX = (("8x5", 0.5), ("24x7", 0.3), ("premium", 0.2))


@dataclass(frozen=True, slots=True)
class Customer:
    organization_id: int
    contract_id: int
    policy_version_id: int
    contact_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class World:
    customers: tuple[Customer, ...]
    team_ids: tuple[int, ...]
    staff_user_ids: tuple[int, ...]
    agent_user_id: int  # the queue is read as this user
    api_user_id: int  # a customer contact's user, for the API token
    component_ids: tuple[int, ...]
    calendar_ids: dict[str, int]
    rows: int  # rows written, for the report


def _plan_for(index: int) -> str:
    share = (index + 0.5) / ORGANIZATIONS
    total = 0.0
    for plan, weight in PLAN_MIX:
        total += weight
        if share < total:
            return plan
    return PLAN_MIX[-1][0]


def make_world(*, now: datetime, seed: int) -> World:
    rng = random.Random(seed)
    versions = {
        version.plan.code: version
        for version in PolicyVersion.objects.select_related("plan").filter(number=1)
    }
    with transaction.atomic():
        teams = Team.objects.bulk_create(Team(name=f"Team {n:02d}") for n in range(1, TEAMS + 1))
        staff_users = []
        for n, role in enumerate(STAFF_ROLES, start=1):
            user = User.objects.create_user(f"staff{n:02d}", f"staff{n:02d}@vendor.example")
            member = StaffMember.objects.create(user=user, role=role)
            member.teams.add(teams[(n - 1) % TEAMS], teams[n % TEAMS])
            staff_users.append(user)
        engineers = [u for u, r in zip(staff_users, STAFF_ROLES, strict=True) if r == "engineer"]
        managers = [u for u, r in zip(staff_users, STAFF_ROLES, strict=True) if r == "manager"]
        organizations = Organization.objects.bulk_create(
            Organization(name=f"Customer {n:02d}", slug=f"customer-{n:02d}")
            for n in range(1, ORGANIZATIONS + 1)
        )
        today = now.date()
        contracts = Contract.objects.bulk_create(
            Contract(
                number=f"BENCH-{n:04d}",
                organization=organization,
                policy_version=versions[_plan_for(n)],
                valid_from=date(today.year - 3, 1, 1),
                valid_until=date(today.year + 2, 12, 31),
                users=rng.randrange(50, 5000),
                dedicated_engineer=rng.choice(engineers),
                personal_manager=rng.choice(managers),
            )
            for n, organization in enumerate(organizations)
        )
        contacts = Contact.objects.bulk_create(
            Contact(
                organization=organization,
                name=f"Contact {n:02d} of {organization.name}",
                email=f"contact{n:02d}@{organization.slug}.example",
                is_customer_admin=n == 0,
            )
            for organization in organizations
            for n in range(CONTACTS_PER_ORGANIZATION)
        )
        api_contact = contacts[1]  # an ordinary contact of the first organization
        api_user = User.objects.create_user("api-client", api_contact.email)
        Contact.objects.filter(pk=api_contact.pk).update(user=api_user)
    by_organization: dict[int, list[int]] = {}
    for contact in contacts:
        by_organization.setdefault(contact.organization_id, []).append(contact.pk)
    customers = tuple(
        Customer(
            organization_id=contract.organization_id,
            contract_id=contract.pk,
            policy_version_id=contract.policy_version_id,
            contact_ids=tuple(by_organization[contract.organization_id]),
        )
        for contract in contracts
    )
    staff_rows = len(staff_users) * 4  # user, staff member, two team memberships
    return World(
        customers=customers,
        team_ids=tuple(team.pk for team in teams),
        staff_user_ids=tuple(user.pk for user in staff_users),
        agent_user_id=staff_users[0].pk,
        api_user_id=api_user.pk,
        component_ids=tuple(Component.objects.filter(is_active=True).values_list("pk", flat=True)),
        calendar_ids=dict(BusinessCalendar.objects.values_list("name", "pk")),
        rows=len(teams) + staff_rows + len(organizations) + len(contracts) + len(contacts) + 1,
    )
