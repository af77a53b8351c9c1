"""Demo data for the embedded default: the vendor's people, two customers on different
plans, and requests in every state (some breaching soon), all made through the actions,
so the demo is what real use would leave behind; an eXpress bot account (switched off,
with a made-up secret) to show the admin's shape. Idempotent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction

from supportdesk.channels.actions import receive
from supportdesk.channels.express.models import AuthVersion, BotAccount
from supportdesk.channels.inbound import Inbound
from supportdesk.contracts.actions import add_server
from supportdesk.contracts.models import AddOn, Contract
from supportdesk.customers.models import Contact, Organization
from supportdesk.development import actions as development
from supportdesk.development.models import FeatureStatus, ItemStatus, Platform
from supportdesk.sla.models import PolicyVersion
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.staff import absences
from supportdesk.staff.models import StaffMember, StaffRole, Team
from supportdesk.tickets import actions
from supportdesk.tickets.models import (
    Channel,
    Component,
    Environment,
    PriorityDefinition,
    Request,
    Scope,
    Status,
)

DEMO_LEAD = "admin"
# The demo's bot: an illustration of the configuration, never a working bot.
DEMO_BOT_ID = UUID("00000000-0000-4000-8000-00000000d3b0")
DEMO_BOT_SECRET = "demo-not-a-secret-replace-with-the-cts-bot-secret"  # noqa: S105 (a placeholder)
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
        created.append(_bot_account(alfa))
    created += _installations(people, now)
    created += [
        f"request {request.reference} ({request.status})" for request in _requests(people, now)
    ]
    created += _entitlements(people, beta, password, now)
    created += _development(people, now)
    created += _live_channels(people, alfa, beta, now)
    created += _macros(people, now)
    return created


def _macros(people: People, now: datetime) -> list[str]:
    """Two canned replies a support lead keeps (issue 12), in the customers' language."""
    macros = [
        actions.save_macro(
            actor=people.lead, name="Запросить журналы",
            body=(
                "Здравствуйте, {customer_name}!\n\nЧтобы разобраться с заявкой {reference}, "
                "пришлите, пожалуйста, журналы сервера за время сбоя.\n\n{agent_name}"
            ),
            status=Status.WAITING, now=now,
        ),
        actions.save_macro(
            actor=people.lead, name="Взяли в работу",
            body="Здравствуйте, {customer_name}! Заявка {reference} в работе.\n\n{agent_name}",
            status=Status.IN_PROGRESS, now=now,
        ),
    ]  # fmt: skip
    return [f"canned reply {macro.name}" for macro in macros]


def _bot_account(alfa: Organization) -> str:
    """Alfa's eXpress bot as a support lead would enter it, switched off: the secret is
    made up and the CTS address is a reserved example name, so it answers nothing and
    sends nothing."""
    bot = BotAccount.objects.create(
        name="Альфа: бот поддержки (демо)", organization=alfa, bot_id=DEMO_BOT_ID,
        secret_key=DEMO_BOT_SECRET, cts_url="https://cts.alfa.example",
        auth_version=AuthVersion.V2, is_active=False,
    )  # fmt: skip
    return f"bot account {bot.name} (switched off)"


def _entitlements(people: People, beta: Organization, password: str, now: datetime) -> list[str]:
    """Beta (Premium): administration hours used this contract year (in and outside business
    hours, approved), one entry pending, a visit this quarter; Beta's admin sees them."""
    from supportdesk.entitlements import actions as time_actions
    from supportdesk.entitlements.models import Activity

    admin = _user("beta-admin", password, "Борис Бета", "boris@beta.example")
    Contact.objects.create(
        organization=beta, user=admin, name=admin.get_full_name(), email=admin.email,
        is_customer_admin=True,
    )  # fmt: skip
    day = timedelta(days=1)
    work = _open_typed(
        people, RequestType.ADMIN, "Перенос сервера CTS на новый диск", now - 9 * day
    )
    time_actions.set_estimate(actor=people.engineer, request=work, seconds=16 * 3600,
                              now=now - 9 * day)  # fmt: skip
    for ago, hours, approve in (
        (timedelta(days=8), 6, True),
        (timedelta(days=5, hours=10), 3, True),
        (timedelta(days=2), 2, False),
    ):
        began = now - ago
        entry = time_actions.log_time(
            actor=people.engineer, request=work, start=began,
            end=began + timedelta(hours=hours), activity=Activity.ADMINISTRATION,
            on_site=False, note="", now=now - day,
        )  # fmt: skip
        if approve:
            time_actions.approve_time(actor=people.lead, entry=entry, now=now - day)
    visit = _open_typed(people, RequestType.ONSITE, "Выезд: проверка стойки CTS", now - 3 * day)
    time_actions.record_visit(actor=people.engineer, request=visit, now=now - day)
    return ["user beta-admin", f"request {work.reference} (admin hours)",
            f"request {visit.reference} (on-site visit)"]  # fmt: skip


def _open_typed(people: People, kind: RequestType, subject: str, at: datetime) -> Request:
    inbound = Inbound(
        channel=Channel.PHONE, sender_scope=f"user:{people.agent.pk}", external_id=None,
        actor=people.agent, contact=people.beta_user.contact, request_type=kind,
        subject=subject, requested_priority=Priority.P3, registered_at=at,
        component=Component.objects.get(code="messaging"), scope=Scope.INDIVIDUAL,
        description=DETAILS,
    )  # fmt: skip
    request = receive(inbound, now=at).request
    if request is None:
        raise RuntimeError(f"the demo request {subject!r} was refused")
    return request


def _installations(people: People, now: datetime) -> list[str]:
    """Each contract's CTS servers: Alfa's production still runs a version below Beta's."""
    made = []
    for number, name, environment, version, pair in (
        ("SUP-2026-001", "cts.alfa.example", "production", "3.9.2", False),
        ("SUP-2026-001", "cts-test.alfa.example", "test", "3.10.0", False),
        ("SUP-2026-002", "cts-1.beta.example", "production", "3.10.1", True),
        ("SUP-2026-002", "cts-2.beta.example", "production", "3.10.1", True),
    ):
        server = add_server(
            actor=people.engineer, contract=Contract.objects.get(number=number), name=name,
            environment=environment, platform_version=version, fault_tolerant_pair=pair,
            now=now,
        )  # fmt: skip
        made.append(f"server {server}")
    return made


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
        (
            "SUP-2026-002",
            beta,
            "premium",
            15000,
            [AddOn.ADMINISTRATION.value, AddOn.ONSITE.value, AddOn.CLIENT_APP_PUBLICATION.value],
        ),
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
    made.append(_objected(people, at))
    # The agent is away next week (a lead set it): see the desk's Absences page.
    absences.set_absence(
        actor=people.lead, member=people.agent.staff, starts_on=(now + 7 * 24 * hour).date(),
        ends_on=(now + 11 * 24 * hour).date(), note="Отпуск", now=at(hour),
    )  # fmt: skip
    # Alfa has the test/dev add-on: its test-server request runs its clocks as usual. Beta
    # (Premium) has not: the same request waits outside the contract for a lead's decision.
    open_(people.alfa_admin, "Тестовый сервер не принимает вход", 2 * hour, Priority.P3,
          environment=Environment.TEST)  # fmt: skip
    open_(people.beta_user, "Обновить тестовый стенд до 3.10", timedelta(minutes=90),
          Priority.P3, environment=Environment.TEST)  # fmt: skip
    return [Request.objects.get(pk=request.pk) for request in made]


def _objected(people: People, at: Callable[[timedelta], datetime]) -> Request:
    """Roles (docs/roles.md): the customer's own P2, lowered by the engineer with the
    definition it matches; the customer objected, so P2 is back and the lead decides."""
    hour = timedelta(hours=1)
    inbound = Inbound(
        channel=Channel.PORTAL, sender_scope=f"user:{people.beta_user.pk}", external_id=None,
        actor=people.beta_user, contact=people.beta_user.contact,
        request_type=RequestType.INCIDENT, subject="Не передаются файлы в чатах",
        requested_priority=Priority.P2, component=Component.objects.get(code="file-transfer"),
        scope=Scope.MASS, description=DETAILS,
    )  # fmt: skip
    request = receive(inbound, now=at(3 * hour)).request
    if request is None:
        raise RuntimeError("the demo's objected request was refused")
    actions.correct_priority(
        actor=people.engineer, request=request, to=Priority.P3,
        reason="Файлы передаются через веб-клиент", now=at(2 * hour),
        definition=PriorityDefinition.P3_WORKAROUND,
    )  # fmt: skip
    correction = request.priority_changes.order_by("-at", "-id").first()
    if correction is None:
        raise RuntimeError("the demo's correction was not recorded")
    actions.object_to_correction(
        by=people.beta_user.contact, correction=correction,
        reason="Веб-клиентом у нас никто не пользуется", now=at(hour),
    )  # fmt: skip
    return request


def _development(people: People, now: datetime) -> list[str]:
    """A bug handed to development (accepted there), a feature request with votes of both
    organizations, and a client release that Beta (with the add-on) has to publish."""
    hour = timedelta(hours=1)
    inbound = Inbound(
        channel=Channel.PORTAL, sender_scope=f"user:{people.alfa_user.pk}", external_id=None,
        actor=people.alfa_user, contact=people.alfa_user.contact, request_type=RequestType.BUG,
        subject="Вложения больше 10 МБ не отправляются в чат", requested_priority=Priority.P3,
        registered_at=now - 30 * hour, component=Component.objects.get(code="messaging"),
        scope=Scope.MASS, description=DETAILS,
    )  # fmt: skip
    bug = receive(inbound, now=now - 30 * hour).request
    if bug is None:
        raise RuntimeError("the demo bug was refused")
    development.give_workaround(
        actor=people.engineer, request=bug, now=now - 28 * hour,
        text="Пока исправление не выпущено, отправляйте большие файлы ссылкой на хранилище.",
    )  # fmt: skip
    item = development.hand_to_development(
        actor=people.engineer, request=bug, now=now - 27 * hour,
        external_url="https://tracker.vendor.example/browse/CTS-1042",
        note="Воспроизводится на 5.3.0; логи приложены в задаче.",
    )  # fmt: skip
    development.update_development_item(
        actor=people.engineer, item=item, status=ItemStatus.ACCEPTED, now=now - 20 * hour
    )
    feature = development.file_feature_request(
        actor=people.beta_user, title="Тёмная тема в настольном клиенте", now=now - 48 * hour,
        description="Дежурные смены работают ночью; светлый интерфейс утомляет.",
    )  # fmt: skip
    development.set_feature_status(
        actor=people.manager, feature=feature, status=FeatureStatus.PLANNED, now=now - 24 * hour
    )
    development.vote_for_feature(actor=people.alfa_user, feature=feature, now=now - 20 * hour)
    release = development.publish_client_release(
        actor=people.lead, platform=Platform.ANDROID, version="5.3.2", now=now - 2 * hour,
        notes="Исправлена отправка push-уведомлений после обновления системы.",
    )  # fmt: skip
    return [
        f"bug {bug.reference} handed to development ({item.external_url})",
        f"feature request {feature.title!r} with 2 votes",
        f"client release {release} to publish by {people.beta_user.contact.organization.name}",
    ]
