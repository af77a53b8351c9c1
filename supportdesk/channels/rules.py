"""The intake rules, one module for the actions, the pages and every channel's answer.

- ``PRIORITY_HELP``: the offer's definition and examples of each priority;
- ``contract_for``: the contract in force on the organization's *local* date;
- ``detail_gaps``: what keeps a description from being "detailed" (SPEC 6 rule 1);
- ``outside_contract``: the add-on a request needs that its contract does not include
  (the catalogue's gates, ``contracts.AddOnDefinition``); ``OutsideContract.text`` is the
  plain sentence the page, the acknowledgement e-mail and the API answer give;
- ``intake_notice``: the out-of-hours notice, shown whenever the reaction clock does not
  start at registration, and saying when it starts; ``IntakeNotice.text`` is the one
  sentence the page, the acknowledgement e-mail, and later the chat and the bot show.

This module sits below ``tickets``: it reads contracts, calendars and settings only, so the
request actions, the pages and the notifications can all use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supportdesk.calendars.engine import Calendars
from supportdesk.contracts.models import AddOn, AddOnDefinition, Contract
from supportdesk.contracts.reads import contract_in_force, gating_catalogue, included_add_ons
from supportdesk.customers.models import Organization
from supportdesk.sla.policies import policy_of
from supportdesk.slamath.calendar import WorkCalendar
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.slamath.priority import DetailRule

# SPEC 5: the offer's definitions and examples of each priority, shown next to the choice
# wherever a customer picks one (the portal's new-request page, the bot's dialogue).
PRIORITY_HELP = {
    Priority.P1: gettext_lazy(
        "The system does not work for any user, there is no workaround, and you cannot "
        "restore it even partially."
    ),
    Priority.P2: gettext_lazy(
        "Significantly degraded: some functions are unavailable with no workaround, but "
        "the system works overall. Examples: mass failure of messaging (messages delayed "
        "or lost), of calls (one-way audio, drops), of a SmartApp or chatbot; DLPS not "
        "working; push notifications not working; file transfer not working."
    ),
    Priority.P3: gettext_lazy(
        "Slightly degraded: an inconvenience, or a workaround is needed. Examples: metrics "
        "collection, the administrator console, routing rendering or e-mail notifications "
        "not working; other problems that are not of high priority."
    ),
    Priority.P4: gettext_lazy(
        "Operation is not affected: a minor inconvenience, a documentation error; the "
        "client app fails for individual users (not for many)."
    ),
}


def contract_for(
    organization: Organization, at: datetime, *, related: bool = False
) -> Contract | None:
    """The organization's contract in force at ``at``, judged on the organization's own
    calendar date: a request at 01:00 Moscow on a contract's first day is within it, though
    in UTC that is still the day before. ``related``: see ``contract_in_force``."""
    return contract_in_force(organization.pk, local_date(organization, at), related=related)


def local_date(organization: Organization, at: datetime) -> date:
    """The organization's calendar date at ``at``: the day contracts are judged on."""
    return at.astimezone(ZoneInfo(organization.time_zone)).date()


def detail_rule() -> DetailRule:
    return DetailRule(min_description_length=settings.DETAIL_MIN_DESCRIPTION_LENGTH)


def detail_gaps(*, component: object | None, scope: str | None, description: str) -> list[str]:
    """What the description lacks to be detailed, in the active language; empty when it is
    detailed. The same test as the action's (``DetailRule.missing``), worded for people."""
    rule = detail_rule()
    gaps = []
    if rule.needs_component and component is None:
        gaps.append(_("the component"))
    if rule.needs_scope and not scope:
        gaps.append(_("who is affected (many or individual users)"))
    if len(description.strip()) < rule.min_description_length:
        gaps.append(
            _("a description of at least %(count)d characters")
            % {"count": rule.min_description_length}
        )
    return gaps


@dataclass(frozen=True)
class OutsideContract:
    """The request needs an add-on its contract does not include."""

    add_on: AddOn

    def text(self) -> str:
        """The one plain sentence, in the active language."""
        return _(
            "This request needs the add-on “%(add_on)s”, which your contract does not include. "
            "It is registered as outside the contract: no SLA time counts for it until a "
            "support lead accepts it as a billable exception (then our reaction and resolution "
            "times start) or declines it. You will be told either way."
        ) % {"add_on": self.add_on.label}


def outside_contract(
    contract: Contract,
    *,
    request_type: str,
    environment: str,
    concern: str,
    definitions: list[AddOnDefinition] | None = None,
) -> OutsideContract | None:
    """The first add-on (in the catalogue's order) whose gate the request falls under and
    which the contract neither bought nor has in its plan; None when the contract covers
    it. The gates are data (``AddOnDefinition.gated_*``)."""
    definitions = gating_catalogue() if definitions is None else definitions
    included = {row.code for row in included_add_ons(contract, definitions)}
    for row in definitions:
        if row.code in included:
            continue
        if (
            environment in row.gated_environments
            or request_type in row.gated_request_types
            or concern in row.gated_concerns
        ):
            return OutsideContract(AddOn(row.code))
    return None


def not_covered(contract: Contract) -> list[AddOnDefinition]:
    """The add-ons that gate something and that the contract does not include: what the
    new-request page tells the customer before they send a request ``outside_contract``
    would mark."""
    definitions = gating_catalogue()
    included = {row.code for row in included_add_ons(contract, definitions)}
    return [row for row in definitions if row.gates_anything and row.code not in included]


@dataclass(frozen=True)
class IntakeNotice:
    """The reaction clock of a request does not start when it is registered."""

    starts_at: datetime  # when the reaction clock starts (aware, UTC)

    def text(self, zone: str) -> str:
        """The one sentence, in the active language, with the start in ``zone``."""
        local = self.starts_at.astimezone(ZoneInfo(zone))
        return _(
            "The request is registered outside support hours for its priority: our reaction "
            "time starts counting on %(date)s at %(time)s (%(zone)s)."
        ) % {"date": local.strftime("%d.%m.%Y"), "time": local.strftime("%H:%M"), "zone": zone}

    def preview_text(self, zone: str, priorities: Sequence[str]) -> str:
        """Before a request is sent (the new-request page): which priorities it concerns."""
        local = self.starts_at.astimezone(ZoneInfo(zone))
        return _(
            "Support hours for %(priorities)s are closed now: a request sent now is registered "
            "at once, and our reaction time starts counting on %(date)s at %(time)s (%(zone)s)."
        ) % {
            "priorities": ", ".join(priorities),
            "date": local.strftime("%d.%m.%Y"),
            "time": local.strftime("%H:%M"),
            "zone": zone,
        }


def intake_notice(
    *, registered_at: datetime, reaction_calendar: WorkCalendar
) -> IntakeNotice | None:
    """The notice for a request registered at ``registered_at`` whose reaction clock runs
    on ``reaction_calendar``; None when the clock starts at registration."""
    starts_at = reaction_calendar.next_open(registered_at)
    if starts_at <= registered_at:
        return None
    return IntakeNotice(starts_at=starts_at.astimezone(UTC))


def notices_before_sending(
    contract: Contract, *, at: datetime, calendars: Calendars, request_type: RequestType
) -> list[tuple[IntakeNotice, list[Priority]]]:
    """What ``intake_notice`` would say for a request of each priority sent at ``at``,
    grouped by when the clock starts; empty when every clock would start at once."""
    policy = policy_of(contract.policy_version_id, now=at)
    starts: dict[IntakeNotice, list[Priority]] = {}
    for priority in Priority:
        rule = policy.rules.get((request_type, priority))
        if rule is None:
            continue
        notice = intake_notice(
            registered_at=at, reaction_calendar=calendars(rule.reaction.calendar)
        )
        if notice is not None:
            starts.setdefault(notice, []).append(priority)
    return sorted(starts.items(), key=lambda item: item[0].starts_at)
