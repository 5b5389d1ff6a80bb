from django.apps import AppConfig


class ApprenticeshipConfig(AppConfig):
    name = "jineng.apprenticeship"
    label = "apprenticeship"
    verbose_name = "企业新型学徒制"

    def ready(self) -> None:
        # A yearly stage of a cohort is paid through the one claim pipeline (claims.sourced).
        from jineng.claims.programmes import Programme, programme_register

        programme_register(
            Programme(
                code=PROGRAMME,
                label="企业新型学徒制补贴",
                purpose="training",
                source_label="学徒制培养",
                source_url=cohort_url,
                source_capability="apprenticeship.view",
                history_funding="apprenticeship",
            )
        )


PROGRAMME = "apprenticeship"


def cohort_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("apprenticeship:detail", args=[pk])
