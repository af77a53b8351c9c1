"""Mailboxes come from the environment through a typed helper that fails loudly."""

from __future__ import annotations

import subprocess

import pytest
from django.core.exceptions import ImproperlyConfigured

from supportdesk.env import MailboxSettings, mailboxes_from_env
from tests.core.processes import SUPPORTDESK, base_env

TYPES = frozenset({"incident", "consultation"})
SUPPORT = {
    "SUPPORTDESK_MAILBOXES": "support",
    "SUPPORTDESK_MAILBOX_SUPPORT_HOST": "imap.desk.example",
    "SUPPORTDESK_MAILBOX_SUPPORT_USER": "support@desk.example",
    "SUPPORTDESK_MAILBOX_SUPPORT_PASSWORD": "s3cret",
}


def read(monkeypatch: pytest.MonkeyPatch, **variables: str) -> tuple[MailboxSettings, ...]:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return mailboxes_from_env(TYPES)


def test_none_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUPPORTDESK_MAILBOXES", raising=False)

    assert mailboxes_from_env(TYPES) == ()


def test_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    assert read(monkeypatch, **SUPPORT) == (
        MailboxSettings(
            name="support", host="imap.desk.example", port=993, security="tls",
            user="support@desk.example", password="s3cret", folder="INBOX",
            processed_folder="Processed", request_type="incident",
            address="support@desk.example", ca_file="",
        ),
    )  # fmt: skip


def test_two_mailboxes_with_their_own_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    boxes = read(
        monkeypatch,
        **{**SUPPORT, "SUPPORTDESK_MAILBOXES": "support, consult"},
        SUPPORTDESK_MAILBOX_SUPPORT_SECURITY="STARTTLS",
        SUPPORTDESK_MAILBOX_CONSULT_HOST="127.0.0.1",
        SUPPORTDESK_MAILBOX_CONSULT_SECURITY="plain",
        SUPPORTDESK_MAILBOX_CONSULT_PORT="10143",
        SUPPORTDESK_MAILBOX_CONSULT_USER="consult",
        SUPPORTDESK_MAILBOX_CONSULT_PASSWORD="p",
        SUPPORTDESK_MAILBOX_CONSULT_FOLDER="Входящие",
        SUPPORTDESK_MAILBOX_CONSULT_PROCESSED_FOLDER="Archive/Done",
        SUPPORTDESK_MAILBOX_CONSULT_REQUEST_TYPE="consultation",
        SUPPORTDESK_MAILBOX_CONSULT_ADDRESS="Consult@Desk.example",
    )

    assert [(b.name, b.port, b.security, b.request_type) for b in boxes] == [
        ("support", 143, "starttls", "incident"),
        ("consult", 10143, "plain", "consultation"),
    ]
    assert (boxes[1].folder, boxes[1].processed_folder, boxes[1].address) == (
        "Входящие",
        "Archive/Done",
        "consult@desk.example",
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"SUPPORTDESK_MAILBOX_SUPPORT_SECURITY": "ssl"},
         "SUPPORTDESK_MAILBOX_SUPPORT_SECURITY='ssl': use tls, starttls or plain"),
        ({"SUPPORTDESK_MAILBOX_SUPPORT_SECURITY": "plain"},
         "SUPPORTDESK_MAILBOX_SUPPORT_SECURITY=plain sends the password in clear"),
        ({"SUPPORTDESK_MAILBOX_SUPPORT_HOST": None},
         "environment variable SUPPORTDESK_MAILBOX_SUPPORT_HOST is required"),
        ({"SUPPORTDESK_MAILBOX_SUPPORT_PASSWORD": ""},
         "environment variable SUPPORTDESK_MAILBOX_SUPPORT_PASSWORD is blank"),
        ({"SUPPORTDESK_MAILBOX_SUPPORT_REQUEST_TYPE": "incidents"},
         "SUPPORTDESK_MAILBOX_SUPPORT_REQUEST_TYPE='incidents': use one of consultation, "
         "incident"),
        ({"SUPPORTDESK_MAILBOX_SUPPORT_PORT": "imaps"},
         "SUPPORTDESK_MAILBOX_SUPPORT_PORT='imaps' is not an integer"),
        ({"SUPPORTDESK_MAILBOXES": "support,SUPPORT"},
         "SUPPORTDESK_MAILBOXES names a mailbox twice"),
        ({"SUPPORTDESK_MAILBOXES": "sup port"}, "'sup port' is not a name"),
    ],
)  # fmt: skip
def test_a_bad_value_names_itself(
    monkeypatch: pytest.MonkeyPatch, changes: dict[str, str | None], message: str
) -> None:
    for name, value in {**SUPPORT, **changes}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)

    with pytest.raises(ImproperlyConfigured) as raised:
        mailboxes_from_env(TYPES)

    assert message in str(raised.value)


def test_a_bad_mailbox_stops_every_command_with_one_line() -> None:
    broken = {**SUPPORT, "SUPPORTDESK_MAILBOX_SUPPORT_SECURITY": "ssl"}
    env = base_env(SUPPORTDESK_SECRET_KEY="x" * 50, **broken)

    result = subprocess.run(
        [SUPPORTDESK, "mail", "poll", "--once"], env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip

    assert result.returncode == 2
    assert result.stderr == (
        "supportdesk: SUPPORTDESK_MAILBOX_SUPPORT_SECURITY='ssl': use tls, starttls or plain\n"
    )
