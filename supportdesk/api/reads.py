"""Read helpers for the API with the permission check built in. Like
``tickets.access``, they raise NotFound for what the user may not see, so a customer can
never tell another organization's objects exist."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import CharField, QuerySet

from supportdesk.api.models import ApiToken
from supportdesk.contracts.models import Contract
from supportdesk.customers.models import Contact, Organization
from supportdesk.rows import Param, Prepared
from supportdesk.staff.models import Team
from supportdesk.tickets.access import NotFound, contact_of, get_request, is_lead, is_staff
from supportdesk.tickets.models import (
    Component,
    DowngradeProposal,
    Message,
    MessageKind,
    Request,
)


def _own_organization_id(user: User) -> int | None:
    contact = contact_of(user)
    return contact.organization_id if contact is not None else None


def visible_organizations(user: User) -> QuerySet[Organization]:
    """Staff see every organization; a customer their own."""
    if is_staff(user):
        return Organization.objects.all()
    return Organization.objects.filter(pk=_own_organization_id(user) or 0)


def visible_contacts(user: User) -> QuerySet[Contact]:
    if is_staff(user):
        return Contact.objects.all()
    return Contact.objects.filter(organization_id=_own_organization_id(user) or 0)


def visible_contracts(user: User) -> QuerySet[Contract]:
    contracts = Contract.objects.select_related("policy_version__plan")
    if is_staff(user):
        return contracts
    return contracts.filter(organization_id=_own_organization_id(user) or 0)


def get_organization(user: User, organization_id: int) -> Organization:
    organization = visible_organizations(user).filter(pk=organization_id).first()
    if organization is None:
        raise NotFound(f"no organization {organization_id}")
    return organization


def get_contact(user: User, contact_id: int) -> Contact:
    contact = visible_contacts(user).select_related("organization").filter(pk=contact_id).first()
    if contact is None:
        raise NotFound(f"no contact {contact_id}")
    return contact


def get_contract(user: User, contract_id: int) -> Contract:
    contract = visible_contracts(user).filter(pk=contract_id).first()
    if contract is None:
        raise NotFound(f"no contract {contract_id}")
    return contract


def visible_messages(user: User, request: Request) -> QuerySet[Message]:
    """The request's conversation; customers never see internal notes."""
    messages = request.messages.select_related("author", "contact").prefetch_related("attachments")
    if is_staff(user):
        return messages
    return messages.filter(kind=MessageKind.PUBLIC)


def get_message(user: User, request: Request, message_id: int) -> Message:
    message = visible_messages(user, request).filter(pk=message_id).first()
    if message is None:
        raise NotFound(f"no message {message_id}")
    return message


def get_proposal(user: User, proposal_id: int) -> DowngradeProposal:
    proposal = DowngradeProposal.objects.filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound(f"no downgrade proposal {proposal_id}")
    try:
        proposal.request = get_request(user, proposal.request_id)
    except NotFound:
        raise NotFound(f"no downgrade proposal {proposal_id}") from None
    return proposal


def own_tokens(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def get_manageable_token(user: User, token_id: int) -> ApiToken:
    """A token the user may revoke: their own, or anyone's for a support lead."""
    tokens = ApiToken.objects.all() if is_lead(user) else own_tokens(user)
    token = tokens.filter(pk=token_id).first()
    if token is None:
        raise NotFound(f"no token {token_id}")
    return token


# Every create through the API reads it: compiled once, read on every call.
_COMPONENT = Prepared(
    lambda: Component.objects.filter(code=Param("code", CharField()), is_active=True)[:1]
)


def get_component(code: str) -> Component:
    found = _COMPONENT(code=code)
    if not found:
        raise NotFound(f"no component {code!r}")
    return found[0]


def get_user(user_id: int) -> User:
    """A person to assign; whether they may be assigned is the action's rule."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def get_team(team_id: int) -> Team:
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise NotFound(f"no team {team_id}")
    return team
