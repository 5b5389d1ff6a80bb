from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "jineng.orgs"
    label = "orgs"
