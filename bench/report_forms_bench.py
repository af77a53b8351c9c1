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
    parser.add_argument("--part", choices=("pdf", "xlsx"), help="one part, in this process")
    args = parser.parse_args()
    if args.part is None:
        # Each part in a process of its own, so one's peak memory is not the other's.
        for part in ("pdf", "xlsx"):
            subprocess.run(  # noqa: S603
                [sys.executable, "-m", "bench.report_forms_bench", "--part", part,
                 "--breaches", str(args.breaches), "--rows", str(args.rows)],
                check=True,
            )  # fmt: skip
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


if __name__ == "__main__":
    main()
