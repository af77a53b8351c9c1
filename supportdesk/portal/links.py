"""The page behind the e-mail's accept/decline link.

GET only shows what will happen, because mail scanners open links; the one button on the
page posts the decision. The signed token is the authority: no sign-in needed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from supportdesk.customers.models import Contact
from supportdesk.tickets import actions
from supportdesk.tickets.access import ActionDenied
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.links import BadLink, read_downgrade_token, read_objection_token
from supportdesk.tickets.models import DowngradeProposal, PriorityChange


@require_http_methods(["GET", "POST"])
def downgrade_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        proposal_id, contact_id, accept = read_downgrade_token(token)
        proposal = DowngradeProposal.objects.select_related("request").get(pk=proposal_id)
        contact = Contact.objects.get(pk=contact_id, is_active=True)
    except (BadLink, DowngradeProposal.DoesNotExist, Contact.DoesNotExist) as error:
        message = str(error) if isinstance(error, BadLink) else "the link is not valid"
        return render(request, "portal/link_error.html", {"message": message}, status=400)
    context = {"proposal": proposal, "accept": accept, "done": False}
    if request.method == "POST":
        try:
            actions.decide_downgrade(
                by=contact, proposal=proposal, accept=accept, now=timezone.now()
            )
        except (ActionError, ActionDenied) as error:
            return render(request, "portal/link_error.html", {"message": str(error)}, status=409)
        context["done"] = True
    return render(request, "portal/downgrade_link.html", context)


@require_http_methods(["GET", "POST"])
def objection_link(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's one-click objection to a rule-3 correction of their priority."""
    try:
        correction_id, contact_id = read_objection_token(token)
        correction = PriorityChange.objects.select_related("request").get(pk=correction_id)
        contact = Contact.objects.get(pk=contact_id, is_active=True)
    except (BadLink, PriorityChange.DoesNotExist, Contact.DoesNotExist) as error:
        message = str(error) if isinstance(error, BadLink) else "the link is not valid"
        return render(request, "portal/link_error.html", {"message": message}, status=400)
    context = {"correction": correction, "done": False}
    if request.method == "POST":
        try:
            actions.object_to_correction(
                by=contact, correction=correction, reason=request.POST.get("reason", "")[:2000],
                now=timezone.now(),
            )  # fmt: skip
        except (ActionError, ActionDenied) as error:
            return render(request, "portal/link_error.html", {"message": str(error)}, status=409)
        context["done"] = True
    return render(request, "portal/objection_link.html", context)
