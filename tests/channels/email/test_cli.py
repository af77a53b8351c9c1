"""``supportdesk mail``: the exact contract scripts depend on, run as real processes on a
real database (and, for ``poll``, a real IMAP server)."""

from __future__ import annotations

import ctypes
import json
import platform
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from supportdesk.env import MailboxSettings
from tests.channels.email.imap import Dovecot
from tests.channels.email.mail import CORPUS, plain
from tests.core.processes import SUPPORTDESK, Process, base_env
from tests.core.test_script_commands_start_lean import PROBE, web_and_jobs_in


@pytest.fixture(scope="module")
def desk_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A database with the demo's customers (anna@alfa.example, vera@beta.example) and
    staff (agent@vendor.example)."""
    folder = tmp_path_factory.mktemp("mail-cli")
    env = base_env(
        DATABASE_URL=f"sqlite:///{folder / 'desk.sqlite3'}",
        SUPPORTDESK_VAR_DIR=str(folder),
        SUPPORTDESK_SECRET_KEY=secrets.token_urlsafe(50),
        SUPPORTDESK_MAIL=f"file:{folder / 'outbox'}",
        SUPPORTDESK_MAIL_FROM="support@desk.example",
    )
    subprocess.run([SUPPORTDESK, "migrate", "-v0"], env=env, check=True)
    subprocess.run([SUPPORTDESK, "demo"], env=env, check=True, capture_output=True)
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SUPPORTDESK, "mail", *args], env=env, capture_output=True, text=True, check=False
    )


def ingest(env: dict[str, str], path: Path) -> dict[str, object]:
    result = run(env, "ingest", "--file", str(path), "--json")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    answer: dict[str, object] = json.loads(lines[0])
    return answer


def rows(env: dict[str, str], table: str) -> int:
    path = env["DATABASE_URL"].removeprefix("sqlite:///")
    with closing(sqlite3.connect(path)) as db:
        count: int = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
        return count


def test_a_new_message_opens_a_request_and_again_answers_the_same(
    desk_env: dict[str, str], tmp_path: Path
) -> None:
    message = tmp_path / "new.eml"
    message.write_bytes(
        plain(message_id="<cli-1@alfa.example>", subject="Сервер недоступен", body="Не работает")
    )
    requests_before = rows(desk_env, "tickets_request")

    first = ingest(desk_env, message)
    tables = ("tickets_request", "email_inboundmail", "audit_auditevent", "channels_receipt")
    counts = [rows(desk_env, table) for table in tables]
    again = ingest(desk_env, message)

    assert first == {"outcome": "opened", "request": f"SD-{requests_before + 1}", "reason": None}
    assert again == first
    assert [rows(desk_env, table) for table in tables] == counts


def test_a_reply_appends_and_a_stranger_is_quarantined(
    desk_env: dict[str, str], tmp_path: Path
) -> None:
    message = tmp_path / "reply.eml"
    message.write_bytes(
        plain(sender="anna@alfa.example", message_id="<cli-2@alfa.example>",
              subject="Re: [SD-1] Не приходят уведомления", body="Всё ещё не приходят.")
    )  # fmt: skip

    assert ingest(desk_env, message) == {"outcome": "appended", "request": "SD-1", "reason": None}
    assert ingest(desk_env, CORPUS / "unknown_sender.eml") == {
        "outcome": "quarantined",
        "request": None,
        "reason": "unknown-sender",
    }


def test_another_organizations_reply_is_quarantined(
    desk_env: dict[str, str], tmp_path: Path
) -> None:
    message = tmp_path / "foreign.eml"
    message.write_bytes(
        (CORPUS / "foreign_organization_reply.eml").read_bytes().replace(b"SD-REQ", b"SD-1")
    )

    assert ingest(desk_env, message) == {
        "outcome": "quarantined",
        "request": None,
        "reason": "foreign-organization",
    }


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda path: path, "No such file or directory"),
        (lambda path: path.mkdir() or path, "Is a directory"),
        (lambda path: path.write_bytes(b"\r\n  \r\n") and path, "is empty: no message to read"),
    ],
    ids=["missing", "a directory", "empty"],
)
def test_an_unreadable_file_exits_2_with_one_line(
    desk_env: dict[str, str], tmp_path: Path, make: object, reason: str
) -> None:
    path = make(tmp_path / "message.eml")  # type: ignore[operator]
    before = rows(desk_env, "email_inboundmail")

    result = run(desk_env, "ingest", "--file", str(path), "--json")

    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("error: ")
    assert reason in result.stderr
    assert rows(desk_env, "email_inboundmail") == before


def test_ingest_starts_without_checks_web_or_admin(
    desk_env: dict[str, str], tmp_path: Path
) -> None:
    message = tmp_path / "lean.eml"
    message.write_bytes(plain(message_id="<cli-lean@alfa.example>"))
    report = tmp_path / "report.json"

    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(report), SUPPORTDESK,
         "mail", "ingest", "--file", str(message), "--json"],
        env=desk_env, capture_output=True, text=True, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    seen = json.loads(report.read_text())
    assert seen["checks_ran"] is False
    # The job queue stays (what mail opens notifies people); the web and the admin do not.
    jobs = {"huey", "redis"}
    loaded = {module for module in seen["modules"] if module.split(".")[0] not in jobs}
    assert web_and_jobs_in(loaded) == []


def test_poll_without_mailboxes_says_so(desk_env: dict[str, str]) -> None:
    result = run(desk_env, "poll", "--once")

    assert (result.returncode, result.stderr) == (
        2,
        "error: no mailboxes are configured: set SUPPORTDESK_MAILBOXES\n",
    )


@pytest.fixture
def mailbox_env(
    desk_env: dict[str, str], dovecot: Dovecot
) -> tuple[dict[str, str], MailboxSettings]:
    account = dovecot.account()
    env = {
        **desk_env,
        "SUPPORTDESK_MAILBOXES": "support",
        "SUPPORTDESK_MAILBOX_SUPPORT_HOST": "127.0.0.1",
        "SUPPORTDESK_MAILBOX_SUPPORT_PORT": str(dovecot.imap_port),
        "SUPPORTDESK_MAILBOX_SUPPORT_SECURITY": "starttls",
        "SUPPORTDESK_MAILBOX_SUPPORT_CA_FILE": str(dovecot.certificate),
        "SUPPORTDESK_MAILBOX_SUPPORT_USER": account.user,
        "SUPPORTDESK_MAILBOX_SUPPORT_PASSWORD": account.password,
        "SUPPORTDESK_MAILBOX_SUPPORT_REQUEST_TYPE": "consultation",
        "SUPPORTDESK_MAIL_POLL_SECONDS": "1",
    }
    return env, account


def test_poll_once_reads_the_mailbox_and_exits(
    mailbox_env: tuple[dict[str, str], MailboxSettings], dovecot: Dovecot
) -> None:
    env, account = mailbox_env
    dovecot.deliver(account, plain(message_id="<cli-poll@alfa.example>", subject="Вопрос"))

    result = run(env, "poll", "--once")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "support: 1 fetched, 1 moved, 0 failed {'opened': 1}\n"
    assert (dovecot.count(account, "INBOX"), dovecot.count(account, "Processed")) == (0, 1)


def test_poll_runs_until_stopped(
    mailbox_env: tuple[dict[str, str], MailboxSettings], dovecot: Dovecot, tmp_path: Path
) -> None:
    env, account = mailbox_env
    with Process([SUPPORTDESK, "mail", "poll"], env=env, log=tmp_path / "poll.log") as poll:
        poll.wait_for_output("reading support", timeout=30)
        dovecot.deliver(account, plain(message_id="<cli-watch@alfa.example>"))
        deadline = time.monotonic() + 20
        while dovecot.count(account, "Processed") == 0:
            assert time.monotonic() < deadline, poll.output
            time.sleep(0.1)

        # Nothing in hand (waiting in IDLE): it stops at once.
        assert poll.stop(signal.SIGTERM, timeout=5) == 0


def _signal_thread(pid: int, tid: int, sig: int) -> None:
    """tgkill(2): a signal for one thread of ``pid``, as the kernel may choose to deliver a
    Ctrl-C meant for the whole process."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.syscall(SYS_TGKILL, pid, tid, sig) != 0:
        raise OSError(ctypes.get_errno(), f"tgkill({pid}, {tid}, {sig})")


SYS_TGKILL = {"x86_64": 234, "aarch64": 131}.get(platform.machine())


@pytest.mark.skipif(sys.platform != "linux" or SYS_TGKILL is None, reason="tgkill is Linux's")
def test_poll_stops_when_a_reader_thread_takes_the_signal(
    mailbox_env: tuple[dict[str, str], MailboxSettings], tmp_path: Path
) -> None:
    # The kernel hands a process-wide signal to any thread; Python runs the handler in the
    # main thread only when it next runs Python code. A main thread waiting without a
    # timeout never did: `./dev run` went on reading mail a minute after Ctrl-C, now and then.
    env, _account = mailbox_env
    with Process([SUPPORTDESK, "mail", "poll"], env=env, log=tmp_path / "poll.log") as poll:
        poll.wait_for_output("reading support", timeout=30)
        pid = poll.popen.pid
        readers = [int(task.name) for task in Path(f"/proc/{pid}/task").iterdir()]
        readers.remove(pid)  # the main thread's id is the process's
        assert readers, "no reader thread"
        _signal_thread(pid, readers[0], signal.SIGINT)
        assert poll.stop(signal.SIGCONT, timeout=15) == 0
