"""Django's user and group admin with the permissions named in the reader's language: the
permission rows hold English names written at migration time ("Can add request"); the
default four are named from the model's translated name instead."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.db.models import ManyToManyField
from django.http import HttpRequest
from django.utils.translation import gettext as _


def permission_label(permission: Permission) -> str:
    model = permission.content_type.model_class()
    action = permission.codename.split("_", 1)[0]
    if model is None or permission.codename != f"{action}_{model._meta.model_name}":
        return permission.name
    name = model._meta.verbose_name
    labels = {
        "add": _("Can add: %(model)s"),
        "change": _("Can change: %(model)s"),
        "delete": _("Can delete: %(model)s"),
        "view": _("Can view: %(model)s"),
    }
    return labels[action] % {"model": name} if action in labels else permission.name


class _TranslatedPermissions:
    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField[Any] | None:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and db_field.name in ("permissions", "user_permissions"):
            field.queryset = field.queryset.select_related("content_type")
            field.label_from_instance = permission_label
        return field  # type: ignore[no-any-return]


class TranslatedGroupAdmin(_TranslatedPermissions, GroupAdmin):  # type: ignore[misc]
    pass


class TranslatedUserAdmin(_TranslatedPermissions, UserAdmin):  # type: ignore[type-arg]
    pass


admin.site.unregister(Group)
admin.site.register(Group, TranslatedGroupAdmin)
admin.site.unregister(User)
admin.site.register(User, TranslatedUserAdmin)
