"""The back office reads indicators, values, reports and key projects; writes go through the pages
and services, which keep the change log and the approval locks."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from fupin.indicators.models import DataSet, DataValue, Indicator, Project, Report


class ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Indicator)
class IndicatorAdmin(ReadOnly):
    list_display = (
        "code",
        "name",
        "unit",
        "value_type",
        "area_aggregation",
        "period_aggregation",
        "decimals",
    )
    search_fields = ("code", "name")


@admin.register(DataSet)
class DataSetAdmin(ReadOnly):
    list_display = ("code", "name", "period_type", "level")


@admin.register(DataValue)
class DataValueAdmin(ReadOnly):
    list_display = ("indicator", "area_code", "kind", "year", "period", "value")
    list_filter = ("kind", "year", "period_type")
    search_fields = ("area_code", "indicator__code")


@admin.register(Report)
class ReportAdmin(ReadOnly):
    list_display = (
        "data_set",
        "area_code",
        "kind",
        "year",
        "period",
        "status",
        "approved_level",
        "submitted_at",
    )
    list_filter = ("status", "approved_level", "kind", "year")
    search_fields = ("area_code",)


@admin.register(Project)
class ProjectAdmin(ReadOnly):
    list_display = ("code", "name", "industry", "owner_unit", "area_code", "start_date")
    list_filter = ("industry",)
    search_fields = ("code", "name")
