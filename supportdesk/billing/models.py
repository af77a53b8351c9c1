"""Price lists (issue 13): versioned data the ``pricing`` package computes with.

A list's items (plans with their user and server tiers, fault tolerance, add-ons) are one
JSON document in the format ``supportdesk.pricing.pricelist.parse`` reads; the columns
hold what is queried. A draft is edited by a support lead; in force it is read-only (the
actions and the admin refuse); putting a list in force retires the one before.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class PriceListStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_FORCE = "in_force", _("in force")
    RETIRED = "retired", _("retired")


class PriceList(models.Model):
    version = models.CharField(_("version"), max_length=40, unique=True)
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=PriceListStatus.choices,
        default=PriceListStatus.DRAFT,
    )
    illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Made-up prices that only show how the calculator works; said on every page."),
    )
    items = models.JSONField(_("items"), help_text=_("plans, fault_tolerance and add_ons"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"))
    in_force_at = models.DateTimeField(_("put in force"), null=True, blank=True)

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ("-valid_from", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=("status",),
                condition=models.Q(status="in_force"),
                name="one_price_list_in_force",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="price_list_validity_ordered",
            ),
        )

    def __str__(self) -> str:
        return self.version

    def document(self) -> dict[str, Any]:
        """The list in the JSON format of ``pricing.pricelist.parse`` (and of ``price load``)."""
        return {
            "version": self.version,
            "note": self.note,
            "currency": self.currency,
            "illustrative": self.illustrative,
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            **self.items,
        }


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SENT = "sent", _("sent")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    EXPIRED = "expired", _("expired")


class QuoteYear(models.Model):
    """The last quote number issued in a year: the row ``issue_quote`` locks, so numbers
    run without gaps or duplicates."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


def overdue(today: date) -> models.Q:
    """Sent quotes whose validity ended before ``today``: expired, whether or not the
    hourly job has stored it yet (``Quote.status_on`` is the same rule for one quote)."""
    return models.Q(status=QuoteStatus.SENT, valid_until__lt=today)


class Quote(models.Model):
    """A quote: a draft holds the inputs; issuing takes the next number of the year and
    freezes the price list version, every line and the totals."""

    organization = models.ForeignKey(
        "customers.Organization", on_delete=models.PROTECT, related_name="quotes"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    serial = models.PositiveIntegerField(_("number in the year"), null=True, blank=True)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    inputs = models.JSONField(_("inputs"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    price_list = models.ForeignKey(
        PriceList, on_delete=models.PROTECT, null=True, blank=True, related_name="quotes"
    )
    illustrative = models.BooleanField(_("illustrative"), default=False)
    lines = models.JSONField(_("lines"), default=list)
    net = models.DecimalField(_("net"), max_digits=16, decimal_places=2, null=True)
    vat = models.DecimalField(_("VAT"), max_digits=16, decimal_places=2, null=True)
    gross = models.DecimalField(_("gross"), max_digits=16, decimal_places=2, null=True)
    vat_parts = models.JSONField(_("VAT parts"), default=list)
    created_at = models.DateTimeField(_("created"))
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    contract = models.OneToOneField(
        "contracts.Contract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quote",
    )
    # A revision of a declined or expired quote: a new draft that keeps the number when
    # issued (``КП-2026-0007``, revision 2); one revision per quote.
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_revision",
        verbose_name=_("revision of"),
    )

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ("-created_at", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=("year", "serial", "revision"), name="one_quote_number_revision"
            ),
        )

    def __str__(self) -> str:
        if not self.number:
            return f"draft {self.pk}"
        return self.number if self.revision == 1 else f"{self.number}/{self.revision}"

    @property
    def number(self) -> str:
        """``КП-2026-0007``: the series of the year, empty for a draft."""
        return f"КП-{self.year}-{self.serial:04d}" if self.year and self.serial else ""

    def status_on(self, today: date) -> str:
        """The status as of ``today``: a sent quote past its validity reads as expired
        before the hourly job stores it (``quotes.expire_quotes``)."""
        if self.status == QuoteStatus.SENT and self.valid_until and today > self.valid_until:
            return QuoteStatus.EXPIRED
        return self.status
