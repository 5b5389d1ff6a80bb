from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "jineng.grants"
    label = "grants"
    verbose_name = "实训设备补助"

    def ready(self) -> None:
        # F05 grants pay through the one claim pipeline (claims.programmes): an approved application
        # becomes a claim with one line, the organisation paid for itself.
        from django.urls import reverse

        from jineng.claims.programmes import Programme, programme_register

        programme_register(
            Programme(
                code="equipment",
                label="实训设备补助",
                purpose="training",
                source_label="设备补助申请",
                source_url=lambda pk: reverse("grants:detail", args=[pk]),
                source_capability="grant.view",
            )
        )
