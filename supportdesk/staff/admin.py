from django.contrib import admin

from supportdesk.staff.models import StaffMember, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ("name",)


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin[StaffMember]):
    list_display = ("user", "role", "language")
    list_filter = ("role", "teams")
    filter_horizontal = ("teams",)
    raw_id_fields = ("user",)
