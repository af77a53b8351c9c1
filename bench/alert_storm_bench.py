"""An Alertmanager storm: 1,000 alerts in 50 groups delivered in 10 s to the webhook, as
the production server (docs/deploy.md) answers them on PostgreSQL.

Run from the project root (PostgreSQL at 127.0.0.1:5432, user postgres, trust auth)::

    .venv/bin/python -m bench.alert_storm_bench [--alerts 1000] [--groups 50]
                                                [--seconds 10] [--clients 16]

The database ``supportdesk_alerts_bench`` is dropped and re-created and migrated; one
organization with a contract, its monitoring contact and an integration. Each alert's
arrival is one notification of its group carrying the group's alerts so far (as
Alertmanager sends a group: all its alerts each time), sent at its scheduled instant
(evenly over the seconds) by one of the client threads, each on a keep-alive connection.
Then: every answer must be 2xx, there must be exactly one request per group, and each
group must know all its alerts. It ends with the line scripts read::

    Alert storm: N alerts in G groups in S s: all accepted, R requests, p95 M ms

Exit status 1 when an answer was not 2xx or the count is wrong.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from bench.desk import database
from bench.desk.server import free_port, server_command, wait_ready

NAME = "supportdesk_alerts_bench"
TOKEN = "storm-token"  # noqa: S105 (the bench integration's)


def _world() -> None:
    from supportdesk.channels.alertmanager.models import AlertIntegration
    from supportdesk.contracts.models import Contract
    from supportdesk.customers.models import Contact, Organization
    from supportdesk.sla.models import PolicyVersion

    organization = Organization.objects.create(name="Storm", slug="storm")
    Contract.objects.create(
        number="S-1", organization=organization,
        policy_version=PolicyVersion.objects.get(plan__code="24x7", number=1),
        valid_from=date(2020, 1, 1), valid_until=date(2099, 12, 31), users=100,
    )  # fmt: skip
    contact = Contact.objects.create(
        organization=organization, name="NOC", email="noc@storm.example"
    )
    AlertIntegration.objects.create(
        slug="storm", name="Storm", organization=organization, contact=contact, bearer_token=TOKEN
    )


def _body(group: int, alerts: int) -> bytes:
    key = f'{{}}:{{alertname="Storm{group}"}}'
    started = datetime.now(UTC).isoformat()
    return json.dumps(
        {
            "version": "4", "groupKey": key, "status": "firing", "receiver": "desk",
            "groupLabels": {"alertname": f"Storm{group}"},
            "commonLabels": {"alertname": f"Storm{group}", "severity": "critical"},
            "commonAnnotations": {"summary": f"storm group {group}"},
            "externalURL": "http://alertmanager:9093",
            "alerts": [
                {"status": "firing", "fingerprint": f"{group:04d}{index:012d}",
                 "labels": {"alertname": f"Storm{group}", "instance": f"host-{index}",
                            "severity": "critical"},
                 "annotations": {"summary": f"host-{index} is down"},
                 "startsAt": started, "endsAt": "0001-01-01T00:00:00Z"}
                for index in range(alerts)
            ],
        }
    ).encode()  # fmt: skip


def _storm(
    port: int, *, alerts: int, groups: int, seconds: float, clients: int
) -> tuple[list[float], Counter[int], float]:
    per_group = alerts // groups
    # The k-th alert of every group arrives before the (k+1)-th of any: groups fill together.
    plan = [(group, k + 1) for k in range(per_group) for group in range(groups)]
    bodies = [_body(group, count) for group, count in plan]
    interval = seconds / len(plan)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    next_index = iter(range(len(plan)))
    start = time.monotonic() + 0.5

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                break
            delay = start + index * interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            began = time.monotonic()
            conn.request("POST", "/api/v1/alerts/alertmanager/storm", bodies[index], headers)
            response = conn.getresponse()
            response.read()
            took = time.monotonic() - began
            with lock:
                latencies.append(took * 1000)
                statuses[response.status] += 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.monotonic() - start


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        bench = database.bench_database(Path(tmp), name=NAME)
        database.recreate(bench)
        database.configure(bench)
        _world()
        print(f"database {bench.name} on {database.server_version(bench)}")
        port = free_port()
        env = {**os.environ, **database.environment(bench)}
        server = subprocess.Popen(server_command(port, args.workers), env=env)  # noqa: S603
        try:
            wait_ready(port, server)
            latencies, statuses, took = _storm(
                port, alerts=args.alerts, groups=args.groups, seconds=args.seconds,
                clients=args.clients,
            )  # fmt: skip
        finally:
            server.terminate()
            server.wait(30)
        from supportdesk.channels.alertmanager.models import AlertGroup
        from supportdesk.tickets.models import Request

        requests = Request.objects.count()
        complete = sum(
            len(group.firing) == args.alerts // args.groups for group in AlertGroup.objects.all()
        )
        database.drop(bench)
    cuts = statistics.quantiles(latencies, n=100)
    ok = sum(n for code, n in statuses.items() if 200 <= code < 300)
    print(f"answers: {dict(sorted(statuses.items()))} in {took:.1f} s")
    print(f"answer time ms: p50 {cuts[49]:.0f}, p95 {cuts[94]:.0f}, p99 {cuts[98]:.0f}, "
          f"max {max(latencies):.0f}")  # fmt: skip
    print(f"groups knowing all their alerts: {complete} of {args.groups}")
    accepted = "all accepted" if ok == len(latencies) else f"{len(latencies) - ok} NOT accepted"
    print(
        f"Alert storm: {args.alerts} alerts in {args.groups} groups in {args.seconds:.0f} s: "
        f"{accepted}, {requests} requests, p95 {cuts[94]:.0f} ms"
    )
    good = ok == len(latencies) and requests == args.groups and complete == args.groups
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
