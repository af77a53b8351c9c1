"""The outbox's transport for the eXpress channel: one row, one message to the chat
through pybotx (and one more for each file after the first: the files themselves, as
pybotx attachments), without waiting for BotX's callback (it arrives at
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
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pybotx import BubbleMarkup, InvalidBotXStatusCodeError, OutgoingAttachment
from pybotx.missing import Undefined

from supportdesk.channels.express import actions, bots
from supportdesk.channels.express.models import BotAccount, ChatThread
from supportdesk.channels.express.models import Delivery as ExpressDelivery
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


def _files(row: Notification) -> list[OutgoingAttachment]:
    """The notification's files (those the mail carries; larger ones are named in the text
    as being on the portal), read from storage."""
    files = []
    for file in row.attachments:
        with default_storage.open(file["path"], "rb") as handle:
            files.append(OutgoingAttachment(content=handle.read(), filename=file["name"]))
    return files


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
        files = _files(row)
    except FileNotFoundError as error:
        return Outcome(Verdict.PERMANENT, f"an attachment is missing from storage: {error}")
    except OSError as error:  # the storage is unreachable for now
        return Outcome(Verdict.RETRY, f"reading an attachment: {error}")
    # BotX carries one file a message: the text goes with the first, each further file is
    # a message of its own. A retry sends only the parts BotX has not taken yet.
    parts: list[tuple[str, BubbleMarkup | None, OutgoingAttachment | None]] = [
        (_text(row), markup, files[0] if files else None),
        *(("", None, file) for file in files[1:]),
    ]
    taken = set(ExpressDelivery.objects.filter(notification=row).values_list("part", flat=True))
    for part, (text, bubbles, file) in enumerate(parts):
        if part in taken:
            continue
        try:
            sync_id = asyncio.run(_send(account, chat_id, text, bubbles, file))
        except InvalidBotXStatusCodeError as error:
            status = getattr(getattr(error, "response", None), "status_code", 500)
            verdict = Verdict.RETRY if status >= 500 or status == 429 else Verdict.PERMANENT
            return Outcome(verdict, f"BotX answered {status}")
        except httpx.HTTPError as error:
            return Outcome(Verdict.RETRY, f"BotX unreachable: {type(error).__name__}: {error}")
        actions.record_sent(row, account=account, sync_id=sync_id, part=part, now=timezone.now())
    return Outcome(Verdict.SENT)


async def _send(
    account: BotAccount,
    chat_id: UUID,
    text: str,
    markup: BubbleMarkup | None,
    file: OutgoingAttachment | None,
) -> UUID:
    bot = bots.sender(account, httpx_timeout=httpx.Timeout(TIMEOUT))
    try:
        return await bot.send_message(
            bot_id=account.bot_id, chat_id=chat_id, body=text,
            bubbles=markup if markup is not None and markup._buttons else Undefined,
            file=file if file is not None else Undefined, wait_callback=False,
        )  # fmt: skip
    finally:
        await bot.shutdown()
