"""Back office: the registry is read here and changed through its pages, imports and services,
which keep the change log and the status history. ID numbers are not shown."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fupin.registry.models import HardshipEvent, Household, Member, MonitoringCase, Procedure, ProcedureStep


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MemberInline(admin.TabularInline[Member, Household]):
    model = Member
    fields = ("name", "masked_id_number", "relation", "sex", "health", "labour")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ("code", "head_name", "masked_head_id_number", "area_code", "poverty_status", "category")
    list_filter = ("poverty_status", "category", "main_cause")
    search_fields = ("code", "head_name", "search_key")
    exclude = ("head_id_number", "phone")
    inlines = [MemberInline]


class StepInline(admin.TabularInline[ProcedureStep, Procedure]):
    model = ProcedureStep
    fields = ("kind", "on", "ends_on", "passed", "actor_name", "note")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(ReadOnlyAdmin):
    list_display = ("household", "kind", "status", "started_on", "due_on", "finished_on")
    list_filter = ("kind", "status")
    search_fields = ("household__code", "household__head_name")
    list_select_related = ("household",)
    inlines = [StepInline]


@admin.register(MonitoringCase)
class MonitoringCaseAdmin(ReadOnlyAdmin):
    list_display = ("household", "monitoring_type", "status", "lead_on", "identified_on", "cleared_on")
    list_filter = ("monitoring_type", "status")
    search_fields = ("household__code", "household__head_name")
    list_select_related = ("household",)


@admin.register(HardshipEvent)
class HardshipEventAdmin(ReadOnlyAdmin):
    list_display = ("household", "kind", "on", "expense")
    list_filter = ("kind",)
    list_select_related = ("household",)
