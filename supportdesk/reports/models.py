"""What the reports keep: the files the monthly run sent, with their SHA-256 (so a later
dispute can show a PDF is unchanged), and the claim that makes the run once per
(contract, month) however many workers run it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from supportdesk.contracts.models import Contract


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"


class StoredReport(models.Model):
    """One rendered SLA report as it was sent; the file never changes after it is written."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="stored_reports")
    period_start = models.DateField(_("period"))  # the month's first day
    format = models.CharField(_("format"), max_length=8, choices=ReportFormat.choices)
    language = models.CharField(_("language"), max_length=8)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size"))
    generated_at = models.DateTimeField(_("generated at"))

    class Meta:
        verbose_name = _("stored report")
        verbose_name_plural = _("stored reports")
        constraints = (
            models.UniqueConstraint(
                fields=("contract", "period_start", "format", "language"),
                name="stored_report_once",
            ),
        )

    def __str__(self) -> str:
        return f"{self.contract.number} {self.period_start:%Y-%m} {self.format} {self.language}"


class MonthlyRun(models.Model):
    """The monthly run's claim on one (contract, month): inserted in the transaction that
    stores the report and writes its mails, so a second worker's insert waits for the
    first and then fails on the unique key, and a crash leaves no claim behind."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("period"))
    done_at = models.DateTimeField(_("done at"))
    mails = models.PositiveIntegerField(_("mails written"), default=0)

    class Meta:
        verbose_name = _("monthly report run")
        verbose_name_plural = _("monthly report runs")
        constraints = (
            models.UniqueConstraint(
                fields=("contract", "period_start"), name="monthly_report_once"
            ),
        )

    def __str__(self) -> str:
        return f"{self.contract_id} {self.period_start:%Y-%m}"
