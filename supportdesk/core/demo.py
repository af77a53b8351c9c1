"""Demo data for the embedded default: the vendor's people, two customers on different
plans, and requests in every state (some breaching soon), all made through the actions,
so the demo is what real use would leave behind. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from supportdesk.channels.actions import receive
from supportdesk.channels.inbound import Inbound
from supportdesk.contracts.models import AddOn, Contract
from supportdesk.customers.models import Contact, Organization
from supportdesk.sla.models import PolicyVersion
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.staff.models import StaffMember, StaffRole, Team
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Component, Request, Scope, Status

DEMO_LEAD = "admin"
DETAILS = (
    "С утра сообщения между пользователями головного офиса приходят с задержкой в несколько "
    "минут; в журнале сервера видно, что очередь растёт."
)


@dataclass
class People:
    lead: User
    agent: User
    engineer: User
    manager: User
    alfa_user: User
    alfa_admin: User
    beta_user: User


def load_demo(*, now: datetime, password: str) -> list[str]:
    """Returns what was created, one line each; nothing when the demo is there already."""
    if User.objects.filter(username=DEMO_LEAD).exists():
        return []
    with transaction.atomic():
        people = _people(password)
        alfa, beta = _customers(people)
        created = [f"user {user.username}" for user in vars(people).values()]
        created += [f"organization {alfa.name} (8x5)", f"organization {beta.name} (premium)"]
    created += [
        f"request {request.reference} ({request.status})" for request in _requests(people, now)
    ]
    created += _live_channels(people, alfa, beta, now)
    return created


DEMO_PBX_TOKEN = "demo-pbx-token"  # the demo's published secrets, as its passwords  # noqa: S105
DEMO_ALERTS_TOKEN = "demo-alerts-token"  # noqa: S105


def _live_channels(
    people: People, alfa: Organization, beta: Organization, now: datetime
) -> list[str]:
    """Telephony (docs/telephony.md): Anna's phone, a finished call to register or link, a
    missed call to call back. Alerts (docs/alerts.md): Beta's Alertmanager, one firing
    group (a P1 incident) and one resolved (proposed for resolution)."""
    import json

    from supportdesk.channels.alertmanager import actions as alerts
    from supportdesk.channels.alertmanager.models import AlertIntegration
    from supportdesk.channels.telephony import actions as telephony
    from supportdesk.channels.telephony.events import CallEventData
    from supportdesk.channels.telephony.models import Provider, TelephonyIntegration

    Contact.objects.filter(user=people.alfa_user).update(phone="+7 (495) 123-45-67")
    pbx = TelephonyIntegration.objects.create(
        slug="office-pbx", name="Офисная АТС", provider=Provider.NEUTRAL, token=DEMO_PBX_TOKEN
    )
    minute = timedelta(minutes=1)
    for call_id, kind, ago, number in (
        ("demo-1", "incoming", 25 * minute, "+74951234567"),
        ("demo-1", "answered", 24 * minute, "+74951234567"),
        ("demo-1", "hung_up", 19 * minute, "+74951234567"),
        ("demo-2", "incoming", 45 * minute, "+74997770011"),
        ("demo-2", "missed", 44 * minute, "+74997770011"),
    ):
        event = CallEventData(
            call_id=call_id, kind=kind, key=f"{call_id}/{kind}", at=now - ago,
            from_number=number, to_number="+74957654321",
        )  # fmt: skip
        telephony.take_event(pbx, event, json.dumps({"demo": kind}), now=now - ago)
    noc = Contact.objects.create(
        organization=beta, name="Мониторинг Беты", email="noc@beta.example"
    )
    integration = AlertIntegration.objects.create(
        slug="beta-prod", name="Бета: продуктив", organization=beta, contact=noc,
        bearer_token=DEMO_ALERTS_TOKEN,
    )  # fmt: skip

    def notification(name: str, status: str, severity: str) -> bytes:
        alert = {
            "status": status, "fingerprint": f"demo-{name}",
            "labels": {"alertname": name, "instance": "cts-01", "severity": severity},
            "annotations": {"summary": f"{name} на cts-01"},
            "startsAt": (now - 30 * minute).isoformat(),
        }  # fmt: skip
        return json.dumps(
            {
                "version": "4",
                "groupKey": f'{{}}:{{alertname="{name}"}}',
                "status": status,
                "alerts": [alert],
                "commonLabels": alert["labels"],
            }
        ).encode()

    alerts.take(integration, notification("CTSDown", "firing", "critical"), now=now - 10 * minute)
    alerts.take(integration, notification("DiskFull", "firing", "warning"), now=now - 50 * minute)
    alerts.take(integration, notification("DiskFull", "resolved", "warning"), now=now - 5 * minute)
    return [
        f"telephony {pbx.slug}: 2 calls (one to register, one to call back)",
        f"alerts {integration.slug}: 2 groups (one firing, one proposed for resolution)",
    ]


def _user(username: str, password: str, name: str, email: str, *, superuser: bool = False) -> User:
    first, last = name.split(" ", 1)
    maker = User.objects.create_superuser if superuser else User.objects.create_user
    return maker(username, email, password, first_name=first, last_name=last)


def _people(password: str) -> People:
    team = Team.objects.create(name="L2")

    def staff(username: str, name: str, role: StaffRole, *, superuser: bool = False) -> User:
        user = _user(username, password, name, f"{username}@vendor.example", superuser=superuser)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        StaffMember.objects.create(user=user, role=role).teams.add(team)
        return user

    return People(
        lead=staff(DEMO_LEAD, "Елена Руководитель", StaffRole.LEAD, superuser=True),
        agent=staff("agent", "Олег Первая-Линия", StaffRole.AGENT),
        engineer=staff("engineer", "Егор Инженер", StaffRole.ENGINEER),
        manager=staff("manager", "Мария Менеджер", StaffRole.MANAGER),
        alfa_user=_user("alfa", password, "Анна Альфа", "anna@alfa.example"),
        alfa_admin=_user("alfa-admin", password, "Алла Альфа", "alla@alfa.example"),
        beta_user=_user("beta", password, "Вера Бета", "vera@beta.example"),
    )


def _customers(people: People) -> tuple[Organization, Organization]:
    alfa = Organization.objects.create(name="ООО Альфа", slug="alfa")
    beta = Organization.objects.create(name="АО Бета", slug="beta")
    for user, organization, admin in (
        (people.alfa_user, alfa, False),
        (people.alfa_admin, alfa, True),
        (people.beta_user, beta, False),
    ):
        Contact.objects.create(
            organization=organization, user=user, name=user.get_full_name(), email=user.email,
            is_customer_admin=admin,
        )  # fmt: skip
    for number, organization, plan, users, add_ons in (
        ("SUP-2026-001", alfa, "8x5", 800, [AddOn.TEST_DEV.value]),
        ("SUP-2026-002", beta, "premium", 15000, [AddOn.ADMINISTRATION.value, AddOn.ONSITE.value]),
    ):
        Contract.objects.create(
            number=number, organization=organization,
            policy_version=PolicyVersion.objects.get(plan__code=plan, number=1),
            valid_from=date(2026, 1, 1), valid_until=date(2027, 12, 31), users=users,
            cts_servers=2, fault_tolerance=plan == "premium", add_ons=add_ons,
            dedicated_engineer=people.engineer, personal_manager=people.manager,
        )  # fmt: skip
    return alfa, beta


def _requests(people: People, now: datetime) -> list[Request]:
    messaging = Component.objects.get(code="messaging")
    calls = Component.objects.get(code="calls")
    made = []

    def open_(
        user: User, subject: str, ago: timedelta, priority: Priority, **extra: Any
    ) -> Request:
        details: dict[str, Any] = {
            "component": messaging,
            "scope": Scope.MASS,
            "description": DETAILS,
        }
        details.update(extra)
        inbound = Inbound(
            channel=Channel.PHONE, sender_scope=f"user:{people.agent.pk}", external_id=None,
            actor=people.agent, contact=user.contact, request_type=RequestType.INCIDENT,
            subject=subject, requested_priority=priority, registered_at=now - ago, **details,
        )  # fmt: skip
        request = receive(inbound, now=now - ago).request
        if request is None:  # staff name the contact: never an unknown sender
            raise RuntimeError(f"the demo request {subject!r} was refused")
        made.append(request)
        return request

    def at(ago: timedelta) -> datetime:
        return now - ago

    hour = timedelta(hours=1)
    open_(
        people.alfa_user,
        "Не приходят уведомления",
        hour,
        Priority.P2,
        component=None,
        description="Не работает",
    )
    replied = open_(people.alfa_user, "Задержка сообщений в головном офисе", 5 * hour, Priority.P2)
    actions.reply(
        actor=people.agent, request=replied, body="Смотрим логи сервера.", now=at(4 * hour)
    )
    waiting = open_(
        people.alfa_admin, "Ошибка входа в консоль администратора", 30 * hour, Priority.P3
    )
    actions.reply(
        actor=people.engineer,
        request=waiting,
        body="Пришлите, пожалуйста, журнал.",
        now=at(29 * hour),
    )
    actions.set_status(
        actor=people.engineer, request=waiting, status=Status.WAITING, now=at(29 * hour)
    )
    raised = open_(people.alfa_user, "Обрываются звонки", 6 * hour, Priority.P4, component=calls)
    actions.raise_priority(
        actor=people.engineer,
        request=raised,
        to=Priority.P2,
        reason="Массовый сбой звонков",
        now=at(5 * hour),
    )
    actions.assign(
        actor=people.agent, request=raised, assignee=people.engineer, team=None, now=at(5 * hour)
    )
    actions.set_status(
        actor=people.engineer, request=raised, status=Status.IN_PROGRESS, now=at(5 * hour)
    )
    resolved = open_(people.alfa_user, "Не открывается SmartApp", 50 * hour, Priority.P3)
    actions.resolve(
        actor=people.engineer,
        request=resolved,
        summary="Обновили SmartApp до 2.4.1.",
        now=at(20 * hour),
    )
    closed = open_(people.alfa_admin, "Вопрос по настройке DLPS", 200 * hour, Priority.P3)
    actions.resolve(
        actor=people.engineer, request=closed, summary="Инструкция во вложении.", now=at(190 * hour)
    )
    actions.confirm_resolution(actor=people.alfa_admin, request=closed, now=at(180 * hour))
    breaching = open_(
        people.beta_user, "Сервер CTS недоступен", 3 * hour + timedelta(minutes=30), Priority.P1
    )
    actions.assign(
        actor=people.agent, request=breaching, assignee=people.engineer, team=None, now=at(3 * hour)
    )
    partly = open_(people.beta_user, "Пропала доставка push-уведомлений", 2 * hour, Priority.P1)
    actions.reply(
        actor=people.engineer, request=partly, body="Доставка восстановлена частично.", now=at(hour)
    )
    actions.propose_downgrade(
        actor=people.engineer,
        request=partly,
        to=Priority.P2,
        reason="Есть обходной путь",
        now=at(hour),
    )
    return [Request.objects.get(pk=request.pk) for request in made]
