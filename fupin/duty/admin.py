"""Back office: assignments are read here and changed through pages, ledgers and the API, whose
services check the rules and keep the change log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fupin.duty.models import LeaderTown, Pairing, UnitVillage, WorkTeamMember


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LeaderTown)
class LeaderTownAdmin(ReadOnlyAdmin):
    list_display = ("cadre", "town", "lead_unit", "start_date", "end_date")
    list_select_related = ("cadre", "town", "lead_unit")
    search_fields = ("cadre__code", "cadre__name", "town__code", "town__name")


@admin.register(UnitVillage)
class UnitVillageAdmin(ReadOnlyAdmin):
    list_display = ("unit", "village", "start_date", "end_date")
    list_select_related = ("unit", "village")
    search_fields = ("unit__code", "unit__name", "village__code", "village__name")


@admin.register(WorkTeamMember)
class WorkTeamMemberAdmin(ReadOnlyAdmin):
    list_display = ("village", "cadre", "role", "sending_unit", "start_date", "end_date")
    list_filter = ("role",)
    list_select_related = ("village", "cadre", "sending_unit")
    search_fields = ("cadre__code", "cadre__name", "village__code", "village__name")


@admin.register(Pairing)
class PairingAdmin(ReadOnlyAdmin):
    list_display = ("cadre", "household", "start_date", "end_date")
    list_select_related = ("cadre", "household")
    search_fields = ("cadre__code", "cadre__name", "household__code", "household__head_name")
