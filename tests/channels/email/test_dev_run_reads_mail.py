"""`./dev run` starts the mailbox reader beside the job worker when mailboxes are
configured, and stopping it stops the reader too."""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path

import pytest

from tests.channels.email.imap import Dovecot
from tests.channels.email.mail import plain
from tests.core.processes import ROOT, alive, free_port
from tests.core.test_dev_run import dev_run

pytestmark = pytest.mark.skipif(
    not (ROOT / ".tools" / "bin" / "uv").exists(), reason="./dev has not installed uv here"
)


def test_the_reader_runs_beside_the_worker_and_stops_with_it(
    tmp_path: Path, dovecot: Dovecot
) -> None:
    account = dovecot.account()
    port = free_port()
    variables = {
        "SUPPORTDESK_MAILBOXES": "support",
        "SUPPORTDESK_MAILBOX_SUPPORT_HOST": "127.0.0.1",
        "SUPPORTDESK_MAILBOX_SUPPORT_PORT": str(dovecot.imap_port),
        "SUPPORTDESK_MAILBOX_SUPPORT_SECURITY": "plain",
        "SUPPORTDESK_MAILBOX_SUPPORT_USER": account.user,
        "SUPPORTDESK_MAILBOX_SUPPORT_PASSWORD": account.password,
    }
    dovecot.deliver(account, plain(sender="anna@alfa.example", message_id="<dev-run@alfa.example>"))
    with dev_run(tmp_path, port, **variables) as run:
        run.wait_for_output("mail reader started for support", timeout=300)
        reader = re.search(r"mail reader started for support \(pid (\d+)\)", run.output)
        assert reader, run.output
        deadline = time.monotonic() + 120
        while dovecot.count(account, "Processed") == 0:
            assert time.monotonic() < deadline, run.output
            time.sleep(0.5)
        run.wait_for_http(port, timeout=120)
        assert run.stop(signal.SIGINT, group=True, timeout=60) == 130
        assert not alive(int(reader.group(1)))
    assert dovecot.count(account, "INBOX") == 0
