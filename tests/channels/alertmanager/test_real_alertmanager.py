"""Debian's real ``prometheus-alertmanager`` on loopback delivers to the product: alerts
pushed to its API become one request per group, its resolution a proposal. Skips when the
binary is not installed (``./dev test`` installs it)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_django.live_server_helper import LiveServer

from supportdesk.channels.alertmanager.models import AlertGroup, AlertIntegration
from supportdesk.tickets.models import Request
from tests.channels.alertmanager.conftest import TOKEN
from tests.tickets.conftest import Desk

BINARY = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
pytestmark = [
    pytest.mark.skipif(BINARY is None, reason="prometheus-alertmanager is not installed"),
    pytest.mark.django_db(transaction=True),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _config(url: str) -> str:
    return json.dumps(
        {
            "route": {
                "receiver": "desk", "group_by": ["alertname"], "group_wait": "1s",
                "group_interval": "1s", "repeat_interval": "1h",
            },
            "receivers": [{
                "name": "desk",
                "webhook_configs": [{
                    "url": url, "send_resolved": True,
                    "http_config": {"authorization": {"type": "Bearer", "credentials": TOKEN}},
                }],
            }],
        }
    )  # fmt: skip


@pytest.fixture
def alertmanager(
    live_server: LiveServer, monitoring: AlertIntegration, tmp_path: Path
) -> Iterator[str]:
    assert BINARY is not None
    config = tmp_path / "alertmanager.yml"  # JSON is YAML
    config.write_text(_config(f"{live_server.url}/api/v1/alerts/alertmanager/{monitoring.slug}"))
    address = f"127.0.0.1:{_free_port()}"
    process = subprocess.Popen(
        [
            BINARY, f"--config.file={config}", f"--storage.path={tmp_path / 'data'}",
            f"--web.listen-address={address}", "--cluster.listen-address=",
        ],
        stdout=subprocess.DEVNULL, stderr=(tmp_path / "alertmanager.log").open("wb"),
    )  # fmt: skip
    try:
        base = f"http://{address}"
        _wait(lambda: _get(f"{base}/-/ready"), what="Alertmanager ready")
        yield base
    finally:
        process.terminate()
        process.wait(10)


def _get(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
            return bool(response.status == 200)
    except OSError:
        return False


def _wait(condition: Callable[[], bool], *, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _push(base: str, alerts: list[dict[str, object]]) -> None:
    request = urllib.request.Request(  # noqa: S310 (an http:// URL of ours)
        f"{base}/api/v2/alerts", json.dumps(alerts).encode(), method="POST",
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        assert response.status == 200


def _alert(instance: str, *, ends: datetime | None = None) -> dict[str, object]:
    alert: dict[str, object] = {
        "labels": {"alertname": "DiskFull", "instance": instance, "severity": "warning"},
        "annotations": {"summary": f"Disk almost full on {instance}"},
    }
    if ends is not None:
        alert["endsAt"] = ends.isoformat()
    return alert


def test_alertmanager_delivers_alerts_to_one_request_and_proposes_resolution(
    desk: Desk, alertmanager: str
) -> None:
    _push(alertmanager, [_alert("db-01"), _alert("db-02")])
    _wait(lambda: Request.objects.exists(), what="the request")
    request = Request.objects.get()
    assert (request.channel, request.priority, request.organization) == (
        "monitoring", "P3", desk.alfa,
    )  # fmt: skip
    _wait(lambda: len(AlertGroup.objects.get().firing) == 2, what="both alerts")

    past = datetime.now(UTC) - timedelta(seconds=1)
    _push(alertmanager, [_alert("db-01", ends=past), _alert("db-02", ends=past)])
    _wait(lambda: AlertGroup.objects.get().resolution_proposed, what="the resolution proposal")
    assert Request.objects.count() == 1
    request.refresh_from_db()
    assert request.status != "resolved"  # proposed to the agent, never closed silently
