"""Absences: when a staff member is away, intake does not give them the requests of the
contracts they are named on (the dedicated engineer's fallback is the team)."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Expression, QuerySet
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.staff.models import Absence, StaffMember
from supportdesk.staff.permissions import ActionDenied, Capability, require

ABSENCE_SET = "staff.absence_set"
ABSENCE_REMOVED = "staff.absence_removed"


class AbsenceError(ValueError):
    """Bad dates: nothing was saved."""


def absences_on(day: date | Expression) -> QuerySet[Absence]:
    """The absences that include this (local) date (or a ``rows.Param`` for it)."""
    return Absence.objects.filter(starts_on__lte=day, ends_on__gte=day)


def is_away(user_id: int, day: date) -> bool:
    """Whether the person is away on this (local) date."""
    return absences_on(day).filter(member__user_id=user_id).exists()


def absences_from(day: date) -> QuerySet[Absence]:
    """Absences that have not ended before ``day``, with their people."""
    return Absence.objects.filter(ends_on__gte=day).select_related("member__user", "set_by")


def _require_for(actor: User, member: StaffMember) -> None:
    require(actor, Capability.SET_ABSENCE)
    if member.user_id != actor.pk:
        require(actor, Capability.SET_OTHERS_ABSENCE)


def set_absence(
    *, actor: User, member: StaffMember, starts_on: date, ends_on: date, note: str, now: datetime
) -> Absence:
    """The member themself or a support lead records an absence (both dates included)."""
    _require_for(actor, member)
    if ends_on < starts_on:
        raise AbsenceError(_("An absence ends on or after the day it starts."))
    with transaction.atomic():
        absence = Absence.objects.create(
            member=member, starts_on=starts_on, ends_on=ends_on, note=note.strip()[:200],
            set_by=actor, set_at=now,
        )  # fmt: skip
        record(
            at=now, actor=actor, action=ABSENCE_SET, subject=member,
            data={"absence": absence.pk, "from": str(starts_on), "until": str(ends_on)},
        )  # fmt: skip
    return absence


def remove_absence(*, actor: User, absence: Absence, now: datetime) -> None:
    _require_for(actor, absence.member)
    with transaction.atomic():
        deleted, _count = Absence.objects.filter(pk=absence.pk).delete()
        if not deleted:
            raise ActionDenied(_("The absence was already removed."))
        record(
            at=now, actor=actor, action=ABSENCE_REMOVED, subject=absence.member,
            data={"from": absence.starts_on.isoformat(), "until": absence.ends_on.isoformat()},
        )  # fmt: skip
