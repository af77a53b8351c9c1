"""The agent's files on S3-compatible object storage (SUPPORTDESK_STORAGE=s3), as on
several machines: a reply's file lands in the private bucket and comes back through the
workspace's and the portal's permission-checked downloads; a post that is refused, or
whose transaction rolls back, leaves nothing in the bucket. The storage is a real S3
server on loopback (moto's), the same fixtures as the API's object-storage tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.fixtures import Settings

from supportdesk.slamath.policy import Priority
from supportdesk.tickets import actions
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Attachment, Message
from tests.api.test_attachments_in_object_storage import Bucket, bucket, s3_endpoint
from tests.multipart import EXE
from tests.tickets.conftest import Desk, at
from tests.workspace.conftest import browser, open_

__all__ = ["bucket", "s3_endpoint"]  # fixtures, used by name

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def config() -> SimpleUploadedFile:
    return SimpleUploadedFile("broker.yaml", b"queue: fast\n", content_type="text/plain")


def test_an_agents_file_lands_in_the_bucket_and_both_sides_download_it(
    desk: Desk, bucket: Bucket, media: Path
) -> None:
    request = open_(desk, Priority.P3)
    agent = browser(desk.agent)

    response = agent.post(
        f"/desk/requests/{request.pk}/reply/",
        {"reply-body": "The fixed config", "reply-attachments": [config()]},
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert bucket.keys() == [f"desk/{attachment.file.name}"]
    assert bucket.read(f"desk/{attachment.file.name}") == b"queue: fast\n"
    assert not media.exists()  # nothing on this machine's disk
    for client, url in (
        (agent, f"/desk/attachments/{attachment.pk}/"),
        (browser(desk.anna), f"/portal/attachments/{attachment.pk}/"),
    ):
        download = client.get(url)
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == b"queue: fast\n"  # type: ignore[attr-defined]
        assert download["Content-Type"] == "text/plain"
        assert download["Content-Disposition"] == 'attachment; filename="broker.yaml"'
        assert download["X-Content-Type-Options"] == "nosniff"
    assert browser(desk.vera).get(f"/portal/attachments/{attachment.pk}/").status_code == 404


def test_a_refused_or_rolled_back_post_leaves_the_bucket_empty(desk: Desk, bucket: Bucket) -> None:
    request = open_(desk, Priority.P3)
    exe = SimpleUploadedFile("run.exe", EXE, content_type="application/x-msdownload")
    response = browser(desk.agent).post(
        f"/desk/requests/{request.pk}/note/",
        {"note-body": "Files", "note-attachments": [config(), exe]},
    )
    assert response.status_code == 400
    assert bucket.keys() == []

    actions.resolve(actor=desk.agent, request=request, summary="Fixed.", now=at(23, 11))
    actions.confirm_resolution(actor=desk.anna, request=request, now=at(23, 11))
    messages = Message.objects.count()
    with pytest.raises(ActionError):  # closed: refused under the row lock, files written
        actions.reply(
            actor=desk.agent, request=request, body="Late", files=[config()], now=at(23, 12)
        )
    assert bucket.keys() == []
    assert Message.objects.count() == messages
    assert not Attachment.objects.exists()
