"""18.11: anyone may object to a public notice without an account, so each objection needs an image
CAPTCHA, made and checked by the product itself (django-simple-captcha: no outside service, works on
a bureau's closed network), and one address may send only OBJECTIONS_PER_HOUR objections an hour. A
logged-in trainee objecting to his own line needs no CAPTCHA and has his own allowance, per account: he does
not share an address's allowance with whoever else objects from his network."""

from __future__ import annotations

from captcha.models import CaptchaStore
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from jineng.core.errors import Refusal

OBJECTIONS_PER_HOUR = 5


def captcha_new() -> tuple[str, str]:
    """A new challenge: its key (sent back with the answer) and the address of its image."""
    key = CaptchaStore.pick()
    return key, reverse("claims:notice_captcha", args=[key])


def captcha_check(key: str, answer: str) -> None:
    """Refuses a wrong or expired answer. A challenge may be tried once, right or wrong, so it cannot be
    guessed by trying every answer."""
    key, answer = (key or "").strip().lower(), (answer or "").strip().lower()
    CaptchaStore.remove_expired()
    store = CaptchaStore.objects.filter(hashkey=key, expiration__gt=timezone.now()).first()
    if store is not None:
        store.delete()
    if store is None or not answer or store.response != answer:
        raise Refusal("验证码不正确或已过期，请按新图片重新输入", field="验证码")


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _counted(key: str) -> bool:
    """Counts one objection under ``key`` this hour; False once the hour's allowance is used up."""
    key = f"{key}:{timezone.now():%Y%m%d%H}"
    cache.add(key, 0, timeout=3600)
    return int(cache.incr(key)) <= OBJECTIONS_PER_HOUR


def objection_throttle(address: str) -> None:
    """Counts one anonymous objection from ``address``; refuses once the hour's allowance is used up."""
    if not _counted(f"claims:objections:{address}"):
        raise Refusal(
            f"同一网络地址每小时最多提出 {OBJECTIONS_PER_HOUR} 件异议，请稍后再试，"
            "或拨打公示所列咨询电话反映",
            field="异议",
        )


def objection_throttle_account(user_id: int) -> None:
    """Counts one objection of a logged-in trainee's account; refuses once its hour's allowance is used up."""
    if not _counted(f"claims:objections:user:{user_id}"):
        raise Refusal(
            f"每个账号每小时最多提出 {OBJECTIONS_PER_HOUR} 件异议，请稍后再试，或拨打公示所列咨询电话反映",
            field="异议",
        )
