from django.apps import AppConfig


class WorkcalConfig(AppConfig):
    name = "jineng.workcal"
    label = "workcal"
