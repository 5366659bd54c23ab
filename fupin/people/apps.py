from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "fupin.people"
    label = "people"
    verbose_name = "单位与干部"

    def ready(self) -> None:
        from fupin.core.scope import register_scope_resolver
        from fupin.people.scope import scope_for

        register_scope_resolver(scope_for)
