"""The workspace's pages of e-mail in: the quarantine (a support lead's), one received
message as it arrived, its raw bytes and its parts. Thin: fetch through the read helpers,
call one action with ``now`` read once, render."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supportdesk.channels.email import actions
from supportdesk.channels.email.bodies import sanitize_html
from supportdesk.channels.email.models import InboundMail, QuarantineState
from supportdesk.channels.email.parsing import ParsedMail
from supportdesk.channels.email.reads import get_mail, parsed, quarantined
from supportdesk.customers.models import Contact
from supportdesk.tickets.access import ActionDenied, NotFound, is_lead
from supportdesk.tickets.errors import ActionError
from supportdesk.workspace.forms import DiscardForm, ReleaseForm
from supportdesk.workspace.views import _staff

# Shown in the page; anything else (an SVG can carry script) is only downloaded.
INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
SHOWN = 200  # the newest; a quarantine longer than that is worked from the top


def _mail(user: User, mail_id: int) -> InboundMail:
    try:
        return get_mail(user, mail_id)
    except NotFound:
        raise Http404("no such mail") from None


@login_required
def quarantine(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    state = request.GET.get("state", QuarantineState.HELD)
    if state not in {choice.value for choice in QuarantineState} | {""}:
        state = QuarantineState.HELD
    try:
        mails = quarantined(user, state=state)
    except NotFound:
        raise Http404("no such page") from None
    return render(
        request,
        "workspace/quarantine.html",
        {
            "mails": mails[:SHOWN],
            "count": mails.count(),
            "shown": SHOWN,
            "state": state,
            "states": QuarantineState.choices,
        },
    )


def _release_form(mail: InboundMail) -> ReleaseForm:
    sender = Contact.objects.filter(email__iexact=mail.sender, is_active=True).order_by("pk")
    if mail.request is not None:
        sender = sender.filter(organization_id=mail.request.organization_id)
    contact = sender.first() or (mail.request.contact if mail.request else None)
    return ReleaseForm(
        prefix="release",
        initial={
            "request": mail.request.reference if mail.request else "",
            "contact": contact.pk if contact else "",
        },
    )


def _context(
    user: User, mail: InboundMail, *, release: ReleaseForm | None = None
) -> dict[str, object]:
    message: ParsedMail = parsed(mail)
    parts = list(message.attachments)

    def image_url(content_id: str) -> str | None:
        for index, part in enumerate(parts):
            if part.content_id == content_id and part.content_type in INLINE_IMAGE_TYPES:
                return reverse("workspace:mail-part", args=[mail.pk, index])
        return None

    decides = is_lead(user) and mail.state == QuarantineState.HELD
    return {
        "mail": mail,
        "message": message,
        "html": sanitize_html(message.html, image_url=image_url) if message.html else "",
        "parts": parts,
        "decides": decides,
        "release": release or (_release_form(mail) if decides else None),
        "discard": DiscardForm(prefix="discard") if decides else None,
    }


@login_required
def mail_page(request: HttpRequest, mail_id: int) -> HttpResponse:
    user = _staff(request)
    mail = _mail(user, mail_id)
    return render(request, "workspace/inbound_mail.html", _context(user, mail))


@login_required
def raw_download(request: HttpRequest, mail_id: int) -> FileResponse:
    user = _staff(request)
    mail = _mail(user, mail_id)
    try:
        handle = mail.raw.open("rb")
    except OSError:
        raise Http404("the raw message is missing from the storage") from None
    response = FileResponse(
        handle, as_attachment=True, filename=f"mail-{mail.pk}.eml", content_type="message/rfc822"
    )
    return _private(response)


def _private[Response: HttpResponseBase](response: Response) -> Response:
    """What a staff member downloads is not for a shared cache, nor for type guessing."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def part_download(request: HttpRequest, mail_id: int, index: int) -> HttpResponseBase:
    user = _staff(request)
    mail = _mail(user, mail_id)
    parts = parsed(mail).attachments
    if index >= len(parts):
        raise Http404("no such part")
    part = parts[index]
    inline = part.content_type in INLINE_IMAGE_TYPES
    response = HttpResponse(
        part.data, content_type=part.content_type if inline else "application/octet-stream"
    )
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(part.name, safe='')}"
    return response


@login_required
@require_POST
def release(request: HttpRequest, mail_id: int) -> HttpResponse:
    user = _staff(request)
    mail = _mail(user, mail_id)
    form = ReleaseForm(request.POST, prefix="release")
    if not form.is_valid():
        context = _context(user, mail, release=form)
        return render(request, "workspace/inbound_mail.html", context, status=400)
    try:
        outcome = actions.release(
            actor=user,
            mail=mail,
            contact=form.cleaned_data["contact"],
            request=form.cleaned_data["request"],
            now=timezone.now(),
        )
    except (ActionError, ActionDenied) as error:
        form.add_error(None, str(error))
        context = _context(user, mail, release=form)
        return render(request, "workspace/inbound_mail.html", context, status=400)
    target = outcome.request
    if target is None:  # a release always ends in a request; this keeps mypy sure of it
        return HttpResponseRedirect(reverse("workspace:quarantine"))
    messages.success(request, _("The message went to %(ref)s.") % {"ref": target.reference})
    return HttpResponseRedirect(reverse("workspace:request", args=[target.pk]))


@login_required
@require_POST
def discard(request: HttpRequest, mail_id: int) -> HttpResponse:
    user = _staff(request)
    mail = _mail(user, mail_id)
    form = DiscardForm(request.POST, prefix="discard")
    if not form.is_valid():
        return render(request, "workspace/inbound_mail.html", _context(user, mail), status=400)
    try:
        actions.discard(actor=user, mail=mail, note=form.cleaned_data["note"], now=timezone.now())
    except (ActionError, ActionDenied) as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(reverse("workspace:mail", args=[mail.pk]))
    messages.success(request, _("The message was discarded."))
    return HttpResponseRedirect(reverse("workspace:quarantine"))
