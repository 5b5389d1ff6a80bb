from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "jineng.claims"
    label = "claims"
    verbose_name = "补贴资金申领"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A cancelled class's F04 prepayment is closed or owed back in the cancellation's transaction;
        # training, below claims, says what may follow a cancellation (training.cancellations).
        from jineng.claims.prepayments import prepayments_close_for_cancelled_class
        from jineng.training.cancellations import cancel_followup_provide

        cancel_followup_provide(prepayments_close_for_cancelled_class)
