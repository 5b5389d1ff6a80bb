"""Real-name identity (B01): 居民身份证 numbers, 统一社会信用代码, and masking (F08)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from jineng.policy.identity import (
    RULE_B01_CLAUSE,
    IdNumber,
    InvalidCreditCode,
    InvalidIdNumber,
    make_credit_code,
    make_id_number,
    mask_bank_account,
    mask_id_number,
    mask_name,
    mask_phone,
    normalise_id_number,
    parse_credit_code,
    parse_id_number,
)

HYP = settings(database=None, deadline=None, max_examples=200)
VALID = "410105198001011239"
# A valid number whose check character is X (birth 1985-06-15, sequence 004).
VALID_X = "41010519850615004X"
TODAY = dt.date(2026, 6, 1)


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


# --- 居民身份证 ------------------------------------------------------------------------------------


def test_b01_valid_number_parsed() -> None:
    assert parse_id_number(VALID) == IdNumber(
        number=VALID, birth_date=dt.date(1980, 1, 1), sex="男", area_code="410105"
    )


def test_b01_sex_from_the_seventeenth_digit() -> None:
    assert parse_id_number(make_id_number("410105", dt.date(1990, 5, 6), 22)).sex == "女"
    assert parse_id_number(make_id_number("410105", dt.date(1990, 5, 6), 21)).sex == "男"


@pytest.mark.parametrize("last", [c for c in "0123456789X" if c != "9"])
def test_b01_wrong_check_digit_refused(last: str) -> None:
    with pytest.raises(InvalidIdNumber) as excinfo:
        parse_id_number(VALID[:17] + last)
    assert "校验码" in excinfo.value.message
    assert excinfo.value.message == f"身份证号校验码错误：末位应为 9，实际为 {last}"


def test_b01_changed_body_digit_refused_by_check_digit() -> None:
    with pytest.raises(InvalidIdNumber, match="校验码"):
        parse_id_number("410105198001011249")


def test_b01_impossible_birth_date_refused() -> None:
    body = "41010519800230123"
    number = body + ric.calc_check_digit(body + "0")  # a correct check digit, a 30 February
    with pytest.raises(InvalidIdNumber) as excinfo:
        parse_id_number(number)
    assert excinfo.value.message == "身份证号中的出生日期 19800230 不是真实日期"


def test_b01_birth_in_the_future_or_before_1900_refused() -> None:
    future = make_id_number("410105", dt.date(2026, 6, 2), 1)
    with pytest.raises(InvalidIdNumber, match="不在合理范围内"):
        parse_id_number(future, today=TODAY)
    assert parse_id_number(make_id_number("410105", TODAY, 1), today=TODAY).birth_date == TODAY
    with pytest.raises(InvalidIdNumber, match="1899-12-31 不在合理范围内"):
        parse_id_number(make_id_number("410105", dt.date(1899, 12, 31), 1))


def test_b01_seventeen_characters_refused() -> None:
    with pytest.raises(InvalidIdNumber) as excinfo:
        parse_id_number(VALID[:17])
    assert excinfo.value.message == "身份证号应为18位，实际为17位"


def test_b01_fifteen_digit_first_generation_number_refused() -> None:
    with pytest.raises(InvalidIdNumber) as excinfo:
        parse_id_number("410105800101123")
    assert excinfo.value.message == "15位第一代身份证号码已停止使用，请填写18位号码"


@pytest.mark.parametrize("number", ["41010519800101123A", "4101051980O1011239", "X10105198001011239"])
def test_b01_letters_other_than_a_final_x_refused(number: str) -> None:
    with pytest.raises(InvalidIdNumber, match="前17位应为数字，最后一位为数字或X"):
        parse_id_number(number)


def test_b01_lowercase_x_and_spaces_normalised() -> None:
    parsed = parse_id_number(" " + VALID_X[:6] + " " + VALID_X[6:-1] + "x ")
    assert parsed.number == VALID_X
    assert parsed.birth_date == dt.date(1985, 6, 15)
    assert normalise_id_number(" 41010519850615004x ") == VALID_X


def test_b01_fullwidth_digits_are_read_as_the_same_number() -> None:
    # A number typed with a Chinese IME in full-width digits is the same person's number: it must be
    # stored in ASCII, never as a second spelling of the same number.
    assert parse_id_number(_fullwidth(VALID)).number == VALID
    assert parse_id_number(_fullwidth(VALID_X)).number == VALID_X
    assert parse_id_number(_fullwidth(VALID_X[:17]) + "ｘ").number == VALID_X


def test_b01_fullwidth_x_number_with_a_wrong_check_digit_refused() -> None:
    with pytest.raises(InvalidIdNumber, match="校验码"):
        parse_id_number(_fullwidth(VALID)[:17] + "Ｘ")


def test_b01_non_ascii_digits_refused() -> None:
    arabic_indic = "".join(chr(0x0660 + int(c)) for c in VALID[:17]) + "X"
    with pytest.raises(InvalidIdNumber, match="前17位应为数字"):
        parse_id_number(arabic_indic)


def test_b01_old_person_with_a_county_code_newer_than_their_birth_accepted() -> None:
    # 建安区 (411003) was created in 2016; a person born in 1950 there has a valid number
    number = make_id_number("411003", dt.date(1950, 3, 3), 12)
    parsed = parse_id_number(number)
    assert parsed.birth_date == dt.date(1950, 3, 3)
    assert parsed.area_code == "411003"
    # stdnum's own validator rejects it, which is why it is not used
    with pytest.raises(Exception):  # noqa: B017 — any stdnum ValidationError
        ric.validate(number)


def test_b01_violation_names_rule_and_clause() -> None:
    with pytest.raises(InvalidIdNumber) as excinfo:
        parse_id_number(VALID[:17] + "0")
    violation = excinfo.value.violation(row=4, value=VALID[:17] + "0")
    assert violation.rule == "B01"
    assert violation.clause == RULE_B01_CLAUSE
    assert violation.field == "身份证号"
    assert violation.render() == (
        "第4行“身份证号”：身份证号校验码错误：末位应为 9，实际为 0（规则 B01，依据 实名制（GB 11643 公民身份号码））"
    )


@HYP
@given(
    area=st.sampled_from(["410105", "411003", "411526", "110101", "650102"]),
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_b01_every_made_number_parses_back(area: str, birth: dt.date, sequence: int) -> None:
    number = make_id_number(area, birth, sequence)
    parsed = parse_id_number(number, today=TODAY)
    assert len(number) == 18
    assert parsed.number == number
    assert parsed.birth_date == birth
    assert parsed.area_code == area
    assert parsed.sex == ("男" if sequence % 2 == 1 else "女")
    assert parse_id_number(number.lower(), today=TODAY).number == number


@HYP
@given(
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
    last=st.sampled_from("0123456789X"),
)
def test_b01_any_other_check_character_refused(birth: dt.date, sequence: int, last: str) -> None:
    number = make_id_number("410105", birth, sequence)
    if last == number[17]:
        return
    with pytest.raises(InvalidIdNumber, match="校验码"):
        parse_id_number(number[:17] + last, today=TODAY)


# --- 统一社会信用代码 ------------------------------------------------------------------------------


def test_made_credit_code_is_valid() -> None:
    code = make_credit_code("12", "410100", 1)
    assert code == "12410100000000019R"
    assert parse_credit_code(code) == code
    assert parse_credit_code(" " + code.lower() + " ") == code


def test_credit_code_changed_last_character_refused() -> None:
    code = make_credit_code("91", "410105", 123)
    wrong = "0" if code[17] != "0" else "1"
    with pytest.raises(InvalidCreditCode) as excinfo:
        parse_credit_code(code[:17] + wrong)
    assert "校验码" in excinfo.value.message
    assert excinfo.value.message == f"统一社会信用代码校验码错误：末位应为 {code[17]}，实际为 {wrong}"


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_credit_code_letters_not_in_the_alphabet_refused(letter: str) -> None:
    code = make_credit_code("91", "410105", 123)
    with pytest.raises(InvalidCreditCode) as excinfo:
        parse_credit_code(code[:10] + letter + code[11:])
    assert excinfo.value.message == f"统一社会信用代码含有不允许的字符：{letter}（不使用 I、O、Z、S、V）"


def test_credit_code_length_and_area_refused() -> None:
    with pytest.raises(InvalidCreditCode, match="应为18位，实际为17位"):
        parse_credit_code("12410100000000019")
    with pytest.raises(InvalidCreditCode, match="第3至8位应为行政区划代码"):
        parse_credit_code("12A10100000000019R")


def test_credit_code_in_fullwidth_digits_read_as_ascii() -> None:
    code = make_credit_code("12", "410100", 1)
    assert parse_credit_code(_fullwidth(code)) == code


@HYP
@given(
    registration=st.sampled_from(["11", "12", "31", "51", "52", "91", "92", "93"]),
    area=st.sampled_from(["410100", "410105", "411000", "411526"]),
    serial=st.integers(min_value=0, max_value=99_999_999),
)
def test_every_made_credit_code_parses(registration: str, area: str, serial: int) -> None:
    code = make_credit_code(registration, area, serial)
    assert len(code) == 18
    assert parse_credit_code(code) == code


# --- masking (F08: no personal sensitive data in public notices) ----------------------------------


def test_f08_mask_id_number() -> None:
    assert mask_id_number(VALID) == "4101**********1239"
    assert mask_id_number("1234567") == "*******"


def test_f08_mask_phone() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("123456") == "******"
    assert mask_phone("") == ""


def test_f08_mask_bank_account_keeps_first_four_and_last_four() -> None:
    assert mask_bank_account("6222020200112233445") == "6222***********3445"
    assert mask_bank_account("6222 0202 0011 2233") == "6222********2233"
    assert mask_bank_account("1234567") == "*******"
    assert mask_bank_account("") == ""


def test_f08_mask_name() -> None:
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧**娜"
    assert mask_name("李小明") == "李*明"
    assert mask_name("王") == "王"
