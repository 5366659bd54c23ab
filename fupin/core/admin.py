from django.contrib import admin

from fupin.core.models import ChangeLog


@admin.register(ChangeLog)
class ChangeLogAdmin(admin.ModelAdmin[ChangeLog]):
    list_display = ("at", "action", "object_type", "object_repr", "actor_name", "source", "batch")
    list_filter = ("action", "object_type", "source")
    search_fields = ("object_repr", "actor_name", "batch")
    ordering = ("-id",)  # newest first by the primary key: `at` is not indexed
    readonly_fields = [f.name for f in ChangeLog._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
