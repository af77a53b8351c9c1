"""The SLA quality report read from the stored outcomes, on PostgreSQL at scale.

    .venv/bin/python -m bench.report_bench [--requests N] [--quick] [--keep] [--seed S]
        [--database NAME] [--reuse]

``--reuse`` times a database an earlier ``--keep`` run left (migrated first, so a new
migration's back-fill or index applies), skipping steps 1 and 2 (the load takes ten
minutes at a million requests, the timings three) and, unless ``--contracts`` says
otherwise, step 4.

The run

1. drops and creates the database ``supportdesk_report_bench``, migrates it and writes N
   requests (default 1,000,000) with their clocks and clock events through the desk
   bench's generator (``bench/desk/generate.py``, COPY), 14 % of them for one contract, so
   that contract has about 100,000 requests registered in its last twelve months;
2. writes the outcome rows the product would have written for those clocks (every stopped
   clock, and every breached clock paused while waiting) with two INSERT ... SELECT
   statements: the generator's clocks carry their stop instant, breach and elapsed working
   time, and none of its stopped clocks was ever paused, so the figures the report counts
   are exact (a sample is checked against ``sla.outcomes.episode_outcome`` on the events).
   One shortcut: a met clock's ``due_at`` (the deadline it would have reached, which the
   report never shows for a met clock) is its stop instant here, not derived; and the
   reopenings (``tickets.Reopening``) with the back-fill statement of their migration;
3. times, for the big contract: ``build_sla_report`` for a typical month (the figures
   every form renders), the workspace's report page for that month over HTTP in-process
   (the Django test client, signed in as a support lead: report and template), the twelve
   months of its last year built one after another (the old way to a year), the report of
   a whole calendar year in one call (``build_sla_report`` with a year ``Period``: the last
   complete year, and this year so far) and the workspace's page for it, the PDF of that
   month and its spreadsheet, and the year's;
4. adds contracts (an organization with one customer admin each) up to ``--contracts``
   (default 1,000; the quick form keeps the generator's 50) and times the monthly run
   (``reports.monthly.run_monthly``: last month's report of every contract, its PDF stored
   with the SHA-256, the mails written to the outbox) in this process: wall time and the
   growth of the process's peak resident set; every contract must be reported once;
5. prints a summary against the targets of issue 9 (month page <= 300 ms, year <= 1 s,
   PDF <= 2 s; the year's target is held against the one call of the builder, its page is
   reported beside it). Missed speed targets are reported, not failed; a wrong outcome row or a
   contract the monthly run missed fails.
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.desk import database
from bench.desk_bench import Outcome, machine, met

FULL_REQUESTS = 1_000_000
QUICK_REQUESTS = 50_000
HEAVY_SHARE = 0.14  # of all requests, for the first customer's contract
RUNS = 7
DATABASE = "supportdesk_report_bench"
HEAVY_CONTRACT = "BENCH-0000"  # the first customer's, with HEAVY_SHARE of the requests
CHECK_SAMPLE = 300
MONTH_PAGE_TARGET_MS, YEAR_TARGET_S, PDF_TARGET_S = 300.0, 1.0, 2.0

# One outcome row per counted clock, as tickets.outcomes writes it (see docs/reports.md).
OUTCOMES_SQL = """
INSERT INTO tickets_clockoutcome (
    request_id, contract_id, clock_id, kind, priority, request_type, policy_version_id,
    calendar_id, calendar_revision, target_seconds, episode_started_at, due_at, breached_at,
    stopped_at, counted_at, elapsed_seconds, paused_seconds, met, recorded_at)
SELECT r.id, r.contract_id, c.id, c.kind, r.priority, r.request_type, r.policy_version_id,
    c.calendar_id, %(revision)s, c.target_seconds, c.started_at,
    coalesce(c.due_at, c.evaluated_at), c.breached_at,
    CASE WHEN c.status = 'stopped' THEN c.evaluated_at END,
    CASE WHEN c.breached_at IS NULL THEN c.evaluated_at
         ELSE greatest(c.breached_at, c.started_at) END,
    round(c.elapsed_seconds)::integer, 0, c.breached_at IS NULL, c.evaluated_at
FROM sla_slaclock c JOIN tickets_request r ON r.{clock_column} = c.id
WHERE c.status = 'stopped' OR (c.status = 'paused' AND c.breached_at IS NOT NULL)
"""


def timed(function: Callable[[], Any], runs: int = RUNS) -> tuple[float, Any]:
    """Median wall seconds of ``runs`` calls after one warm-up, and the last result."""
    result = function()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def write_outcomes(conninfo: str) -> tuple[int, float]:
    import psycopg

    from supportdesk.calendars.models import BusinessCalendar

    revisions = {row.revision for row in BusinessCalendar.objects.all()}
    if revisions != {1}:
        raise RuntimeError(f"the bench expects fresh calendars (revision 1), not {revisions}")
    started = time.perf_counter()
    written = 0
    with psycopg.connect(conninfo) as conn:
        for column in ("reaction_clock_id", "resolution_clock_id"):
            # The calendar revision text as tickets.outcomes writes it for ru-support and
            # 24x7 (no production calendar) differs; the report only prints it.
            cursor = conn.execute(
                OUTCOMES_SQL.replace("{clock_column}", column), {"revision": "1/1"}
            )
            written += cursor.rowcount
        # The reopenings as the migration back-fills them (tickets.Reopening): the
        # generator's resumes all follow a pause, so it writes none, but the report reads them.
        backfill = import_module("supportdesk.tickets.migrations.0016_reopening")
        conn.execute(backfill.BACKFILL_SQL)
        conn.commit()
    # As autovacuum would leave it: statistics, and the visibility map index-only scans use.
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) tickets_clockoutcome")
        conn.execute("VACUUM (ANALYZE) tickets_reopening")
    return written, time.perf_counter() - started


def check_outcomes(sample: int, seed: int) -> list[str]:
    """Re-derive a sample of rows from their clocks' events with the product's function."""
    import random

    from supportdesk.calendars.engine import Calendars
    from supportdesk.sla.outcomes import episode_outcome
    from supportdesk.sla.reads import to_clock_event
    from supportdesk.tickets.models import ClockOutcome

    calendars = Calendars()
    ids = list(ClockOutcome.objects.values_list("pk", flat=True)[:200_000])
    chosen = random.Random(seed).sample(ids, min(sample, len(ids)))
    problems = []
    for row in ClockOutcome.objects.filter(pk__in=chosen).prefetch_related("clock__events"):
        events = [to_clock_event(event, calendars.names) for event in row.clock.events.all()]
        at = row.stopped_at or events[-1].at
        derived = episode_outcome(events, at, calendars)
        if derived is None:
            problems.append(f"outcome {row.pk}: its clock never started")
            continue
        stored = (row.met, row.breached_at, row.counted_at, row.elapsed_seconds)
        again = (derived.met, derived.breached_at, derived.counted_at, derived.elapsed_seconds)
        if stored != again:
            problems.append(f"outcome {row.pk}: stored {stored}, derived {again}")
    return problems


def run(args: argparse.Namespace, bench: database.Bench, out: Outcome) -> None:
    database.configure(bench)
    from django.contrib.auth.models import User
    from django.test import Client

    from bench.desk import generate, world
    from supportdesk.contracts.models import Contract
    from supportdesk.reports.figures import SlaReport
    from supportdesk.reports.pdf import render_pdf
    from supportdesk.reports.periods import Period
    from supportdesk.reports.sla_report import build_sla_report, next_month, previous_month
    from supportdesk.reports.xlsx import write_xlsx
    from supportdesk.staff.models import StaffMember, StaffRole
    from supportdesk.tickets.models import ClockOutcome

    now = datetime.now(UTC).replace(microsecond=0)
    if args.reuse:
        # A kept database, migrated above: the same data timed again (e.g. after a change).
        contract = Contract.objects.select_related("organization").get(number=HEAVY_CONTRACT)
    else:
        desk = world.make_world(now=now, seed=args.seed)
        loaded = generate.load(
            bench.conninfo, desk, n=args.requests, now=now, seed=args.seed, heavy_share=HEAVY_SHARE
        )
        print(f"COPY: {loaded.requests:,} requests, {loaded.clocks:,} clocks", end=" ")
        print(f"in {loaded.seconds:.0f} s")
        written, seconds = write_outcomes(bench.conninfo)
        print(f"outcome rows: {written:,} in {seconds:.1f} s")
        problems = check_outcomes(CHECK_SAMPLE, args.seed)
        for problem in problems[:10]:
            print(f"  {problem}")
        out.add(
            "outcome rows",
            f"{written:,}",
            out.check(not problems, "outcome rows disagree with their events")
            + f" ({CHECK_SAMPLE} re-derived from their events)",
        )
        contract = Contract.objects.select_related("organization").get(
            pk=desk.customers[0].contract_id
        )
    if contract.number != HEAVY_CONTRACT:
        raise RuntimeError(f"the big contract is {contract.number}, not {HEAVY_CONTRACT}")
    from supportdesk.tickets.models import Request

    year_ago = now.replace(year=now.year - 1)
    in_year = Request.objects.filter(contract=contract, registered_at__gte=year_ago).count()
    print(f"contract {contract.number}: {in_year:,} requests registered in the last 12 months")
    out.add("requests of the contract in 12 months", f"{in_year:,}", "about 100,000")

    # A typical month: two before the generation instant's (the generator piles its
    # recently resolved requests into the last twelve days), and the year that ends with it.
    zone = ZoneInfo(contract.organization.time_zone)
    first = previous_month(now.astimezone(zone).date().replace(day=1), 2)
    year = [previous_month(first, back) for back in range(11, -1, -1)]
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(next_month(first), datetime.min.time(), tzinfo=zone)
    counted = ClockOutcome.objects.filter(
        contract=contract, counted_at__gte=start, counted_at__lt=end
    ).count()
    print(f"month {first:%Y-%m}: {counted:,} outcomes counted")

    seconds, report = timed(lambda: build_sla_report(contract, first, now=now))
    out.add(
        f"report figures, one month ({counted:,} outcomes, {len(report.breaches):,} breaches)",
        f"{seconds * 1000:.0f} ms",
    )

    lead, _created = User.objects.get_or_create(
        username="bench-lead", defaults={"email": "lead@vendor.example"}
    )
    StaffMember.objects.get_or_create(user=lead, defaults={"role": StaffRole.LEAD})
    client = Client(HTTP_HOST="localhost")
    client.force_login(lead)
    url = f"/desk/reports/{contract.number}/{first:%Y-%m}/"

    def page() -> int:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: {response.status_code}")
        return len(response.content)

    seconds, size = timed(page)
    out.add(
        "web report page, one month",
        f"{seconds * 1000:.0f} ms ({size / 1024:,.0f} KiB)",
        f"<= {MONTH_PAGE_TARGET_MS:.0f} ms: {met(seconds * 1000 <= MONTH_PAGE_TARGET_MS)}",
    )

    seconds, _ = timed(lambda: [build_sla_report(contract, m, now=now) for m in year], runs=3)
    out.add(f"report figures, {len(year)} months one after another", f"{seconds:.2f} s")

    # The report over a calendar year: the last complete one, and this one so far (which
    # holds the generator's pile of recently resolved requests).
    this_year = now.astimezone(zone).year
    years = [Period.parse(str(this_year - 1)), Period.parse(str(this_year))]
    year_reports: dict[Period, SlaReport] = {}
    for whole in years:

        def year_figures(period: Period = whole) -> SlaReport:
            return build_sla_report(contract, period, now=now)

        seconds, year_report = timed(year_figures, runs=5)
        year_reports[whole] = year_report
        counted = year_report.reaction.total + year_report.resolution.total
        out.add(
            f"report figures, the year {whole} in one call ({counted:,} outcomes, "
            f"{len(year_report.breaches):,} breaches)",
            f"{seconds * 1000:.0f} ms",
            f"<= {YEAR_TARGET_S:.0f} s: {met(seconds <= YEAR_TARGET_S)}",
        )
        year_url = f"/desk/reports/{contract.number}/{whole}/"

        def year_page(url: str = year_url) -> int:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
            if response.status_code != 200:
                raise RuntimeError(f"GET {url}: {response.status_code}")
            return len(response.content)

        seconds, size = timed(year_page, runs=3)
        out.add(
            f"web report page, the year {whole}",
            f"{seconds * 1000:.0f} ms ({size / 2**20:,.1f} MiB)",
            f"<= {YEAR_TARGET_S:.0f} s: {met(seconds <= YEAR_TARGET_S)}",
        )

    seconds, pdf = timed(lambda: render_pdf(report, language="ru"), runs=3)
    out.add(
        f"PDF of the month ({len(report.breaches):,} breaches)",
        f"{seconds:.2f} s ({len(pdf) / 2**20:.1f} MiB)",
        f"<= {PDF_TARGET_S:.0f} s: {met(seconds <= PDF_TARGET_S)}",
    )

    def spreadsheet() -> int:
        buffer = io.BytesIO()
        write_xlsx(report, buffer, language="ru")
        return buffer.tell()

    seconds, size = timed(spreadsheet, runs=3)
    out.add("spreadsheet of the month", f"{seconds:.2f} s ({size / 2**20:.1f} MiB)")

    last_year = year_reports[years[0]]
    seconds, pdf = timed(lambda: render_pdf(last_year, language="ru"), runs=1)
    out.add(
        f"PDF of the year {years[0]} ({len(last_year.breaches):,} breaches)",
        f"{seconds:.2f} s ({len(pdf) / 2**20:.1f} MiB)",
    )

    def year_spreadsheet() -> int:
        buffer = io.BytesIO()
        write_xlsx(last_year, buffer, language="ru")
        return buffer.tell()

    seconds, size = timed(year_spreadsheet, runs=1)
    out.add(f"spreadsheet of the year {years[0]}", f"{seconds:.2f} s ({size / 2**20:.1f} MiB)")

    if args.contracts:
        monthly_run(args.contracts, contract.policy_version_id, now, out)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def monthly_run(contracts: int, version_id: int, now: datetime, out: Outcome) -> None:
    from supportdesk.calendars.engine import Calendars
    from supportdesk.contracts.models import Contract
    from supportdesk.customers.models import Contact, Organization
    from supportdesk.reports.models import MonthlyRun
    from supportdesk.reports.monthly import BUSINESS_CALENDAR, first_business_moment, run_monthly

    existing = Contract.objects.count()
    extra = max(0, contracts - existing)
    organizations = Organization.objects.bulk_create(
        Organization(name=f"Monthly {n:04d}", slug=f"monthly-{n:04d}") for n in range(extra)
    )
    Contact.objects.bulk_create(
        Contact(
            organization=organization,
            name=f"Admin of {organization.name}",
            email=f"admin@{organization.slug}.example",
            is_customer_admin=True,
        )
        for organization in organizations
    )
    any_contract = Contract.objects.first()
    if any_contract is None:
        raise RuntimeError("the world has no contract")
    Contract.objects.bulk_create(
        Contract(
            number=f"MONTHLY-{n:04d}",
            organization=organization,
            policy_version_id=version_id,
            valid_from=any_contract.valid_from,
            valid_until=any_contract.valid_until,
            personal_manager_id=any_contract.personal_manager_id,
        )
        for n, organization in enumerate(organizations)
    )
    total = Contract.objects.count()
    # The run is due once this month's first business day has begun (Moscow): from the
    # generation instant, or from that moment if the instant is earlier (a run just after
    # midnight on the 1st).
    calendar = Calendars()(BUSINESS_CALENDAR)
    this_month = now.astimezone(calendar.zone).date().replace(day=1)
    run_at = max(now, first_business_moment(calendar, this_month))
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    done = run_monthly(now=run_at)
    seconds = time.perf_counter() - started
    claimed = MonthlyRun.objects.count()
    print(f"monthly run: {done} of {total} contracts in {seconds:.0f} s")
    out.add(
        f"monthly run, {total:,} contracts",
        f"{seconds:.0f} s ({seconds / max(done, 1) * 1000:.0f} ms a contract); peak RSS "
        f"{rss_before:,.0f} -> {peak_rss_mb():,.0f} MB",
        out.check(done == total == claimed, f"monthly run reported {done} of {total}"),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report_bench", description=__doc__)
    parser.add_argument("--requests", type=int, help=f"requests (default {FULL_REQUESTS:,})")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_REQUESTS:,} requests")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time a database kept by --keep again: migrate it, no loading (implies --keep)",
    )
    parser.add_argument(
        "--database", default=DATABASE, help=f"the database to drop and fill (default {DATABASE})"
    )
    parser.add_argument(
        "--contracts", type=int, help="contracts for the monthly run (default 1,000; quick 50)"
    )
    args = parser.parse_args(argv)
    if args.contracts is None:
        # A kept database already holds the contracts a monthly run added.
        args.contracts = 0 if args.reuse else 50 if args.quick else 1000
    if args.requests is None:
        args.requests = QUICK_REQUESTS if args.quick else FULL_REQUESTS
    print("\n".join(machine()))
    with tempfile.TemporaryDirectory(prefix="report-bench-") as tmp:
        bench = database.bench_database(Path(tmp), args.database)
        if args.reuse:
            print(f"postgres: {database.server_version(bench)}; the kept {args.database}")
        else:
            database.recreate(bench)
            print(f"postgres: {database.server_version(bench)}; {args.requests:,} requests")
        out = Outcome()
        started = time.perf_counter()
        try:
            run(args, bench, out)
        finally:
            if not (args.keep or args.reuse):
                database.drop(bench)
        print(f"\ntotal {time.perf_counter() - started:.0f} s")
    width = max(len(row[0]) for row in out.rows)
    print("\nsummary")
    for what, figure, target in out.rows:
        print(f"  {what:<{width}}  {figure}  {target}")
    print(f"\ncorrectness: {'FAILED: ' + '; '.join(out.failures) if out.failures else 'ok'}")
    return 1 if out.failures else 0


if __name__ == "__main__":
    sys.exit(main())
