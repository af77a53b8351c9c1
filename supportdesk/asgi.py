"""The ASGI application uvicorn serves (docs/deploy.md): Django's handler with the
middleware chain run in one call on a reused thread (``supportdesk.core.asgi``), behind the
request-size limit (``supportdesk.web.bodylimit``)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
django.setup(set_prefix=False)

from supportdesk.core.asgi import DeskHandler  # noqa: E402 (after set-up, as Django's own)
from supportdesk.web.bodylimit import BodySizeLimit  # noqa: E402

# Oversized bodies are refused before Django spools them to disk (docs/uploads.md).
application = BodySizeLimit(DeskHandler())
