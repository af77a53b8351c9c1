from django.contrib import admin

from supportdesk.customers.models import Contact, Organization


class ContactInline(admin.TabularInline[Contact, Organization]):
    model = Contact
    extra = 0
    fields = ("name", "email", "phone", "user", "is_customer_admin", "language", "is_active")
    raw_id_fields = ("user",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = ("name", "slug", "time_zone", "is_active")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012 - Django's own attribute
    inlines = (ContactInline,)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin[Contact]):
    list_display = (
        "name", "organization", "email", "email_bounced_at", "is_customer_admin", "is_active"
    )  # fmt: skip
    list_filter = ("organization", "is_customer_admin")
    search_fields = ("name", "email", "phone")
    raw_id_fields = ("user",)
