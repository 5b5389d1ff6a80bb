from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "jineng.ledger"
    label = "ledger"
    verbose_name = "资金账簿"
