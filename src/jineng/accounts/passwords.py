"""The password policy: Django's validators from settings, plus one of Jineng's, in Chinese."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from jineng.core.errors import Refusal


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its refusal in Chinese: Django 5.2 changed the English text and its zh-hans catalogue
    no longer matches, so the message came out in English."""

    def get_error_message(self) -> str:
        return f"密码太短，至少须 {self.min_length} 个字符。"


class LettersAndDigitsValidator:
    """At least one letter and one digit: Django's own rules still let "abcdefghij" through."""

    def validate(self, password: str, user: Any = None) -> None:
        if not (any(c.isascii() and c.isalpha() for c in password) and any(c.isdigit() for c in password)):
            raise ValidationError(self.get_help_text(), code="password_no_letters_digits")

    def get_help_text(self) -> str:
        return "密码须同时包含英文字母和数字。"


def password_check(password: str, user: Any = None) -> None:
    """Refuses a password that breaks AUTH_PASSWORD_VALIDATORS, with every reason in one message."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise Refusal("".join(exc.messages), field="密码") from None
