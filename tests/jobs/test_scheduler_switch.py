"""On several worker machines one runs the scheduler of periodic jobs: the others, started
with SUPPORTDESK_JOBS_SCHEDULER=false, run queued jobs but never queue periodic ones."""

from __future__ import annotations

import secrets
import signal
import time
from pathlib import Path

from tests.core.processes import SUPPORTDESK, Process, base_env


def start_worker(tmp_path: Path, **variables: str) -> Process:
    env = base_env(
        SUPPORTDESK_SECRET_KEY=secrets.token_urlsafe(50),
        SUPPORTDESK_VAR_DIR=str(tmp_path),
        SUPPORTDESK_JOBS_URL=f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
        SUPPORTDESK_MAIL="console",
        **variables,
    )
    return Process([SUPPORTDESK, "run_huey", "--workers", "1"], env=env, log=tmp_path / "log")


def test_a_worker_runs_the_scheduler_by_default(tmp_path: Path) -> None:
    with start_worker(tmp_path) as worker:
        worker.wait_for_output("Periodic tasks are enabled.", timeout=60)
        # The SLA sweeper runs every minute, so the scheduler queues it at once.
        worker.wait_for_output("Enqueueing periodic task", timeout=30)
        worker.stop(signal.SIGINT)


def test_a_worker_with_the_scheduler_off_queues_no_periodic_job(tmp_path: Path) -> None:
    with start_worker(tmp_path, SUPPORTDESK_JOBS_SCHEDULER="false") as worker:
        worker.wait_for_output("Periodic tasks are disabled.", timeout=60)
        time.sleep(3)  # the scheduler ticks every second: three chances to queue
        assert worker.popen.poll() is None
        worker.stop(signal.SIGINT)
    assert "Enqueueing periodic task" not in worker.output
