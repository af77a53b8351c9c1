"""The support lead's dashboard: today's breaches and requests at risk, the share within
SLA this month so far per plan, and the load per engineer. Leads only (the view checks);
a fixed number of statements whatever the volume, through the ``reporting`` alias."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db.models import Count, Q

from supportdesk.reports.analytics import Month, share
from supportdesk.reports.database import reporting_database
from supportdesk.sla.models import Plan
from supportdesk.tickets.models import OPEN_STATUSES, ClockOutcome, Request

AT_RISK_SHOWN = 100


@dataclass(frozen=True, slots=True)
class ClockAlert:
    request: Request
    clock: str  # "reaction" | "resolution"
    at: datetime  # the breach instant, or the 75 % warning for a request at risk
    due_at: datetime | None


@dataclass(frozen=True, slots=True)
class PlanShare:
    code: str
    title: str
    reaction_met: int
    reaction_counted: int
    reaction_share: Decimal | None
    resolution_met: int
    resolution_counted: int
    resolution_share: Decimal | None


@dataclass(frozen=True, slots=True)
class Load:
    user_id: int | None  # None: unassigned
    name: str
    open: int
    p1: int
    p2: int


@dataclass(frozen=True, slots=True)
class Dashboard:
    now: datetime
    day_start: datetime
    month: Month
    breaches: tuple[ClockAlert, ...]
    at_risk: tuple[ClockAlert, ...]
    plans: tuple[PlanShare, ...]
    load: tuple[Load, ...]


RELATED = ("organization", "assignee", "reaction_clock", "resolution_clock")


def _alerts(
    requests: list[Request], *, breached: bool, start: datetime, now: datetime
) -> list[ClockAlert]:
    alerts = []
    for request in requests:
        for kind in ("reaction", "resolution"):
            clock = getattr(request, f"{kind}_clock")
            if clock is None:
                continue
            if breached:
                running = clock.status == "running" and clock.due_at is not None
                at = clock.breached_at or (clock.due_at if running else None)
                if at is not None and start <= at and (at < now or at == clock.breached_at):
                    alerts.append(ClockAlert(request, kind, at, clock.due_at))
            elif (
                clock.status == "running"
                and clock.warning_75_at is not None
                and clock.warning_75_at <= now
                and clock.due_at is not None
                and clock.due_at >= now
            ):
                alerts.append(ClockAlert(request, kind, clock.warning_75_at, clock.due_at))
    return sorted(alerts, key=lambda alert: alert.at)


def dashboard(*, now: datetime, zone: ZoneInfo) -> Dashboard:
    db = reporting_database()
    local = now.astimezone(zone)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    requests = Request.objects.using(db).select_related(*RELATED).order_by()

    def breached_today(kind: str) -> Q:
        return Q(
            **{f"{kind}_clock__breached_at__gte": day_start, f"{kind}_clock__breached_at__lte": now}
        ) | Q(
            **{
                f"{kind}_clock__status": "running",
                f"{kind}_clock__due_at__gte": day_start,
                f"{kind}_clock__due_at__lt": now,
            }
        )

    breaches = list(requests.filter(breached_today("reaction") | breached_today("resolution")))

    def at_risk(kind: str) -> Q:
        return Q(
            **{
                f"{kind}_clock__status": "running",
                f"{kind}_clock__warning_75_at__lte": now,
                f"{kind}_clock__due_at__gte": now,
            }
        )

    risky = list(
        requests.filter(status__in=OPEN_STATUSES)
        .filter(at_risk("reaction") | at_risk("resolution"))
        .order_by("resolution_clock__due_at")[:AT_RISK_SHOWN]
    )

    month = Month.of(now, zone)
    start, _end = month.bounds(zone)
    outcomes = (
        ClockOutcome.objects.using(db)
        .filter(counted_at__gte=start, counted_at__lte=now)
        .order_by()
        .values("contract__policy_version__plan__code")
        .annotate(
            reaction=Count("pk", filter=Q(kind="reaction")),
            reaction_met=Count("pk", filter=Q(kind="reaction", met=True)),
            resolution=Count("pk", filter=Q(kind="resolution")),
            resolution_met=Count("pk", filter=Q(kind="resolution", met=True)),
        )
    )
    by_plan: dict[str, dict[str, Any]] = {
        row["contract__policy_version__plan__code"]: dict(row) for row in outcomes
    }
    plans = []
    for plan in Plan.objects.using(db).order_by("code"):
        row: dict[str, Any] = by_plan.get(plan.code, {})
        counts = {
            k: row.get(k, 0) for k in ("reaction", "reaction_met", "resolution", "resolution_met")
        }
        plans.append(
            PlanShare(
                code=plan.code,
                title=plan.title,
                reaction_met=counts["reaction_met"],
                reaction_counted=counts["reaction"],
                reaction_share=share(counts["reaction_met"], counts["reaction"]),
                resolution_met=counts["resolution_met"],
                resolution_counted=counts["resolution"],
                resolution_share=share(counts["resolution_met"], counts["resolution"]),
            )
        )

    open_ = Q(assigned_requests__status__in=OPEN_STATUSES)
    people = (
        User.objects.using(db)
        .filter(staff__isnull=False, is_active=True)
        .annotate(
            open=Count("assigned_requests", filter=open_),
            p1=Count("assigned_requests", filter=open_ & Q(assigned_requests__priority="P1")),
            p2=Count("assigned_requests", filter=open_ & Q(assigned_requests__priority="P2")),
        )
        .order_by()
        .values("pk", "first_name", "last_name", "username", "open", "p1", "p2")
    )
    load = [
        Load(
            row["pk"],
            f"{row['first_name']} {row['last_name']}".strip() or row["username"],
            row["open"],
            row["p1"],
            row["p2"],
        )
        for row in people
    ]
    unassigned = (
        Request.objects.using(db)
        .filter(status__in=OPEN_STATUSES, assignee__isnull=True)
        .order_by()
        .aggregate(
            open=Count("pk"),
            p1=Count("pk", filter=Q(priority="P1")),
            p2=Count("pk", filter=Q(priority="P2")),
        )
    )
    load.sort(key=lambda item: (-item.open, item.name))
    load.append(Load(None, "", unassigned["open"], unassigned["p1"], unassigned["p2"]))
    return Dashboard(
        now=now,
        day_start=day_start,
        month=month,
        breaches=tuple(_alerts(breaches, breached=True, start=day_start, now=now)),
        at_risk=tuple(_alerts(risky, breached=False, start=day_start, now=now)),
        plans=tuple(plans),
        load=tuple(load),
    )
