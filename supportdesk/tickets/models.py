"""Requests and everything that happens to them. Only ``tickets.actions`` writes these."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from supportdesk.calendars.models import BusinessCalendar
from supportdesk.contracts.models import Contract
from supportdesk.customers.models import Contact, Organization
from supportdesk.sla.models import (
    ClockKind,
    PolicyVersion,
    PriorityChoices,
    RequestTypeChoices,
    SlaClock,
    SlaClockEvent,
)
from supportdesk.staff.models import Team


class Component(models.Model):
    """The product component a request is about (SPEC 5); editable catalogue."""

    code = models.SlugField(_("code"), unique=True)
    # A name per language (the catalogue is data an admin edits, so not gettext): Russian,
    # the product's default, and English; an empty English name falls back to Russian.
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("component")
        verbose_name_plural = _("components")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        """The name in the active language."""
        return localized(self.name, self.name_en)


def localized(name: str, name_en: str) -> str:
    """A catalogue name in the active language: English when it is active and given."""
    language = (get_language() or "ru").split("-")[0]
    return name_en if language == "en" and name_en else name


class Environment(models.TextChoices):
    PRODUCTION = "production", _("production")
    TEST = "test", _("test")
    DEVELOPMENT = "development", _("development")


class Channel(models.TextChoices):
    PORTAL = "portal", _("web portal")
    EMAIL = "email", _("e-mail")
    CHAT = "chat", _("web chat")
    EXPRESS = "express", _("eXpress bot")
    PHONE = "phone", _("phone")
    API = "api", _("API")
    MONITORING = "monitoring", _("monitoring alert")


class Scope(models.TextChoices):
    MASS = "mass", _("many users")
    INDIVIDUAL = "individual", _("individual users")


class Concern(models.TextChoices):
    """What the request is about, when that decides whether the contract covers it
    (``contracts.AddOnDefinition.gated_concerns``). A failure of the platform's own
    chatbot or SmartApp function is base support (SPEC 5, a P2 example); work on the
    customer's own, custom-built chatbots and SmartApps needs the ChatBot/SmartApp add-on."""

    PLATFORM = "platform", _("the platform (base support)")
    CUSTOM_CHATBOT_SMARTAPP = (
        "custom_chatbot_smartapp",
        _("our own custom-built chatbot or SmartApp"),
    )
    REMOTE_ACCESS = "remote_access", _("organizing remote access for support")


class OutOfContract(models.TextChoices):
    """A request the contract does not cover: registered, marked, no SLA clock until a
    support lead accepts it as a billable exception (its clocks start then) or declines it."""

    PENDING = "pending", _("outside the contract: waiting for a support lead")
    ACCEPTED = "accepted", _("outside the contract: accepted as a billable exception")
    DECLINED = "declined", _("outside the contract: declined")


class Status(models.TextChoices):
    NEW = "new", _("new")
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    WAITING = "waiting", _("waiting for customer")
    RESOLVED = "resolved", _("resolved")
    CLOSED = "closed", _("closed")


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.IN_PROGRESS, Status.WAITING)


class Request(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="requests"
    )
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="requests")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="requests")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    request_type = models.CharField(_("type"), max_length=16, choices=RequestTypeChoices.choices)
    component = models.ForeignKey(
        Component, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    environment = models.CharField(
        _("environment"), max_length=16, choices=Environment.choices, default=Environment.PRODUCTION
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices, blank=True)
    concern = models.CharField(
        _("concerns"), max_length=32, choices=Concern.choices, default=Concern.PLATFORM
    )
    subject = models.CharField(_("subject"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    is_detailed = models.BooleanField(_("detailed description"), default=False)
    requested_priority = models.CharField(
        _("requested priority"), max_length=2, choices=PriorityChoices.choices
    )
    priority = models.CharField(_("priority"), max_length=2, choices=PriorityChoices.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_requests",
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    reaction_clock = models.OneToOneField(
        SlaClock, on_delete=models.PROTECT, related_name="reaction_of"
    )
    resolution_clock = models.OneToOneField(
        SlaClock, on_delete=models.PROTECT, null=True, blank=True, related_name="resolution_of"
    )
    registered_at = models.DateTimeField(_("registered at"))
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"))
    # The Message-ID (without angle brackets) of the customer's latest e-mail on this
    # request, set by the actions when the e-mail intake passes one: the next mail to the
    # customer answers it (In-Reply-To), so their mail client threads the conversation.
    customer_message_id = models.CharField(max_length=255, blank=True)
    # Left out of the SLA report (e.g. cancelled as a duplicate) by a support lead.
    sla_excluded_at = models.DateTimeField(
        _("excluded from the SLA report at"), null=True, blank=True
    )
    sla_excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sla_excluded_reason = models.TextField(_("why it is excluded from the SLA report"), blank=True)
    # Outside the contract (``OutOfContract``; blank: covered): the add-on it needs (an
    # ``AddOn`` code) and the lead's decision.
    out_of_contract = models.CharField(
        _("outside the contract"), max_length=16, choices=OutOfContract.choices, blank=True
    )
    out_of_contract_add_on = models.CharField(_("add-on it needs"), max_length=32, blank=True)
    out_of_contract_decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    out_of_contract_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    out_of_contract_reason = models.TextField(_("reason of the decision"), blank=True)
    # A duplicate merged into another request of its organization (closed, out of the SLA
    # report); the other request lists it as ``duplicates``.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    # The platform-wide incident this request is one customer's report of (staff only).
    incident = models.ForeignKey(
        "Incident",
        verbose_name=_("incident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ("-registered_at",)
        indexes = (
            models.Index(fields=("organization", "-registered_at")),
            models.Index(fields=("team", "status")),
            models.Index(fields=("assignee", "status")),
            models.Index(fields=("status", "resolved_at")),
            # The SLA report's backlog and monthly volumes: answered from the index alone.
            models.Index(
                fields=("contract", "registered_at"),
                include=("resolved_at", "closed_at", "sla_excluded_at"),
                name="request_contract_registered",
            ),
            models.Index(
                fields=("contract",),
                condition=models.Q(sla_excluded_at__isnull=False),
                name="request_sla_excluded",
            ),
            # The leads' queue of requests outside the contract waiting for a decision.
            models.Index(
                fields=("registered_at",),
                condition=models.Q(out_of_contract="pending"),
                name="request_out_of_contract",
            ),
        )

    def __str__(self) -> str:
        return f"{self.reference}: {self.subject}"

    @property
    def reference(self) -> str:
        return reference_of(self.pk)


def reference_of(request_id: int) -> str:
    """How people name a request: "SD-123"."""
    return f"SD-{request_id}"


class MessageKind(models.TextChoices):
    PUBLIC = "public", _("public reply")
    INTERNAL = "internal", _("internal note")


class Message(models.Model):
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=16, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The customer's person who wrote it, also when they have no account (an e-mail).
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_vendor = models.BooleanField(_("from the vendor"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ("created_at", "id")
        indexes = (models.Index(fields=("request", "created_at")),)

    def __str__(self) -> str:
        return f"{self.kind} on {self.request_id} at {self.created_at:%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/", max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("type"), max_length=100)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class PriorityChangeKind(models.TextChoices):
    INTAKE = "intake", _("set at registration")
    RAISE = "raise", _("raised")
    CORRECT = "correct", _("corrected")
    DOWNGRADE = "downgrade", _("lowered with the customer's agreement")
    RESTORE = "restore", _("restored on the customer's objection")


class PriorityDefinition(models.TextChoices):
    """Which definition of SPEC section 5 a rule-3 correction says the request matches.
    The code's first two letters are the priority it defines (``definition_priority``)."""

    P1_NOTHING_WORKS = (
        "p1_nothing_works",
        _("P1: the system does not work for any user, no workaround"),
    )
    P2_MASS_FAILURE = (
        "p2_mass_failure",
        _("P2: significantly degraded, some functions unavailable, the system works overall"),
    )
    P3_WORKAROUND = "p3_workaround", _("P3: slightly degraded, or a workaround exists")
    P3_SECONDARY_FUNCTION = (
        "p3_secondary_function",
        _(
            "P3: a secondary function (metrics, administrator console, routing rendering, "
            "e-mail notifications)"
        ),
    )
    P4_NOT_AFFECTED = "p4_not_affected", _("P4: operation not affected, a minor inconvenience")
    P4_DOCUMENTATION = "p4_documentation", _("P4: a documentation error")
    P4_INDIVIDUAL_USERS = (
        "p4_individual_users",
        _("P4: the client app fails for individual users, not en masse"),
    )


def definition_priority(definition: str) -> str:
    """The priority a definition defines: ``p3_workaround`` -> ``P3``."""
    return PriorityDefinition(definition).value[:2].upper()


class PriorityChange(models.Model):
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="priority_changes")
    kind = models.CharField(_("kind"), max_length=16, choices=PriorityChangeKind.choices)
    from_priority = models.CharField(max_length=2, choices=PriorityChoices.choices, blank=True)
    to_priority = models.CharField(max_length=2, choices=PriorityChoices.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("reason"))
    # A rule-3 correction names the definition of SPEC section 5 the request matches.
    definition = models.CharField(
        _("definition"), max_length=32, choices=PriorityDefinition.choices, blank=True
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("priority change")
        verbose_name_plural = _("priority changes")
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.from_priority or '-'} -> {self.to_priority}"


class ProposalState(models.TextChoices):
    PENDING = "pending", _("waiting for the customer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


class DowngradeProposal(models.Model):
    """SPEC 6 rule 4: lowering after partial restoration needs the customer's agreement."""

    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="downgrade_proposals"
    )
    from_priority = models.CharField(max_length=2, choices=PriorityChoices.choices)
    to_priority = models.CharField(max_length=2, choices=PriorityChoices.choices)
    reason = models.TextField(_("reason"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField()
    state = models.CharField(
        max_length=16, choices=ProposalState.choices, default=ProposalState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("downgrade proposal")
        verbose_name_plural = _("downgrade proposals")
        ordering = ("-proposed_at",)
        constraints = (
            models.UniqueConstraint(
                fields=("request",),
                condition=models.Q(state="pending"),
                name="one_pending_downgrade_per_request",
            ),
        )

    def __str__(self) -> str:
        return f"{self.from_priority} -> {self.to_priority} ({self.state})"


class ClockOutcome(models.Model):
    """What one episode of a request's SLA clock came to, written when it counted (see
    ``docs/reports.md``): the clock stopped, or the sweeper saw it breach while running
    (then ``stopped_at`` is null until it stops), or a reopening resumed a clock already
    breached. The SLA report reads these rows, so a later calendar edit never rewrites a
    past month. Written only by the tickets actions and the sweeper.
    """

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="clock_outcomes")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+")
    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("clock"), max_length=16, choices=ClockKind.choices)
    priority = models.CharField(_("priority"), max_length=2, choices=PriorityChoices.choices)
    request_type = models.CharField(_("type"), max_length=16, choices=RequestTypeChoices.choices)
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.PROTECT, related_name="+")
    # "<calendar revision>" or "<calendar revision>/<production calendar revision>"
    calendar_revision = models.CharField(_("calendar revision"), max_length=32)
    target_seconds = models.PositiveIntegerField(_("target (s)"))
    episode_started_at = models.DateTimeField(_("episode started at"))
    due_at = models.DateTimeField(_("due at"))
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    counted_at = models.DateTimeField(_("counted at"))
    elapsed_seconds = models.PositiveIntegerField(_("elapsed working time (s)"))
    paused_seconds = models.PositiveIntegerField(_("paused working time (s)"))
    met = models.BooleanField(_("met"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("SLA clock outcome")
        verbose_name_plural = _("SLA clock outcomes")
        ordering = ("counted_at", "id")
        indexes = (
            # The report's figures (one grouped pass over the period's outcomes) from the
            # index alone: a contract's outcomes are spread over the table, and reading a
            # year's rows from the heap cost more than all the grouping (docs/benchmarks.md,
            # the SLA quality report).
            models.Index(
                fields=("contract", "counted_at"),
                include=(
                    "kind",
                    "met",
                    "request_id",
                    "priority",
                    "elapsed_seconds",
                    "paused_seconds",
                    "stopped_at",
                    "calendar",
                    "calendar_revision",
                    "policy_version",
                ),
                name="outcome_contract_figures",
            ),
            # The report's breaches in its order, a page at a time, from the index alone.
            models.Index(
                fields=("contract", "counted_at"),
                include=(
                    "id",
                    "request_id",
                    "clock",
                    "kind",
                    "priority",
                    "met",
                    "elapsed_seconds",
                    "paused_seconds",
                    "target_seconds",
                    "due_at",
                    "stopped_at",
                    "calendar",
                    "calendar_revision",
                    "policy_version",
                ),
                condition=models.Q(met=False),
                name="outcome_contract_breaches",
            ),
            models.Index(fields=("counted_at",), name="outcome_counted"),
        )
        constraints = (
            models.UniqueConstraint(
                fields=("clock",),
                condition=models.Q(stopped_at__isnull=True),
                name="one_open_outcome_per_clock",
            ),
        )

    def __str__(self) -> str:
        state = "met" if self.met else "breached"
        return f"{self.kind} of {self.request_id} {state} ({self.counted_at:%Y-%m-%d})"


class StatusChange(models.Model):
    """One move of a request between statuses, written by the one place that moves it
    (``actions._lifecycle.change_status``): the history that time-in-status analytics
    read. A request is ``new`` from ``registered_at`` until its first row."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=Status.choices)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ("at", "id")
        indexes = (
            models.Index(fields=("request", "at")),
            models.Index(fields=("to_status", "at")),
        )

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


class Reopening(models.Model):
    """A resolved request's resolution clock resumed: the clock was stopped and a RESUME
    started a new episode. Written with the RESUME by the one place that moves a request
    (``actions._lifecycle.change_status``), back-filled from the clock events by migration
    ``tickets/0016``. The SLA report counts a period's reopenings from these rows through
    one index, instead of matching every contract's resumes to their previous events."""

    event = models.OneToOneField(SlaClockEvent, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="reopenings")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("reopening")
        verbose_name_plural = _("reopenings")
        ordering = ("at", "id")
        indexes = (
            # A contract's reopenings of a period, excluded requests left out, from the index.
            models.Index(
                fields=("contract", "at"), include=("request_id",), name="reopening_contract_at"
            ),
        )

    def __str__(self) -> str:
        return f"{self.request_id} reopened at {self.at:%Y-%m-%d %H:%M}"


class ObjectionState(models.TextChoices):
    PENDING = "pending", _("waiting for a support lead")
    UPHELD = "upheld", _("correction upheld")
    REVERTED = "reverted", _("correction reverted")


class PriorityObjection(models.Model):
    """The customer objects to a rule-3 correction that lowered the priority they set:
    their priority is restored at once and stays until a support lead decides."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="objections")
    correction = models.OneToOneField(
        PriorityChange, on_delete=models.CASCADE, related_name="objection"
    )
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    raised_at = models.DateTimeField(_("raised at"))
    state = models.CharField(
        _("state"), max_length=16, choices=ObjectionState.choices, default=ObjectionState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("priority objection")
        verbose_name_plural = _("priority objections")
        ordering = ("-raised_at",)

    def __str__(self) -> str:
        return f"objection to {self.correction} ({self.state})"


class IncidentState(models.TextChoices):
    OPEN = "open", _("open")
    RESOLVED = "resolved", _("resolved")


class Incident(models.Model):
    """A platform-wide incident: the parent of many customers' requests, across
    organizations. Staff alone see it; each customer sees only their own request, which
    gets the incident's updates and resolution through the request actions."""

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=IncidentState.choices, default=IncidentState.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"))
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    summary = models.TextField(_("resolution summary"), blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ("-opened_at", "-id")

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def reference(self) -> str:
        return f"INC-{self.pk}"


class Macro(models.Model):
    """A canned reply that support leads keep: text with placeholders
    (``tickets.macros.PLACEHOLDERS``), optionally a status the request moves to."""

    name = models.CharField(_("name"), max_length=100)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("then set the status"), max_length=16, choices=Status.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name
