"""Real-name registration of persons (B01)."""

from __future__ import annotations

import datetime as dt

import pytest

from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.people.models import Person
from jineng.people.services import person_register
from jineng.policy.identity import RULE_B01_CLAUSE, make_id_number

ZZ_NUMBER = "410105198001011239"  # 李明, registered in the world fixture
# A valid number whose check character is X (birth 1985-06-15, sequence 004).
NUMBER_X = "41010519850615004X"


def _counts() -> tuple[int, int]:
    return Person.objects.count(), Event.objects.count()


def test_b01_register_reads_birth_date_and_sex_from_the_number(world: World) -> None:
    number = make_id_number("410103", dt.date(1999, 12, 31), 42)
    person = person_register(
        actor=None, id_number=number, name=" 赵雪 ", region=world.erqi, phone="13700001234"
    )
    person.refresh_from_db()
    assert (person.id_number, person.name, person.sex, person.birth_date) == (
        number,
        "赵雪",
        "女",
        dt.date(1999, 12, 31),
    )
    assert (person.region, person.phone) == (world.erqi, "13700001234")
    assert person.registered_by is None and person.registered_by_organisation is None


def test_b01_registered_by_an_institution_records_the_institution(world: World) -> None:
    institution = world.users["institution"]
    person = person_register(
        actor=institution,
        id_number=make_id_number("410105", dt.date(1991, 1, 9), 3),
        name="孙伟",
        region=world.jinshui,
    )
    assert person.registered_by == institution
    assert person.registered_by_organisation == world.zz_school


def test_b01_registered_by_bureau_staff_records_no_institution(world: World) -> None:
    hr_first = world.users["hr_first"]
    person = person_register(
        actor=hr_first,
        id_number=make_id_number("410105", dt.date(1991, 1, 9), 5),
        name="钱进",
        region=world.jinshui,
    )
    assert person.registered_by == hr_first
    assert person.registered_by_organisation is None


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("410105198001011238", "身份证号校验码错误：末位应为 9，实际为 8"),
        ("41010519800101123", "身份证号应为18位，实际为17位"),
        ("410105800101123", "15位第一代身份证号码已停止使用，请填写18位号码"),
        ("", "身份证号应为18位，实际为0位"),
    ],
)
def test_b01_bad_id_number_refused_and_nothing_written(world: World, number: str, message: str) -> None:
    before = _counts()
    with pytest.raises(Refusal) as excinfo:
        person_register(actor=None, id_number=number, name="张三", region=world.jinshui)
    refusal = excinfo.value
    assert (refusal.rule, refusal.clause, refusal.field, refusal.value) == (
        "B01",
        RULE_B01_CLAUSE,
        "身份证号",
        number,
    )
    assert refusal.message == message
    assert "（规则 B01" in refusal.render()
    assert _counts() == before


def test_b01_same_number_twice_returns_the_same_person_and_writes_nothing(world: World) -> None:
    # Given 李明 registered in the fixture
    before = _counts()
    # When the same number and name are registered again (a retried request, another institution)
    again = person_register(
        actor=world.users["institution"], id_number=ZZ_NUMBER, name="李明", region=world.erqi
    )
    # Then the existing person is returned unchanged and nothing is written
    assert again.pk == world.zz_person.pk
    assert again.region == world.jinshui
    assert again.phone == "13812345678"
    assert _counts() == before


def test_b01_same_number_in_another_spelling_is_the_same_person(world: World) -> None:
    before = _counts()
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in ZZ_NUMBER)
    assert (
        person_register(actor=None, id_number=f" {fullwidth} ", name="李明", region=world.jinshui)
        == world.zz_person
    )
    assert _counts() == before


def test_b01_lowercase_x_stored_uppercase_and_found_again(world: World) -> None:
    person = person_register(actor=None, id_number=NUMBER_X.lower(), name="吴桐", region=world.jinshui)
    assert person.id_number == NUMBER_X
    before = _counts()
    assert person_register(actor=None, id_number=NUMBER_X, name="吴桐", region=world.jinshui) == person
    assert _counts() == before


def test_b01_same_number_with_another_name_refused(world: World) -> None:
    before = _counts()
    with pytest.raises(Refusal) as excinfo:
        person_register(actor=None, id_number=ZZ_NUMBER, name="李敏", region=world.jinshui)
    assert excinfo.value.rule == "B01"
    assert excinfo.value.field == "姓名"
    assert excinfo.value.message == "该身份证号已登记，姓名与登记不一致，请核对"
    assert _counts() == before
    world.zz_person.refresh_from_db()
    assert world.zz_person.name == "李明"


@pytest.mark.parametrize("name", ["", "   ", "张" * 33])
def test_empty_or_too_long_name_refused(world: World, name: str) -> None:
    before = _counts()
    with pytest.raises(Refusal) as excinfo:
        person_register(
            actor=None,
            id_number=make_id_number("410105", dt.date(1990, 1, 1), 7),
            name=name,
            region=world.jinshui,
        )
    assert excinfo.value.field == "姓名"
    assert _counts() == before


@pytest.mark.parametrize("phone", ["1381234567", "23812345678", "1381234567a", "138123456789"])
def test_bad_phone_refused(world: World, phone: str) -> None:
    before = _counts()
    with pytest.raises(Refusal) as excinfo:
        person_register(
            actor=None,
            id_number=make_id_number("410105", dt.date(1990, 1, 1), 7),
            name="张三",
            region=world.jinshui,
            phone=phone,
        )
    assert excinfo.value.field == "手机号"
    assert excinfo.value.message == "手机号应为11位数字"
    assert _counts() == before
