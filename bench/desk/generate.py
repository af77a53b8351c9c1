"""N requests, their SLA clocks and the clocks' events, written with COPY.

Every clock is made from its events the way ``sla.actions`` makes it: the derived columns
(elapsed, due, warnings, breach, next alert) are what ``slamath.clock.evaluate`` gives at
the clock's last event, on the calendars compiled from the database, and
``alerted_percent`` is what the sweeper would have left (every threshold passed before the
generation instant already notified), except for the clocks left due on purpose.
``verify`` re-evaluates a sample through ``evaluate`` to prove it.
"""

from __future__ import annotations

import queue
import random
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg import sql

from bench.desk.world import World
from supportdesk.calendars.engine import load_calendars
from supportdesk.sla.models import SlaClock, SlaClockEvent
from supportdesk.sla.policies import policy_rule
from supportdesk.slamath.calendar import WorkCalendar
from supportdesk.slamath.policy import PolicyRule, Priority, RequestType
from supportdesk.tickets.models import Request

HOUR, DAY = 3600.0, 86400.0
CHUNK = 20_000  # requests per COPY round and transaction
DUE_KINDS = ((75, 600), (90, 300), (100, 100))  # threshold left un-notified -> clocks
DUE_CLOCKS = sum(count for _, count in DUE_KINDS)
BASE = datetime(2020, 1, 1, tzinfo=UTC).timestamp()  # working time is counted from here

TYPE_MIX = {
    "incident": 40, "consultation": 22, "admin": 10, "problem": 5, "bug": 13, "feature": 7,
    "onsite": 3,
}  # fmt: skip
PRIORITY_MIX = {"P1": 4, "P2": 14, "P3": 42, "P4": 40}
# ~70 % closed or resolved, ~30 % open; "waiting" pauses the resolution clock.
STATUS_MIX = {
    "closed": 560, "resolved": 140, "new": 15, "open": 90, "in_progress": 130, "waiting": 65,
}  # fmt: skip
CHANNEL_MIX = {
    "portal": 35, "email": 30, "phone": 10, "chat": 10, "express": 5, "api": 5, "monitoring": 5,
}  # fmt: skip
ENVIRONMENT_MIX = {"production": 85, "test": 10, "development": 5}
SCOPE_MIX = {"mass": 20, "individual": 50, "": 30}
DESCRIPTION = (
    "Since this morning messages to every user of the main workspace arrive with a delay "
    "of several minutes; the server log shows queue timeouts."
)

CLOCK_COLUMNS = (
    "id", "kind", "policy_version_id", "status", "calendar_id", "target_seconds", "started_at",
    "elapsed_seconds", "evaluated_at", "due_at", "warning_75_at", "warning_90_at",
    "breached_at", "alerted_percent", "next_alert_at", "calendar_draft",
)  # fmt: skip
REQUEST_COLUMNS = (
    "id", "organization_id", "contract_id", "contact_id", "created_by_id", "request_type",
    "component_id", "environment", "channel", "scope", "subject", "description", "is_detailed",
    "requested_priority", "priority", "status", "assignee_id", "team_id", "policy_version_id",
    "reaction_clock_id", "resolution_clock_id", "registered_at", "first_response_at",
    "resolved_at", "closed_at", "updated_at", "customer_message_id", "sla_excluded_at",
    "sla_excluded_by_id", "sla_excluded_reason", "concern", "out_of_contract",
    "out_of_contract_add_on", "out_of_contract_decided_at", "out_of_contract_decided_by_id",
    "out_of_contract_reason", "incident_id", "merged_into_id",
)  # fmt: skip
EVENT_COLUMNS = ("id", "clock_id", "kind", "at", "target_seconds", "calendar_id", "reason")
TABLES = (
    (SlaClock._meta.db_table, CLOCK_COLUMNS),
    (Request._meta.db_table, REQUEST_COLUMNS),
    (SlaClockEvent._meta.db_table, EVENT_COLUMNS),
)

type Event = tuple[str, float, str]  # kind, instant, reason


class GenerationError(RuntimeError):
    """The generator made a row it should not have (a bug in the bench, not the product)."""


def check_columns() -> None:
    """The COPY column lists name every column of the models, so no row misses one."""
    for model, columns in ((SlaClock, CLOCK_COLUMNS), (Request, REQUEST_COLUMNS)):
        expected = {str(field.column) for field in model._meta.concrete_fields}
        if expected != set(columns):
            raise GenerationError(f"{model.__name__} columns changed: {sorted(expected)}")
    if {field.column for field in SlaClockEvent._meta.concrete_fields} != set(EVENT_COLUMNS):
        raise GenerationError("SlaClockEvent columns changed")


def snap(moment: float) -> float:
    """The instant as the database gives it back (whole microseconds)."""
    return datetime.fromtimestamp(moment, UTC).timestamp()


def iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat()


def opt(moment: float | None) -> str:
    return "\\N" if moment is None else iso(moment)


def back(cal: WorkCalendar, end: float, working: float) -> float:
    """The instant from which ``working`` seconds of working time run up to ``end``."""
    return snap(cal.add_at(BASE, cal.working_seconds(BASE, end) - working))


def forward(cal: WorkCalendar, start: float, working: float) -> float:
    return snap(cal.add_at(start, working))


@dataclass(frozen=True, slots=True)
class Derived:
    """What ``sla.actions`` stores for a clock after evaluating it at its last event."""

    status: str
    elapsed: float
    due: float | None
    warning_75: float | None
    warning_90: float | None
    breached: bool

    def thresholds(self) -> tuple[tuple[int, float | None], ...]:
        return ((75, self.warning_75), (90, self.warning_90), (100, self.due))


def derive(cal: WorkCalendar, goal: float, events: Sequence[Event]) -> Derived:
    """``slamath.clock._measure`` on floats: the same calls in the same order."""
    spans: list[tuple[float, float | None]] = []
    status = "not_started"
    for kind, at, _ in events:
        if kind in ("start", "resume"):
            spans.append((at, None))
            status = "running"
        else:
            spans[-1] = (spans[-1][0], at)
            status = "paused" if kind == "pause" else "stopped"
    now = events[-1][1]
    elapsed = 0.0
    for start, end in spans:
        elapsed += cal.working_seconds(start, now if end is None else end)

    def reached(seconds: float) -> float | None:
        left = timedelta(seconds=seconds).total_seconds()
        for start, end in spans:
            if end is None:
                return cal.add_at(start, left) if left > 0 else start
            inside = cal.working_seconds(start, end)
            if inside >= left:
                return cal.add_at(start, left) if left > 0 else start
            left -= inside
        return None

    return Derived(
        status=status,
        elapsed=timedelta(seconds=elapsed).total_seconds(),  # as sla.actions stores it
        due=reached(goal),
        warning_75=reached(goal * 75 / 100),
        warning_90=reached(goal * 90 / 100),
        breached=elapsed > goal,
    )


@dataclass(frozen=True, slots=True)
class Plan:
    """Per-request draws made up front, so the due clocks can be chosen before writing."""

    types: list[str]
    priorities: list[str]
    statuses: list[str]
    customers: list[int]
    due: dict[int, int]  # request index -> threshold left un-notified


def _draw(rng: random.Random, mix: dict[str, int], n: int) -> list[str]:
    return rng.choices(list(mix), weights=list(mix.values()), k=n)


def plan_requests(n: int, customers: int, rng: random.Random, *, heavy_share: float = 0.0) -> Plan:
    """What each request will be. ``heavy_share`` of the requests go to the first customer
    (the report bench's one big contract); the rest are spread evenly."""
    types = _draw(rng, TYPE_MIX, n)
    statuses = _draw(rng, STATUS_MIX, n)
    eligible = [
        i
        for i in range(n)
        if statuses[i] in ("open", "in_progress") and types[i] not in ("feature", "onsite")
    ]
    if len(eligible) < DUE_CLOCKS:
        raise GenerationError(f"{n} requests have too few running resolution clocks")
    chosen = rng.sample(eligible, DUE_CLOCKS)
    due: dict[int, int] = {}
    for percent, count in DUE_KINDS:
        due.update(dict.fromkeys(chosen[:count], percent))
        chosen = chosen[count:]
    return Plan(
        types=types,
        priorities=_draw(rng, PRIORITY_MIX, n),
        statuses=statuses,
        customers=[
            0 if heavy_share and rng.random() < heavy_share else rng.randrange(customers)
            for _ in range(n)
        ],
        due=due,
    )


@dataclass(slots=True)
class Chunk:
    clocks: list[str]
    requests: list[str]
    events: list[str]


class Generator:
    def __init__(self, world: World, now: datetime, seed: int) -> None:
        self.world = world
        self.now = snap(now.timestamp())
        self.rng = random.Random(seed)
        self.calendars = load_calendars()
        for cal in self.calendars.values():  # compile once, outside the loop
            cal.working_seconds(BASE, self.now + 60 * DAY)
        self.rules: dict[tuple[int, str, str], PolicyRule] = {}
        for customer in world.customers:
            for request_type in RequestType:
                for priority in Priority:
                    rule = policy_rule(customer.policy_version_id, request_type, priority, now=now)
                    if rule.resolution and rule.resolution.calendar != rule.reaction.calendar:
                        raise GenerationError("the generator assumes one calendar per rule")
                    key = (customer.policy_version_id, request_type.value, priority.value)
                    self.rules[key] = rule
        self.next_clock = self.next_event = 1
        self.counts: dict[str, int] = {}

    # -- clocks ---------------------------------------------------------------------------

    def clock(
        self,
        chunk: Chunk,
        *,
        kind: str,
        version: int,
        cal: WorkCalendar,
        goal: float,
        events: Sequence[Event],
        due_kind: int | None = None,
    ) -> int:
        clock_id = self.next_clock
        self.next_clock += 1
        state = derive(cal, goal, events)
        reached = [p for p, at in state.thresholds() if at is not None and at <= self.now]
        alerted = max(reached, default=0)
        next_alert = None
        if state.status == "running":
            if due_kind is not None:
                if alerted != due_kind:
                    raise GenerationError(f"clock {clock_id}: {alerted} reached, not {due_kind}")
                alerted = {75: 0, 90: 75, 100: 90}[due_kind]
            elif alerted == 100:
                raise GenerationError(f"running clock {clock_id} is breached")
            next_alert = next(at for p, at in state.thresholds() if p > alerted)
        self.counts[state.status] = self.counts.get(state.status, 0) + 1
        cal_id = self.world.calendar_ids[cal.name]
        started, evaluated = events[0][1], events[-1][1]
        chunk.clocks.append(
            f"{clock_id}\t{kind}\t{version}\t{state.status}\t{cal_id}\t{int(goal)}\t"
            f"{iso(started)}\t{state.elapsed!r}\t{iso(evaluated)}\t{opt(state.due)}\t"
            f"{opt(state.warning_75)}\t{opt(state.warning_90)}\t"
            f"{opt(state.due if state.breached else None)}\t{alerted}\t{opt(next_alert)}\t"
            "f\n"  # the generated instants lie in published production-calendar years
        )
        for event_kind, at, reason in events:
            extra = f"{int(goal)}\t{cal_id}" if event_kind == "start" else "\\N\t\\N"
            chunk.events.append(
                f"{self.next_event}\t{clock_id}\t{event_kind}\t{iso(at)}\t{extra}\t{reason}\n"
            )
            self.next_event += 1
        return clock_id

    # -- requests -------------------------------------------------------------------------

    def request(self, chunk: Chunk, index: int, request_id: int, plan: Plan) -> None:
        rng, now, world = self.rng, self.now, self.world
        customer = world.customers[plan.customers[index]]
        version = customer.policy_version_id
        request_type, status = plan.types[index], plan.statuses[index]
        detailed = rng.random() < 0.85
        requested = plan.priorities[index]
        priority = requested if detailed else "P4"
        rule = self.rules[version, request_type, priority]
        cal = self.calendars[rule.reaction.calendar]
        reaction_goal = rule.reaction.duration.total_seconds()
        goal = rule.resolution.duration.total_seconds() if rule.resolution else 0.0
        # The first response comes after this much working time (a few late: breached).
        answer = reaction_goal * (rng.uniform(0.05, 0.95) if rng.random() < 0.92 else 2.0)
        reaction: list[Event] = []
        resolution: list[Event] = []
        resolved_at = closed_at = None
        if status in ("closed", "resolved"):
            back_days = (21, 730) if status == "closed" else (2, 12)
            start = snap(now - rng.uniform(*back_days) * DAY)
            if goal:
                work = goal * (rng.uniform(0.05, 0.95) if rng.random() < 0.9 else 1.3)
            else:
                work = answer + rng.uniform(0.5, 30) * HOUR
            available = cal.working_seconds(start, now - 600)
            while available < HOUR:  # resolved requests are recent: a weekend, holidays
                start = snap(start - 7 * DAY)
                available = cal.working_seconds(start, now - 600)
            if work > 0.95 * available:
                work = available * rng.uniform(0.3, 0.9)
            answered = forward(cal, start, min(answer, 0.9 * work))
            resolved = forward(cal, start, work)
            reaction = [("start", start, ""), ("stop", answered, "first_response")]
            if goal:
                resolution = [("start", start, ""), ("stop", resolved, "resolved")]
            resolved_at = resolved
            if status == "closed":
                closed_at = snap(min(resolved + rng.uniform(2 * HOUR, 8 * DAY), now - 60))
        elif status == "new":
            start = back(cal, now, reaction_goal * rng.uniform(0.02, 0.7))
            reaction = [("start", start, "")]
            if goal:
                resolution = [("start", start, "")]
        elif status == "waiting":
            paused = snap(now - rng.uniform(0.5 * HOUR, 10 * DAY))
            if goal:
                worked = goal * (rng.uniform(0.05, 0.97) if rng.random() < 0.85 else 1.2)
            else:
                worked = rng.uniform(1, 100) * HOUR
            start = back(cal, paused, worked)
            if goal:
                resolution = [("start", start, ""), ("pause", paused, "waiting_for_customer")]
            answered = forward(cal, start, min(answer, 0.9 * worked))
            reaction = [("start", start, ""), ("stop", answered, "first_response")]
        else:  # open, in progress: the resolution clock runs
            due_kind = plan.due.get(index)
            if due_kind is not None:
                low, high = {75: (0.76, 0.89), 90: (0.91, 0.99), 100: (1.01, 1.3)}[due_kind]
                fraction = rng.uniform(low, high)
            else:  # keep clear of the thresholds: next_alert_at stays in the future
                fraction = rng.uniform(0.02, 0.97)
                while abs(fraction - 0.75) < 0.01 or abs(fraction - 0.9) < 0.01:
                    fraction = rng.uniform(0.02, 0.97)
            worked = (goal or 100 * HOUR) * fraction
            before_pause = worked
            if goal and rng.random() < 0.25:  # waited for the customer once already
                before_pause = worked * rng.uniform(0.2, 0.8)
                resumed = back(cal, now, worked - before_pause)
                paused = snap(resumed - rng.uniform(HOUR, 5 * DAY))
                start = back(cal, paused, before_pause)
                resolution = [
                    ("start", start, ""),
                    ("pause", paused, "waiting_for_customer"),
                    ("resume", resumed, "customer_replied"),
                ]
            else:
                start = back(cal, now, worked)
                resolution = [("start", start, "")] if goal else []
            answered = forward(cal, start, min(answer, 0.9 * before_pause))
            reaction = [("start", start, ""), ("stop", answered, "first_response")]
        due_kind = plan.due.get(index)
        reaction_id = self.clock(
            chunk, kind="reaction", version=version, cal=cal, goal=reaction_goal, events=reaction
        )
        resolution_id = "\\N"
        if resolution:
            resolution_id = str(
                self.clock(
                    chunk,
                    kind="resolution",
                    version=version,
                    cal=cal,
                    goal=goal,
                    events=resolution,
                    due_kind=due_kind,
                )
            )
        elif due_kind is not None:
            raise GenerationError(f"request {index} was chosen to be due but has no clock")
        updated = max(at for _, at, _ in (*reaction, *resolution))
        updated = max(updated, resolved_at or 0.0, closed_at or 0.0)
        first_response = reaction[1][1] if len(reaction) > 1 else None
        channel = rng.choices(list(CHANNEL_MIX), weights=list(CHANNEL_MIX.values()))[0]
        created_by = rng.choice(world.staff_user_ids) if channel == "phone" else "\\N"
        assignee = "\\N" if status == "new" else rng.choice(world.staff_user_ids)
        component = rng.choice(world.component_ids) if rng.random() < 0.8 else "\\N"
        environment = rng.choices(list(ENVIRONMENT_MIX), weights=list(ENVIRONMENT_MIX.values()))
        scope = rng.choices(list(SCOPE_MIX), weights=list(SCOPE_MIX.values()))[0]
        chunk.requests.append(
            f"{request_id}\t{customer.organization_id}\t{customer.contract_id}\t"
            f"{rng.choice(customer.contact_ids)}\t{created_by}\t{request_type}\t{component}\t"
            f"{environment[0]}\t{channel}\t{scope}\t{request_type} report {request_id}\t"
            f"{DESCRIPTION if detailed else ''}\t{'t' if detailed else 'f'}\t{requested}\t"
            f"{priority}\t{status}\t{assignee}\t{rng.choice(world.team_ids)}\t{version}\t"
            f"{reaction_id}\t{resolution_id}\t{iso(reaction[0][1])}\t{opt(first_response)}\t"
            f"{opt(resolved_at)}\t{opt(closed_at)}\t{iso(updated)}\t"  # no e-mail thread
            "\t\\N\t\\N\t"  # not excluded from the SLA report
            "\tplatform\t\t\t\\N\t\\N\t"  # on the platform, covered by the contract
            "\t\\N\t\\N\n"  # in no incident, merged into nothing
        )

    def chunks(self, n: int, plan: Plan, first_request: int) -> Iterator[Chunk]:
        for begin in range(0, n, CHUNK):
            chunk = Chunk([], [], [])
            for index in range(begin, min(begin + CHUNK, n)):
                self.request(chunk, index, first_request + index, plan)
            yield chunk


# -- writing --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Loaded:
    requests: int
    clocks: int
    events: int
    seconds: float  # generation and COPY (overlapped), foreign keys added back
    keys: int  # foreign keys added back (validated)
    keys_seconds: float  # of ``seconds``
    finish_seconds: float  # setval and VACUUM (ANALYZE)
    clock_status: dict[str, int]
    table_mb: dict[str, float]


def _copy_statement(table: str, columns: Sequence[str]) -> sql.Composed:
    return sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )


def _writer(conninfo: str, chunks: queue.Queue[Chunk | None], failure: list[BaseException]) -> None:
    try:
        with psycopg.connect(conninfo) as conn:
            while (chunk := chunks.get()) is not None:
                with conn.cursor() as cursor:
                    for (table, columns), lines in zip(
                        TABLES, (chunk.clocks, chunk.requests, chunk.events), strict=True
                    ):
                        with cursor.copy(_copy_statement(table, columns)) as copy:
                            copy.write("".join(lines))
                conn.commit()
    except BaseException as error:
        failure.append(error)
        while chunks.get() is not None:  # let the producer finish
            pass


def _drop_foreign_keys(conn: psycopg.Connection[tuple[object, ...]]) -> list[sql.Composed]:
    """Drop the tables' foreign keys and return the statements that add them back.

    As pg_restore does: one validating join per key after the load instead of one trigger
    call per row and key. PostgreSQL still checks every row when the keys come back.
    """
    rows = conn.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
        ([table for table, _ in TABLES],),
    ).fetchall()
    restore = []
    for table, name, definition in rows:
        table_id, name_id = sql.Identifier(str(table)), sql.Identifier(str(name))
        conn.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(table_id, name_id))
        restore.append(
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                table_id, name_id, sql.SQL(str(definition))
            )
        )
    conn.commit()
    return restore


def load(
    conninfo: str, world: World, *, n: int, now: datetime, seed: int, heavy_share: float = 0.0
) -> Loaded:
    check_columns()
    generator = Generator(world, now, seed)
    plan = plan_requests(n, len(world.customers), generator.rng, heavy_share=heavy_share)
    with psycopg.connect(conninfo) as conn:
        for table, _ in TABLES:
            row = conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()
            if row is None or row[0]:
                raise GenerationError(f"{table} is not empty")
        started = time.perf_counter()
        restore = _drop_foreign_keys(conn)
    pending: queue.Queue[Chunk | None] = queue.Queue(maxsize=2)
    failure: list[BaseException] = []
    writer = threading.Thread(target=_writer, args=(conninfo, pending, failure), daemon=True)
    writer.start()
    try:
        for chunk in generator.chunks(n, plan, first_request=1):
            if failure:
                break
            pending.put(chunk)
    finally:
        pending.put(None)
        writer.join()
    if failure:
        raise failure[0]
    copied = time.perf_counter()
    with psycopg.connect(conninfo) as conn:
        for statement in restore:
            conn.execute(statement)
    seconds = time.perf_counter() - started
    keys_seconds = time.perf_counter() - copied
    started = time.perf_counter()
    sizes: dict[str, float] = {}
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for table, _ in TABLES:
            name = sql.Literal(table)
            conn.execute(
                sql.SQL("SELECT setval(pg_get_serial_sequence({}, 'id'), max(id)) FROM {}").format(
                    name, sql.Identifier(table)
                )
            )
        for table, _ in TABLES:
            conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))
        conn.execute("ANALYZE")
        for table, _ in TABLES:
            row = conn.execute("SELECT pg_total_relation_size(%s)", (table,)).fetchone()
            sizes[table] = (row[0] if row else 0) / 2**20
    return Loaded(
        requests=n,
        clocks=generator.next_clock - 1,
        events=generator.next_event - 1,
        seconds=seconds,
        keys=len(restore),
        keys_seconds=keys_seconds,
        finish_seconds=time.perf_counter() - started,
        clock_status=dict(sorted(generator.counts.items())),
        table_mb=sizes,
    )
