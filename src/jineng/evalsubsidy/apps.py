from django.apps import AppConfig


class EvalsubsidyConfig(AppConfig):
    name = "jineng.evalsubsidy"
    label = "evalsubsidy"
    verbose_name = "职业技能评价补贴"

    def ready(self) -> None:
        from jineng.evalsubsidy.programme import register

        register()
