"""Every change to development items, feature requests and client releases, one function
each: permission first (``staff.permissions``), one transaction, an audit event, the
mails in the outbox in the same transaction (docs/development.md)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.contracts.models import AddOn, Contract
from supportdesk.customers.models import Contact, Organization
from supportdesk.development.models import (
    ClientRelease,
    DevelopmentItem,
    FeatureRequest,
    FeatureStatus,
    FeatureVote,
    ItemChange,
    ItemStatus,
    Platform,
    PublicationTask,
    Workaround,
)
from supportdesk.development.notifications import (
    notify_development_status,
    notify_feature_released,
    notify_publication_tasks,
    notify_workaround,
)
from supportdesk.slamath.policy import RequestType
from supportdesk.staff.permissions import (
    CUSTOMER_ROLES,
    ActionDenied,
    Capability,
    Role,
    require,
)
from supportdesk.tickets.actions.milestones import (
    handed_to_development,
    lock_request,
    workaround_given,
)
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import OPEN_STATUSES, Request

# Where an item may go next; released and rejected are final.
ITEM_TRANSITIONS: dict[ItemStatus, frozenset[ItemStatus]] = {
    ItemStatus.HANDED_OVER: frozenset({ItemStatus.ACCEPTED, ItemStatus.FIXED, ItemStatus.REJECTED}),
    ItemStatus.ACCEPTED: frozenset({ItemStatus.FIXED, ItemStatus.REJECTED}),
    ItemStatus.FIXED: frozenset({ItemStatus.RELEASED}),
    ItemStatus.RELEASED: frozenset(),
    ItemStatus.REJECTED: frozenset(),
}
FEATURE_TRANSITIONS: dict[FeatureStatus, frozenset[FeatureStatus]] = {
    FeatureStatus.PROPOSED: frozenset({FeatureStatus.PLANNED, FeatureStatus.REJECTED}),
    FeatureStatus.PLANNED: frozenset({FeatureStatus.IN_DEVELOPMENT, FeatureStatus.REJECTED}),
    FeatureStatus.IN_DEVELOPMENT: frozenset({FeatureStatus.RELEASED, FeatureStatus.REJECTED}),
    FeatureStatus.RELEASED: frozenset(),
    FeatureStatus.REJECTED: frozenset(),
}
_VERSION_MAX = 50
_DAY = timedelta(days=1)
_http_url = URLValidator(schemes=["http", "https"])


def _text(value: str, what: str, *, limit: int | None = None) -> str:
    value = value.strip()
    if not value:
        raise ActionError(_("%(what)s is required.") % {"what": what})
    if "\x00" in value:
        raise ActionError(_("%(what)s contains a NUL character.") % {"what": what})
    if limit is not None and len(value) > limit:
        raise ActionError(
            _("%(what)s is longer than %(limit)s characters.") % {"what": what, "limit": limit}
        )
    return value


def _tracker_url(value: str) -> str:
    value = _text(value, _("The link to the development tracker"), limit=500)
    try:
        _http_url(value)
    except ValidationError:
        raise ActionError(
            _("The link to the development tracker must be an http or https URL.")
        ) from None
    return value


def _contact(actor: User) -> Contact:
    try:
        contact: Contact = actor.contact
    except Contact.DoesNotExist:
        raise ActionDenied(_("Only a customer's contact may do this.")) from None
    return contact


def _manages(actor: User, organization_id: int) -> bool:
    return Contract.objects.filter(organization_id=organization_id, personal_manager=actor).exists()


# -- bugs handed to development ----------------------------------------------------------------


def _open_bug(request: Request) -> Request:
    request = lock_request(request)
    if request.request_type != RequestType.BUG:
        raise ActionError(_("Only a request of type bug is handed to development."))
    if request.status not in OPEN_STATUSES:
        raise ActionError(_("The request is not open."))
    return request


def hand_to_development(
    *, actor: User, request: Request, external_url: str, note: str = "", now: datetime
) -> DevelopmentItem:
    """An engineer hands a bug to the vendor's development, linked to its tracker. The
    resolution clock stops here when the request's policy version says so."""
    require(actor, Capability.HAND_TO_DEVELOPMENT)
    url = _tracker_url(external_url)
    note = note.strip()
    with transaction.atomic():
        request = _open_bug(request)
        if DevelopmentItem.objects.filter(request=request).exists():
            raise ActionError(_("This bug is already handed to development."))
        item = DevelopmentItem.objects.create(
            request=request, external_url=url, handed_over_by=actor, handed_over_at=now,
            updated_at=now,
        )  # fmt: skip
        ItemChange.objects.create(
            item=item, to_status=ItemStatus.HANDED_OVER, note=note, actor=actor, at=now
        )
        handed_to_development(request, now=now)
        record(
            at=now, actor=actor, action="development.handed_over", subject=request,
            data={"item": item.pk, "url": url},
        )  # fmt: skip
        notify_development_status(item, actor=actor, note="", now=now)
    return item


def update_development_item(
    *,
    actor: User,
    item: DevelopmentItem,
    status: ItemStatus,
    fix_version: str = "",
    note: str = "",
    now: datetime,
) -> DevelopmentItem:
    """A step of the item's own life (accepted, fixed in version X, released, rejected),
    kept as an append-only change; the requester is told."""
    require(actor, Capability.UPDATE_DEVELOPMENT_ITEM)
    status = ItemStatus(status)
    fix_version, note = fix_version.strip(), note.strip()
    with transaction.atomic():
        item = DevelopmentItem.objects.select_for_update().select_related(
            "request__contact"
        ).get(pk=item.pk)  # fmt: skip
        current = ItemStatus(item.status)
        if status not in ITEM_TRANSITIONS[current]:
            raise ActionError(
                _("A development item that is %(current)s cannot become %(to)s.")
                % {"current": current.label, "to": status.label}
            )
        if status == ItemStatus.FIXED:
            fix_version = _text(fix_version, _("The fix version"), limit=_VERSION_MAX)
        elif status == ItemStatus.RELEASED:
            fix_version = fix_version or item.fix_version
            fix_version = _text(fix_version, _("The fix version"), limit=_VERSION_MAX)
        elif fix_version:
            raise ActionError(_("Only a fixed or released item has a fix version."))
        ItemChange.objects.create(
            item=item, from_status=current, to_status=status, fix_version=fix_version,
            note=note, actor=actor, at=now,
        )  # fmt: skip
        item.status, item.updated_at = status, now
        if fix_version:
            item.fix_version = fix_version
        item.save(update_fields=["status", "fix_version", "updated_at"])
        record(
            at=now, actor=actor, action="development.status", subject=item.request,
            data={"item": item.pk, "from": current.value, "to": status.value,
                  "fix_version": item.fix_version, "note": note},
        )  # fmt: skip
        notify_development_status(item, actor=actor, note=note, now=now)
    return item


def give_workaround(*, actor: User, request: Request, text: str, now: datetime) -> Workaround:
    """The workaround of a bug, once: the resolution clock stops here when the request's
    policy version says so; the requester gets it by e-mail and on the portal."""
    require(actor, Capability.RESOLVE)
    text = _text(text, _("The workaround"), limit=20000)
    with transaction.atomic():
        request = _open_bug(request)
        if Workaround.objects.filter(request=request).exists():
            raise ActionError(_("This bug already has a workaround."))
        workaround = Workaround.objects.create(request=request, text=text, author=actor, at=now)
        workaround_given(request, now=now)
        record(at=now, actor=actor, action="development.workaround", subject=request)
        notify_workaround(
            request.contact, request.reference, request.pk, text, actor=actor, now=now
        )
    return workaround


# -- feature requests ------------------------------------------------------------------------


def _vote(
    feature: FeatureRequest, organization: Organization, contact: Contact | None, actor: User,
    now: datetime,
) -> FeatureVote:  # fmt: skip
    if FeatureVote.objects.filter(feature=feature, organization=organization).exists():
        raise ActionError(_("This organization has already voted for this feature request."))
    try:
        with transaction.atomic():
            return FeatureVote.objects.create(
                feature=feature, organization=organization, contact=contact, cast_by=actor, at=now
            )
    except IntegrityError:
        raise ActionError(
            _("This organization has already voted for this feature request.")
        ) from None


def file_feature_request(
    *,
    actor: User,
    title: str,
    description: str = "",
    source_request: Request | None = None,
    now: datetime,
) -> FeatureRequest:
    """A customer files a wish (and so votes for it); a manager files one for the vendor,
    or from a customer's request of type feature (that organization's vote)."""
    role = require(actor, Capability.VOTE_FEATURE_REQUEST)
    title = _text(title, _("The title"), limit=300)
    description = description.strip()
    contact: Contact | None = None
    organization: Organization | None = None
    if role in CUSTOMER_ROLES:
        if source_request is not None:
            raise ActionDenied(_("Only a manager files a feature request from a request."))
        contact = _contact(actor)
        organization = contact.organization
    else:
        require(actor, Capability.MANAGE_FEATURE_REQUESTS)
        if source_request is not None:
            if source_request.request_type != RequestType.FEATURE:
                raise ActionError(_("Only a request of type feature becomes a feature request."))
            contact, organization = source_request.contact, source_request.organization
    with transaction.atomic():
        feature = FeatureRequest.objects.create(
            title=title, description=description, organization=organization,
            source_request=source_request, created_by=actor, created_at=now, updated_at=now,
        )  # fmt: skip
        if organization is not None:
            _vote(feature, organization, contact, actor, now)
        record(
            at=now, actor=actor, action="feature.filed", subject=feature,
            data={"organization": organization.pk if organization else None,
                  "request": source_request.pk if source_request else None},
        )  # fmt: skip
    return feature


def _shared_with(feature: FeatureRequest, organization_id: int) -> bool:
    """What a customer may vote on: what ``reads.visible_features`` shows them (a proposal
    stays its organization's until the vendor takes it up)."""
    return feature.status != FeatureStatus.PROPOSED or feature.organization_id == organization_id


def vote_for_feature(
    *,
    actor: User,
    feature: FeatureRequest,
    organization: Organization | None = None,
    now: datetime,
) -> FeatureVote:
    """One vote per organization: a customer votes for their own; a manager records the
    vote of an organization they manage (a lead, of any)."""
    role = require(actor, Capability.VOTE_FEATURE_REQUEST)
    contact: Contact | None = None
    if role in CUSTOMER_ROLES:
        contact = _contact(actor)
        organization = contact.organization
    elif organization is None:
        raise ActionError(_("Name the organization whose vote this is."))
    elif role != Role.LEAD and not _manages(actor, organization.pk):
        raise ActionDenied(_("You are not the personal manager of this organization."))
    with transaction.atomic():
        feature = FeatureRequest.objects.select_for_update().get(pk=feature.pk)
        if contact is not None and not _shared_with(feature, contact.organization_id):
            raise ActionDenied(_("This feature request is another organization's proposal."))
        if feature.status in (FeatureStatus.RELEASED, FeatureStatus.REJECTED):
            raise ActionError(_("This feature request is closed for votes."))
        vote = _vote(feature, organization, contact, actor, now)
        record(
            at=now, actor=actor, action="feature.voted", subject=feature,
            data={"organization": organization.pk},
        )  # fmt: skip
    return vote


def set_feature_status(
    *,
    actor: User,
    feature: FeatureRequest,
    status: FeatureStatus,
    released_version: str = "",
    now: datetime,
) -> FeatureRequest:
    """planned -> in development -> released in version X (or rejected); on release every
    organization that voted (its voting contact), the filer and the source request's
    requester are told."""
    require(actor, Capability.MANAGE_FEATURE_REQUESTS)
    status = FeatureStatus(status)
    released_version = released_version.strip()
    with transaction.atomic():
        feature = FeatureRequest.objects.select_for_update().get(pk=feature.pk)
        current = FeatureStatus(feature.status)
        if status not in FEATURE_TRANSITIONS[current]:
            raise ActionError(
                _("A feature request that is %(current)s cannot become %(to)s.")
                % {"current": current.label, "to": status.label}
            )
        if status == FeatureStatus.RELEASED:
            feature.released_version = _text(
                released_version, _("The released version"), limit=_VERSION_MAX
            )
        elif released_version:
            raise ActionError(_("Only a released feature request has a version."))
        feature.status, feature.updated_at = status, now
        feature.save(update_fields=["status", "released_version", "updated_at"])
        record(
            at=now, actor=actor, action="feature.status", subject=feature,
            data={"from": current.value, "to": status.value, "version": feature.released_version},
        )  # fmt: skip
        if status == FeatureStatus.RELEASED:
            notify_feature_released(feature, _interested(feature), actor=actor, now=now)
    return feature


def _interested(feature: FeatureRequest) -> Iterable[Contact | None]:
    yield from (vote.contact for vote in feature.votes.select_related("contact").order_by("id"))
    if feature.created_by_id is not None:
        yield Contact.objects.filter(user_id=feature.created_by_id).first()
    if feature.source_request is not None:
        yield feature.source_request.contact


# -- client-app releases ------------------------------------------------------------------------


def _publishing_contracts(now: datetime) -> list[Contract]:
    """Contracts in force on their organization's date with the publication add-on."""
    candidates = Contract.objects.select_related("organization").filter(
        valid_from__lte=now.date() + _DAY, valid_until__gte=now.date() - _DAY
    )
    return [
        contract for contract in candidates
        if AddOn.CLIENT_APP_PUBLICATION.value in (contract.add_ons or [])
        and contract.is_valid_on(now.astimezone(ZoneInfo(contract.organization.time_zone)).date())
    ]  # fmt: skip


def publish_client_release(
    *, actor: User, platform: Platform, version: str, notes: str = "", now: datetime
) -> ClientRelease:
    """The vendor publishes a client-app release; every contract in force with the
    publication add-on gets a task to publish it (``ensure_publication_tasks``)."""
    require(actor, Capability.PUBLISH_CLIENT_RELEASE)
    platform = Platform(platform)
    version = _text(version, _("The version"), limit=_VERSION_MAX)
    with transaction.atomic():
        if ClientRelease.objects.filter(platform=platform, version=version).exists():
            raise ActionError(_("This release is already published."))
        release = ClientRelease.objects.create(
            platform=platform, version=version, notes=notes.strip(), published_by=actor,
            published_at=now,
        )  # fmt: skip
        record(
            at=now, actor=actor, action="release.published", subject=release,
            data={"platform": platform.value, "version": version},
        )  # fmt: skip
        _ensure_tasks(release, now=now)
    return release


def ensure_publication_tasks(*, actor: User, release: ClientRelease, now: datetime) -> int:
    """Tasks for contracts that gained the add-on (or came into force) since the release
    was published; idempotent: a contract never gets a second task for a release."""
    require(actor, Capability.PUBLISH_CLIENT_RELEASE)
    with transaction.atomic():
        return len(_ensure_tasks(release, now=now))


def _ensure_tasks(release: ClientRelease, *, now: datetime) -> list[PublicationTask]:
    existing = set(
        PublicationTask.objects.filter(release=release).values_list("contract_id", flat=True)
    )
    new = [
        PublicationTask(release=release, contract=contract, created_at=now)
        for contract in _publishing_contracts(now)
        if contract.pk not in existing
    ]
    PublicationTask.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        notify_publication_tasks(release, new, now=now)
    return new


def complete_publication_task(
    *, actor: User, task: PublicationTask, note: str = "", now: datetime
) -> PublicationTask:
    """Done: the customer admin of the contract's organization, its personal manager or a
    lead marks the release published on the customer's resources."""
    role = require(actor, Capability.COMPLETE_PUBLICATION_TASK)
    with transaction.atomic():
        task = PublicationTask.objects.select_for_update().select_related("contract").get(
            pk=task.pk
        )  # fmt: skip
        contract = task.contract
        if role in CUSTOMER_ROLES:
            if _contact(actor).organization_id != contract.organization_id:
                raise ActionDenied(_("This task belongs to another organization."))
        elif role != Role.LEAD and contract.personal_manager_id != actor.pk:
            raise ActionDenied(_("You are not the personal manager of this contract."))
        if task.done_at is not None:
            raise ActionError(_("This publication task is already done."))
        task.done_at, task.done_by, task.note = now, actor, note.strip()
        task.save(update_fields=["done_at", "done_by", "note"])
        record(
            at=now, actor=actor, action="release.publication_done", subject=task,
            data={"release": task.release_id, "contract": contract.pk},
        )  # fmt: skip
    return task
