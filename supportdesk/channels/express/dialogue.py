"""What the bot does with one stored command: who the user is, where their dialogue is,
and which request action it ends in. Called by ``actions.process_command`` inside its
transaction; every answer is an outbox row of the chat (``say``), so the answers commit
with what they tell of. Nothing here re-implements a rule: a new request, a reply and a
file go through ``channels.actions.receive``; a downgrade decision, a confirmation and a
reopening through the request actions, which check who may.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from pybotx import IncomingMessage
from pybotx.models.message.incoming_message import BotAPIIncomingMessage

from supportdesk.audit.record import record
from supportdesk.channels.actions import receive
from supportdesk.channels.express import bots
from supportdesk.channels.express.models import (
    BotAccount,
    ChatThread,
    Command,
    Dialogue,
    MessengerUser,
    UserState,
)
from supportdesk.channels.inbound import Inbound, InboundFile, Outcome, RefusalReason
from supportdesk.channels.rules import PRIORITY_HELP
from supportdesk.customers.models import Contact
from supportdesk.notifications.models import NotificationChannel
from supportdesk.notifications.outbox import OutgoingMail, enqueue
from supportdesk.sla.models import RequestTypeChoices
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.staff.permissions import ActionDenied
from supportdesk.tickets import actions
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import (
    Channel,
    Component,
    DowngradeProposal,
    ProposalState,
    Request,
    Scope,
    Status,
)

ANSWER = "express.answer"
# The request types a customer picks in the bot (the others are staff's).
CUSTOMER_TYPES = (RequestType.INCIDENT, RequestType.CONSULTATION, RequestType.ADMIN)
type Buttons = list[list[dict[str, Any]]]


class Chat:
    """One command's chat: where the answers go, in the user's language."""

    def __init__(self, account: BotAccount, chat_id: str, language: str, now: datetime):
        self.account, self.chat_id, self.language, self.now = account, chat_id, language, now

    @property
    def address(self) -> str:
        return f"chat:{self.account.pk}:{self.chat_id}"

    def say(self, text: str, buttons: Buttons | None = None, *, thread: str = "") -> None:
        enqueue(
            OutgoingMail(
                to=self.address, language=self.language, event=ANSWER, subject="", body=text,
                thread=thread, channel=NotificationChannel.EXPRESS,
                options={"buttons": buttons or []},
            ),
            now=self.now,
        )  # fmt: skip


def button(label: str, command: str, **data: Any) -> dict[str, Any]:
    return {"label": label, "command": command, "data": data}


def parse(payload: dict[str, Any]) -> IncomingMessage:
    return BotAPIIncomingMessage.model_validate(payload).to_domain(payload)


def handle(command: Command, *, now: datetime) -> tuple[str, Request | None]:
    """Act on one command; what happened (the command's outcome) and the request it
    concerned."""
    if command.payload.get("command", {}).get("command_type") != "user":
        return "system event", None
    message = parse(command.payload)
    account = command.account
    user = _messenger_user(account, message, now=now)
    contact = user.contact if user.state == UserState.LINKED else None
    language = (contact.language if contact else "") or settings.LANGUAGE_CODE
    chat = Chat(account, str(message.chat.id), language, now)
    with translation.override(language):
        if contact is None or not contact.is_active:
            chat.say(
                _(
                    "We do not know you yet: a support lead will link your messenger account "
                    "to your contact. Until then please write to %(address)s."
                )
                % {"address": settings.SUPPORT_ADDRESS}
            )
            return "unknown user", None
        dialogue, _created = Dialogue.objects.select_for_update().get_or_create(
            account=account, chat_id=message.chat.id, huid=message.sender.huid,
            defaults={"updated_at": now},
        )  # fmt: skip
        turn = _Turn(command, message, contact, dialogue, chat, now)
        try:
            outcome = turn.run()
        except (ActionError, ActionDenied) as error:
            chat.say(str(error))
            outcome = f"refused: {error}"
        dialogue.updated_at = now
        dialogue.save()
        return outcome, turn.request


def apologize(command: Command, *, now: datetime) -> None:
    """The command could not be handled after every try: the user hears so, in their
    language, rather than nothing."""
    sender = command.payload.get("from") or {}
    if not sender.get("group_chat_id") or not sender.get("user_huid"):
        return
    user = (
        MessengerUser.objects.select_related("contact")
        .filter(account=command.account, huid=str(sender["user_huid"]), state=UserState.LINKED)
        .first()
    )
    language = (user.contact.language if user and user.contact else "") or settings.LANGUAGE_CODE
    chat = Chat(command.account, str(sender["group_chat_id"]), language, now)
    with translation.override(language):
        chat.say(
            _(
                "Sorry, we could not handle your message. Support has been told; please try "
                "again later or write to %(address)s."
            )
            % {"address": settings.SUPPORT_ADDRESS}
        )


def _messenger_user(
    account: BotAccount, message: IncomingMessage, *, now: datetime
) -> MessengerUser:
    """The user by HUID; a first-time user is matched to a contact of the account's
    organization by AD login (the contact's account name or e-mail), else held."""
    sender = message.sender
    user = (
        MessengerUser.objects.select_related("contact")
        .filter(account=account, huid=sender.huid)
        .first()
    )
    if user is not None:
        return user
    contact = _match(account, sender.ad_login or "", sender.ad_domain or "")
    user = MessengerUser.objects.create(
        account=account, huid=sender.huid, ad_login=sender.ad_login or "",
        ad_domain=sender.ad_domain or "", username=sender.username or "",
        host=message.bot.host or "", contact=contact,
        state=UserState.LINKED if contact else UserState.HELD, first_seen_at=now,
        linked_at=now if contact else None,
    )  # fmt: skip
    if contact is None:
        record(
            at=now, actor=None, action="express.user_quarantined", subject=user,
            data={"huid": str(sender.huid), "ad_login": user.ad_login, "host": user.host},
        )  # fmt: skip
    return user


def _match(account: BotAccount, ad_login: str, ad_domain: str) -> Contact | None:
    if not ad_login:
        return None
    login = ad_login.split("\\")[-1].strip().lower()
    same = Q(user__username__iexact=login) | Q(email__istartswith=f"{login}@")
    if ad_domain:
        same |= Q(email__iexact=f"{login}@{ad_domain}")
    found = list(
        Contact.objects.filter(same, organization=account.organization_id, is_active=True)[:2]
    )
    return found[0] if len(found) == 1 else None  # two candidates: a lead decides


class _Turn:
    def __init__(
        self,
        command: Command,
        message: IncomingMessage,
        contact: Contact,
        dialogue: Dialogue,
        chat: Chat,
        now: datetime,
    ):
        self.command, self.message, self.contact = command, message, contact
        self.dialogue, self.chat, self.now = dialogue, chat, now
        self.request: Request | None = None

    # -- dispatch -----------------------------------------------------------------------

    def run(self) -> str:
        body = self.message.body.strip()
        name, _space, rest = body.partition(" ")
        data = self.message.data or {}
        handlers = {
            bots.NEW: self.new, bots.MINE: self.mine, bots.REPLY: self.reply,
            bots.FILE: self.file, bots.CANCEL: self.cancel, bots.PICK: self.pick,
            bots.DOWNGRADE: self.downgrade, bots.CONFIRM: self.confirm,
            bots.REOPEN: self.reopen,
        }  # fmt: skip
        if name.startswith("/") and name in handlers:
            return handlers[name](rest.strip(), data)
        return self.text(body)

    def _reset(self, step: str = "", **data: Any) -> None:
        self.dialogue.step = step
        self.dialogue.data = data

    def _own(self, request_id: Any) -> Request:
        """A request the contact may act on: their own, or any of the organization's for a
        customer admin. Another's is "not found", as the API answers."""
        try:
            pk = int(str(request_id).upper().removeprefix("SD-"))
        except ValueError:
            raise ActionError(_("Name the request, for example SD-12.")) from None
        mine = Q(contact=self.contact)
        if self.contact.is_customer_admin:
            mine = Q(organization=self.contact.organization_id)
        request = Request.objects.filter(mine, pk=pk).first()
        if request is None:
            raise ActionError(_("Request not found."))
        self.request = request
        return request

    # -- a new request, step by step ----------------------------------------------------

    def new(self, rest: str, data: dict[str, Any]) -> str:
        self._reset("type")
        labels = dict(RequestTypeChoices.choices)
        self.chat.say(
            _("New request. What kind of request is it?"),
            [[button(str(labels[kind]), bots.PICK, field="type", value=kind.value)]
             for kind in CUSTOMER_TYPES],
        )  # fmt: skip
        return "asked the type"

    def pick(self, rest: str, data: dict[str, Any]) -> str:
        field, value = str(data.get("field", "")), str(data.get("value", ""))
        step = self.dialogue.step
        if field != step or not value:
            self.chat.say(_("That button is from an earlier conversation. Start again: /new"))
            return "stale button"
        collected = dict(self.dialogue.data)
        if step == "type":
            collected["type"] = RequestType(value).value
            self._ask_component(collected)
            return "asked the component"
        if step == "component":
            collected["component"] = int(value) if value.isdigit() else None
            self._reset("scope", **collected)
            self.chat.say(
                _("Who is affected?"),
                [[button(str(label), bots.PICK, field="scope", value=scope)]
                 for scope, label in Scope.choices],
            )  # fmt: skip
            return "asked the scope"
        if step == "scope":
            collected["scope"] = Scope(value).value
            self._reset("description", **collected)
            self.chat.say(
                _(
                    "Describe the problem in one message: what happened, since when, what you "
                    "tried, error texts. A detailed description (component, scope, what "
                    "happened) keeps the priority you choose."
                )
            )
            return "asked the description"
        if step == "priority":
            collected["priority"] = Priority(value).value
            return self._register(collected)
        return "stale button"

    def _ask_component(self, collected: dict[str, Any]) -> None:
        self._reset("component", **collected)
        rows = [
            [button(component.name, bots.PICK, field="component", value=str(component.pk))]
            for component in Component.objects.filter(is_active=True).order_by("name")[:20]
        ]
        rows.append([button(_("I do not know"), bots.PICK, field="component", value="none")])
        self.chat.say(_("Which component is it about?"), rows)

    def _ask_priority(self, collected: dict[str, Any]) -> None:
        self._reset("priority", **collected)
        lines = [_("How urgent is it? The offer's definitions:"), ""]
        for priority in Priority:
            lines.append(f"{priority.value}: {PRIORITY_HELP[priority]}")
        self.chat.say(
            "\n".join(lines),
            [[button(priority.value, bots.PICK, field="priority", value=priority.value)
              for priority in Priority]],
        )  # fmt: skip

    def _register(self, collected: dict[str, Any]) -> str:
        description = str(collected.get("description", ""))
        component = Component.objects.filter(pk=collected.get("component") or 0).first()
        subject = next((line.strip() for line in description.splitlines() if line.strip()), "")
        received = receive(
            Inbound(
                channel=Channel.EXPRESS, sender_scope=self._scope(),
                external_id=str(self.command.sync_id), contact=self.contact,
                request_type=RequestType(collected["type"]), subject=subject[:100],
                description=description, requested_priority=Priority(collected["priority"]),
                component=component, scope=Scope(collected["scope"]),
            ),
            now=self.now,
        )  # fmt: skip
        self._reset()
        if received.outcome == Outcome.REFUSED or received.request is None:
            self.chat.say(
                _("The request was not registered: %(reason)s.")
                % {"reason": _refusal(received.reason)}
            )
            return f"refused: {received.reason}"
        request = self.request = received.request
        ChatThread.objects.get_or_create(
            request=request,
            defaults={"account": self.chat.account, "chat_id": self.message.chat.id},
        )
        text = _("Request %(reference)s is registered with priority %(priority)s.") % {
            "reference": request.reference, "priority": request.priority,
        }  # fmt: skip
        if received.notice is not None:
            text += "\n" + received.notice.text(request.organization.time_zone)
        self.chat.say(text, self._request_buttons(request), thread=request.reference)
        return f"opened {request.reference}"

    def _scope(self) -> str:
        return f"express:{self.chat.account.pk}:{self.message.sender.huid}"

    # -- free text: the step's answer ---------------------------------------------------

    def text(self, body: str) -> str:
        step = self.dialogue.step
        file = self._file()
        if step == "description" and body:
            collected = dict(self.dialogue.data, description=body)
            self._ask_priority(collected)
            return "asked the priority"
        if step in ("reply", "file") and (body or file):
            request = self._own(self.dialogue.data.get("request"))
            return self._append(request, body, file)
        if step == "reopen" and body:
            return self._reopen(self._own(self.dialogue.data.get("request")), body)
        self.chat.say(self._help())
        return "help"

    def _file(self) -> InboundFile | None:
        attached = self.message.file
        if attached is None or attached.is_async_file:
            return None
        return InboundFile(
            name=attached.filename, content_type=_content_type(attached.filename),
            data=attached.content,
        )  # fmt: skip

    def _append(self, request: Request, body: str, file: InboundFile | None) -> str:
        if not body:
            body = _("(file)")
        received = receive(
            Inbound(
                channel=Channel.EXPRESS, sender_scope=self._scope(),
                external_id=str(self.command.sync_id), contact=self.contact, thread=request,
                body=body, files=(file,) if file else (),
            ),
            now=self.now,
        )  # fmt: skip
        self._reset()
        if received.outcome == Outcome.REFUSED:
            self.chat.say(_("Not added: %(reason)s.") % {"reason": _refusal(received.reason)})
            return f"refused: {received.reason}"
        ChatThread.objects.get_or_create(
            request=request,
            defaults={"account": self.chat.account, "chat_id": self.message.chat.id},
        )
        text = _("Added to %(reference)s.") % {"reference": request.reference}
        for refused in received.refused_files:
            text += "\n" + _("File %(name)s was not accepted: %(reason)s") % {
                "name": refused.name, "reason": refused.reason,
            }  # fmt: skip
        self.chat.say(text, thread=request.reference)
        return f"appended to {request.reference}"

    # -- my requests, reply, file ---------------------------------------------------------

    def mine(self, rest: str, data: dict[str, Any]) -> str:
        self._reset()
        mine = Q(contact=self.contact)
        if self.contact.is_customer_admin:
            mine = Q(organization=self.contact.organization_id)
        requests = list(
            Request.objects.filter(mine)
            .exclude(status=Status.CLOSED)
            .select_related("reaction_clock", "resolution_clock", "organization")
            .order_by("-pk")[:10]
        )
        if not requests:
            self.chat.say(_("You have no open requests. Start one: /new"))
            return "listed 0"
        lines, rows = [_("Your open requests:")], []
        for request in requests:
            zone = request.organization.time_zone
            lines.append(
                f"{request.reference} · {request.priority} · {Status(request.status).label} · "
                f"{request.subject}"
            )
            for label, clock in (
                (_("reaction due"), request.reaction_clock),
                (_("resolution due"), request.resolution_clock),
            ):
                if clock is not None and clock.due_at is not None and clock.status != "stopped":
                    lines.append(f"    {label}: {_local(clock.due_at, zone)}")
            rows.append(self._request_buttons(request)[0])
        self.chat.say("\n".join(lines), rows)
        return f"listed {len(requests)}"

    def _request_buttons(self, request: Request) -> Buttons:
        label = _("Reply to %(reference)s") % {"reference": request.reference}
        return [[
            button(label, bots.REPLY, request=request.pk),
            button(_("Attach a file"), bots.FILE, request=request.pk),
        ]]  # fmt: skip

    def reply(self, rest: str, data: dict[str, Any]) -> str:
        reference, _space, text = rest.partition(" ")
        request = self._own(data.get("request") or reference)
        if text.strip() and not data.get("request"):
            return self._append(request, text.strip(), self._file())
        self._reset("reply", request=request.pk)
        text = _("Write your reply to %(reference)s (you can attach a file).")
        self.chat.say(text % {"reference": request.reference}, thread=request.reference)
        return f"asked the reply to {request.reference}"

    def file(self, rest: str, data: dict[str, Any]) -> str:
        request = self._own(data.get("request") or rest.split(" ")[0])
        if (file := self._file()) is not None:
            return self._append(request, "", file)
        self._reset("file", request=request.pk)
        self.chat.say(
            _("Send the file for %(reference)s.") % {"reference": request.reference},
            thread=request.reference,
        )
        return f"asked the file for {request.reference}"

    def cancel(self, rest: str, data: dict[str, Any]) -> str:
        self._reset()
        self.chat.say(_("Cancelled."))
        return "cancelled"

    # -- buttons under the desk's notifications ------------------------------------------

    def downgrade(self, rest: str, data: dict[str, Any]) -> str:
        """Rule 4's chat button: the customer accepts or declines the proposal."""
        proposal = (
            DowngradeProposal.objects.select_related("request")
            .filter(pk=int(data.get("proposal") or 0))
            .first()
        )
        if proposal is None:
            raise ActionError(_("Request not found."))
        self.request = proposal.request
        if proposal.state != ProposalState.PENDING:
            self.chat.say(_("This proposal was already decided."))
            return "proposal already decided"
        accept = bool(data.get("accept"))
        actions.decide_downgrade(by=self.contact, proposal=proposal, accept=accept, now=self.now)
        reference = proposal.request.reference
        if accept:
            text = _("Agreed: %(reference)s now has priority %(priority)s.") % {
                "reference": reference, "priority": proposal.to_priority,
            }  # fmt: skip
        else:
            text = _("Declined: %(reference)s keeps priority %(priority)s.") % {
                "reference": reference, "priority": proposal.from_priority,
            }  # fmt: skip
        self.chat.say(text, thread=reference)
        return f"downgrade {'accepted' if accept else 'declined'} on {reference}"

    def confirm(self, rest: str, data: dict[str, Any]) -> str:
        request = self._own(data.get("request") or rest)
        actions.confirm_resolution(actor=self._account(), request=request, now=self.now)
        self.chat.say(
            _("Thank you: %(reference)s is closed.") % {"reference": request.reference},
            thread=request.reference,
        )
        return f"confirmed {request.reference}"

    def reopen(self, rest: str, data: dict[str, Any]) -> str:
        request = self._own(data.get("request") or rest)
        if request.status != Status.RESOLVED:
            raise ActionError(_("Only a resolved request can be reopened."))
        self._reset("reopen", request=request.pk)
        self.chat.say(
            _("What is still wrong with %(reference)s?") % {"reference": request.reference},
            thread=request.reference,
        )
        return f"asked why {request.reference} is reopened"

    def _reopen(self, request: Request, reason: str) -> str:
        actions.reopen(actor=self._account(), request=request, reason=reason, now=self.now)
        self._reset()
        self.chat.say(
            _("%(reference)s is open again.") % {"reference": request.reference},
            thread=request.reference,
        )
        return f"reopened {request.reference}"

    def _account(self) -> Any:
        """The contact's portal account: confirming and reopening are the requester's
        acts, which the request actions check on the account."""
        if self.contact.user is None:
            raise ActionError(_("Confirm or reopen on the portal: your contact has no account."))
        return self.contact.user

    def _help(self) -> str:
        return "\n".join(
            [_("Commands:")]
            + [f"{command} {text}" for command, text in bots._menu_descriptions().items()]
        )


def _refusal(reason: RefusalReason | None) -> str:
    """Intake's refusal, worded for the customer (the code stays in the outcome)."""
    texts = {
        RefusalReason.UNKNOWN_SENDER: _("we could not tell who you are"),
        RefusalReason.FOREIGN_ORGANIZATION: _("the request belongs to another organization"),
        RefusalReason.STAFF_SENDER: _("your address belongs to support staff"),
    }
    return texts[reason] if reason is not None else _("intake refused it")


def _local(at: datetime, zone: str) -> str:
    return at.astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y %H:%M")


def _content_type(name: str) -> str:
    import mimetypes

    return mimetypes.guess_type(name)[0] or "application/octet-stream"
