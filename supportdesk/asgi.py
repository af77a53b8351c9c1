import os

from django.core.asgi import get_asgi_application

from supportdesk.web.bodylimit import BodySizeLimit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
# Oversized bodies are refused before Django spools them to disk (docs/uploads.md).
application = BodySizeLimit(get_asgi_application())
