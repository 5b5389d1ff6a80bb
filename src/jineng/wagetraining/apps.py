from django.apps import AppConfig


def _declaration_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("wagetraining:detail", args=[pk])


class WagetrainingConfig(AppConfig):
    name = "jineng.wagetraining"
    label = "wagetraining"
    verbose_name = "以工代训"

    def ready(self) -> None:
        from jineng.claims.programmes import Programme, programme_register

        # A 以工代训 month is a claim of its own programme, paid through the one pipeline; a payable month
        # counts in the person's history as 以工代训, so that a later new-hire class weighs it (B08).
        programme_register(
            Programme(
                code="yigong",
                label="以工代训补贴",
                purpose="training",
                source_label="以工代训申报",
                source_url=_declaration_url,
                source_capability="yigong.view",
                history_funding="yigong",
            )
        )
