"""Seeds the database of the schema-fuzzing server (``test_schema_fuzzing``): the demo (made
through the actions), an attachment, a token for a staff member and one for a customer,
and spare tokens the fuzzer may revoke. Prints one JSON object: the two tokens, the ids of
real objects per path parameter, and the ids of the tokens the fuzzer must not revoke.

Run in the server's environment: ``python -m tests.api.fuzz_seed``."""

from __future__ import annotations

import json
import secrets
from typing import Any


def seed() -> dict[str, Any]:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from supportdesk.api.actions import create_token
    from supportdesk.contracts.models import Contract
    from supportdesk.core.demo import load_demo
    from supportdesk.customers.models import Contact, Organization
    from supportdesk.tickets.attachments import add_attachment
    from supportdesk.tickets.models import DowngradeProposal, Message, Request

    now = timezone.now()
    load_demo(now=now, password=secrets.token_urlsafe())
    staff, customer = User.objects.get(username="agent"), User.objects.get(username="alfa")
    message = Message.objects.filter(request__contact__user=customer, kind="public").first()
    assert message is not None, "the demo has a public message of Anna's"
    attachment = add_attachment(
        actor=customer,
        message=message,
        upload=SimpleUploadedFile("log.txt", b"queue grows\n", content_type="text/plain"),
        now=now,
    )
    tokens = {role: create_token(user=user, name="fuzzing", now=now) for role, user in
              (("staff", staff), ("customer", customer))}  # fmt: skip
    spares = [create_token(user=user, name="spare", now=now)[0] for user in (staff, customer)]
    return {
        "tokens": {role: raw for role, (_, raw) in tokens.items()},
        "protected_token_ids": [token.pk for token, _ in tokens.values()],
        "ids": {
            "request_id": list(Request.objects.values_list("pk", flat=True)),
            "message_id": list(Message.objects.values_list("pk", flat=True)),
            "attachment_id": [attachment.pk],
            "proposal_id": list(DowngradeProposal.objects.values_list("pk", flat=True)),
            "organization_id": list(Organization.objects.values_list("pk", flat=True)),
            "contact_id": list(Contact.objects.values_list("pk", flat=True)),
            "contract_id": list(Contract.objects.values_list("pk", flat=True)),
            "token_id": [token.pk for token in spares],
        },
    }


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(seed()))
