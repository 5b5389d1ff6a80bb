"""Load the demo once. Everything goes through the domain services, so the demo has a full audit trail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from jineng.accounts.models import User
from jineng.accounts.services import user_create
from jineng.catalogue.demo import catalogue_demo_load
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.demo import data
from jineng.demo.appraisal import demo_appraisal_load
from jineng.demo.certificates import demo_certificates_load
from jineng.demo.claims import demo_claims_load
from jineng.demo.classes import demo_classes_load
from jineng.demo.filings import demo_filings_load
from jineng.demo.online import PLATFORM_CLERK, demo_online_load
from jineng.demo.plans import demo_plans_load
from jineng.demo.programmes import demo_programmes_load
from jineng.demo.progress import demo_progress_load
from jineng.demo.standards import accounts_of, demo_standards_load, priced_bureaus
from jineng.demo.yigong import CLERK, demo_yigong_load
from jineng.orgs.models import Organisation
from jineng.orgs.services import organisation_register
from jineng.people.models import Person
from jineng.people.services import person_register
from jineng.policy import gb2260
from jineng.policy.identity import make_credit_code, make_id_number
from jineng.regions.models import Department, Region
from jineng.regions.services import department_create, profile_assign, region_contact_set, region_create

REGISTRATION = {  # GB 32100 registration authority + kind (first two characters)
    "enterprise": "91",
    "enterprise_centre": "91",
    "private_school": "52",
    "social_evaluation": "51",
}


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    name: str
    scope: str


def _units(actor: None, city: Region, units: list[tuple[str, str | None, str, str]], prefix: str) -> None:
    for position, (short, official, full, kind) in enumerate(units):
        code = gb2260.code_for(official, within=prefix) if official else None
        region_create(
            actor=actor,
            name=full,
            short_name=short if short != full else "",
            kind=kind,
            parent=city,
            code=code,
            position=position,
        )


def _departments(actor: None, region: Region, names: list[str], finance: str | None) -> None:
    for position, name in enumerate(names):
        kind = (
            Department.Kind.HRSS
            if name in data.HRSS
            else Department.Kind.MASS
            if name in data.MASS
            else Department.Kind.INDUSTRY
        )
        department_create(actor=actor, region=region, name=name, kind=kind, position=position)
    if not Department.objects.filter(region=region, kind=Department.Kind.HRSS).exists():
        department_create(actor=actor, region=region, name="市人社局", kind=Department.Kind.HRSS, position=98)
    if finance:
        department_create(actor=actor, region=region, name=finance, kind=Department.Kind.FINANCE, position=99)


def _org(actor: None, name: str, kind: str, region: Region, serial: int, **extra: object) -> Organisation:
    registration = REGISTRATION.get(kind, "12")
    code = make_credit_code(registration, region.code or region.parent.code or "410000", serial)  # type: ignore[union-attr]
    department = None
    if kind in ("technician_college", "senior_technical_school", "technical_school"):
        department = Department.objects.filter(
            region__path__in=_chain(region), kind=Department.Kind.HRSS
        ).first()
    elif kind == "vocational_school":
        department = Department.objects.filter(
            region__path__in=_chain(region), name__in=["市教育局", "教体局"]
        ).first()
    return organisation_register(
        actor=actor,
        name=name,
        credit_code=code,
        kind=kind,
        region=region,
        department=department,
        contact_name="",
        contact_phone="",
        **extra,  # type: ignore[arg-type]
    )


def _chain(region: Region) -> list[str]:
    parts = region.path.strip("/").split("/")
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


@transaction.atomic
def demo_load() -> bool:
    """Returns False when the demo was already there (running `make run` twice changes nothing).

    Refused in production mode: the demo's accounts share one published password, and its people,
    classes and payments are invented; neither belongs in a bureau's real database."""
    if settings.JINENG_MODE == "production":
        raise Refusal(
            "生产模式（JINENG_MODE=production）下不能载入演示数据：演示账号的密码是公开的，演示数据是虚构的"
        )
    if Region.objects.filter(code="410000").exists():
        return False
    actor = None
    henan = region_create(actor=actor, name="河南省", kind="province", parent=None, code="410000")
    zhengzhou = region_create(
        actor=actor,
        name="郑州市",
        kind="city",
        parent=henan,
        code=gb2260.code_for("郑州市", within="41"),
        position=1,
    )
    xuchang = region_create(
        actor=actor,
        name="许昌市",
        kind="city",
        parent=henan,
        code=gb2260.code_for("许昌市", within="41"),
        position=2,
    )
    xinyang = region_create(
        actor=actor,
        name="信阳市",
        kind="city",
        parent=henan,
        code=gb2260.code_for("信阳市", within="41"),
        position=3,
    )
    _units(actor, zhengzhou, data.ZHENGZHOU_UNITS, "4101")
    _units(actor, xuchang, data.XUCHANG_UNITS, "4110")
    huangchuan = region_create(
        actor=actor,
        name="潢川县",
        kind="county",
        parent=xinyang,
        code=gb2260.code_for("潢川县", within="4115"),
    )
    # 18.11: the cities' 12333 lines, which their public notices name for questions and objections.
    for city, phone in ((zhengzhou, "0371-12333"), (xuchang, "0374-12333"), (xinyang, "0376-12333")):
        region_contact_set(actor=actor, region=city, phone=phone)
    _departments(actor, zhengzhou, data.ZHENGZHOU_DEPARTMENTS, "市财政局")
    _departments(actor, xuchang, data.XUCHANG_DEPARTMENTS, "市财政局")
    _departments(actor, huangchuan, data.HUANGCHUAN_DEPARTMENTS, "财政局")

    def unit(name: str | None, city: Region) -> Region:
        if name is None:
            return city
        return (
            Region.objects.get(parent=city, short_name=name)
            if Region.objects.filter(parent=city, short_name=name).exists()
            else Region.objects.get(parent=city, name=name)
        )

    serial = 1
    for name in data.ZZ_RECOGNITION_ENTERPRISES:
        _org(actor, name, "enterprise", zhengzhou, serial, recognition_filed=True)
        serial += 1
    for name in data.ZZ_PILOT_ENTERPRISES:
        _org(actor, name, "enterprise", zhengzhou, serial)
        serial += 1
    for name, kind, where in data.ZZ_BASES:
        degree = kind in ("technician_college", "vocational_school", "technical_school")
        _org(actor, name, kind, unit(where, zhengzhou), serial, degree_education=degree)
        serial += 1
    for name, kind, where in data.XC_ORGS:
        _org(actor, name, kind, unit(where, xuchang), serial, degree_education=kind != "enterprise")
        serial += 1
    for name, kind, _where in data.HC_ORGS:
        _org(actor, name, kind, huangchuan, serial, degree_education=True)
        serial += 1
    school = Organisation.objects.get(name="郑州商业技师学院")
    Organisation.objects.filter(pk=school.pk).update(
        contact_name="赵敏", contact_phone="13838105678", address="郑州市管城回族区"
    )

    for region_name, year, code in data.PROFILE_ASSIGNMENTS:
        profile_assign(actor=actor, region=Region.objects.get(name=region_name), year=year, profile_code=code)
    catalogue_demo_load()
    demo_filings_load()  # I09: the bodies filed for what the demo assesses, the recognition enterprises

    accounts = {}
    for role, username, name, region_name, dept, org_name in data.ACCOUNTS:
        region = Region.objects.get(name=region_name)
        department = Department.objects.get(region=region, name=dept) if dept else None
        organisation = Organisation.objects.get(name=org_name) if org_name else None
        person = None
        if role == Role.TRAINEE:
            person = person_register(
                actor=actor, id_number=data.TRAINEE_ID, name=name, region=region, phone="13812345678"
            )
        accounts[role] = user_create(
            actor=actor,
            username=username,
            password=settings.JINENG_DEMO_PASSWORD,
            display_name=name,
            role=role,
            region=region,
            department=department,
            organisation=organisation,
            person=person,
        )
    for role, username, name, region_name, _, _ in data.EXTRA_ACCOUNTS:
        user_create(
            actor=actor,
            username=username,
            password=settings.JINENG_DEMO_PASSWORD,
            display_name=name,
            role=role,
            region=Region.objects.get(name=region_name),
        )

    # Trainees registered by the school's clerk, spread over Zhengzhou's units.
    clerk = accounts[Role.INSTITUTION]
    units = list(Region.objects.filter(parent=zhengzhou, code__isnull=False).order_by("position"))
    for i in range(60):
        region = units[i % len(units)]
        birth = dt.date(1975 + i % 28, 1 + i % 12, 1 + (i * 7) % 28)
        name = data.SURNAMES[i % len(data.SURNAMES)] + data.GIVEN[(i * 7) % len(data.GIVEN)]
        person_register(
            actor=clerk,
            id_number=make_id_number(region.code or "410100", birth, 100 + i),
            name=name,
            region=region,
            phone=f"139{37100000 + i * 7919:08d}",
        )
    by_role = {str(role): user for role, user in accounts.items()}
    demo_classes_load(by_role)
    demo_claims_load(by_role)
    demo_standards_load(by_role["evaluator"])
    demo_yigong_load()  # 以工代训 (wagetraining): an enterprise of 许昌 claims two months under XC19
    demo_programmes_load(by_role)  # F05 grant, 学徒制 cohort paid; 评价补贴 sent to 许昌's finance
    demo_plans_load()
    demo_progress_load()
    demo_appraisal_load(by_role)  # I03–I05: 郑州 2021 evaluated from the records, follow-up included
    demo_online_load(by_role)  # issue 15: a week of a platform's lessons and a device's face check-ins
    demo_certificates_load(by_role["evaluator"])  # issue 16: register routes beyond classes, sign-offs
    return True


def demo_accounts() -> list[DemoAccount]:
    result = []
    listed = [(role, username) for role, username, *_ in [*data.ACCOUNTS, *data.EXTRA_ACCOUNTS]]
    listed += [(role, username) for spec in priced_bureaus() for role, username, _ in accounts_of(spec)]
    listed.append(CLERK[:2])
    listed.append(PLATFORM_CLERK[:2])
    for role, username in listed:
        user = (
            User.objects.filter(username=username)
            .select_related("region", "department", "organisation")
            .first()
        )
        if user is None:
            continue
        if user.organisation:
            scope = user.organisation.name
        elif user.region and user.department:
            scope = f"{user.region.name} · {user.department.name}"
        else:
            scope = user.region.name if user.region else ""
        result.append(DemoAccount(Role(role).label, username, user.label, scope))
    return result


def person_count() -> int:
    return Person.objects.count()
