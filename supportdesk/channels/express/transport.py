"""The outbox's transport for the eXpress channel: one row, one message to the chat
through pybotx, without waiting for BotX's callback (it arrives at
``/botx/notification/callback`` and is recorded on the ``Delivery``).

A row is addressed ``chat:<account>:<chat id>`` (the bot's own answers) or to a request's
reference (the customer's notifications about a request that came from the bot): then the
chat is the request's ``ChatThread``, and a proposal to lower the priority or a resolution
gets its buttons here, from the request's state when the row is sent.
"""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

import httpx
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pybotx import BubbleMarkup, InvalidBotXStatusCodeError
from pybotx.missing import Undefined

from supportdesk.channels.express import actions, bots
from supportdesk.channels.express.models import BotAccount, ChatThread
from supportdesk.notifications.models import Notification
from supportdesk.notifications.transport import Delivery as Outcome
from supportdesk.notifications.transport import Verdict
from supportdesk.tickets.models import DowngradeProposal, ProposalState

TIMEOUT = 10.0
# tickets.notifications.MailEvent values whose chat message carries buttons
DOWNGRADE_PROPOSED, RESOLVED = "request.downgrade_proposed", "request.resolved"


def _destination(row: Notification) -> tuple[BotAccount, UUID] | None:
    if row.recipient.startswith("chat:"):
        _prefix, account_id, chat_id = row.recipient.split(":", 2)
        account = BotAccount.objects.filter(pk=int(account_id)).first()
        return (account, UUID(chat_id)) if account else None
    pk = int(row.recipient.upper().removeprefix("SD-"))
    thread = ChatThread.objects.select_related("account").filter(request_id=pk).first()
    return (thread.account, thread.chat_id) if thread else None


def _buttons(row: Notification) -> list[list[dict[str, Any]]]:
    buttons: list[list[dict[str, Any]]] = list(row.headers.get("buttons", []))
    if not row.recipient.upper().startswith("SD-"):
        return buttons
    pk = int(row.recipient.upper().removeprefix("SD-"))
    with translation.override(row.language):
        if row.event == DOWNGRADE_PROPOSED:
            proposal = (
                DowngradeProposal.objects.filter(request_id=pk, state=ProposalState.PENDING)
                .order_by("-pk")
                .first()
            )
            if proposal is not None:
                buttons.append([
                    {"label": _("Agree"), "command": bots.DOWNGRADE,
                     "data": {"proposal": proposal.pk, "accept": True}},
                    {"label": _("Decline"), "command": bots.DOWNGRADE,
                     "data": {"proposal": proposal.pk, "accept": False}},
                ])  # fmt: skip
        elif row.event == RESOLVED:
            buttons.append([
                {"label": _("Confirm"), "command": bots.CONFIRM, "data": {"request": pk}},
                {"label": _("Reopen"), "command": bots.REOPEN, "data": {"request": pk}},
            ])  # fmt: skip
    return buttons


def _text(row: Notification) -> str:
    return f"{row.subject}\n\n{row.body}".strip() if row.subject else row.body.strip()


def deliver(row: Notification) -> Outcome:
    destination = _destination(row)
    if destination is None:
        return Outcome(Verdict.PERMANENT, f"no chat for {row.recipient}")
    account, chat_id = destination
    if not account.is_active:
        return Outcome(Verdict.PERMANENT, f"bot account {account} is switched off")
    markup = BubbleMarkup()
    for line in _buttons(row):
        for index, item in enumerate(line):
            markup.add_button(
                label=item["label"], command=item["command"], data=item.get("data") or {},
                new_row=index == 0,
            )  # fmt: skip
    try:
        sync_id = asyncio.run(_send(account, chat_id, _text(row), markup))
    except InvalidBotXStatusCodeError as error:
        status = getattr(getattr(error, "response", None), "status_code", 500)
        verdict = Verdict.RETRY if status >= 500 or status == 429 else Verdict.PERMANENT
        return Outcome(verdict, f"BotX answered {status}")
    except httpx.HTTPError as error:
        return Outcome(Verdict.RETRY, f"BotX unreachable: {type(error).__name__}: {error}")
    actions.record_sent(row, account=account, sync_id=sync_id, now=timezone.now())
    return Outcome(Verdict.SENT)


async def _send(account: BotAccount, chat_id: UUID, text: str, markup: BubbleMarkup) -> UUID:
    bot = bots.sender(account, httpx_timeout=httpx.Timeout(TIMEOUT))
    try:
        return await bot.send_message(
            bot_id=account.bot_id, chat_id=chat_id, body=text,
            bubbles=markup if markup._buttons else Undefined, wait_callback=False,
        )  # fmt: skip
    finally:
        await bot.shutdown()
