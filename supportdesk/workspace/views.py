"""The agent workspace: thin views that parse, fetch through the access helpers, call one
action with ``now`` read once, and render. Non-staff get a 404: the desk does not exist
for them."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from supportdesk.calendars.years import missing_years
from supportdesk.channels.actions import receive
from supportdesk.channels.inbound import Inbound
from supportdesk.customers.models import Contact
from supportdesk.search import actions as search_actions
from supportdesk.search import reads as search_reads
from supportdesk.sla.models import PriorityChoices
from supportdesk.sla.policies import policy_rule
from supportdesk.slamath.policy import PolicyError, Priority, RequestType
from supportdesk.slamath.priority import PriorityRuleError
from supportdesk.staff.permissions import Capability, may
from supportdesk.tickets import actions
from supportdesk.tickets.access import (
    ActionDenied,
    NotFound,
    get_attachment,
    get_request,
    is_lead,
    is_staff,
)
from supportdesk.tickets.attachments import UploadRejected
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import (
    Channel,
    Concern,
    Environment,
    PriorityDefinition,
    Request,
    Scope,
    Status,
)
from supportdesk.tickets.priorities import pending_objection, set_by_customer
from supportdesk.web.downloads import attachment_response
from supportdesk.web.uploads import files_within_limit
from supportdesk.workspace import queue
from supportdesk.workspace.bug_forms import bug_context
from supportdesk.workspace.finding import BulkForm
from supportdesk.workspace.forms import (
    AssignForm,
    BodyForm,
    CorrectForm,
    DowngradeForm,
    ExcludeForm,
    FilterForm,
    IncidentLinkForm,
    MacroForm,
    MergeForm,
    NewRequestForm,
    ObjectionDecisionForm,
    OutOfContractForm,
    PriorityForm,
    ReopenForm,
    ResolveForm,
    StatusForm,
    TakeForm,
)
from supportdesk.workspace.timeline import timeline

MOSCOW = ZoneInfo("Europe/Moscow")
DOMAIN_ERRORS = (ActionError, ActionDenied, PriorityRuleError, PolicyError)


def _staff(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not is_staff(user):
        raise Http404("no such page")
    return user


# -- queues ----------------------------------------------------------------------------


def _filtered(requests: QuerySet[Request], data: dict[str, Any]) -> QuerySet[Request]:
    if data.get("organization"):
        requests = requests.filter(organization=data["organization"])
    if data.get("plan"):
        requests = requests.filter(contract__policy_version__plan__code=data["plan"])
    if data.get("priority"):
        requests = requests.filter(priority=data["priority"])
    if data.get("type"):
        requests = requests.filter(request_type=data["type"])
    if data.get("component"):
        requests = requests.filter(component=data["component"])
    return requests


def _queue_context(
    request: HttpRequest, user: User, now: datetime, *, whole_page: bool = False
) -> dict[str, Any]:
    tab = request.GET.get("tab", "mine")
    if tab not in queue.TAB_CODES:
        tab = "mine"
    filters = FilterForm(request.GET)
    data: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {}
    text = (data.get("q") or "").strip()
    status = data.get("status") or ""
    context: dict[str, Any] = {"tab": tab, "tabs": queue.TABS, "filters": filters, "now": now}
    if text:
        # A search: every status unless one is chosen, the tab aside, newest first.
        everything = queue.base_queryset(user, status=status) if status else None
        base = everything if everything is not None else _all_requests(user)
        found = search_reads.find(
            user,
            _filtered(base, data),
            text,
            search_reads.SearchCursor.decode(request.GET.get("after", "")),
        )
        page: list[Request] = found.rows
        context |= {"searching": text} | found.page_context(after=request.GET.get("after", ""))
    else:
        requests = _filtered(queue.tab_queryset(user, tab, now=now, status=status), data)
        cursor = queue.Cursor.decode(request.GET.get("after", ""))
        page, next_cursor = queue.page(requests, cursor)
        context |= {
            "next_cursor": next_cursor.encode() if next_cursor else "",
            "is_first_page": cursor is None,
        }
    marks = search_reads.marks(user, page)
    context["rows"] = [
        dataclasses.replace(row, mark=marks.get(row.request.pk, search_reads.NOTHING))
        for row in queue.rows_for(page, now=now)
    ]
    if whole_page:
        if not text:  # a search sets the tabs aside (and counting them read every open
            # request: seconds at a million)
            base_all = _filtered(queue.base_queryset(user, status=status), data)
            context["counts"] = queue.tab_counts(user, base_all, now=now)
            context["count_cap"] = queue.COUNT_CAP
        context["saved_views"] = search_reads.saved_views(user)
        context["view_query"] = search_actions.clean_query(
            [(key, value) for key, value in request.GET.items() if isinstance(value, str)]
        )
        context["bulk"] = BulkForm(prefix=None)
    return context


def _all_requests(user: User) -> QuerySet[Request]:
    from supportdesk.tickets.access import require_staff, visible_requests

    require_staff(user)
    return visible_requests(user)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    now = timezone.now()
    text = request.GET.get("q", "").strip()
    if text and not request.GET.get("after"):
        found = search_reads.by_reference(user, text)
        if found is not None:  # "SD-123" goes straight to the request
            return HttpResponseRedirect(reverse("workspace:request", args=[found.pk]))
    context = _queue_context(request, user, now, whole_page=True)
    # Support leads see which production-calendar years must be loaded, while they are due.
    context["missing_years"] = missing_years(now=now) if is_lead(user) else []
    return render(request, "workspace/index.html", context)


@login_required
def rows(request: HttpRequest) -> HttpResponse:
    """The table body alone, for the live refresh."""
    user = _staff(request)
    return render(request, "workspace/_rows.html", _queue_context(request, user, timezone.now()))


# -- one request -----------------------------------------------------------------------


def _load(user: User, request_id: int) -> Request:
    try:
        return get_request(user, request_id)
    except NotFound:
        raise Http404("no such request") from None


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "reply": BodyForm,
    "note": BodyForm,
    "status": StatusForm,
    "assign": AssignForm,
    "raise": PriorityForm,
    "correct": CorrectForm,
    "objection": ObjectionDecisionForm,
    "downgrade": DowngradeForm,
    "resolve": ResolveForm,
    "exclude": ExcludeForm,
    "accept_out": OutOfContractForm,
    "decline_out": OutOfContractForm,
    "take": TakeForm,
    "reopen": ReopenForm,
    "macro": MacroForm,
    "merge": MergeForm,
    "incident": IncidentLinkForm,
}


DOWNGRADE_STEP = {"P1": "P2", "P2": "P3"}


def _form(name: str, item: Request, data: Any = None, files: Any = None) -> forms.Form:
    """The form of action ``name`` on this request: the ones that edit a value open with
    the request's own (assignee, team, status), so sending them unchanged changes nothing."""
    form_class = ACTION_FORMS[name]
    if form_class is StatusForm:
        return StatusForm(data, files, prefix=name, current=item.status)
    if form_class is AssignForm:
        initial = {"assignee": item.assignee_id, "team": item.team_id}
        return AssignForm(data, files, prefix=name, initial=initial)
    return form_class(data, files, prefix=name)


def _empty_forms(item: Request) -> dict[str, forms.Form]:
    return {name: _form(name, item) for name in ACTION_FORMS}


def _offered(user: User, item: Request) -> dict[str, bool]:
    """Which actions apply to the request as it stands (and the role may do): only
    these are shown. The actions still decide."""
    status = Status(item.status)
    working = status in (Status.NEW, Status.OPEN, Status.IN_PROGRESS, Status.WAITING)
    live = working and item.merged_into_id is None
    return {
        "reply": status != Status.CLOSED and may(user, Capability.REPLY),
        "note": may(user, Capability.WRITE_INTERNAL_NOTE),
        "macro": live and may(user, Capability.REPLY),
        "status": live and may(user, Capability.CHANGE_STATUS),
        "assign": status != Status.CLOSED and may(user, Capability.ASSIGN),
        "take": status != Status.CLOSED
        and item.assignee_id != user.pk
        and may(user, Capability.ASSIGN),
        "resolve": live and may(user, Capability.RESOLVE),
        "reopen": status == Status.RESOLVED and may(user, Capability.REOPEN),
        "raise": live and item.priority != "P1" and may(user, Capability.RAISE_PRIORITY),
        "downgrade": live
        and item.priority in ("P1", "P2")
        and may(user, Capability.PROPOSE_DOWNGRADE),
        "correct": live and may(user, Capability.CORRECT_STAFF_PRIORITY),
        "merge": live and may(user, Capability.MERGE_DUPLICATE),
        "incident": status != Status.CLOSED
        and item.incident_id is None
        and may(user, Capability.MANAGE_INCIDENTS),
        "exclude": item.sla_excluded_at is None and may(user, Capability.EXCLUDE_FROM_SLA),
    }


def _page_context(
    user: User, item: Request, now: datetime, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    item = (
        Request.objects.select_related(
            "organization",
            "contact",
            "contract__dedicated_engineer",
            "contract__personal_manager",
            "policy_version__plan",
            "component",
            "assignee",
            "team",
            "reaction_clock__calendar",
            "resolution_clock__calendar",
            "merged_into",
            "incident",
        )
        .prefetch_related("reaction_clock__events", "resolution_clock__events")
        .get(pk=item.pk)
    )
    try:
        rule = policy_rule(item.policy_version_id, item.request_type, item.priority, now=now)
    except (PolicyError, ValueError):
        rule = None
    calendars = queue.Calendars()
    page_forms = _empty_forms(item)
    page_forms.update(bound or {})
    if item.priority in ("P1", "P2"):  # only the one step down that applies
        step = DOWNGRADE_STEP[item.priority]
        page_forms["downgrade"].fields["to"] = forms.ChoiceField(
            label=_("New priority"), choices=[(step, f"{item.priority} → {step}")]
        )
    customer_priority = set_by_customer(item)
    if customer_priority and not may(user, Capability.CORRECT_CUSTOMER_PRIORITY_DOWN):
        # An agent (L1) corrects the customer's priority upward only: no lower choices.
        page_forms["correct"].fields["to"] = forms.ChoiceField(
            label=_("New priority"),
            choices=[(p, p) for p in PriorityChoices.values if p < item.priority],
        )
    return {
        "item": item,
        "rule": rule,
        "reaction_target": queue.format_hours(rule.reaction.duration) if rule else "",
        "resolution_target": (
            queue.format_hours(rule.resolution.duration) if rule and rule.resolution else ""
        ),
        "reaction": queue.countdown(item.reaction_clock, now=now, calendars=calendars),
        "resolution": queue.countdown(item.resolution_clock, now=now, calendars=calendars),
        "conversation": item.messages.select_related("author", "contact").prefetch_related(
            "attachments"
        ),
        "timeline": timeline(item, now=now),
        "forms": page_forms,
        "is_open": item.status not in (Status.RESOLVED, Status.CLOSED),
        "offered": _offered(user, item),
        "duplicates": list(item.duplicates.order_by("pk").values_list("pk", flat=True)),
        "is_lead": is_lead(user),
        # What the actions would refuse is not offered (the actions still decide).
        "may": {capability.value: may(user, capability) for capability in Capability},
        "customer_priority": customer_priority,
        "objection": pending_objection(item),
        "now": now,
        **bug_context(user, item),
    }


@login_required
def request_page(request: HttpRequest, request_id: int) -> HttpResponse:
    user = _staff(request)
    item = _load(user, request_id)
    now = timezone.now()
    search_actions.mark_seen(actor=user, request=item, now=now)
    return render(request, "workspace/request.html", _page_context(user, item, now))


def _run(name: str, user: User, item: Request, data: dict[str, Any], now: datetime) -> str:
    """Call the action behind form ``name``; returns the success message."""
    if name == "take":
        actions.assign(actor=user, request=item, assignee=user, team=item.team, now=now)
        return _("The request is yours.")
    if name == "reopen":
        actions.reopen(actor=user, request=item, reason=data["reason"], now=now)
        return _("Request reopened.")
    if name == "macro":
        actions.apply_macro(actor=user, request=item, macro=data["macro"], now=now)
        return _("Canned reply sent.")
    if name == "merge":
        try:
            into = get_request(user, data["into"])
        except NotFound:
            raise ActionError(
                _("There is no request %(ref)s.") % {"ref": f"SD-{data['into']}"}
            ) from None
        actions.merge_duplicate(actor=user, duplicate=item, into=into, now=now)
        return _("Merged into %(ref)s; the customer is told.") % {"ref": into.reference}
    if name == "incident":
        actions.link_to_incident(actor=user, incident=data["incident"], request=item, now=now)
        return _("Linked to the incident.")
    if name == "reply":
        actions.reply(
            actor=user, request=item, body=data["body"], files=data["attachments"], now=now
        )
        return _("Reply sent.")
    if name == "note":
        actions.add_internal_note(
            actor=user, request=item, body=data["body"], files=data["attachments"], now=now
        )
        return _("Internal note added.")
    if name == "status":
        if data["status"] == item.status:
            return _("Status unchanged.")
        actions.set_status(
            actor=user, request=item, status=Status(data["status"]), reason=data["reason"], now=now
        )
        return _("Status changed.")
    if name == "assign":
        if (data["assignee"], data["team"]) == (item.assignee, item.team):
            return _("Assignment unchanged.")
        actions.assign(
            actor=user, request=item, assignee=data["assignee"], team=data["team"], now=now
        )
        return _("Assignment saved.")
    if name == "raise":
        actions.raise_priority(
            actor=user, request=item, to=Priority(data["to"]), reason=data["reason"], now=now
        )
        return _("Priority raised.")
    if name == "correct":
        definition = PriorityDefinition(data["definition"]) if data["definition"] else None
        actions.correct_priority(
            actor=user, request=item, to=Priority(data["to"]), reason=data["reason"], now=now,
            definition=definition,
        )  # fmt: skip
        return _("Priority corrected.")
    if name == "objection":
        objection = pending_objection(item)
        if objection is None:
            raise ActionError(_("No objection is waiting for a decision."))
        actions.decide_priority_objection(
            actor=user, objection=objection, uphold=data["decision"] == "uphold",
            note=data["note"], now=now,
        )  # fmt: skip
        return _("Objection decided.")
    if name == "downgrade":
        actions.propose_downgrade(
            actor=user, request=item, to=Priority(data["to"]), reason=data["reason"], now=now
        )
        return _("Downgrade proposed to the customer.")
    if name == "accept_out":
        actions.accept_out_of_contract(actor=user, request=item, reason=data["reason"], now=now)
        return _("Accepted as a billable exception: the SLA clocks run from now.")
    if name == "decline_out":
        actions.decline_out_of_contract(actor=user, request=item, reason=data["reason"], now=now)
        return _("Declined: the request is closed and the customer told.")
    if name == "exclude":
        actions.exclude_from_sla(actor=user, request=item, reason=data["reason"], now=now)
        return _("The request is excluded from the SLA report.")
    actions.resolve(actor=user, request=item, summary=data["summary"], now=now)
    return _("Request resolved.")


@login_required
@require_POST
@files_within_limit(
    back=lambda request, request_id, action: reverse("workspace:request", args=[request_id])
)
def request_action(request: HttpRequest, request_id: int, action: str) -> HttpResponse:
    user = _staff(request)
    item = _load(user, request_id)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404("no such action")
    now = timezone.now()
    form = _form(action, item, request.POST, request.FILES)
    if form.is_valid():
        try:
            done = _run(action, user, item, form.cleaned_data, now)
        except DOMAIN_ERRORS as error:
            messages.error(request, str(error))
        except UploadRejected as error:  # the form checked each file; the action refused
            form.add_error("attachments", str(error))
        else:
            messages.success(request, done)
    if not form.is_valid():  # what the agent typed stays on the page with the reason
        context = _page_context(user, item, now, bound={action: form})
        return render(request, "workspace/request.html", context, status=400)
    return HttpResponseRedirect(reverse("workspace:request", args=[item.pk]))


@login_required
@require_GET
def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    """Any file of any request, internal notes' included: staff see them all."""
    user = _staff(request)
    try:
        return attachment_response(get_attachment(user, attachment_id))
    except NotFound:
        raise Http404("no such file") from None


# -- registering a phone call ----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def new_request(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    now = timezone.now()
    with timezone.override(MOSCOW):  # the call's time is typed in Moscow time
        if request.method != "POST":
            form = NewRequestForm(initial={"registered_at": now.astimezone(MOSCOW)})
            return render(request, "workspace/new.html", {"form": form})
        form = NewRequestForm(request.POST)
        valid = form.is_valid()
    if valid:
        data = form.cleaned_data
        contact: Contact = data["contact"]
        priority = Priority(data["priority"])
        inbound = Inbound(
            channel=Channel.PHONE, sender_scope=f"user:{user.pk}", external_id=None,
            actor=user, contact=contact, request_type=RequestType(data["request_type"]),
            subject=data["subject"], description=data["description"],
            requested_priority=priority, component=data["component"],
            scope=Scope(data["scope"]) if data["scope"] else None,
            environment=Environment(data.get("environment") or Environment.PRODUCTION),
            concern=Concern(data.get("concern") or Concern.PLATFORM),
            registered_at=data["registered_at"], staff_priority=priority,
            staff_priority_reason=data["priority_reason"],
        )  # fmt: skip
        try:
            received = receive(inbound, now=now)
        except DOMAIN_ERRORS as error:
            form.add_error(None, str(error))
        else:
            created = received.request
            if created is None:  # staff name the contact: never an unknown sender
                raise Http404
            messages.success(request, _("Request %(ref)s registered.") % {"ref": created.reference})
            if received.outside is not None:
                messages.warning(request, received.outside.text())
            if received.notice is not None:
                messages.info(request, received.notice.text(contact.organization.time_zone))
            return HttpResponseRedirect(reverse("workspace:request", args=[created.pk]))
    return render(request, "workspace/new.html", {"form": form}, status=400)
