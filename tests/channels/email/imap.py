"""A real IMAP server on loopback for the tests: Debian's Dovecot (``dovecot-imapd``,
installed by ``./dev test``) started as our own child on free high ports, with its own
configuration, password file and maildirs in a temporary folder. IMAP with STARTTLS on
one port, IMAP over TLS on another, both with a certificate made for 127.0.0.1."""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from imap_tools import BaseMailBox, MailBoxUnencrypted

from supportdesk.env import MailboxSettings

DOVECOT = Path("/usr/sbin/dovecot")
PASSWORD = "a-test-mailbox-password"
# Made with the server: Dovecot reads its password file again only when the file's
# modification time changes, which two accounts added within a second would not do.
ACCOUNTS = 500


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Dovecot:
    folder: Path
    imap_port: int  # plain IMAP with STARTTLS offered
    imaps_port: int  # IMAP over TLS
    certificate: Path
    process: subprocess.Popen[bytes]
    _accounts: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def account(self, *, security: str = "plain", **changes: Any) -> MailboxSettings:
        """A new, empty mailbox of its own."""
        number = next(self._accounts)
        if number > ACCOUNTS:
            raise RuntimeError(f"the test Dovecot has {ACCOUNTS} mailboxes: make more")
        user = f"support{number}"
        mailbox = MailboxSettings(
            name=user,
            host="127.0.0.1",
            port=self.imaps_port if security == "tls" else self.imap_port,
            security=security,
            user=user,
            password=PASSWORD,
            address=f"{user}@desk.example",
            ca_file=str(self.certificate) if security != "plain" else "",
        )
        return replace(mailbox, **changes)

    @contextmanager
    def client(self, mailbox: MailboxSettings) -> Iterator[BaseMailBox]:
        """A plain connection of the test's own, to put mail in and look at folders."""
        box = MailBoxUnencrypted("127.0.0.1", self.imap_port, timeout=10)
        box.login(mailbox.user, mailbox.password, initial_folder=None)
        try:
            yield box
        finally:
            box.logout()

    def deliver(self, mailbox: MailboxSettings, *messages: bytes, folder: str = "INBOX") -> None:
        with self.client(mailbox) as box:
            if not box.folder.exists(folder):
                box.folder.create(folder)
            for raw in messages:
                box.append(raw, folder)

    def count(self, mailbox: MailboxSettings, folder: str) -> int:
        with self.client(mailbox) as box:
            if not box.folder.exists(folder):
                return 0
            return int(box.folder.status(folder, ["MESSAGES"])["MESSAGES"])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def start_dovecot(folder: Path) -> Dovecot:
    """Start Dovecot unprivileged: as the invoking user, or, when the tests run as root
    (a container), as the package's own ``dovecot``/``dovenull`` users, since Dovecot
    refuses to run its login processes as root."""
    for sub in ("base", "state", "mail"):
        (folder / sub).mkdir(parents=True)
    (folder / "users").write_text(
        "".join(f"support{number}:{{PLAIN}}{PASSWORD}\n" for number in range(1, ACCOUNTS + 1))
    )
    cert, key = _certificate(folder)
    if os.geteuid() == 0:
        internal, login = pwd.getpwnam("dovecot"), pwd.getpwnam("dovenull")
        for path in (folder / "mail", folder / "users", key):
            shutil.chown(path, internal.pw_uid, internal.pw_gid)
    else:
        internal = login = pwd.getpwuid(os.geteuid())
    imap_port, imaps_port = _free_port(), _free_port()
    config = folder / "dovecot.conf"
    config.write_text(
        f"""
protocols = imap
listen = 127.0.0.1
base_dir = {folder / "base"}
state_dir = {folder / "state"}
log_path = {folder / "dovecot.log"}
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal.pw_name}
default_internal_group = {pwd.getpwuid(internal.pw_uid).pw_name}
default_login_user = {login.pw_name}
first_valid_uid = {internal.pw_uid}
last_valid_uid = {internal.pw_uid}
first_valid_gid = {internal.pw_gid}
mail_location = maildir:{folder / "mail"}/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder / "users"}
}}
userdb {{
  driver = static
  args = uid={internal.pw_uid} gid={internal.pw_gid} home={folder / "mail"}/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
"""
    )
    process = subprocess.Popen(
        [str(DOVECOT), "-F", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=(folder / "stderr.log").open("wb"),
    )
    server = Dovecot(folder, imap_port, imaps_port, cert, process)
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", imap_port), timeout=1) as probe:
                if probe.recv(100).startswith(b"* OK"):
                    return server
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            log = (folder / "dovecot.log").read_text() if (folder / "dovecot.log").exists() else ""
            errors = (folder / "stderr.log").read_text()
            raise RuntimeError(f"Dovecot did not start:\n{errors}\n{log}")
        time.sleep(0.1)
