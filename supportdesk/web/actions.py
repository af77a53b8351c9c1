"""Account actions: a password set by its owner, through the reset link or the change form.
Each one writes the password and an audit event in one transaction; the reset mail goes
through the outbox like every other mail (``web.accounts``)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.notifications.outbox import OutgoingMail, enqueue

PASSWORD_CHANGED = "account.password_changed"  # noqa: S105 (an audit action)
PASSWORD_RESET = "account.password_reset"  # noqa: S105 (an audit action)
RESET_MAIL = "account.password_reset_link"


def set_own_password(*, user: User, password: str, by_reset: bool, now: datetime) -> User:
    """The owner's new password (the forms validated it against the password validators).
    Self-service: no role grants it, the signed-in session or the signed link is the
    permission."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record(
            at=now,
            actor=user,
            action=PASSWORD_RESET if by_reset else PASSWORD_CHANGED,
            subject=user,
        )
    return user


def send_reset_link(*, user: User, link: str, language: str, now: datetime) -> None:
    """The reset mail, in the language the page was read in, through the outbox."""
    with translation.override(language):
        body = "\n".join(
            [
                _("Someone (we hope you) asked to reset the password of %(name)s.")
                % {"name": user.get_username()},
                _("Choose a new password here (the link works once, for 3 days):"),
                link,
                "",
                _("If it was not you, ignore this mail: your password stays as it is."),
            ]
        )
        mail = OutgoingMail(
            to=user.email,
            language=language,
            event=RESET_MAIL,
            subject=_("Password reset"),
            body=body + "\n",
        )
    with transaction.atomic():
        enqueue(mail, now=now)
