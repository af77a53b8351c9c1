"""Personal API tokens. A token is created from a signed-in session only (a token cannot
mint tokens); the raw token is in the answer once and never stored."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from supportdesk.api import actions, reads, render
from supportdesk.api.auth import acting_user, session_auth
from supportdesk.api.schemas import ERRORS, Id, TokenCreated, TokenIn, TokenOut, errors

router = Router(tags=["tokens"])


@router.post(
    "/tokens", auth=[session_auth], response={201: TokenCreated, **errors(400, 401, 403, 413, 422)}
)
def create_token(request: HttpRequest, data: TokenIn) -> Status[TokenCreated]:
    """Create a token for yourself. Session only; keep the ``token`` from the answer."""
    token, raw = actions.create_token(user=acting_user(request), name=data.name, now=timezone.now())
    return Status(201, TokenCreated(**render.token(token).model_dump(), token=raw))


@router.get("/tokens", response={200: list[TokenOut], **errors(401)})
def list_tokens(request: HttpRequest) -> list[TokenOut]:
    """Your own tokens, newest first, revoked ones included."""
    return [render.token(row) for row in reads.own_tokens(acting_user(request))]


@router.delete("/tokens/{token_id}", response={200: TokenOut, **ERRORS})
def revoke_token(request: HttpRequest, token_id: Id) -> TokenOut:
    """Revoke one of your tokens (a support lead: anyone's). It stops working at once."""
    user, now = acting_user(request), timezone.now()
    token = reads.get_manageable_token(user, token_id)
    return render.token(actions.revoke_token(actor=user, token=token, now=now))
