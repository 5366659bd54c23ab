from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "fupin.duty"
    label = "duty"
    verbose_name = "帮扶责任"

    def ready(self) -> None:
        from fupin.duty.selectors import household_helpers
        from fupin.duty.visibility import households_reached
        from fupin.registry.file_sections import FileSection, register_file_section
        from fupin.registry.visibility import register_household_filter

        register_household_filter(households_reached)
        register_file_section(
            FileSection(
                key="helpers",
                title="帮扶责任人",
                template="duty/_household_helpers.html",
                context=lambda scope, household: {"helpers": household_helpers(scope, household)},
                order=20,
            )
        )
