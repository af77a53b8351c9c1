"""Files on the workspace request page: what a customer sent (through the portal or the
API) is listed under its message with name, size and a download link; an agent attaches
files to a reply or an internal note, and the post takes them whole or not at all; every
download is permission-checked and served as a download of the stored type."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pytest_django.fixtures import Settings

from supportdesk.audit.models import AuditEvent
from supportdesk.slamath.policy import Priority
from supportdesk.tickets import actions
from supportdesk.tickets.attachments import UploadRejected
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Attachment, Message, MessageKind, Request, Status
from tests.multipart import EXE, PNG
from tests.tickets.conftest import Desk, at
from tests.workspace.conftest import browser, open_

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def stored(media: Path) -> list[str]:
    """The files in the storage, whatever rows say."""
    return sorted(path.name for path in media.rglob("*") if path.is_file())


def log(name: str = "app.log", content: bytes = b"09:40 queue stalled\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/plain")


def post_with_files(
    client: Client, request: Request, action: str, body: str, files: list[SimpleUploadedFile]
):
    return client.post(
        f"/desk/requests/{request.pk}/{action}/",
        {f"{action}-body": body, f"{action}-attachments": files},
    )


def body_of(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def customer_reply_with_file(desk: Desk, request: Request, upload: SimpleUploadedFile) -> Message:
    portal = browser(desk.anna)
    response = portal.post(
        f"/portal/requests/{request.pk}/reply/", {"body": "Logs", "attachments": upload}
    )
    assert response.status_code == 302
    return request.messages.get(body="Logs")


def test_the_page_lists_what_the_customer_sent_through_the_portal_and_the_api(
    desk: Desk,
) -> None:
    request = open_(desk, Priority.P3)
    message = customer_reply_with_file(desk, request, log("trace.log", b"line 1\n"))
    screen = SimpleUploadedFile("screen.png", PNG, content_type="image/png")
    answer = browser(desk.anna).post(
        f"/api/v1/requests/{request.pk}/messages/{message.pk}/attachments", {"file": screen}
    )
    assert answer.status_code == 201, answer.content
    trace, image = Attachment.objects.order_by("pk")

    page = browser(desk.agent).get(f"/desk/requests/{request.pk}/")

    assert page.status_code == 200
    assert (
        f'<li><a href="/desk/attachments/{trace.pk}/">trace.log</a> '
        '<span class="muted">7\xa0байт</span></li>'
    ) in page.text
    assert (
        f'<li><a href="/desk/attachments/{image.pk}/">screen.png</a> '
        '<span class="muted">80\xa0байт</span></li>'
    ) in page.text
    assert 'aria-label="Прикреплённые файлы"' in page.text


def test_an_agent_downloads_a_file_under_its_name_and_stored_type(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    customer_reply_with_file(desk, request, log("журнал ошибок.log"))
    attachment = Attachment.objects.get()

    response = browser(desk.agent).get(f"/desk/attachments/{attachment.pk}/")

    assert response.status_code == 200
    assert body_of(response) == b"09:40 queue stalled\n"
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Length"] == "20"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%D0%B6%D1%83%D1%80%D0%BD%D0%B0%D0%BB%20"
        "%D0%BE%D1%88%D0%B8%D0%B1%D0%BE%D0%BA.log"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_the_api_download_is_the_same_response(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    customer_reply_with_file(desk, request, log())
    attachment = Attachment.objects.get()
    client = browser(desk.agent)

    through_api = client.get(f"/api/v1/attachments/{attachment.pk}")
    on_the_desk = client.get(f"/desk/attachments/{attachment.pk}/")

    for header in ("Content-Type", "Content-Disposition", "X-Content-Type-Options"):
        assert through_api[header] == on_the_desk[header]
    assert body_of(through_api) == body_of(on_the_desk)


def test_an_agent_replies_with_files_and_the_customer_downloads_them(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    agent = browser(desk.agent)

    response = post_with_files(
        agent, request, "reply", "The fixed config is attached.",
        [log("broker.yaml", b"queue: fast\n"), SimpleUploadedFile("ok.png", PNG, "image/png")],
    )  # fmt: skip

    assert response.status_code == 302
    message = request.messages.get()
    assert (message.kind, message.body) == (MessageKind.PUBLIC, "The fixed config is attached.")
    files = list(message.attachments.order_by("name").values_list("name", "size", "content_type"))
    assert files == [("broker.yaml", 12, "text/plain"), ("ok.png", 80, "image/png")]
    added = AuditEvent.objects.filter(action="request.attachment_added").order_by("pk")
    assert [event.data["name"] for event in added] == ["broker.yaml", "ok.png"]
    assert [event.actor_id for event in added] == [desk.agent.pk, desk.agent.pk]
    request.refresh_from_db()
    assert request.reaction_clock.status == "stopped"  # it is the vendor's reply
    page = agent.get(f"/desk/requests/{request.pk}/")
    assert "Приложен файл: broker.yaml" in page.text  # the timeline, in Russian
    assert "request.attachment_added" not in page.text

    config = message.attachments.get(name="broker.yaml")
    portal = browser(desk.anna)
    link = f"/portal/attachments/{config.pk}/"
    assert f'<a href="{link}">broker.yaml</a>' in portal.get(f"/portal/requests/{request.pk}/").text
    download = portal.get(link)
    assert download.status_code == 200
    assert body_of(download) == b"queue: fast\n"
    assert download["Content-Disposition"] == 'attachment; filename="broker.yaml"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_file_on_an_internal_note_stays_with_staff(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    agent = browser(desk.agent)

    response = post_with_files(agent, request, "note", "Broker dump", [log("dump.log")])

    assert response.status_code == 302
    note = request.messages.get()
    assert note.kind == MessageKind.INTERNAL
    attachment = note.attachments.get()
    assert agent.get(f"/desk/attachments/{attachment.pk}/").status_code == 200
    anna = browser(desk.anna)
    assert anna.get(f"/portal/attachments/{attachment.pk}/").status_code == 404
    assert anna.get(f"/api/v1/attachments/{attachment.pk}").status_code == 404
    assert "dump.log" not in anna.get(f"/portal/requests/{request.pk}/").text


# Each case: the refused file (made fresh: a test client consumes what it sends) and
# the reason the agent reads.
REFUSED: dict[str, tuple[Callable[[], SimpleUploadedFile], str]] = {
    "too large": (lambda: log("big.log", b"x" * 1001), "Файл big.log больше 1000 байт."),
    "empty": (lambda: log("empty.log", b""), "Файл empty.log пуст."),
    "type not accepted": (
        lambda: SimpleUploadedFile("run.exe", EXE, content_type="application/x-msdownload"),
        "run.exe: файлы типа application/x-msdownload не принимаются",
    ),
    "bytes contradict the type": (
        lambda: SimpleUploadedFile("photo.png", EXE, content_type="image/png"),
        "photo.png: содержимое файла — application/x-msdownload, а не image/png.",
    ),
}


@pytest.mark.parametrize("action", ["reply", "note"])
@pytest.mark.parametrize("case", REFUSED.keys())
def test_a_refused_file_refuses_the_post_and_keeps_the_text(
    desk: Desk, media: Path, settings: Settings, action: str, case: str
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1000
    request = open_(desk, Priority.P3)
    make_refused, reason = REFUSED[case]
    before = AuditEvent.objects.count()

    files = [log("ok.log", b"ok\n"), make_refused()]

    response = post_with_files(browser(desk.agent), request, action, "Typed with care", files)

    assert response.status_code == 400
    assert reason in response.text
    assert ">\nTyped with care</textarea>" in response.text
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()
    assert AuditEvent.objects.count() == before
    assert stored(media) == []
    request.refresh_from_db()
    assert request.reaction_clock.status == "running"


def test_more_files_than_a_post_may_carry_are_refused_with_a_message(
    desk: Desk, media: Path
) -> None:
    request = open_(desk, Priority.P3)
    files = [log(f"log-{n}.log") for n in range(django_settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)]
    agent = browser(desk.agent)

    response = post_with_files(agent, request, "reply", "Eleven logs", files)

    assert response.status_code == 302
    assert response["Location"] == f"/desk/requests/{request.pk}/"
    page = agent.get(response["Location"])
    assert "Ничего не отправлено: за один раз можно приложить не больше 10 файлов." in page.text
    assert not Message.objects.exists()
    assert stored(media) == []


def test_the_action_takes_a_posts_files_whole_or_not_at_all(
    desk: Desk, media: Path, settings: Settings
) -> None:
    request = open_(desk, Priority.P3)
    exe = SimpleUploadedFile("run.exe", EXE, content_type="application/x-msdownload")
    with pytest.raises(UploadRejected) as refused:
        actions.reply(
            actor=desk.agent, request=request, body="Files", files=[log(), exe], now=at(23, 11)
        )
    assert refused.value.status_code == 415

    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    with pytest.raises(UploadRejected) as too_many, translation.override("ru"):
        actions.add_internal_note(
            actor=desk.agent, request=request, body="Files", now=at(23, 11),
            files=[log("a.log"), log("b.log"), log("c.log")],
        )  # fmt: skip
    assert (too_many.value.status_code, str(too_many.value)) == (
        413,
        "За один раз можно приложить не больше 2 файлов.",
    )
    assert not Message.objects.exists()
    assert stored(media) == []

    message = actions.reply(
        actor=desk.anna, request=request, body="Two logs", files=[log("a.log"), log("b.log")],
        now=at(23, 11),
    )  # fmt: skip
    assert sorted(message.attachments.values_list("name", flat=True)) == ["a.log", "b.log"]
    assert len(stored(media)) == 2


def test_files_written_before_a_refusal_inside_the_transaction_are_deleted(
    desk: Desk, media: Path
) -> None:
    """The files reach the storage before the post's transaction; the request turns out
    to be closed under the row lock, the transaction rolls back, and the files go too."""
    request = open_(desk, Priority.P3)
    actions.resolve(actor=desk.agent, request=request, summary="Fixed.", now=at(23, 11))
    actions.confirm_resolution(actor=desk.anna, request=request, now=at(23, 11))
    assert Request.objects.get(pk=request.pk).status == Status.CLOSED

    with pytest.raises(ActionError):
        actions.reply(
            actor=desk.agent, request=request, body="One more thing", files=[log()],
            now=at(23, 12),
        )  # fmt: skip

    assert not Attachment.objects.exists()
    assert stored(media) == []


def test_who_may_download(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    customer_reply_with_file(desk, request, log())
    public = Attachment.objects.get()
    actions.add_internal_note(
        actor=desk.agent, request=request, body="Dump", files=[log("dump.log")], now=at(23, 11)
    )
    internal = Attachment.objects.get(name="dump.log")
    portal, desk_url = f"/portal/attachments/{public.pk}/", f"/desk/attachments/{public.pk}/"

    anonymous = Client()
    for url in (portal, desk_url):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={url}"

    assert browser(desk.anna).get(portal).status_code == 200
    assert browser(desk.alfa_admin).get(portal).status_code == 200  # the whole organization
    for outsider in (desk.vera, desk.boris):  # another organization; a colleague's request
        client = browser(outsider)
        assert client.get(portal).status_code == 404
        assert client.get(f"/api/v1/attachments/{public.pk}").status_code == 404
    for customer in (desk.anna, desk.vera):  # the desk does not exist for customers
        assert browser(customer).get(desk_url).status_code == 404
    assert browser(desk.anna).get(f"/portal/attachments/{internal.pk}/").status_code == 404

    agent = browser(desk.agent)
    assert agent.get(desk_url).status_code == 200
    assert agent.get(f"/desk/attachments/{internal.pk}/").status_code == 200
    assert agent.get("/desk/attachments/999999/").status_code == 404
    assert browser(desk.anna).get("/portal/attachments/999999/").status_code == 404


def test_a_file_missing_from_the_storage_is_404(desk: Desk, media: Path) -> None:
    request = open_(desk, Priority.P3)
    customer_reply_with_file(desk, request, log())
    attachment = Attachment.objects.get()
    (media / str(attachment.file.name)).unlink()

    assert browser(desk.agent).get(f"/desk/attachments/{attachment.pk}/").status_code == 404
    assert browser(desk.anna).get(f"/portal/attachments/{attachment.pk}/").status_code == 404


def test_the_page_costs_the_same_queries_however_many_files(desk: Desk) -> None:
    def queries_for_page(request: Request) -> int:
        client = browser(desk.agent)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/desk/requests/{request.pk}/").status_code == 200
        return len(captured)

    one, many = open_(desk, Priority.P3, "one"), open_(desk, Priority.P3, "many")
    actions.reply(actor=desk.agent, request=one, body="1", files=[log()], now=at(23, 11))
    for n in range(6):
        actions.reply(
            actor=desk.agent, request=many, body=str(n), files=[log(), log("b.log")],
            now=at(23, 11),
        )  # fmt: skip

    assert queries_for_page(many) == queries_for_page(one)
