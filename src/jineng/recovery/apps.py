from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    name = "jineng.recovery"
    label = "recovery"
    verbose_name = "错发追缴"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Claims pays and recovery offsets: claims states what it needs (claims.recoveries) and this app,
        # built on claims, provides it.
        from jineng.claims.recoveries import recoveries_provide
        from jineng.recovery import services

        recoveries_provide(services)
