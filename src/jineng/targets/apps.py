from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "jineng.targets"
    label = "targets"
    verbose_name = "目标任务"
    default_auto_field = "django.db.models.BigAutoField"
