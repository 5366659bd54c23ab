from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "fupin.duty"
    label = "duty"
    verbose_name = "帮扶责任"

    def ready(self) -> None:
        from fupin.duty.visibility import households_reached
        from fupin.registry.visibility import register_household_filter

        register_household_filter(households_reached)
