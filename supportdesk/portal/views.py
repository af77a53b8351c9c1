"""The customer portal: thin views over ``tickets.access`` (reads), ``channels.receive``
(a new request, a reply: what arrives from the customer) and ``tickets.actions`` (every
other change). Time is read once per request and passed down. Every form works as a plain
POST followed by a redirect; nothing needs JavaScript.

The intake rules the pages show (detail gaps, the out-of-hours notice) come from
``channels.rules``, the same functions the actions and the acknowledgement e-mail use.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import wraps
from typing import Concatenate
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from supportdesk.calendars.engine import Calendars
from supportdesk.channels import rules
from supportdesk.channels.actions import outside_of, receive
from supportdesk.channels.inbound import Inbound, InboundFile, RefusedFile
from supportdesk.contracts.models import AddOnDefinition, Contract, Server
from supportdesk.contracts.reads import contract_in_force, included_add_ons, servers_of
from supportdesk.customers.models import Contact, Organization
from supportdesk.portal.bugs import bug_status
from supportdesk.portal.forms import NewRequestForm, ReopenForm, ReplyForm
from supportdesk.reports.access import analytics_contracts
from supportdesk.search import reads as search_reads
from supportdesk.sla.models import PriorityChoices, SlaClock
from supportdesk.sla.policies import as_policy
from supportdesk.sla.reads import clock_state
from supportdesk.slamath.clock import ClockStatus
from supportdesk.slamath.policy import Priority, RequestType, Target
from supportdesk.tickets import actions
from supportdesk.tickets.access import (
    ActionDenied,
    NotFound,
    contact_of,
    get_attachment,
    get_request,
    is_staff,
    require_customer_of,
    visible_requests,
)
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import (
    Channel,
    Component,
    Concern,
    Environment,
    MessageKind,
    ProposalState,
    Request,
    Scope,
    Status,
)
from supportdesk.web.downloads import attachment_response
from supportdesk.web.uploads import files_within_limit

PAGE_SIZE = 25
ROUND_THE_CLOCK = "24x7"

type View[**P] = Callable[Concatenate[HttpRequest, P], HttpResponse]


def portal_view[**P](view: View[P]) -> View[P]:
    """Signed-in customers only: anonymous visitors sign in, staff go to the desk."""

    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if is_staff(_user(request)):
            return HttpResponseRedirect("/desk/")
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required runs first
        raise Http404
    return user


def _contact(request: HttpRequest) -> Contact | None:
    return contact_of(_user(request))


def _zone(organization: Organization) -> ZoneInfo:
    return ZoneInfo(organization.time_zone)


def _fetch(request: HttpRequest, request_id: int) -> Request:
    """The request if the user may see it; a 404 otherwise, so existence never leaks."""
    try:
        return get_request(_user(request), request_id)
    except NotFound:
        raise Http404 from None


def _current_contract(organization_id: int, day: date) -> Contract | None:
    """The contract in force, else the latest one (the contract page still shows it)."""
    latest = Contract.objects.filter(organization_id=organization_id).select_related(
        "policy_version__plan__intake_calendar", "dedicated_engineer", "personal_manager"
    )
    in_force = contract_in_force(organization_id, day)
    return in_force or latest.order_by("-valid_until").first()


def _back(ticket: Request) -> HttpResponse:
    return redirect("portal:request", request_id=ticket.pk)


def _refused(request: HttpRequest, error: Exception) -> None:
    messages.error(request, _("This could not be done: %(reason)s") % {"reason": error})


# -- list -------------------------------------------------------------------------------


@require_GET
@portal_view
def index(request: HttpRequest) -> HttpResponse:
    contact = _contact(request)
    if contact is None:
        return render(request, "portal/no_contact.html", status=403)
    organization_wide = contact.is_customer_admin and request.GET.get("scope") == "org"
    user = _user(request)
    text = request.GET.get("q", "").strip()[:200]
    if text:  # search: "SD-123" opens it, words search what the customer sees
        found = search_reads.by_reference(user, text)
        if found is not None:
            return HttpResponseRedirect(reverse("portal:request", args=[found.pk]))
    rows = visible_requests(user).select_related("resolution_clock", "contact")
    if not organization_wide:
        rows = rows.filter(contact=contact)
    context = {
        "contact": contact,
        "organization_wide": organization_wide,
        "searching": text,
        "zone": _zone(contact.organization),
        "now": timezone.now(),  # a running clock past its due time reads as overdue
    }
    if text:  # pages by cursor, counted up to the cap (a page number needs every match)
        results = search_reads.find(
            user,
            rows,
            text,
            search_reads.SearchCursor.decode(request.GET.get("after", "")),
            size=PAGE_SIZE,
        )
        context |= {"rows": results.rows} | results.page_context(after=request.GET.get("after", ""))
    else:
        page = Paginator(rows.order_by("-registered_at", "-pk"), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context |= {"rows": page.object_list, "page": page}
    return render(request, "portal/index.html", context)


# -- new request ------------------------------------------------------------------------


def _notices_before_sending(contact: Contact, now: datetime) -> list[str]:
    """The intake rule's notice for each priority a request sent now would get."""
    contract = rules.contract_for(contact.organization, now)
    if contract is None:
        return []
    zone = contact.organization.time_zone
    grouped = rules.notices_before_sending(
        contract, at=now, calendars=Calendars(), request_type=RequestType.INCIDENT
    )
    return [notice.preview_text(zone, priorities) for notice, priorities in grouped]


def _not_covered(contact: Contact, now: datetime) -> list[str]:
    """The add-ons whose requests the contract does not cover, by name."""
    contract = rules.contract_for(contact.organization, now, related=True)
    return [row.label for row in rules.not_covered(contract)] if contract is not None else []


def _files_refused(request: HttpRequest, refused: tuple[RefusedFile, ...]) -> None:
    for file in refused:
        messages.error(
            request,
            _("The file %(name)s was not attached: %(reason)s")
            % {"name": file.name, "reason": file.reason},
        )


@require_http_methods(["GET", "POST"])
@portal_view
@files_within_limit(back=lambda request: reverse("portal:new"))
def new_request(request: HttpRequest) -> HttpResponse:
    contact = _contact(request)
    if contact is None:
        return render(request, "portal/no_contact.html", status=403)
    now = timezone.now()
    form = NewRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = _user(request)
        component: Component | None = data["component"]
        scope: str = data["scope"]
        inbound = Inbound(
            channel=Channel.PORTAL, sender_scope=f"user:{user.pk}", external_id=None,
            actor=user, contact=contact, request_type=RequestType(data["request_type"]),
            subject=data["subject"], description=data["description"],
            requested_priority=Priority(data["requested_priority"]), component=component,
            scope=Scope(scope) if scope else None, environment=Environment(data["environment"]),
            concern=Concern(data["concern"] or Concern.PLATFORM),
            files=tuple(InboundFile.uploaded(upload) for upload in data["attachments"]),
        )  # fmt: skip
        try:
            received = receive(inbound, now=now)
        except (ActionError, ActionDenied) as error:
            _refused(request, error)
        else:
            ticket = received.request
            if ticket is None:  # a signed-in contact is never an unknown sender
                raise Http404
            _files_refused(request, received.refused_files)
            label = PriorityChoices(ticket.priority).label
            if ticket.is_detailed:
                messages.success(
                    request,
                    _("Request %(ref)s is registered with priority %(priority)s.")
                    % {"ref": ticket.reference, "priority": label},
                )
            else:
                gaps = rules.detail_gaps(
                    component=component, scope=scope, description=data["description"]
                )
                messages.warning(
                    request,
                    _(
                        "Request %(ref)s is registered with priority %(priority)s because "
                        "the description is not detailed (missing: %(missing)s). Add the "
                        "details in a reply and support can raise the priority."
                    )
                    % {"ref": ticket.reference, "priority": label, "missing": ", ".join(gaps)},
                )
            if received.outside is not None:
                messages.warning(request, received.outside.text())
            if received.notice is not None:
                messages.info(request, received.notice.text(contact.organization.time_zone))
            return _back(ticket)
    priorities = [
        (choice, rules.PRIORITY_HELP[Priority(choice.data["value"])])
        for choice in form["requested_priority"]
    ]
    return render(
        request,
        "portal/new.html",
        {
            "form": form,
            "priorities": priorities,
            "min_length": rules.detail_rule().min_description_length,
            "notices": _notices_before_sending(contact, now),
            "not_covered": _not_covered(contact, now),
        },
        status=400 if request.method == "POST" else 200,
    )


# -- one request ------------------------------------------------------------------------


def _clock_view(clock: SlaClock | None, now: datetime) -> dict[str, object] | None:
    if clock is None:
        return None
    state, _events = clock_state(clock, now=now)
    return {
        "status": state.status.value,
        "due_at": state.due_at,
        "breached": state.breached,
        "draft": clock.calendar_draft,
    }


@require_GET
@portal_view
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    ticket = _fetch(request, request_id)
    now = timezone.now()
    conversation = (
        ticket.messages.filter(kind=MessageKind.PUBLIC)
        .select_related("author", "contact")
        .prefetch_related("attachments")
    )
    proposal = ticket.downgrade_proposals.filter(state=ProposalState.PENDING).first()
    return render(
        request,
        "portal/request.html",
        {
            "ticket": ticket,
            "outside": outside_of(ticket),
            "conversation": conversation,
            "proposal": proposal,
            "reaction": _clock_view(ticket.reaction_clock, now),
            "resolution": _clock_view(ticket.resolution_clock, now),
            "zone": _zone(ticket.organization),
            "reply_form": ReplyForm(),
            "reopen_form": ReopenForm(),
            "can_reply": ticket.status != Status.CLOSED,
            "is_resolved": ticket.status == Status.RESOLVED,
            "paused": ClockStatus.PAUSED.value,
            "stopped": ClockStatus.STOPPED.value,
            "running": ClockStatus.RUNNING.value,
            **bug_status(ticket),
            # A duplicate merged into another request: linked when this reader may open it.
            "merged_visible": ticket.merged_into_id is not None
            and visible_requests(_user(request)).filter(pk=ticket.merged_into_id).exists(),
        },
    )


@require_POST
@portal_view
@files_within_limit(back=lambda request, request_id: reverse("portal:request", args=[request_id]))
def reply(request: HttpRequest, request_id: int) -> HttpResponse:
    ticket = _fetch(request, request_id)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back(ticket)
    user = _user(request)
    inbound = Inbound(
        channel=Channel.PORTAL, sender_scope=f"user:{user.pk}", external_id=None, actor=user,
        thread=ticket, body=form.cleaned_data["body"],
        files=tuple(InboundFile.uploaded(upload) for upload in form.cleaned_data["attachments"]),
    )  # fmt: skip
    try:
        received = receive(inbound, now=timezone.now())
    except (ActionError, ActionDenied) as error:
        _refused(request, error)
    else:
        _files_refused(request, received.refused_files)
        messages.success(request, _("Your reply is sent."))
    return _back(ticket)


@require_GET
@login_required
def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    """A file the signed-in user may see (a customer: of their organization's requests,
    never of an internal note), as a download; a 404 for anything else."""
    try:
        return attachment_response(get_attachment(_user(request), attachment_id))
    except NotFound:
        raise Http404 from None


@require_POST
@portal_view
def confirm(request: HttpRequest, request_id: int) -> HttpResponse:
    ticket = _fetch(request, request_id)
    try:
        actions.confirm_resolution(actor=_user(request), request=ticket, now=timezone.now())
    except (ActionError, ActionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, _("Thank you: the request is closed."))
    return _back(ticket)


@require_POST
@portal_view
def reopen(request: HttpRequest, request_id: int) -> HttpResponse:
    ticket = _fetch(request, request_id)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the problem is not solved."))
        return _back(ticket)
    try:
        actions.reopen(
            actor=_user(request),
            request=ticket,
            reason=form.cleaned_data["reason"],
            now=timezone.now(),
        )
    except (ActionError, ActionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, _("The request is reopened."))
    return _back(ticket)


@require_POST
@portal_view
def downgrade(request: HttpRequest, request_id: int, proposal_id: int) -> HttpResponse:
    ticket = _fetch(request, request_id)
    proposal = ticket.downgrade_proposals.filter(pk=proposal_id).first()
    if proposal is None:
        raise Http404
    decision = request.POST.get("decision")
    if decision not in ("accept", "decline"):
        messages.error(request, _("Choose to accept or decline the proposal."))
        return _back(ticket)
    try:
        contact = require_customer_of(_user(request), ticket)
        proposal.request = ticket
        actions.decide_downgrade(
            by=contact, proposal=proposal, accept=decision == "accept", now=timezone.now()
        )
    except (ActionError, ActionDenied) as error:
        _refused(request, error)
    else:
        if decision == "accept":
            messages.success(request, _("You accepted the lower priority."))
        else:
            messages.success(request, _("You declined the proposal; the priority stays."))
    return _back(ticket)


# -- contract ---------------------------------------------------------------------------


def _duration(value: timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}
    if hours:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(minutes)d min") % {"minutes": rest}


def _in_words(target: Target | None) -> str:
    if target is None:
        return _("no resolution target")
    if target.calendar == ROUND_THE_CLOCK:
        return _("%(duration)s, counted around the clock") % {
            "duration": _duration(target.duration)
        }
    return _("%(duration)s of business hours") % {"duration": _duration(target.duration)}


@require_GET
@portal_view
def contract(request: HttpRequest) -> HttpResponse:
    contact = _contact(request)
    if contact is None:
        return render(request, "portal/no_contact.html", status=403)
    today = timezone.localdate(timezone=_zone(contact.organization))
    current = _current_contract(contact.organization_id, today)
    rows = []
    included: list[AddOnDefinition] = []
    servers: list[Server] = []
    if current is not None:
        policy = as_policy(current.policy_version)
        for priority in Priority:
            rule = policy.rules.get((RequestType.INCIDENT, priority))
            if rule is not None:
                rows.append(
                    {
                        "priority": PriorityChoices(priority.value).label,
                        "reaction": _in_words(rule.reaction),
                        "resolution": _in_words(rule.resolution),
                    }
                )
        included = included_add_ons(current)
        if contact.is_customer_admin:  # the installation: for the customer admin
            servers = servers_of(current)
    return render(
        request,
        "portal/contract.html",
        {
            "contract": current,
            "rows": rows,
            "included": included,
            "servers": servers,
            "show_installation": contact.is_customer_admin,
            "organization": contact.organization,
            "analytics_offered": bool(analytics_contracts(contact.user)) if contact.user else False,
        },
    )
