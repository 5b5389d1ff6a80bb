from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    name = "jineng.recovery"
    label = "recovery"
    verbose_name = "错发追缴"
    default_auto_field = "django.db.models.BigAutoField"
