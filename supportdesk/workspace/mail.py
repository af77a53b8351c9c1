"""The workspace's pages about e-mail: each staff member's choice of notifications, and the
outbox's failures, which a support lead sees with their reason and sends again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Count, Min
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from supportdesk.notifications.actions import retry_failed
from supportdesk.notifications.models import UNSENT, Notification, NotificationState
from supportdesk.staff.models import StaffEvent, StaffMember
from supportdesk.staff.preferences import set_notification_preferences, wants_mail
from supportdesk.tickets.access import is_lead, staff_member

FAILED_SHOWN = 200


def _member(request: HttpRequest) -> tuple[User, StaffMember]:
    user = request.user
    member = staff_member(user) if isinstance(user, User) and user.is_active else None
    if member is None or not isinstance(user, User):
        raise Http404("no such page")
    return user, member


def _lead(request: HttpRequest) -> User:
    user = _member(request)[0]
    if not is_lead(user):
        raise Http404("no such page")
    return user


# -- my notifications ------------------------------------------------------------------------


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES, label=gettext_lazy("Language"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for event in StaffEvent:
            self.fields[event.value] = forms.BooleanField(required=False, label=event.label)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user, member = _member(request)
    if request.method != "POST":
        initial: dict[str, object] = {"language": member.language}
        initial.update({event.value: wants_mail(member, event) for event in StaffEvent})
        form = PreferencesForm(initial=initial)
        return render(request, "workspace/preferences.html", {"form": form})
    form = PreferencesForm(request.POST)
    if not form.is_valid():
        return render(request, "workspace/preferences.html", {"form": form}, status=400)
    data = form.cleaned_data
    set_notification_preferences(
        actor=user,
        member=member,
        language=data["language"],
        wanted={event for event in StaffEvent if data[event.value]},
        now=timezone.now(),
    )
    messages.success(request, _("Your e-mail settings are saved."))
    return HttpResponseRedirect(reverse("workspace:preferences"))


# -- the outbox, for support leads --------------------------------------------------------------


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    _lead(request)
    now = timezone.now()
    counts = dict(
        Notification.objects.filter(state__in=(*UNSENT, NotificationState.FAILED))
        .values("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
        .order_by()
    )
    oldest = Notification.objects.filter(state__in=UNSENT).aggregate(at=Min("created_at"))["at"]
    failed = Notification.objects.filter(state=NotificationState.FAILED).order_by("-pk")
    context = {
        "pending": counts.get(NotificationState.PENDING, 0),
        "sending": counts.get(NotificationState.SENDING, 0),
        "failed_count": counts.get(NotificationState.FAILED, 0),
        "oldest_minutes": int((now - oldest).total_seconds() // 60) if oldest else None,
        "failed": failed.only(
            "pk",
            "event",
            "thread",
            "recipient",
            "subject",
            "attempts",
            "last_error",
            "created_at",
        )[:FAILED_SHOWN],
        "shown": FAILED_SHOWN,
    }
    return render(request, "workspace/outbox.html", context)


@login_required
@require_POST
def outbox_retry(request: HttpRequest) -> HttpResponse:
    lead = _lead(request)
    raw = request.POST.get("notification", "")
    if raw == "all":
        ids = None
    elif raw.isdigit():
        ids = [int(raw)]
    else:
        messages.error(request, _("Choose a notification to send again."))
        return HttpResponseRedirect(reverse("workspace:outbox"))
    count = retry_failed(actor=lead, ids=ids, now=timezone.now())
    done = ngettext(
        "%(count)s notification will be sent again.",
        "%(count)s notifications will be sent again.",
        count,
    )
    messages.success(request, done % {"count": count})
    return HttpResponseRedirect(reverse("workspace:outbox"))
