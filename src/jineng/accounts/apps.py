from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jineng.accounts"
    label = "accounts"
