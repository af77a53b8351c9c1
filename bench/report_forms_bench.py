"""The SLA report's files: the PDF of a month with ~1,000 breaches (target <= 2 s) and the
spreadsheet of 100,000 breach rows (targets <= 10 s and <= 100 MB).

    python -m bench.report_forms_bench [--breaches 1000] [--rows 100000]

The renderers read only an ``SlaReport``, so the report is built in memory (the figures
of ``tests/reports/samples.py``: every breach with two priority steps, a pause and a
three-event timeline); building it from the database is ``build_sla_report``'s cost,
measured with the stored outcomes in docs/benchmarks.md. Times are wall-clock; the PDF's
first rendering in a process (fonts found, matplotlib started) is reported apart. Memory:
the peak of Python allocations while writing (tracemalloc, in a second pass, since
tracing slows the writer) and the process's peak resident set.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from supportdesk.reports.figures import SlaReport


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--breaches", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--contracts", type=int, default=200)
    parser.add_argument(
        "--part", choices=("pdf", "xlsx", "monthly"), help="one part, in this process"
    )
    args = parser.parse_args()
    if args.part is None:
        # Each part in a process of its own, so one's peak memory is not the other's.
        for part in ("pdf", "xlsx", "monthly"):
            subprocess.run(  # noqa: S603
                [sys.executable, "-m", "bench.report_forms_bench", "--part", part,
                 "--breaches", str(args.breaches), "--rows", str(args.rows),
                 "--contracts", str(args.contracts)],
                check=True,
            )  # fmt: skip
        return
    if args.part == "monthly":
        monthly_part(args.contracts)
        return

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
    os.environ.setdefault("SUPPORTDESK_SECRET_KEY", "bench-only")
    import django

    django.setup()
    from tests.reports.samples import MARKUP_SUBJECT, sample_report, with_breaches

    base = sample_report(subject=MARKUP_SUBJECT)
    if args.part == "pdf":
        pdf_part(with_breaches(base, args.breaches), args.breaches)
    else:
        xlsx_part(with_breaches(base, args.rows), args.rows)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pdf_part(month: SlaReport, breaches: int) -> None:
    from supportdesk.reports.pdf import render_pdf

    started = time.perf_counter()
    pdf = render_pdf(month, language="ru")
    cold = time.perf_counter() - started
    warm = []
    for n in range(3):
        # Another generation time each run, as a real run would have.
        other = replace(month, generated_at=month.generated_at + timedelta(minutes=n + 1))
        started = time.perf_counter()
        render_pdf(other, language="ru")
        warm.append(time.perf_counter() - started)
    print(
        f"PDF, {breaches} breaches: first in the process {cold:.2f} s, then median "
        f"{statistics.median(warm):.2f} s (max {max(warm):.2f}); {len(pdf) / 1e6:.1f} MB; "
        f"peak RSS: this process {_rss_mb():.0f} MB, the Typst child "
        f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB"
    )


def xlsx_part(big: SlaReport, rows: int) -> None:
    from supportdesk.reports.xlsx import write_xlsx

    rss_before = _rss_mb()
    buffer = io.BytesIO()
    started = time.perf_counter()
    write_xlsx(big, buffer, language="ru")
    elapsed = time.perf_counter() - started
    rss_after = _rss_mb()
    tracemalloc.start()
    write_xlsx(big, io.BytesIO(), language="ru")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"XLSX, {rows} breach rows: {elapsed:.2f} s; {len(buffer.getvalue()) / 1e6:.1f} MB file; "
        f"the writer's peak Python allocations {peak / 1e6:.1f} MB (with the file, kept in "
        f"memory here); process peak RSS {rss_before:.0f} MB with the report built, "
        f"{rss_after:.0f} MB after writing"
    )


def monthly_part(count: int) -> None:
    """The monthly run over ``count`` contracts without requests (one customer admin
    each, one personal manager for all), in a scratch SQLite database unless
    DATABASE_URL names one: the fixed cost per contract (claim, report queries, a PDF in
    a child process, two mails)."""
    import tempfile

    scratch = tempfile.mkdtemp(prefix="report-bench-")
    os.environ.setdefault("SUPPORTDESK_VAR_DIR", scratch)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
    os.environ.setdefault("SUPPORTDESK_SECRET_KEY", "bench-only")
    import django

    django.setup()
    from datetime import UTC, date, datetime

    from django.contrib.auth.models import User
    from django.core.management import call_command

    from supportdesk.contracts.models import Contract
    from supportdesk.customers.models import Contact, Organization
    from supportdesk.reports.monthly import run_monthly
    from supportdesk.sla.models import PolicyVersion
    from supportdesk.staff.models import StaffMember, StaffRole

    call_command("migrate", verbosity=0)
    manager = User.objects.create_user("manager", "manager@vendor.example")
    StaffMember.objects.create(user=manager, role=StaffRole.MANAGER)
    version = PolicyVersion.objects.get(plan__code="8x5", number=1)
    organizations = Organization.objects.bulk_create(
        Organization(name=f"Org {n}", slug=f"org-{n}") for n in range(count)
    )
    Contact.objects.bulk_create(
        Contact(organization=o, name="Admin", email=f"admin@{o.slug}.example",
                is_customer_admin=True)
        for o in organizations
    )  # fmt: skip
    Contract.objects.bulk_create(
        Contract(number=f"C-{n}", organization=o, policy_version=version,
                 valid_from=date(2026, 1, 1), valid_until=date(2026, 12, 31),
                 personal_manager=manager)
        for n, o in enumerate(organizations)
    )  # fmt: skip
    rss_before = _rss_mb()
    started = time.perf_counter()
    done = run_monthly(now=datetime(2026, 12, 1, 7, 0, tzinfo=UTC))
    elapsed = time.perf_counter() - started
    print(
        f"Monthly run, {done} contracts: {elapsed:.1f} s ({elapsed / done * 1000:.0f} ms a "
        f"contract, so about {elapsed / done * 1000 / 60:.1f} min for 1,000 on one worker); "
        f"peak RSS {rss_before:.0f} MB before, {_rss_mb():.0f} MB after; the Typst "
        f"children's peak {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
