"""Read helpers with the permission check built in (docs/development.md#who-sees-what).

- A development item: whoever sees its request (``tickets.access``); the tracker link
  and the notes of its history are the vendor's, shown to staff only.
- Feature requests: staff see all; a customer sees those the vendor took up (planned,
  in development, released) and every one their own organization filed or voted for,
  never another organization's proposal. Vote counts are across organizations; which
  organizations voted is shown to staff only.
- Publication tasks: staff see all; a customer their organization's contracts' tasks.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from supportdesk.development.models import (
    ClientRelease,
    DevelopmentItem,
    FeatureRequest,
    FeatureStatus,
    FeatureVote,
    ItemChange,
    PublicationTask,
    Workaround,
)
from supportdesk.tickets.access import NotFound, contact_of, is_staff
from supportdesk.tickets.models import Request

SHARED_FEATURE_STATUSES = (
    FeatureStatus.PLANNED,
    FeatureStatus.IN_DEVELOPMENT,
    FeatureStatus.RELEASED,
)


@dataclass(frozen=True)
class BugView:
    """What the request's page shows of its bug's development (None parts: not yet)."""

    item: DevelopmentItem | None
    changes: list[ItemChange]
    workaround: Workaround | None


def bug_view(request: Request) -> BugView:
    """``request`` was fetched through ``tickets.access``, so the user sees it."""
    item = DevelopmentItem.objects.filter(request=request).first()
    changes = list(ItemChange.objects.filter(item=item)) if item is not None else []
    workaround = Workaround.objects.filter(request=request).first()
    return BugView(item, changes, workaround)


def development_items(user: User) -> QuerySet[DevelopmentItem]:
    """The desk's list: every item, staff only."""
    if not is_staff(user):
        return DevelopmentItem.objects.none()
    return DevelopmentItem.objects.select_related("request__organization").order_by(
        "-updated_at", "-id"
    )


def visible_features(user: User) -> QuerySet[FeatureRequest]:
    """Annotated with ``vote_count`` (all organizations) and ``ours`` (the user's
    organization voted; False for staff)."""
    features = FeatureRequest.objects.annotate(vote_count=Count("votes"))
    if is_staff(user):
        return features.annotate(ours=Q(pk__in=[])).order_by("-vote_count", "-id")
    contact = contact_of(user)
    if contact is None:
        return features.none().annotate(ours=Q(pk__in=[]))
    voted = FeatureVote.objects.filter(feature=OuterRef("pk"), organization=contact.organization_id)
    return (
        features.annotate(ours=Exists(voted))
        .filter(
            Q(status__in=SHARED_FEATURE_STATUSES)
            | Q(organization_id=contact.organization_id)
            | Q(ours=True)
        )
        .order_by("-vote_count", "-id")
    )


def features_of_customers(user: User, organization_ids: list[int]) -> list[FeatureRequest]:
    """The personal manager's view (docs/roles.md): the feature requests these
    organizations filed or voted for, most votes first; staff only."""
    if not is_staff(user) or not organization_ids:
        return []
    voted = FeatureVote.objects.filter(organization_id__in=organization_ids).values("feature_id")
    return list(
        FeatureRequest.objects.filter(Q(organization_id__in=organization_ids) | Q(pk__in=voted))
        .annotate(vote_count=Count("votes"))
        .select_related("organization")
        .order_by("-vote_count", "-id")
    )


def get_feature(user: User, feature_id: int) -> FeatureRequest:
    feature = visible_features(user).filter(pk=feature_id).first()
    if feature is None:
        raise NotFound(f"no feature request {feature_id}")
    return feature


def voters(user: User, feature: FeatureRequest) -> list[str]:
    """The organizations that voted, by name: staff only (an empty list for customers)."""
    if not is_staff(user):
        return []
    return list(
        feature.votes.order_by("organization__name").values_list("organization__name", flat=True)
    )


def releases() -> QuerySet[ClientRelease]:
    """Published releases: public to everyone signed in (the vendor's own product)."""
    return ClientRelease.objects.order_by("-published_at", "-id")


def visible_tasks(user: User) -> QuerySet[PublicationTask]:
    tasks = PublicationTask.objects.select_related(
        "release", "contract__organization", "done_by"
    ).order_by("done_at", "-created_at", "id")
    if is_staff(user):
        return tasks
    contact = contact_of(user)
    if contact is None:
        return tasks.none()
    return tasks.filter(contract__organization_id=contact.organization_id)


def get_task(user: User, task_id: int) -> PublicationTask:
    task = visible_tasks(user).filter(pk=task_id).first()
    if task is None:
        raise NotFound(f"no publication task {task_id}")
    return task
