from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "jineng.claims"
    label = "claims"
    verbose_name = "补贴资金申领"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # F15 on the books' pages: the ledger asks, claims (which knows what a payment paid for) answers.
        from jineng.claims.funduse import f15_notes
        from jineng.ledger.yearnotes import year_notes_provide

        year_notes_provide(f15_notes)
