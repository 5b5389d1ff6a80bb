"""18.11: a CAPTCHA answered as a person reading its image would, for tests that send objections."""

from __future__ import annotations

from captcha.models import CaptchaStore


def solved() -> dict[str, str]:
    key = CaptchaStore.generate_key()
    return {"captcha_key": key, "captcha": CaptchaStore.objects.get(hashkey=key).response}
