from django.apps import AppConfig


class VouchersConfig(AppConfig):
    name = "jineng.vouchers"
    label = "vouchers"
    verbose_name = "电子职业培训券"

    def ready(self) -> None:
        # 以证换券 moves money: a redeemed voucher's holder is paid through the one claim pipeline,
        # his line judged as the class's own (claims.sourced.class_lines).
        from jineng.claims.programmes import Programme, class_url, programme_register
        from jineng.vouchers.services import VOUCHER_PROGRAMME

        programme_register(
            Programme(
                code=VOUCHER_PROGRAMME,
                label="职业培训券补贴（以证换券）",
                purpose="training",
                source_label="培训班",
                source_url=class_url,
            )
        )
