"""One endpoint per action on a request, and the customer's answer to a downgrade proposal.

Each parses its body, fetches the request through ``tickets.access`` (NotFound -> 404),
calls its action in ``tickets.actions`` with ``now`` read once, and renders the result.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from supportdesk.api import reads, render
from supportdesk.api.auth import acting_user
from supportdesk.api.requests import listed
from supportdesk.api.schemas import (
    ERRORS,
    READ_ERRORS,
    AssignIn,
    BodyIn,
    CorrectionIn,
    DecisionIn,
    Id,
    MessageOut,
    PriorityIn,
    ProposalOut,
    ReopenIn,
    RequestOut,
    ResolveIn,
    StatusIn,
)
from supportdesk.channels.actions import receive
from supportdesk.channels.inbound import Inbound
from supportdesk.tickets import actions
from supportdesk.tickets.access import (
    ActionDenied,
    get_request,
    require_customer_of,
    require_staff,
)
from supportdesk.tickets.models import Channel, Request

router = Router(tags=["request actions"])


# -- the conversation --------------------------------------------------------------------


@router.post("/requests/{request_id}/reply", response={201: MessageOut, **ERRORS})
def reply(request: HttpRequest, request_id: Id, data: BodyIn) -> Status[MessageOut]:
    user, now = acting_user(request), timezone.now()
    ticket = get_request(user, request_id)
    inbound = Inbound(
        channel=Channel.API, sender_scope=f"user:{user.pk}", external_id=None, actor=user,
        thread=ticket, body=data.body,
    )  # fmt: skip
    message = receive(inbound, now=now).message
    if message is None:  # a signed-in caller is never refused as an unknown sender
        raise ActionDenied("only support staff and customers reply")
    return Status(201, render.message(message))


@router.post("/requests/{request_id}/notes", response={201: MessageOut, **ERRORS})
def add_note(request: HttpRequest, request_id: Id, data: BodyIn) -> Status[MessageOut]:
    user, now = acting_user(request), timezone.now()
    ticket = get_request(user, request_id)
    message = actions.add_internal_note(actor=user, request=ticket, body=data.body, now=now)
    return Status(201, render.message(message))


# -- working the request -----------------------------------------------------------------


def _shown(user: User, ticket: Request) -> RequestOut:
    return render.request(listed(user).get(pk=ticket.pk))


@router.post("/requests/{request_id}/assign", response={200: RequestOut, **ERRORS})
def assign(request: HttpRequest, request_id: Id, data: AssignIn) -> RequestOut:
    user, now = acting_user(request), timezone.now()
    ticket = get_request(user, request_id)
    require_staff(user)  # before looking up people and teams, which customers may not probe
    assignee = reads.get_user(data.assignee_id) if data.assignee_id else None
    team = reads.get_team(data.team_id) if data.team_id else None
    ticket = actions.assign(actor=user, request=ticket, assignee=assignee, team=team, now=now)
    return _shown(user, ticket)


@router.post("/requests/{request_id}/status", response={200: RequestOut, **ERRORS})
def set_status(request: HttpRequest, request_id: Id, data: StatusIn) -> RequestOut:
    user, now = acting_user(request), timezone.now()
    ticket = get_request(user, request_id)
    ticket = actions.set_status(
        actor=user, request=ticket, status=data.status, reason=data.reason, now=now
    )
    return _shown(user, ticket)


@router.post("/requests/{request_id}/raise-priority", response={200: RequestOut, **ERRORS})
def raise_priority(request: HttpRequest, request_id: Id, data: PriorityIn) -> RequestOut:
    user, now = acting_user(request), timezone.now()
    ticket = get_request(user, request_id)
    ticket = actions.raise_priority(
        actor=user, request=ticket, to=data.priority, reason=data.reason, now=now
    )
    return _shown(user, ticket)


@router.post("/requests/{request_id}/correct-priority", response={200: RequestOut, **ERRORS})
def correct_priority(request: HttpRequest, request_id: Id, data: CorrectionIn) -> RequestOut:
    user, now = acting_user(request), timezone.now()
    ticket = get_request(user, request_id)
    ticket = actions.correct_priority(
        actor=user, request=ticket, to=data.priority, reason=data.reason, now=now,
        definition=data.definition,
    )  # fmt: skip
    return _shown(user, ticket)


@router.post("/requests/{request_id}/propose-downgrade", response={201: ProposalOut, **ERRORS})
def propose_downgrade(
    request: HttpRequest, request_id: Id, data: PriorityIn
) -> Status[ProposalOut]:
    user, now = acting_user(request), timezone.now()
    ticket = get_request(user, request_id)
    proposal = actions.propose_downgrade(
        actor=user, request=ticket, to=data.priority, reason=data.reason, now=now
    )
    return Status(201, render.proposal(proposal))


@router.get(
    "/requests/{request_id}/downgrade-proposals",
    response={200: list[ProposalOut], **READ_ERRORS},
)
def list_proposals(request: HttpRequest, request_id: Id) -> list[ProposalOut]:
    ticket = get_request(acting_user(request), request_id)
    return [render.proposal(row) for row in ticket.downgrade_proposals.all()]


@router.post("/requests/{request_id}/resolve", response={200: RequestOut, **ERRORS})
def resolve(request: HttpRequest, request_id: Id, data: ResolveIn) -> RequestOut:
    user, now = acting_user(request), timezone.now()
    ticket = get_request(user, request_id)
    ticket = actions.resolve(actor=user, request=ticket, summary=data.summary, now=now)
    return _shown(user, ticket)


@router.post("/requests/{request_id}/confirm", response={200: RequestOut, **ERRORS})
def confirm(request: HttpRequest, request_id: Id) -> RequestOut:
    user, now = acting_user(request), timezone.now()
    ticket = get_request(user, request_id)
    ticket = actions.confirm_resolution(actor=user, request=ticket, now=now)
    return _shown(user, ticket)


@router.post("/requests/{request_id}/reopen", response={200: RequestOut, **ERRORS})
def reopen(request: HttpRequest, request_id: Id, data: ReopenIn) -> RequestOut:
    user, now = acting_user(request), timezone.now()
    ticket = get_request(user, request_id)
    ticket = actions.reopen(actor=user, request=ticket, reason=data.reason, now=now)
    return _shown(user, ticket)


# -- a request outside the contract: a support lead decides ---------------------------------


@router.post("/requests/{request_id}/out-of-contract/accept", response={200: RequestOut, **ERRORS})
def accept_out_of_contract(request: HttpRequest, request_id: Id, data: DecisionIn) -> RequestOut:
    user, now = acting_user(request), timezone.now()
    ticket = get_request(user, request_id)
    ticket = actions.accept_out_of_contract(actor=user, request=ticket, reason=data.reason, now=now)
    return _shown(user, ticket)


@router.post("/requests/{request_id}/out-of-contract/decline", response={200: RequestOut, **ERRORS})
def decline_out_of_contract(request: HttpRequest, request_id: Id, data: DecisionIn) -> RequestOut:
    user, now = acting_user(request), timezone.now()
    ticket = get_request(user, request_id)
    ticket = actions.decline_out_of_contract(
        actor=user, request=ticket, reason=data.reason, now=now
    )
    return _shown(user, ticket)


# -- the customer's answer to a downgrade proposal ---------------------------------------


def _decide(request: HttpRequest, proposal_id: int, *, accept: bool) -> ProposalOut:
    user, now = acting_user(request), timezone.now()
    proposal = reads.get_proposal(user, proposal_id)
    contact = require_customer_of(user, proposal.request)
    decided = actions.decide_downgrade(by=contact, proposal=proposal, accept=accept, now=now)
    return render.proposal(decided)


@router.post("/downgrade-proposals/{proposal_id}/accept", response={200: ProposalOut, **ERRORS})
def accept_downgrade(request: HttpRequest, proposal_id: Id) -> ProposalOut:
    return _decide(request, proposal_id, accept=True)


@router.post("/downgrade-proposals/{proposal_id}/decline", response={200: ProposalOut, **ERRORS})
def decline_downgrade(request: HttpRequest, proposal_id: Id) -> ProposalOut:
    return _decide(request, proposal_id, accept=False)
