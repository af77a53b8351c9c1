"""Files posted to the pages and the API, at the HTTP layer.

``files_within_limit`` answers a form post with too many files by going back with a
message; ``MultipleFileField`` takes a post's files and checks each as the API does. The
actions check them again (``tickets.attachments``): the pages only say it earlier.

The per-file size limit while a file streams in (first of ``FILE_UPLOAD_HANDLERS``).

Past ``ATTACHMENT_MAX_BYTES`` the file's bytes stop reaching the handlers that store them,
what they stored is closed (a temporary file is deleted), and the file arrives as an
``OversizedUpload``: its name, type and size, none of its bytes. ``check_upload`` refuses it
(413) like any file over the limit, so the API and the pages give the usual reason and a
form keeps what the customer typed. The request as a whole is limited earlier, in the ASGI
layer (``web.bodylimit``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from io import BytesIO
from typing import Any, Concatenate

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import TooManyFilesSent
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from supportdesk.tickets.attachments import UploadRejected, check_upload

type View[**P] = Callable[Concatenate[HttpRequest, P], HttpResponse]


def files_within_limit[**P](
    back: Callable[Concatenate[HttpRequest, P], str],
) -> Callable[[View[P]], View[P]]:
    """A form post with more files than ``DATA_UPLOAD_MAX_NUMBER_FILES``: Django refuses to
    parse any of it, the CSRF token included, and would answer with its 400 page. Here the
    sender goes ``back`` to the page of the form with a message instead; nothing was read,
    so nothing is stored. Every other post has its CSRF token checked as usual (this check
    runs first, so it comes before the token's)."""

    def decorate(view: View[P]) -> View[P]:
        protected = csrf_protect(view)

        @wraps(view)
        def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            try:
                request.FILES  # noqa: B018 -- parses the form, counting its files
            except TooManyFilesSent:
                messages.error(
                    request,
                    _(
                        "Nothing was sent: at most %(count)d files can be attached at once. "
                        "Attach fewer files and send again."
                    )
                    % {"count": settings.DATA_UPLOAD_MAX_NUMBER_FILES},
                )
                return HttpResponseRedirect(back(request, *args, **kwargs))
            return protected(request, *args, **kwargs)

        return csrf_exempt(wrapper)

    return decorate


def _files_hint() -> str:
    return _("Up to %(count)d files, each at most %(size)s.") % {
        "count": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
        "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
    }


files_hint = lazy(_files_hint, str)  # read when the page is drawn


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more files under one field name; each checked like the API checks it."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"aria-describedby": "files-hint"}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", files_hint())
        # ``check_upload`` refuses an empty file itself, naming it among several.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> list[UploadedFile[bytes]]:
        items = data if isinstance(data, list | tuple) else [data] if data else []
        files: list[UploadedFile[bytes]] = []
        for item in items:
            upload = super().clean(item, initial)
            if not upload:
                continue
            try:
                check_upload(upload)
            except UploadRejected as error:
                raise forms.ValidationError(str(error)) from None
            files.append(upload)
        return files


class OversizedUpload(UploadedFile[bytes]):
    """A file over the limit: ``size`` is what the sender sent; nothing of it is kept."""

    def __init__(
        self,
        name: str,
        content_type: str,
        size: int,
        charset: str | None,
        content_type_extra: dict[str, Any] | None,
    ) -> None:
        super().__init__(BytesIO(), name, content_type, size, charset, content_type_extra)


class AttachmentLimitHandler(FileUploadHandler):
    received = 0
    over_limit = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.over_limit = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received = start + len(raw_data)
        if self.received <= settings.ATTACHMENT_MAX_BYTES:
            return raw_data
        if not self.over_limit:
            self.over_limit = True
            self._drop_what_is_stored()
        return None  # the later handlers see no more of this file

    def file_complete(self, file_size: int) -> UploadedFile[bytes] | None:
        if not self.over_limit:
            return None  # the next handler returns the stored file
        return OversizedUpload(
            self.file_name or "",
            self.content_type or "",
            self.received,
            self.charset,
            self.content_type_extra,
        )

    def _drop_what_is_stored(self) -> None:
        # As Django's parser does for a skipped file: the later handlers keep the file
        # they are writing as ``file``.
        handlers = self.request.upload_handlers if self.request is not None else []
        for handler in handlers:
            stored = getattr(handler, "file", None)
            if handler is not self and stored is not None:
                stored.close()
