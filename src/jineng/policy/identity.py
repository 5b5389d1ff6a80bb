"""Real-name identity numbers: 居民身份证 (GB 11643) and 统一社会信用代码 (GB 32100), and masking.

Deliberately not ``stdnum.cn.ric.validate``: it rejects an older person whose county code was created
after their birth, which is common after re-districting. We check what GB 11643 makes checkable: the
form, a real birth date and the check digit.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from stdnum.cn import ric, uscc

from jineng.policy.violations import Violation

RULE_B01_CLAUSE = "实名制（GB 11643 公民身份号码）"
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")


@dataclass(frozen=True, slots=True)
class IdNumber:
    number: str
    birth_date: dt.date
    sex: str  # "男" / "女"
    area_code: str


class InvalidIdNumber(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def violation(self, *, field: str = "身份证号", row: int | None = None, value: str = "") -> Violation:
        return Violation("B01", RULE_B01_CLAUSE, self.message, field=field, row=row, value=value)


def normalise_id_number(raw: str) -> str:
    # NFKC turns full-width digits typed with a Chinese IME (４１０１…) into ASCII, so that one person
    # cannot be stored twice under two spellings of the same number.
    if not raw.isascii():  # NFKC leaves ASCII as it is, and a roster is ten thousand ASCII numbers
        raw = unicodedata.normalize("NFKC", raw)
    return raw.strip().replace(" ", "").upper()


def parse_id_number(raw: str, *, today: dt.date | None = None) -> IdNumber:
    """Validate a 18-character 居民身份证 number; raise InvalidIdNumber with a Chinese reason."""
    return parsed_valid_id_number(checked_id_number(raw, today=today))


def checked_id_number(raw: str, *, today: dt.date | None = None) -> str:
    """The normalised number when it is valid (parse_id_number without building its result, for a
    roster's ten thousand); raise InvalidIdNumber with a Chinese reason."""
    number = normalise_id_number(raw)
    if len(number) == 15:
        raise InvalidIdNumber("15位第一代身份证号码已停止使用，请填写18位号码")
    if len(number) != 18:
        raise InvalidIdNumber(f"身份证号应为18位，实际为{len(number)}位")
    if not _ID_RE.match(number):
        raise InvalidIdNumber("身份证号前17位应为数字，最后一位为数字或X")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdNumber(f"身份证号中的出生日期 {number[6:14]} 不是真实日期") from None
    today = today or dt.date.today()
    if birth > today or birth.year < 1900:
        raise InvalidIdNumber(f"身份证号中的出生日期 {birth.isoformat()} 不在合理范围内")
    expected = ric.calc_check_digit(number)
    if number[17] != expected:
        raise InvalidIdNumber(f"身份证号校验码错误：末位应为 {expected}，实际为 {number[17]}")
    return number


def parsed_valid_id_number(number: str) -> IdNumber:
    """What parse_id_number returns for a normalised number it has already accepted, without checking
    it again (a roster's numbers are checked once, by B01, and read again when the persons are written)."""
    birth, sex = birth_and_sex(number)
    return IdNumber(number=number, birth_date=birth, sex=sex, area_code=number[:6])


def birth_and_sex(number: str) -> tuple[dt.date, str]:
    """A valid number's birth date (7th–14th characters) and sex (the 17th: odd 男, even 女)."""
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14])), (
        "男" if int(number[16]) % 2 == 1 else "女"
    )


def make_id_number(area_code: str, birth: dt.date, sequence: int) -> str:
    """Build a valid number (for demo data and tests): 6-digit area, birth date, 3-digit sequence."""
    body = f"{area_code}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


class InvalidCreditCode(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def parse_credit_code(raw: str) -> str:
    """Validate a 统一社会信用代码 (GB 32100): form and check digit."""
    code = unicodedata.normalize("NFKC", raw).strip().replace(" ", "").upper()
    if len(code) != 18:
        raise InvalidCreditCode(f"统一社会信用代码应为18位，实际为{len(code)}位")
    if not code[2:8].isdigit():
        raise InvalidCreditCode("统一社会信用代码第3至8位应为行政区划代码（数字）")
    bad = sorted({c for c in code if c not in _USCC_ALPHABET})
    if bad:
        raise InvalidCreditCode(f"统一社会信用代码含有不允许的字符：{''.join(bad)}（不使用 I、O、Z、S、V）")
    expected = uscc.calc_check_digit(code[:17])
    if code[17] != expected:
        raise InvalidCreditCode(f"统一社会信用代码校验码错误：末位应为 {expected}，实际为 {code[17]}")
    return code


def _org_code_check(body8: str) -> str:
    # GB 11714 organisation code check character over the first eight characters.
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body8]
    remainder = 11 - sum(v * w for v, w in zip(values, weights, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def make_credit_code(registration: str, area_code: str, serial: int) -> str:
    """Build a valid code (for demo data): 2-char registration kind, area, org code, check digit."""
    body8 = f"{serial:08d}"
    org = body8 + _org_code_check(body8)
    head = f"{registration}{area_code}{org}"
    return head + uscc.calc_check_digit(head)


def mask_id_number(number: str) -> str:
    """4101**********1239: region and last four, as on bureau notices."""
    if len(number) < 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(number: str) -> str:
    """138****5678."""
    digits = number.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_bank_account(number: str) -> str:
    """6222 **** **** 1234 style: first four and last four."""
    compact = number.replace(" ", "")
    if len(compact) < 8:
        return "*" * len(compact)
    return compact[:4] + "*" * (len(compact) - 8) + compact[-4:]


def mask_name(name: str) -> str:
    """张*三 for public notices (F08: personal sensitive data not published)."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
