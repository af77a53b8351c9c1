"""Registering a request through the REST API, side by side with the peer django-helpdesk,
on the same PostgreSQL server with the same number of creates and clients.

Run from the project root (PostgreSQL at 127.0.0.1:5432, user postgres, trust auth)::

    .venv/bin/python -m bench.api_bench [--requests 1000] [--clients 8] [--rounds 3]
                                        [--peer-dir ../shared/peers/django-helpdesk]

1. The peer, through its own harness (``../shared/peers/django-helpdesk/``, beside this
   repository; see its README): ``setup.sh all`` (a venv in /tmp/peer-dh, the database
   ``peer_dh`` dropped and re-created, gunicorn with 2 sync workers on 127.0.0.1:8800), then
   ``bench.py -n N --concurrency C --phases create`` (16 warm-up creates, then N timed from
   C concurrent clients), then ``setup.sh stop``.
2. Ours: the database ``supportdesk_api_bench`` dropped and re-created, migrated, 50
   organizations with contracts (bench/desk/world.py), a customer's API token; the server
   as docs/deploy.md starts it; 16 warm-up POSTs, then N timed from C client threads, each
   on one keep-alive connection.

The two run one after the other R times (``--rounds``, default 3; the peer's server is
started again for each round) and the figures are the medians; the ratio is the median of
the rounds' ratios. Three, because this virtual machine's speed moves by a fifth within
minutes: on one day's code single rounds gave ratios from 2.4 to 3.7 (docs/benchmarks.md).
It ends with exactly three lines, which scripts read::

    API create ours: N requests/s, p95 M ms
    API create django-helpdesk: N requests/s, p95 M ms
    API create ratio: R

The exit status is 1 when one of our answers is not 201 or a request is missing from the
database afterwards, 2 when the peer could not be run; speed is only reported.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.desk import database
from supportdesk.server import WORKERS

ROOT = Path(__file__).resolve().parents[1]
PEER_DIR = ROOT.parent / "shared" / "peers" / "django-helpdesk"
PEER_ROOT = Path(os.environ.get("PEER_DH_ROOT", "/tmp/peer-dh"))  # noqa: S108 (the harness's)
PEER_DATABASE = "peer_dh"
OURS_DATABASE = "supportdesk_api_bench"
WARM_UP = 16  # as the peer's harness
TARGET_RATIO = 3.0
TARGET_P95_MS = 100.0


class PeerFailed(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class Figures:
    rate: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    ok: int
    errors: int
    server_cpu_ms: float  # per create
    postgres_cpu_ms: float  # per create
    client_cpu_ms: float  # per create


def line(label: str, figures: Figures) -> str:
    return f"API create {label}: {figures.rate:.1f} requests/s, p95 {figures.p95_ms:.0f} ms"


# -- the peer ---------------------------------------------------------------------------------


class Peer:
    """django-helpdesk through its own harness: ``setup.sh all`` once (venv, site, a fresh
    ``peer_dh`` database), then per round ``bench.py --phases create`` against gunicorn,
    which is stopped between rounds so that it holds no CPU while ours runs."""

    def __init__(self, peer_dir: Path, tmp: Path) -> None:
        if not (peer_dir / "setup.sh").exists() or not (peer_dir / "bench.py").exists():
            raise PeerFailed(
                f"no django-helpdesk harness at {peer_dir}: the shared/ folder belongs beside "
                "the repository (shared/peers/django-helpdesk/); or pass --peer-dir"
            )
        self.dir, self.tmp = peer_dir, tmp
        url = f"postgres://{database.USER}@{database.HOST}:{database.PORT}/{PEER_DATABASE}"
        self.env = {**os.environ, "DATABASE_URL": url, "PEER_DH_ROOT": str(PEER_ROOT)}
        print(f"peer: {peer_dir}/setup.sh all (venv and site in {PEER_ROOT}, database {url})")
        self.setup("all")
        self.serving = True

    def setup(self, what: str) -> None:
        command = ["bash", str(self.dir / "setup.sh"), what]
        done = subprocess.run(command, env=self.env, check=False)  # noqa: S603
        if done.returncode != 0:
            raise PeerFailed(f"setup.sh {what} exited with {done.returncode}")

    def stop(self) -> None:
        if self.serving:
            self.setup("stop")
            self.serving = False

    def create(self, *, requests: int, clients: int) -> Figures:
        from bench.desk.server import Postgres, children, cpu_seconds, cpu_used

        if not self.serving:
            self.setup("serve")
            self.serving = True
        out = self.tmp / "peer.json"
        out.unlink(missing_ok=True)
        command = [
            str(PEER_ROOT / "venv" / "bin" / "python"), str(self.dir / "bench.py"),
            "-n", str(requests), "--concurrency", str(clients), "--warmup", str(WARM_UP),
            "--phases", "create", "--out", str(out),
        ]  # fmt: skip
        postgres = Postgres(database.ADMIN_CONNINFO, PEER_DATABASE)
        try:
            master = int((PEER_ROOT / "gunicorn.pid").read_text())
            server = cpu_seconds(children(master))
            backends = postgres.cpu()
            client = resource.getrusage(resource.RUSAGE_CHILDREN)
            print(f"peer: bench.py -n {requests} --concurrency {clients} --phases create")
            done = subprocess.run(command, env=self.env, check=False)  # noqa: S603
            client_after = resource.getrusage(resource.RUSAGE_CHILDREN)
            server_cpu = cpu_used(server, cpu_seconds(children(master)))
            postgres_cpu = cpu_used(backends, postgres.cpu())
        finally:
            self.stop()
        if done.returncode != 0 or not out.exists():
            raise PeerFailed(f"bench.py exited with {done.returncode}")
        create = json.loads(out.read_text())["create"]
        client_cpu = (client_after.ru_utime + client_after.ru_stime) - (
            client.ru_utime + client.ru_stime
        )
        # The peer's CPU covers its warm-up as well: it cannot be told apart from outside.
        per = 1000 / (requests + WARM_UP)
        return Figures(
            rate=float(create["tickets_per_s"]), p50_ms=float(create["p50_ms"]),
            p95_ms=float(create["p95_ms"]), p99_ms=float(create["p99_ms"]),
            ok=int(create["ok"]), errors=int(create["errors"]),
            server_cpu_ms=server_cpu * per, postgres_cpu_ms=postgres_cpu * per,
            client_cpu_ms=client_cpu * per,
        )  # fmt: skip


# -- ours -------------------------------------------------------------------------------------


class Ours:
    """Our server on the bench database: migrated, 50 organizations with contracts, a
    customer's API token; per round a fresh server, 16 warm-up creates, then the load."""

    def __init__(self, bench: database.Bench, *, workers: int) -> None:
        database.configure(bench)
        from bench.desk import api_load, world

        self.bench, self.workers = bench, workers
        missing = api_load.api_missing()
        if missing is not None:
            raise RuntimeError(f"API missing: {missing}")
        self.token = api_load.token_for(world.make_world(now=datetime.now(UTC), seed=1))

    def create(self, *, requests: int, clients: int) -> tuple[Figures, list[str], bool]:
        from bench.desk import api_load

        result = api_load.measure(
            self.bench, self.token, total=requests, threads=clients, warm_up=WARM_UP,
            workers=self.workers,
        )  # fmt: skip
        ms = result.ms
        figures = Figures(
            rate=result.rate, p50_ms=ms.get("p50", 0.0), p95_ms=ms.get("p95", 0.0),
            p99_ms=ms.get("p99", 0.0), ok=result.statuses.get(201, 0),
            errors=sum(n for code, n in result.statuses.items() if code != 201),
            server_cpu_ms=result.per_request_ms(result.server_cpu_s),
            postgres_cpu_ms=result.per_request_ms(result.postgres_cpu_s),
            client_cpu_ms=result.per_request_ms(result.load.client_cpu_s),
        )  # fmt: skip
        return figures, api_load.describe("ours", result), result.ok


def table(ours: Figures, peer: Figures) -> list[str]:
    rows = [
        ("requests/s", f"{ours.rate:.1f}", f"{peer.rate:.1f}"),
        ("latency p50 / p95 / p99 ms",
         f"{ours.p50_ms:.0f} / {ours.p95_ms:.0f} / {ours.p99_ms:.0f}",
         f"{peer.p50_ms:.0f} / {peer.p95_ms:.0f} / {peer.p99_ms:.0f}"),
        ("answers ok / not ok", f"{ours.ok} / {ours.errors}", f"{peer.ok} / {peer.errors}"),
        ("server CPU per create ms", f"{ours.server_cpu_ms:.1f}", f"{peer.server_cpu_ms:.1f}"),
        ("PostgreSQL CPU per create ms", f"{ours.postgres_cpu_ms:.1f}",
         f"{peer.postgres_cpu_ms:.1f}"),
        ("client CPU per create ms", f"{ours.client_cpu_ms:.1f}", f"{peer.client_cpu_ms:.1f}"),
    ]  # fmt: skip
    width = max(len(row[0]) for row in rows)
    lines = [f"  {'':<{width}}  {'ours':>14}  {'django-helpdesk':>15}"]
    lines += [f"  {what:<{width}}  {a:>14}  {b:>15}" for what, a, b in rows]
    return lines


def median_of(runs: list[Figures]) -> Figures:
    """Each figure's median over the rounds."""
    return Figures(
        *(statistics.median(getattr(run, name) for run in runs) for name in Figures.__slots__)
    )


def main(argv: Sequence[str] | None = None) -> int:
    from bench.desk_bench import machine

    parser = argparse.ArgumentParser(
        prog="python -m bench.api_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--requests", type=int, default=1000, help="timed creates (1000)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="peer then ours, this many times (3): medians"
    )
    parser.add_argument(
        "--workers", type=int, default=WORKERS, help=f"our server's processes ({WORKERS})"
    )
    parser.add_argument("--peer-dir", type=Path, default=PEER_DIR, help="the peer's harness")
    parser.add_argument("--keep", action="store_true", help="keep our bench database")
    parser.add_argument(
        "--no-peer", action="store_true", help="ours alone (no comparison, no ratio line)"
    )
    args = parser.parse_args(argv)
    print("\n".join(machine()))
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()[0]:.2f}")
    ours_runs: list[Figures] = []
    peer_runs: list[Figures] = []
    ok = True
    with tempfile.TemporaryDirectory(prefix="api-bench-") as folder:
        tmp = Path(folder)
        try:
            peer = None if args.no_peer else Peer(args.peer_dir, tmp)
        except PeerFailed as error:
            print(f"the peer could not be run: {error}", file=sys.stderr)
            return 2
        bench = database.bench_database(tmp, name=OURS_DATABASE)
        database.recreate(bench)
        print(f"ours: database {bench.name} on {database.server_version(bench)}")
        try:
            ours = Ours(bench, workers=args.workers)
            for number in range(1, args.rounds + 1):
                print(f"\nround {number} of {args.rounds}, load average {os.getloadavg()[0]:.2f}")
                if peer is not None:
                    peer_runs.append(peer.create(requests=args.requests, clients=args.clients))
                figures, report, stored = ours.create(requests=args.requests, clients=args.clients)
                print("\n".join(report))
                ours_runs.append(figures)
                ok = ok and stored
                if peer is not None:
                    print(f"  ratio this round: {figures.rate / peer_runs[-1].rate:.2f}")
        except PeerFailed as error:
            print(f"the peer could not be run: {error}", file=sys.stderr)
            return 2
        finally:
            if peer is not None:
                peer.stop()
            if not args.keep:
                database.drop(bench)
    mine = median_of(ours_runs)
    if peer is None:
        print(line("ours", mine))
        return 0 if ok else 1
    theirs = median_of(peer_runs)
    # Each round's ratio compares two runs minutes apart on the same machine: their median
    # is steadier on a shared machine than the ratio of the medians.
    ratio = statistics.median(
        o.rate / p.rate if p.rate else 0.0 for o, p in zip(ours_runs, peer_runs, strict=True)
    )
    label = "medians of the rounds" if args.rounds > 1 else "one round"
    print(f"\n{label}:")
    print("\n".join(table(mine, theirs)))
    print(
        f"\ntargets: ratio >= {TARGET_RATIO:g}: {'met' if ratio >= TARGET_RATIO else 'MISSED'}; "
        f"p95 < {TARGET_P95_MS:.0f} ms: {'met' if mine.p95_ms < TARGET_P95_MS else 'MISSED'}; "
        f"every answer 201 and every request stored: {'ok' if ok else 'FAILED'}"
    )
    print(line("ours", mine))
    print(line("django-helpdesk", theirs))
    print(f"API create ratio: {ratio:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
