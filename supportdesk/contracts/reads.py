"""Read helpers for contracts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import DateField, Expression, IntegerField, QuerySet

from supportdesk.contracts.models import AddOnDefinition, Contract, Server, ServerEnvironment
from supportdesk.contracts.versions import Version, VersionError
from supportdesk.rows import Param, Prepared

# ``contracts_in_force``'s query, with and without what the pages show, compiled once
# (intake reads it for every e-mail of a new request); the rows are read on every call.
_IN_FORCE = {
    related: Prepared(
        lambda related=related: contracts_in_force(  # type: ignore[misc]
            Param("organization", IntegerField()), Param("day", DateField()), related=related
        )[:1]
    )
    for related in (False, True)
}


def contract_in_force(organization_id: int, day: date, *, related: bool = True) -> Contract | None:
    """The organization's contract valid on ``day`` (the latest signed, if they overlap).

    With ``related`` (what the pages show) its plan, intake calendar and named people come
    in the same query; registering a request needs the contract and its plan (whose code
    the add-on gates read), also in the one query."""
    found = _IN_FORCE[related](organization=organization_id, day=day)
    return found[0] if found else None


def contracts_in_force(
    organization_id: int | Expression, day: date | Expression, *, related: bool = True
) -> QuerySet[Contract]:
    """``contract_in_force``'s query, latest signed first, for a caller that reads more in
    the same statement (intake: whether the dedicated engineer is away). The organization
    and the day may be ``rows.Param``s (intake's query is compiled once)."""
    contracts = Contract.objects.filter(
        organization_id=organization_id, valid_from__lte=day, valid_until__gte=day
    ).order_by("-valid_from")
    if related:
        contracts = contracts.select_related(
            "policy_version__plan__intake_calendar", "dedicated_engineer", "personal_manager"
        )
    else:
        contracts = contracts.select_related("policy_version__plan")
    return contracts


# Every registration reads it (the add-ons' gates): compiled once, read on every call.
_CATALOGUE = Prepared(lambda: AddOnDefinition.objects.all())


# The add-ons that gate something (most gate nothing: they are sold, not required).
_GATING = Prepared(
    lambda: AddOnDefinition.objects.exclude(
        gated_environments=[], gated_request_types=[], gated_concerns=[]
    )
)


def catalogue() -> list[AddOnDefinition]:
    """The whole add-on catalogue, in its order."""
    return _CATALOGUE()


def gating_catalogue() -> list[AddOnDefinition]:
    """The add-ons whose gates require them for some requests (``gates_anything``), in the
    catalogue's order: all that deciding whether a contract covers a request reads."""
    return _GATING()


def plan_code_of(contract: Contract) -> str:
    return str(contract.policy_version.plan.code)


def included_add_ons(
    contract: Contract, definitions: list[AddOnDefinition] | None = None
) -> list[AddOnDefinition]:
    """What the contract includes: the add-ons it bought and those its plan includes
    (Premium's by the offer), in the catalogue's order."""
    definitions = catalogue() if definitions is None else definitions
    bought = set(contract.add_ons)
    plan = plan_code_of(contract)
    return [row for row in definitions if row.code in bought or plan in row.included_in_plans]


def servers_of(contract: Contract) -> list[Server]:
    """The contract's installation, production first."""
    order = {value: index for index, value in enumerate(ServerEnvironment.values)}
    return sorted(contract.servers.all(), key=lambda row: (order[row.environment], row.name))


@dataclass(frozen=True)
class Affected:
    """A contract whose production servers run a version below the fix."""

    contract: Contract
    servers: tuple[Server, ...]


def affected_contracts(version: str, *, on: date | None = None) -> list[Affected]:
    """Contracts (in force on ``on``, when given) with a production CTS server whose platform
    version is below ``version``: the customers a bug "fixed in version X" still affects.
    ``version`` must be a platform version (``VersionError`` otherwise). Staff only: the
    callers (the desk page, the development hand-offs) check who reads it."""
    fixed = Version(version)
    servers = Server.objects.filter(environment=ServerEnvironment.PRODUCTION).select_related(
        "contract__organization", "contract__policy_version__plan"
    )
    if on is not None:
        servers = servers.filter(contract__valid_from__lte=on, contract__valid_until__gte=on)
    by_contract: dict[int, list[Server]] = {}
    contracts: dict[int, Contract] = {}
    for server in servers.order_by("contract__organization__name", "contract__number", "name"):
        try:
            below = Version(server.platform_version) < fixed
        except VersionError:  # validated on the way in; an old row is not a reason to fail
            continue
        if below:
            contracts[server.contract_id] = server.contract
            by_contract.setdefault(server.contract_id, []).append(server)
    return [Affected(contracts[key], tuple(rows)) for key, rows in by_contract.items()]
