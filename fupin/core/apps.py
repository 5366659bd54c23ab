from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fupin.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        # Imported for their effect: system checks, and the field__any lookup.
        from fupin.core import checks, lookups  # noqa: F401
