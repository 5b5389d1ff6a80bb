from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "jineng.regions"
    label = "regions"
