"""Read endpoints of the development app (docs/development.md): a request's bug status at
development, feature requests with their votes, client-app releases and publication tasks.
Thin: the reads in ``development.reads`` decide who sees what."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja import Query, Router, Schema

from supportdesk.api.auth import acting_user
from supportdesk.api.schemas import LIST_ERRORS, READ_ERRORS, Id, PageQuery
from supportdesk.development import reads
from supportdesk.development.models import (
    ClientRelease,
    FeatureRequest,
    ItemChange,
    PublicationTask,
)
from supportdesk.tickets.access import get_request, is_staff

router = Router(tags=["development"])


class ItemChangeOut(Schema):
    from_status: str
    to_status: str
    fix_version: str
    at: datetime
    note: str | None  # staff only


class DevelopmentItemOut(Schema):
    status: str
    fix_version: str
    handed_over_at: datetime
    updated_at: datetime
    external_url: str | None  # staff only: the vendor's tracker
    history: list[ItemChangeOut]


class WorkaroundOut(Schema):
    text: str
    at: datetime


class DevelopmentOut(Schema):
    request_id: int
    item: DevelopmentItemOut | None
    workaround: WorkaroundOut | None


class FeatureOut(Schema):
    id: int
    title: str
    description: str
    status: str
    released_version: str
    vote_count: int
    voted_by_my_organization: bool
    organization_id: int | None  # staff only
    voters: list[str]  # staff only: the organizations that voted


class FeaturePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[FeatureOut]


class ReleaseOut(Schema):
    id: int
    platform: str
    version: str
    notes: str
    published_at: datetime


class ReleasePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReleaseOut]


class TaskOut(Schema):
    id: int
    release: ReleaseOut
    organization_id: int
    contract_id: int
    created_at: datetime
    done_at: datetime | None
    note: str


class TaskPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[TaskOut]


def _change(change: ItemChange, staff: bool) -> ItemChangeOut:
    return ItemChangeOut(
        from_status=change.from_status, to_status=change.to_status,
        fix_version=change.fix_version, at=change.at, note=change.note if staff else None,
    )  # fmt: skip


def _feature(user: User, feature: FeatureRequest) -> FeatureOut:
    staff = is_staff(user)
    return FeatureOut(
        id=feature.pk, title=feature.title, description=feature.description,
        status=feature.status, released_version=feature.released_version,
        vote_count=feature.vote_count,  # type: ignore[attr-defined]
        voted_by_my_organization=bool(feature.ours),  # type: ignore[attr-defined]
        organization_id=feature.organization_id if staff else None,
        voters=reads.voters(user, feature),
    )  # fmt: skip


def _release(release: ClientRelease) -> ReleaseOut:
    return ReleaseOut(
        id=release.pk, platform=release.platform, version=release.version,
        notes=release.notes, published_at=release.published_at,
    )  # fmt: skip


def _task(task: PublicationTask) -> TaskOut:
    return TaskOut(
        id=task.pk, release=_release(task.release),
        organization_id=task.contract.organization_id, contract_id=task.contract_id,
        created_at=task.created_at, done_at=task.done_at, note=task.note,
    )  # fmt: skip


@router.get("/requests/{request_id}/development", response={200: DevelopmentOut, **READ_ERRORS})
def get_development(request: HttpRequest, request_id: Id) -> DevelopmentOut:
    user = acting_user(request)
    bug = get_request(user, request_id)
    view, staff = reads.bug_view(bug), is_staff(user)
    item = view.item
    return DevelopmentOut(
        request_id=bug.pk,
        item=None if item is None else DevelopmentItemOut(
            status=item.status, fix_version=item.fix_version,
            handed_over_at=item.handed_over_at, updated_at=item.updated_at,
            external_url=item.external_url if staff else None,
            history=[_change(change, staff) for change in view.changes],
        ),
        workaround=None if view.workaround is None else WorkaroundOut(
            text=view.workaround.text, at=view.workaround.at
        ),
    )  # fmt: skip


@router.get("/feature-requests", response={200: FeaturePage, **LIST_ERRORS})
def list_features(request: HttpRequest, page: Query[PageQuery]) -> FeaturePage:
    user = acting_user(request)
    rows = reads.visible_features(user)
    return FeaturePage(
        count=rows.count(), limit=page.limit, offset=page.offset,
        items=[_feature(user, row) for row in rows[page.offset : page.offset + page.limit]],
    )  # fmt: skip


@router.get("/feature-requests/{feature_id}", response={200: FeatureOut, **READ_ERRORS})
def get_feature(request: HttpRequest, feature_id: Id) -> FeatureOut:
    user = acting_user(request)
    return _feature(user, reads.get_feature(user, feature_id))


@router.get("/client-releases", response={200: ReleasePage, **LIST_ERRORS})
def list_releases(request: HttpRequest, page: Query[PageQuery]) -> ReleasePage:
    acting_user(request)
    rows = reads.releases()
    return ReleasePage(
        count=rows.count(), limit=page.limit, offset=page.offset,
        items=[_release(row) for row in rows[page.offset : page.offset + page.limit]],
    )  # fmt: skip


@router.get("/publication-tasks", response={200: TaskPage, **LIST_ERRORS})
def list_tasks(request: HttpRequest, page: Query[PageQuery]) -> TaskPage:
    rows = reads.visible_tasks(acting_user(request))
    return TaskPage(
        count=rows.count(), limit=page.limit, offset=page.offset,
        items=[_task(row) for row in rows[page.offset : page.offset + page.limit]],
    )  # fmt: skip
