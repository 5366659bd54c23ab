from django.contrib import admin

from fupin.areas.models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin[Area]):
    list_display = ("code", "name", "level", "is_poor_village", "longitude", "latitude")
    list_filter = ("level", "is_poor_village")
    search_fields = ("code", "name", "search_key")

    # Writes go through services (change log); the back office reads here and edits on the pages.
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
