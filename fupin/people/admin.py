"""Back office. Units and cadres are read here and changed through pages, imports and the API
(services keep the change log); accounts are managed here, and every change is logged."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fupin.core.audit import Actor, record_change
from fupin.core.models import ChangeAction
from fupin.people.models import Account, Cadre, Unit


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "parent", "area")
    list_filter = ("kind",)
    search_fields = ("code", "name", "search_key")
    list_select_related = ("parent", "area")


@admin.register(Cadre)
class CadreAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "masked_id_number", "unit", "title", "categories")
    search_fields = ("code", "name", "search_key")
    list_select_related = ("unit",)
    exclude = ("id_number",)


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin[Account]):
    list_display = ("user", "role", "area", "unit")
    list_filter = ("role",)
    search_fields = ("user__username", "area__name", "unit__name")
    autocomplete_fields = ("user",)
    raw_id_fields = ("area", "unit")
    exclude = ("version",)

    def save_model(self, request: HttpRequest, obj: Account, form: Any, change: bool) -> None:
        before = Account.objects.get(pk=obj.pk).audit_snapshot() if change else None
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
        action = ChangeAction.UPDATE if change else ChangeAction.CREATE
        record_change(Actor.of(request.user, source="admin"), obj, action=action, before=before)

    def delete_model(self, request: HttpRequest, obj: Account) -> None:
        before = obj.audit_snapshot()
        record_change(Actor.of(request.user, source="admin"), obj, action=ChangeAction.DELETE, before=before)
        super().delete_model(request, obj)
