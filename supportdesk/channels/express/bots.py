"""pybotx, set up from the configured bot accounts.

The library verifies BotX's JWT (both auth versions), reads commands and callbacks into
its models, builds the status menu and sends messages. It does not run our handlers: a
command is stored first and acted on by a job (``actions``), so the handlers declared
here only make the menu that ``/botx/status`` answers.

Bots are built per process and cached by the accounts' revision (their ids and last
change), so an account edited in the admin is seen at the next delivery.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from pybotx import (
    Bot,
    BotAccountWithSecret,
    BotXAuthVersion,
    HandlerCollector,
    IncomingMessage,
)
from pydantic import AnyHttpUrl

from supportdesk.channels.express.models import BotAccount

# The commands of the menu, in the order shown (Russian first: the default language).
NEW, MINE, REPLY, FILE, CANCEL = "/new", "/my", "/reply", "/file", "/cancel"
# Buttons only: what a button under a message does.
PICK, DOWNGRADE, CONFIRM, REOPEN = "/pick", "/downgrade", "/confirm", "/reopen"


def _menu_descriptions() -> dict[str, str]:
    return {
        NEW: _("New request"),
        MINE: _("My requests"),
        REPLY: _("Reply to a request"),
        FILE: _("Attach a file to a request"),
        CANCEL: _("Cancel"),
    }


def _collector() -> HandlerCollector:
    collector = HandlerCollector()

    async def menu_only(message: IncomingMessage, bot: Bot) -> None:  # pragma: no cover
        """Never run: commands are stored and handled by the job."""

    with translation.override("ru"):
        for command, description in _menu_descriptions().items():
            collector.command(command, description=description)(menu_only)
        for hidden in (PICK, DOWNGRADE, CONFIRM, REOPEN):
            collector.command(hidden, visible=False)(menu_only)
    return collector


def account_with_secret(account: BotAccount) -> BotAccountWithSecret:
    return BotAccountWithSecret(
        id=account.bot_id, cts_url=AnyHttpUrl(account.cts_url), secret_key=account.secret_key
    )


def _revision(accounts: Iterable[BotAccount]) -> tuple[tuple[int, str], ...]:
    return tuple(sorted((a.pk, a.updated_at.isoformat()) for a in accounts))


_verifiers: dict[tuple[tuple[int, str], ...], Bot] = {}


def verifier(accounts: list[BotAccount]) -> Bot:
    """A bot that knows every active account: it checks tokens and answers the status."""
    key = _revision(accounts)
    bot = _verifiers.get(key)
    if bot is None:
        _verifiers.clear()
        bot = Bot(
            collectors=[_collector()],
            bot_accounts=[account_with_secret(account) for account in accounts],
        )
        _verifiers[key] = bot
    return bot


def verify(accounts: list[BotAccount], headers: Mapping[str, str]) -> None:
    """Raise pybotx's UnverifiedRequestError unless the Authorization header carries a JWT
    signed with the secret of one of ``accounts`` (v1 or v2 claims). The check is the one
    ``Bot.async_execute_raw_bot_command`` runs before acting, taken alone because the
    command is stored, not executed, here."""
    verifier(accounts)._verify_request(headers)


def sender(account: BotAccount, **options: Any) -> Bot:
    """A bot that sends as ``account``, with its auth version (a fresh HTTP client: the
    caller shuts it down)."""
    return Bot(
        collectors=[],
        bot_accounts=[account_with_secret(account)],
        auth_version=BotXAuthVersion(account.auth_version),
        **options,
    )
