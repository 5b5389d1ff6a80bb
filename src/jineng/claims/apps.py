from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "jineng.claims"
    label = "claims"
    verbose_name = "补贴资金申领"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # F15 on the books' pages: the ledger asks, claims (which knows what a payment paid for) answers.
        from jineng.claims.funduse import f15_notes
        from jineng.claims.prepayments import prepayments_close_for_cancelled_class
        from jineng.ledger.yearnotes import year_notes_provide
        from jineng.training.cancellations import cancel_followup_provide

        year_notes_provide(f15_notes)
        # A cancelled class's F04 prepayment is closed or owed back in the cancellation's transaction;
        # training, below claims, says what may follow a cancellation (training.cancellations).
        cancel_followup_provide(prepayments_close_for_cancelled_class)
