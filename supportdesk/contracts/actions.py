"""Every change to contracts: their installation (CTS servers), the SLA policy version they
run on (a lead's bulk move; the next term's version at renewal). Each checks permission
first, owns its transaction and records an audit event. Requests keep the policy version
they were opened under (``tickets.Request.policy_version``): nothing here touches them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.audit.record import record, record_many
from supportdesk.contracts.models import Contract, Server, ServerEnvironment
from supportdesk.sla.models import PolicyVersion
from supportdesk.sla.policies import version_in_force
from supportdesk.slamath.policy import PolicyError
from supportdesk.staff.permissions import Capability, require


class ContractError(ValueError):
    """The change cannot happen as asked (a form error, a 409 or 422 for the API, exit 2)."""


# -- installation ----------------------------------------------------------------------------


def _server_fields(
    *, name: str, environment: str, platform_version: str
) -> tuple[str, ServerEnvironment, str]:
    name, platform_version = name.strip(), platform_version.strip()
    if not name:
        raise ContractError(_("A server needs a name or host."))
    if environment not in ServerEnvironment.values:
        raise ContractError(_("Unknown environment: %(value)s.") % {"value": environment})
    try:
        Server._meta.get_field("platform_version").run_validators(platform_version)
    except ValidationError as error:
        raise ContractError(" ".join(error.messages)) from error
    return name, ServerEnvironment(environment), platform_version


def _unique_name(contract: Contract, name: str, *, but: int | None = None) -> None:
    servers = contract.servers.filter(name=name)
    if but is not None:
        servers = servers.exclude(pk=but)
    if servers.exists():
        raise ContractError(
            _("The contract already records a server named %(name)s.") % {"name": name}
        )


def add_server(
    *,
    actor: User,
    contract: Contract,
    name: str,
    environment: str,
    platform_version: str,
    fault_tolerant_pair: bool = False,
    notes: str = "",
    now: datetime,
) -> Server:
    require(actor, Capability.EDIT_INSTALLATION)
    name, env, version = _server_fields(
        name=name, environment=environment, platform_version=platform_version
    )
    with transaction.atomic():
        _unique_name(contract, name)
        server = Server.objects.create(
            contract=contract, name=name, environment=env, platform_version=version,
            fault_tolerant_pair=fault_tolerant_pair, notes=notes.strip(), updated_at=now,
        )  # fmt: skip
        record(
            at=now, actor=actor, action="installation.server_added", subject=contract,
            data={"server": server.pk, "name": name, "environment": env.value,
                  "platform_version": version},
        )  # fmt: skip
    return server


def change_server(
    *,
    actor: User,
    server: Server,
    name: str,
    environment: str,
    platform_version: str,
    fault_tolerant_pair: bool,
    notes: str = "",
    now: datetime,
) -> Server:
    require(actor, Capability.EDIT_INSTALLATION)
    name, env, version = _server_fields(
        name=name, environment=environment, platform_version=platform_version
    )
    with transaction.atomic():
        server = Server.objects.select_for_update().select_related("contract").get(pk=server.pk)
        _unique_name(server.contract, name, but=server.pk)
        before = {
            "name": server.name,
            "environment": server.environment,
            "platform_version": server.platform_version,
            "fault_tolerant_pair": server.fault_tolerant_pair,
        }
        server.name, server.environment, server.platform_version = name, env, version
        server.fault_tolerant_pair, server.notes, server.updated_at = (
            fault_tolerant_pair, notes.strip(), now,
        )  # fmt: skip
        server.save()
        record(
            at=now, actor=actor, action="installation.server_changed", subject=server.contract,
            data={"server": server.pk, "from": before,
                  "to": {"name": name, "environment": env.value, "platform_version": version,
                         "fault_tolerant_pair": fault_tolerant_pair}},
        )  # fmt: skip
    return server


def remove_server(*, actor: User, server: Server, now: datetime) -> None:
    require(actor, Capability.EDIT_INSTALLATION)
    with transaction.atomic():
        contract = server.contract
        record(
            at=now, actor=actor, action="installation.server_removed", subject=contract,
            data={"server": server.pk, "name": server.name,
                  "platform_version": server.platform_version},
        )  # fmt: skip
        server.delete()


# -- SLA policy versions -----------------------------------------------------------------------


def move_contracts_to_policy_version(
    *,
    actor: User,
    contracts: Iterable[Contract],
    version: PolicyVersion,
    reason: str,
    now: datetime,
) -> list[Contract]:
    """A support lead moves contracts of the version's plan to it, with a reason: their new
    requests are measured by it; requests already open keep the version they were opened
    under. Only a version in force at ``now`` (a draft may still change). Returns the
    contracts moved (those on it already are left as they are)."""
    require(actor, Capability.MOVE_POLICY_VERSION)
    reason = reason.strip()
    if not reason:
        raise ContractError(_("Say why the contracts move to another SLA policy version."))
    if version.effective_from > now:
        raise ContractError(
            _("Version %(version)s is not in force yet: contracts move to a version in force.")
            % {"version": version}
        )
    with transaction.atomic():
        ids = [contract.pk for contract in contracts]
        rows = list(
            Contract.objects.select_for_update(of=("self",))
            .select_related("policy_version__plan")
            .filter(pk__in=ids)
            .order_by("pk")
        )
        other_plan = [row.number for row in rows if row.policy_version.plan_id != version.plan_id]
        if other_plan:
            raise ContractError(
                _("Contracts %(numbers)s are on another plan than %(version)s.")
                % {"numbers": ", ".join(other_plan), "version": version}
            )
        moved = [row for row in rows if row.policy_version_id != version.pk]
        before = {row.pk: str(row.policy_version) for row in moved}
        for row in moved:
            row.policy_version = version
        Contract.objects.bulk_update(moved, ["policy_version"])
        record_many(
            at=now, actor=actor, action="contract.policy_version_moved",
            subjects=[(row, {"from": before[row.pk], "to": str(version), "reason": reason})
                      for row in moved],
        )  # fmt: skip
    return moved


def next_term_version(contract: Contract, *, starts: datetime) -> PolicyVersion:
    """The newest version of the contract's plan in force when a term starting at
    ``starts`` begins: a renewal picks up the plan's latest SLA."""
    try:
        return version_in_force(contract.policy_version.plan.code, starts)
    except PolicyError as error:
        raise ContractError(str(error)) from error


def renew_contract(
    *,
    actor: User,
    contract: Contract,
    number: str,
    valid_until: date | None = None,
    now: datetime,
) -> Contract:
    """The contract's next term: a new contract from the day after it ends, with the same
    organization, size, add-ons and named people, on the newest SLA policy version of its
    plan in force on the new term's first day (the organization's midnight), and a copy of
    its installation. ``valid_until`` defaults to one year. A lead's, as moving versions is."""
    require(actor, Capability.MOVE_POLICY_VERSION)
    number = number.strip()
    if not number:
        raise ContractError(_("The new contract needs a number."))
    start = contract.valid_until + timedelta(days=1)
    until = valid_until or start.replace(year=start.year + 1) - timedelta(days=1)
    if until < start:
        raise ContractError(_("The new term cannot end before it starts."))
    zone = ZoneInfo(contract.organization.time_zone)
    version = next_term_version(contract, starts=datetime.combine(start, time(), tzinfo=zone))
    with transaction.atomic():
        if Contract.objects.filter(number=number).exists():
            raise ContractError(_("Contract %(number)s exists already.") % {"number": number})
        renewed = Contract.objects.create(
            number=number, organization=contract.organization, policy_version=version,
            valid_from=start, valid_until=until, users=contract.users,
            cts_servers=contract.cts_servers, fault_tolerance=contract.fault_tolerance,
            add_ons=list(contract.add_ons), dedicated_engineer=contract.dedicated_engineer,
            personal_manager=contract.personal_manager,
        )  # fmt: skip
        Server.objects.bulk_create(
            Server(
                contract=renewed, name=server.name, environment=server.environment,
                platform_version=server.platform_version,
                fault_tolerant_pair=server.fault_tolerant_pair, notes=server.notes,
                updated_at=now,
            )
            for server in contract.servers.all()
        )  # fmt: skip
        record(
            at=now, actor=actor, action="contract.renewed", subject=renewed,
            data={"from": contract.number, "policy_version": str(version)},
        )  # fmt: skip
    return renewed
