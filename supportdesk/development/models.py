"""Hand-offs to the vendor's development, feature requests, client-app releases (issue 10,
section 4; docs/development.md). Only ``development.actions`` writes these."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supportdesk.contracts.models import Contract
from supportdesk.customers.models import Contact, Organization
from supportdesk.tickets.models import Request


class ItemStatus(models.TextChoices):
    HANDED_OVER = "handed_over", _("handed over to development")
    ACCEPTED = "accepted", _("accepted by development")
    FIXED = "fixed", _("fixed")
    RELEASED = "released", _("released")
    REJECTED = "rejected", _("rejected by development")


class DevelopmentItem(models.Model):
    """A bug request handed to the vendor's development: one per request."""

    request = models.OneToOneField(
        Request, on_delete=models.PROTECT, related_name="development_item"
    )
    external_url = models.URLField(_("link to the development tracker"), max_length=500)
    status = models.CharField(
        _("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.HANDED_OVER
    )
    fix_version = models.CharField(_("fixed in version"), max_length=50, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    handed_over_at = models.DateTimeField(_("handed over at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("development item")
        verbose_name_plural = _("development items")
        ordering = ("-updated_at", "-id")
        constraints = (
            models.CheckConstraint(
                condition=~models.Q(status__in=("fixed", "released")) | ~models.Q(fix_version=""),
                name="development_fix_needs_version",
            ),
        )

    def __str__(self) -> str:
        return f"{self.request.reference} -> {self.external_url}"


class ItemChange(models.Model):
    """One status change of a development item, append-only: who, when, why."""

    item = models.ForeignKey(DevelopmentItem, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=16, choices=ItemStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ItemStatus.choices)
    fix_version = models.CharField(_("fixed in version"), max_length=50, blank=True)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("development item change")
        verbose_name_plural = _("development item changes")
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status} at {self.at:%Y-%m-%d %H:%M}"


class Workaround(models.Model):
    """The workaround given on a bug request (once): a milestone of its resolution clock."""

    request = models.OneToOneField(Request, on_delete=models.PROTECT, related_name="workaround")
    text = models.TextField(_("workaround"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("workaround")
        verbose_name_plural = _("workarounds")

    def __str__(self) -> str:
        return self.text[:80]


class FeatureStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    PLANNED = "planned", _("planned")
    IN_DEVELOPMENT = "in_development", _("in development")
    RELEASED = "released", _("released")
    REJECTED = "rejected", _("rejected")


class FeatureRequest(models.Model):
    """A wish for the product, gathered from customers; voted on across organizations."""

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=FeatureStatus.choices, default=FeatureStatus.PROPOSED
    )
    released_version = models.CharField(_("released in version"), max_length=50, blank=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text=_("The organization that asked first (none for the vendor's own)."),
    )  # fmt: skip
    source_request = models.ForeignKey(
        Request, on_delete=models.SET_NULL, null=True, blank=True, related_name="feature_requests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("feature request")
        verbose_name_plural = _("feature requests")
        ordering = ("-updated_at", "-id")
        constraints = (
            models.CheckConstraint(
                condition=~models.Q(status="released") | ~models.Q(released_version=""),
                name="feature_release_needs_version",
            ),
        )

    def __str__(self) -> str:
        return self.title


class FeatureVote(models.Model):
    """One vote per organization (docs/development.md): the contact who cast it is kept
    to tell them on release; other organizations never see who voted."""

    feature = models.ForeignKey(FeatureRequest, on_delete=models.CASCADE, related_name="votes")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("feature vote")
        verbose_name_plural = _("feature votes")
        constraints = (
            models.UniqueConstraint(
                fields=("feature", "organization"), name="one_vote_per_organization"
            ),
        )

    def __str__(self) -> str:
        return f"{self.organization_id} -> {self.feature_id}"


class Platform(models.TextChoices):
    IOS = "ios", "iOS"
    ANDROID = "android", "Android"
    WINDOWS = "windows", "Windows"
    MACOS = "macos", "macOS"
    LINUX = "linux", "Linux"
    WEB = "web", _("web")


class ClientRelease(models.Model):
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    version = models.CharField(_("version"), max_length=50)
    notes = models.TextField(_("release notes"), blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("client-app release")
        verbose_name_plural = _("client-app releases")
        ordering = ("-published_at", "-id")
        constraints = (
            models.UniqueConstraint(fields=("platform", "version"), name="one_release_per_version"),
        )

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.version}"


class PublicationTask(models.Model):
    """Publish a release on the customer's internal resources: one per contract with the
    client-app publication add-on, per release."""

    release = models.ForeignKey(ClientRelease, on_delete=models.CASCADE, related_name="tasks")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("publication task")
        verbose_name_plural = _("publication tasks")
        ordering = ("done_at", "-created_at", "id")
        constraints = (
            models.UniqueConstraint(
                fields=("release", "contract"), name="one_publication_task_per_contract"
            ),
        )

    def __str__(self) -> str:
        return f"{self.release_id} for {self.contract_id}"
