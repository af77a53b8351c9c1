"""Models to answers. Plain functions, so what the API shows is written down field by field."""

from __future__ import annotations

from django.urls import reverse

from supportdesk.api import schemas
from supportdesk.api.models import ApiToken
from supportdesk.api.sla import ClockReport
from supportdesk.channels.actions import outside_of
from supportdesk.contracts.models import AddOnDefinition, Contract
from supportdesk.contracts.reads import included_add_ons
from supportdesk.customers.models import Contact, Organization
from supportdesk.tickets.models import Attachment, DowngradeProposal, Message, Request
from supportdesk.tickets.reasons import render as render_reason


def request(row: Request) -> schemas.RequestOut:
    """Expects ``component``, ``reaction_clock`` and ``resolution_clock`` selected."""
    resolution = row.resolution_clock
    return schemas.RequestOut(
        id=row.pk,
        reference=row.reference,
        organization_id=row.organization_id,
        contract_id=row.contract_id,
        contact_id=row.contact_id,
        request_type=row.request_type,
        component=row.component.code if row.component else None,
        environment=row.environment,
        channel=row.channel,
        scope=row.scope,
        subject=row.subject,
        description=row.description,
        is_detailed=row.is_detailed,
        requested_priority=row.requested_priority,
        priority=row.priority,
        status=row.status,
        assignee_id=row.assignee_id,
        team_id=row.team_id,
        registered_at=row.registered_at,
        first_response_at=row.first_response_at,
        resolved_at=row.resolved_at,
        closed_at=row.closed_at,
        updated_at=row.updated_at,
        reaction_due=row.reaction_clock.due_at,
        resolution_due=resolution.due_at if resolution else None,
        calendar_draft=row.reaction_clock.calendar_draft
        or (resolution is not None and resolution.calendar_draft),
        concern=row.concern,
        out_of_contract=row.out_of_contract or None,
        out_of_contract_add_on=row.out_of_contract_add_on or None,
        out_of_contract_notice=outside.text() if (outside := outside_of(row)) else None,
    )


def attachment(row: Attachment) -> schemas.AttachmentOut:
    return schemas.AttachmentOut(
        id=row.pk,
        message_id=row.message_id,
        name=row.name,
        size=row.size,
        content_type=row.content_type,
        url=reverse("api-1:attachment-download", kwargs={"attachment_id": row.pk}),
    )


def message(row: Message) -> schemas.MessageOut:
    author, contact = row.author, row.contact
    name = (author.get_full_name() or author.get_username()) if author else ""
    return schemas.MessageOut(
        id=row.pk,
        request_id=row.request_id,
        kind=row.kind,
        author_id=row.author_id,
        author_name=name or (contact.name if contact else ""),
        contact_id=row.contact_id,
        from_vendor=row.from_vendor,
        channel=row.channel,
        body=row.body,
        created_at=row.created_at,
        attachments=[attachment(item) for item in row.attachments.all()],
    )


def proposal(row: DowngradeProposal) -> schemas.ProposalOut:
    return schemas.ProposalOut(
        id=row.pk,
        request_id=row.request_id,
        from_priority=row.from_priority,
        to_priority=row.to_priority,
        reason=row.reason,
        state=row.state,
        proposed_at=row.proposed_at,
        decided_at=row.decided_at,
    )


def organization(row: Organization) -> schemas.OrganizationOut:
    return schemas.OrganizationOut(
        id=row.pk, name=row.name, slug=row.slug, time_zone=row.time_zone, is_active=row.is_active
    )


def contact(row: Contact) -> schemas.ContactOut:
    return schemas.ContactOut(
        id=row.pk,
        organization_id=row.organization_id,
        name=row.name,
        email=row.email,
        phone=row.phone,
        is_customer_admin=row.is_customer_admin,
        language=row.language,
        is_active=row.is_active,
    )


def contract(
    row: Contract, definitions: list[AddOnDefinition] | None = None
) -> schemas.ContractOut:
    """Expects ``policy_version__plan`` selected; ``definitions``: the add-on catalogue,
    read once for a page of contracts."""
    return schemas.ContractOut(
        id=row.pk,
        number=row.number,
        organization_id=row.organization_id,
        plan=row.policy_version.plan.code,
        policy_version=row.policy_version.number,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        users=row.users,
        cts_servers=row.cts_servers,
        fault_tolerance=row.fault_tolerance,
        add_ons=[str(item) for item in row.add_ons],
        included_add_ons=[item.code for item in included_add_ons(row, definitions)],
        dedicated_engineer_id=row.dedicated_engineer_id,
        personal_manager_id=row.personal_manager_id,
    )


def clock(report: ClockReport) -> schemas.ClockOut:
    state = report.state
    return schemas.ClockOut(
        kind=report.kind,
        status=state.status.value,
        target_seconds=int(state.target.total_seconds()) if state.target else None,
        calendar=state.calendar,
        elapsed_seconds=state.elapsed.total_seconds(),
        remaining_seconds=(
            state.remaining.total_seconds() if state.remaining is not None else None
        ),
        due_at=state.due_at,
        warning_75_at=state.warnings.get(75),
        warning_90_at=state.warnings.get(90),
        breached_at=state.breached_at,
        events=[
            schemas.ClockEventOut(
                kind=event.kind,
                at=event.at,
                target_seconds=event.target_seconds,
                calendar=report.calendar_names.get(event.calendar_id or 0),
                reason=render_reason(event.reason),
            )
            for event in report.events
        ],
    )


def token(row: ApiToken) -> schemas.TokenOut:
    return schemas.TokenOut(
        id=row.pk,
        name=row.name,
        prefix=row.prefix,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )
