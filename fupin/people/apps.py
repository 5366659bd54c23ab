from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "fupin.people"
    label = "people"
    verbose_name = "单位与干部"
