"""BotX's three endpoints, as async views: ``/botx/command``, ``/botx/status``,
``/botx/notification/callback``. Thin: verify the JWT (pybotx), read the body into
pybotx's models, store or record through ``actions``, answer.

An unsigned or badly signed call is a 401 and changes nothing; a signed call for another
bot than its body names is a 403. A body that cannot be read is a 400 with the reason,
kept (``RejectedDelivery``) for inspection. A command is stored by ``sync_id`` and
answered 202 at once; the job acts on it, once, whatever BotX re-delivers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from uuid import UUID

import jwt
from asgiref.sync import sync_to_async
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from pybotx import (
    BotAPIMethodFailedCallback,
    BotXMethodCallback,
    UnknownBotAccountError,
    UnverifiedRequestError,
    build_command_accepted_response,
    build_unverified_request_response,
)
from pybotx.bot.api.exceptions import UnknownSystemEventError, UnsupportedBotAPIVersionError
from pybotx.models.commands import BotAPISystemEvent
from pybotx.models.message.incoming_message import BotAPIIncomingMessage
from pydantic import TypeAdapter, ValidationError

from supportdesk.channels.express import actions, bots
from supportdesk.channels.express.models import BotAccount


def _accounts() -> list[BotAccount]:
    return list(BotAccount.objects.filter(is_active=True).select_related("organization"))


def _unverified(reason: str) -> JsonResponse:
    return JsonResponse(build_unverified_request_response(reason), status=401)


def _bad(reason: str) -> JsonResponse:
    return JsonResponse({"status": "error", "reason": "bad_request", "detail": reason}, status=400)


def _signer(accounts: list[BotAccount], headers: Mapping[str, str]) -> BotAccount | None:
    """The account whose secret signed the (verified) token: v2 names the bot in ``iss``
    and the CTS host in ``aud``; v1 the bot in ``aud`` and the host in ``iss``."""
    token = headers.get("authorization", "").split()[-1]
    claims = jwt.decode(token, options={"verify_signature": False})
    issuer, audience = claims.get("iss"), claims.get("aud")
    if isinstance(audience, list):
        bot_id, host = audience[-1], issuer
    else:
        bot_id, host = issuer, audience
    for account in accounts:
        if str(account.bot_id) == str(bot_id) and account.host == host:
            return account
    return next((account for account in accounts if str(account.bot_id) == str(bot_id)), None)


def _verified(request: HttpRequest) -> BotAccount | JsonResponse:
    accounts = _accounts()
    try:
        bots.verify(accounts, request.headers)
    except UnverifiedRequestError as error:
        return _unverified(str(error) or "invalid token")
    except Exception:
        return _unverified("the authorization token was not provided")
    account = _signer(accounts, request.headers)
    if account is None:
        return _unverified("unknown bot")
    return account


def _parse_command(payload: Any) -> str:
    """Why pybotx cannot read the command, or ""."""
    if not isinstance(payload, dict):
        return "the body is not a JSON object"
    try:
        if payload.get("command", {}).get("command_type") == "user":
            BotAPIIncomingMessage.model_validate(payload).to_domain(payload)
        else:
            TypeAdapter(BotAPISystemEvent).validate_python(payload)
        UUID(str(payload["sync_id"]))
    except ValidationError as error:
        first = error.errors()[0]
        count = error.error_count()
        return f"not a BotX command: {count} errors, first: {first['loc']} {first['msg']}"
    except (UnsupportedBotAPIVersionError, UnknownSystemEventError) as error:
        return str(getattr(error, "message", error))
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        return f"not a BotX command: {type(error).__name__}: {error}"
    return ""


def _command(request: HttpRequest) -> JsonResponse:
    now = timezone.now()
    account = _verified(request)
    if isinstance(account, JsonResponse):
        return account
    try:
        payload = json.loads(request.body)
    except ValueError as error:
        reason = f"the body is not JSON: {error}"
        actions.reject("command", request.body, reason, account=account, now=now)
        return _bad(reason)
    if reason := _parse_command(payload):
        actions.reject("command", request.body, reason, account=account, now=now)
        return _bad(reason)
    if str(payload.get("bot_id")) != str(account.bot_id):
        detail = "signed by another bot than the body names"
        return JsonResponse(
            {"status": "error", "reason": "forbidden", "detail": detail}, status=403
        )
    actions.take_command(account, payload, now=now)
    return JsonResponse(build_command_accepted_response(), status=202)


@csrf_exempt
@require_POST
async def command(request: HttpRequest) -> JsonResponse:
    return await sync_to_async(_command)(request)


@csrf_exempt
@require_GET
async def status(request: HttpRequest) -> JsonResponse:
    accounts = await sync_to_async(_accounts)()
    bot = bots.verifier(accounts)
    try:
        menu = await bot.raw_get_status(
            {key: str(value) for key, value in request.GET.items()}, request_headers=request.headers
        )
    except UnverifiedRequestError as error:
        return _unverified(str(error) or "invalid token")
    except UnknownBotAccountError:
        return _unverified("unknown bot")
    except ValueError as error:
        return _bad(str(error))
    except Exception:
        return _unverified("the authorization token was not provided")
    return JsonResponse(menu)


def _callback(request: HttpRequest) -> JsonResponse:
    now = timezone.now()
    account = _verified(request)
    if isinstance(account, JsonResponse):
        return account
    try:
        result = TypeAdapter(BotXMethodCallback).validate_json(request.body)
    except ValidationError as error:
        reason = f"not a BotX callback: {error.errors()[0]['loc']} {error.errors()[0]['msg']}"
        actions.reject("callback", request.body, reason, account=account, now=now)
        return _bad(reason)
    if isinstance(result, BotAPIMethodFailedCallback):
        actions.record_callback(
            result.sync_id, account=account, ok=False, reason=result.reason,
            errors=list(result.errors), now=now,
        )  # fmt: skip
    else:
        actions.record_callback(
            result.sync_id, account=account, ok=True, reason="", errors=[], now=now
        )
    return JsonResponse({"result": "ok"})


@csrf_exempt
@require_POST
async def callback(request: HttpRequest) -> JsonResponse:
    return await sync_to_async(_callback)(request)
