from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from jineng.audit.services import event_record
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.people.models import Person
from jineng.policy.identity import RULE_B01_CLAUSE, InvalidIdNumber, parse_id_number
from jineng.regions.models import Region


@transaction.atomic
def person_register(*, actor: Any, id_number: str, name: str, region: Region, phone: str = "") -> Person:
    """Register a real-name person (B01). Registering an existing number returns the existing person
    unchanged, so that a retried request or a second institution does not fork one person into two."""
    try:
        parsed = parse_id_number(id_number)
    except InvalidIdNumber as exc:
        raise Refusal(
            exc.message, field="身份证号", value=id_number, rule="B01", clause=RULE_B01_CLAUSE
        ) from None
    name = name.strip()
    if not name or len(name) > 32:
        raise Refusal("姓名不能为空且不超过32个字", field="姓名", value=name)
    phone = phone.strip()
    if phone and not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
        raise Refusal("手机号应为11位数字", field="手机号", value=phone)
    existing = Person.objects.select_for_update().filter(id_number=parsed.number).first()
    if existing is not None:
        return _same_person(existing, name)
    org = getattr(actor, "organisation", None) if getattr(actor, "role", "") == Role.INSTITUTION else None
    try:
        # select_for_update locks nothing when there is no row yet: two requests registering one number
        # at the same moment both get here, and the unique index lets one through. The other, in its
        # savepoint, answers as if it had come second.
        with transaction.atomic():
            person = Person.objects.create(
                id_number=parsed.number,
                name=name,
                sex=parsed.sex,
                birth_date=parsed.birth_date,
                phone=phone,
                region=region,
                registered_by=actor if getattr(actor, "pk", None) else None,
                registered_by_organisation=org,
            )
    except IntegrityError:
        winner = Person.objects.filter(id_number=parsed.number).first()
        if winner is None:
            raise Refusal(
                "该身份证号正由另一请求登记，请稍后重试", field="身份证号", value=parsed.number[:4] + "…"
            ) from None
        return _same_person(winner, name)
    # The payload holds no full ID number: the trail is read by auditors who need not see it.
    event_record(
        actor=actor,
        action="person.registered",
        obj=person,
        to_state="registered",
        payload={"region": region.pk, "organisation": org.pk if org else None},
        region_path=region.path,
        organisation_id=org.pk if org else None,
    )
    return person


def _same_person(existing: Person, name: str) -> Person:
    if existing.name != name:
        raise Refusal(
            "该身份证号已登记，姓名与登记不一致，请核对",
            field="姓名",
            value=name,
            rule="B01",
            clause=RULE_B01_CLAUSE,
        )
    return existing
