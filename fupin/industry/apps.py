from django.apps import AppConfig


class IndustryConfig(AppConfig):
    name = "fupin.industry"
    verbose_name = "产业扶贫"
    label = "industry"
