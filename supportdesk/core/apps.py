import django_stubs_ext
from django.apps import AppConfig

# Lets admin classes be written ModelAdmin[Model]. Here rather than in the settings: the
# app configs are all imported before any model or admin module, and the commands that run
# without Django (supportdesk/core/script.py) load the settings but not this, which imports
# Django's admin, forms and views.
django_stubs_ext.monkeypatch()


class CoreConfig(AppConfig):
    name = "supportdesk.core"
    label = "core"
    verbose_name = "Core"
