"""The forms a bug's desk page adds (hand-off, workaround, development status) and what
the page needs to show them; posted to ``workspace.development.bug_action``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from supportdesk.development import reads
from supportdesk.development.models import ItemStatus
from supportdesk.staff.permissions import Capability, may
from supportdesk.tickets.models import Request


class HandOffForm(forms.Form):
    external_url = forms.URLField(
        label=_("Link to the development tracker"), max_length=500, assume_scheme="https"
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WorkaroundForm(forms.Form):
    text = forms.CharField(label=_("Workaround"), widget=forms.Textarea(attrs={"rows": 3}))


class ItemUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ItemStatus.choices)
    fix_version = forms.CharField(label=_("Fixed in version"), max_length=50, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def bug_context(user: User, item: Request) -> dict[str, Any]:
    """What the desk's request page adds for a bug (``workspace.views._page_context``)."""
    if item.request_type != "bug":
        return {}
    return {
        "bug": reads.bug_view(item),
        "bug_forms": {
            "handoff": HandOffForm(),
            "workaround": WorkaroundForm(),
            "update": ItemUpdateForm(),
        },
        "may_hand_off": may(user, Capability.HAND_TO_DEVELOPMENT),
        "may_update_item": may(user, Capability.UPDATE_DEVELOPMENT_ITEM),
        "may_give_workaround": may(user, Capability.RESOLVE),
    }
