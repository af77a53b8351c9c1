"""The per-file size limit while a file streams in (first of ``FILE_UPLOAD_HANDLERS``).

Past ``ATTACHMENT_MAX_BYTES`` the file's bytes stop reaching the handlers that store them,
what they stored is closed (a temporary file is deleted), and the file arrives as an
``OversizedUpload``: its name, type and size, none of its bytes. ``check_upload`` refuses it
(413) like any file over the limit, so the API and the pages give the usual reason and a
form keeps what the customer typed. The request as a whole is limited earlier, in the ASGI
layer (``web.bodylimit``)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


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
