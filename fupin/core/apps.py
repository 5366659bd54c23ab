from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fupin.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from fupin.core import checks  # noqa: F401  (registers the system checks)
