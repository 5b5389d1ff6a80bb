"""Scope-matrix rows for the catalogue's pages and API operations (collected by core's test_scope_matrix)."""

from __future__ import annotations

import base64
import datetime as dt
from io import BytesIO
from typing import Any

from django.utils import timezone

from jineng.accounts.models import User
from jineng.catalogue.classification import csco22
from jineng.catalogue.importing import HEADERS
from jineng.catalogue.models import InstitutionOccupation, Occupation, Teacher
from jineng.catalogue.services import institution_occupation_set, teacher_file
from jineng.conftest import World
from jineng.core.roles import Role
from jineng.core.tests.matrix import API, Case, fixed, roles
from jineng.core.xlsx import workbook_bytes
from jineng.orgs.models import Organisation, Sanction
from jineng.orgs.selectors import sanctions_in_force
from jineng.orgs.services import organisation_register, organisation_suspend, sanction_lift_sign
from jineng.policy.identity import make_credit_code, make_id_number

C = f"{API}/catalogue"
ELECTRICIAN = "6-31-01-03"
WELDER = "6-18-02-04"
LONG_AGO = dt.date(2021, 1, 1)


def occupation(code: str) -> Occupation:
    """The one occupation a case needs, from the real classification file (loading all 1,632 per case
    would make the matrix slow)."""
    found = Occupation.objects.filter(code=code).first()
    if found is not None:
        return found
    row = next(o for o in csco22()[1] if o.code == code)
    return Occupation.objects.create(
        code=row.code,
        name=row.name,
        definition=row.definition,
        major_code=row.major_code,
        middle_code=row.middle_code,
        minor_code=row.minor_code,
        is_green=row.is_green,
        is_digital=row.is_digital,
    )


def training_org(w: World, u: User) -> Organisation:
    # The clerk's own school; for everyone else (and for roles refused anyway) a Zhengzhou school.
    return u.organisation if u.role == Role.INSTITUTION and u.organisation else w.zz_school  # type: ignore[return-value]


def entry(org: Organisation) -> InstitutionOccupation:
    return institution_occupation_set(
        actor=None, organisation=org, occupation=occupation(WELDER), valid_from=LONG_AGO, today=LONG_AGO
    )


def teacher(org: Organisation, n: int = 1) -> Teacher:
    return teacher_file(
        actor=None,
        organisation=org,
        name="孙老师",
        id_number=make_id_number("410105", dt.date(1980, 2, 3), 600 + n),
        occupation=occupation(WELDER),
    )


def platform(w: World, xc: bool = False) -> Organisation:
    name = "许昌职业技能线上培训平台" if xc else "郑州职业技能线上培训平台"
    found = Organisation.objects.filter(name=name).first()
    if found is not None:
        return found
    return organisation_register(
        actor=None,
        name=name,
        credit_code=make_credit_code("91", "411000" if xc else "410100", 77 if xc else 76),
        kind=Organisation.Kind.ONLINE_PLATFORM,
        region=w.xuchang if xc else w.zhengzhou,
    )


def leaving_org(w: World) -> Organisation:
    """A Zhengzhou school that the exit case exits: an exit is a sanction for good (I01), and the token
    run (every case of a role in one test) still needs the school of the cases after it."""
    name = "郑州市退出测试职业培训学校"
    found = Organisation.objects.filter(name=name).first()
    if found is not None:
        return found
    return organisation_register(
        actor=None,
        name=name,
        credit_code=make_credit_code("52", "410100", 75),
        kind=Organisation.Kind.PRIVATE_SCHOOL,
        region=w.zhengzhou,
    )


class Upload(BytesIO):
    """A file the test client may read more than once (the matrix posts the same body several times)."""

    name = "目录.xlsx"

    def read(self, size: int | None = -1) -> bytes:
        self.seek(0)
        return super().read(size)


def list_bytes() -> bytes:
    occupation(ELECTRICIAN)
    return workbook_bytes(
        "目录",
        HEADERS,
        [
            [ELECTRICIAN, "电工", "", "五级/初级工", "职业技能等级证书", 80, "1500"],
            [ELECTRICIAN, "电工", "", "四级/中级工", "职业技能等级证书", 120, "2000"],
        ],
    )


IMPORT_DELTA = {"catalogue.CatalogueItem": 2, "catalogue.OccupationCertificate": 1, "audit.Event": 1}


def import_page(w: World, region: Any) -> dict[str, Any]:
    return {"region": region.pk, "year": 2021, "file": Upload(list_bytes())}


def import_api(w: World, region: Any) -> dict[str, Any]:
    return {"region_id": region.pk, "year": 2021, "content_base64": base64.b64encode(list_bytes()).decode()}


def teacher_data(org: Organisation, *, page: bool) -> dict[str, Any]:
    occupation(ELECTRICIAN)
    data = {
        "name": "钱老师",
        "id_number": make_id_number("410105", dt.date(1985, 6, 7), 88),
        "full_time": True,
    }
    if page:
        return {**data, "organisation": org.pk, "occupation": ELECTRICIAN}
    return {**data, "organisation_id": org.pk, "occupation_code": ELECTRICIAN}


def org_occupation(org: Organisation, *, page: bool, **extra: Any) -> dict[str, Any]:
    occupation(ELECTRICIAN)
    if page:
        return {"organisation": org.pk, "occupation": ELECTRICIAN, **extra}
    return {"organisation_id": org.pk, "occupation_code": ELECTRICIAN, **extra}


def suspended(w: World, u: User) -> Organisation:
    """A fixed-term suspension that has run out. An open-ended one the case before may have left (the
    token run goes through every case of a role in one test) is first lifted by two signatures (I01)."""
    org = training_org(w, u)
    for held in sanctions_in_force([org.pk], timezone.localdate()).get(org.pk, []):
        found = Sanction.objects.get(pk=held.sanction_id)
        sanction_lift_sign(actor=w.users[Role.HR_FIRST], sanction=found, reason="整改完成，复查合格")
        sanction_lift_sign(actor=w.users[Role.HR_SECOND], sanction=found)
    organisation_suspend(
        actor=None,
        organisation=org,
        reason="审计发现问题",
        until=dt.date(2021, 2, 1),
        rule="A12",
        today=LONG_AGO,
    )
    return org


def filing(org: Organisation) -> Any:
    """I09: a filing of ``org`` for 焊工 (the matrix ends it)."""
    from jineng.catalogue.tests.helpers import body_filed

    return body_filed(org, occupation(WELDER), ref=f"矩阵-{org.pk}")


def filing_data(org: Organisation, region: Any, *, page: bool) -> dict[str, Any]:
    occupation(ELECTRICIAN)
    common = {"kind": "catalogue", "ref": "豫评备〔2021〕矩阵", "filed_on": "2021-01-04"}
    if page:
        return {
            **common,
            "organisation": org.pk,
            "region": region.pk,
            "occupations": ELECTRICIAN,
            "certificate_kind": "skill_level",
            "levels": ["5", "4"],
        }
    return {
        **common,
        "organisation_id": org.pk,
        "region_id": region.pk,
        "scope": [
            {"occupation_code": ELECTRICIAN, "certificate_kind": "skill_level", "level": 5},
            {"occupation_code": ELECTRICIAN, "certificate_kind": "skill_level", "level": 4},
        ],
    }


FILED = {"catalogue.EvaluationFiling": 1, "catalogue.EvaluationScope": 2, "audit.Event": 1}


def filings_bytes(org: Organisation, region: Any) -> bytes:
    from jineng.catalogue.filingimport import FILING_IMPORT_HEADERS

    occupation(ELECTRICIAN)
    row = [
        org.credit_code,
        org.name,
        "评价机构目录",
        "豫评备-导入",
        region.name,
        "2021-01-04",
        "",
        "",
        ELECTRICIAN,
    ]
    return workbook_bytes(
        "评价机构备案",
        FILING_IMPORT_HEADERS,
        [[*row, "职业技能等级证书", "五级/初级工"], [*row, "职业技能等级证书", "四级/中级工"]],
    )


def filings_upload(org: Organisation, region: Any, *, page: bool) -> dict[str, Any]:
    content = filings_bytes(org, region)
    if page:
        return {"file": Upload(content)}
    return {"content_base64": base64.b64encode(content).decode()}


VIEW = roles("catalogue.view")
MANAGE = roles("catalogue.manage")
FILE = roles("teacher.file")
STATUS = roles("org.status")

CASES: tuple[Case, ...] = (
    # ---- pages
    Case("GET", "catalogue/", VIEW, fixed("/catalogue/?q=电")),
    Case(
        "GET",
        "catalogue/occupations/<str:code>/",
        VIEW,
        lambda w, u: f"/catalogue/occupations/{occupation(ELECTRICIAN).code}/",
    ),
    Case("GET", "catalogue/items/", VIEW, fixed("/catalogue/items/")),
    Case("GET", "catalogue/items/template/", MANAGE, fixed("/catalogue/items/template/")),
    Case("GET", "catalogue/items/import/", MANAGE, fixed("/catalogue/items/import/")),
    Case(
        "POST",
        "catalogue/items/import/",
        MANAGE,
        fixed("/catalogue/items/import/"),
        data=lambda w, u: import_page(w, w.zhengzhou),
        foreign_data=lambda w, u: [import_page(w, w.xuchang), import_page(w, w.weidu)],
        ok=302,
        delta=IMPORT_DELTA,
        scoped=True,
        form=True,
    ),
    Case("GET", "catalogue/items/import/report/", MANAGE, fixed("/catalogue/items/import/report/")),
    Case("GET", "catalogue/institutions/", VIEW, fixed("/catalogue/institutions/")),
    Case(
        "POST",
        "catalogue/institutions/",
        MANAGE,
        fixed("/catalogue/institutions/"),
        data=lambda w, u: org_occupation(training_org(w, u), page=True),
        foreign_data=lambda w, u: [org_occupation(w.xc_school, page=True)],
        ok=302,
        delta={"catalogue.InstitutionOccupation": 1, "audit.Event": 1},
        scoped=True,
        form=True,
    ),
    Case(
        "POST",
        "catalogue/institutions/<int:entry_id>/end/",
        MANAGE,
        lambda w, u: f"/catalogue/institutions/{entry(training_org(w, u)).pk}/end/",
        foreign=lambda w, u: [f"/catalogue/institutions/{entry(w.xc_school).pk}/end/"],
        data=lambda w, u: {},
        ok=302,
        delta={"audit.Event": 1},
        scoped=True,
    ),
    Case("GET", "catalogue/teachers/", VIEW, fixed("/catalogue/teachers/")),
    Case(
        "POST",
        "catalogue/teachers/",
        FILE,
        fixed("/catalogue/teachers/"),
        data=lambda w, u: teacher_data(training_org(w, u), page=True),
        foreign_data=lambda w, u: [teacher_data(w.xc_school, page=True)],
        ok=302,
        delta={"catalogue.Teacher": 1, "audit.Event": 1},
        scoped=True,
        form=True,
    ),
    Case(
        "POST",
        "catalogue/teachers/<int:teacher_id>/deactivate/",
        FILE,
        lambda w, u: f"/catalogue/teachers/{teacher(training_org(w, u)).pk}/deactivate/",
        foreign=lambda w, u: [f"/catalogue/teachers/{teacher(w.xc_school, 2).pk}/deactivate/"],
        data=lambda w, u: {},
        ok=302,
        delta={"audit.Event": 1},
        scoped=True,
    ),
    Case("GET", "catalogue/workstations/", VIEW, fixed("/catalogue/workstations/")),
    Case(
        "POST",
        "catalogue/workstations/",
        FILE,
        fixed("/catalogue/workstations/"),
        data=lambda w, u: org_occupation(training_org(w, u), page=True, count=20),
        foreign_data=lambda w, u: [org_occupation(w.xc_school, page=True, count=20)],
        ok=302,
        delta={"catalogue.Workstation": 1, "audit.Event": 1},
        scoped=True,
        form=True,
    ),
    Case("GET", "catalogue/platforms/", VIEW, fixed("/catalogue/platforms/")),
    Case(
        "POST",
        "catalogue/platforms/",
        MANAGE,
        fixed("/catalogue/platforms/"),
        data=lambda w, u: {
            "organisation": platform(w).pk,
            "platform_listed": "on",
            "platform_filed_on": "2021-03-01",
            "platform_approved_on": "2021-03-15",
        },
        foreign_data=lambda w, u: [{"organisation": platform(w, xc=True).pk, "platform_listed": "on"}],
        ok=302,
        delta={"catalogue.OnlinePlatformFiling": 1, "audit.Event": 1},
        scoped=True,
        form=True,
    ),
    Case("GET", "catalogue/status/", STATUS, fixed("/catalogue/status/")),
    Case(
        "POST",
        "catalogue/status/<int:org_id>/",
        STATUS,
        lambda w, u: f"/catalogue/status/{training_org(w, u).pk}/",
        foreign=lambda w, u: [f"/catalogue/status/{w.xc_school.pk}/"],
        data=lambda w, u: {"action": "finding", "found_on": "2024-05-06", "reason": "审计发现虚报学员"},
        ok=302,
        delta={"audit.Event": 1},
        scoped=True,
    ),
    # ---- API
    Case("GET", f"{C}/occupations", VIEW, fixed(f"{C}/occupations?flag=S")),
    Case(
        "GET",
        f"{C}/occupations/{{code}}",
        VIEW,
        lambda w, u: f"{C}/occupations/{occupation(ELECTRICIAN).code}",
    ),
    Case("GET", f"{C}/items", VIEW, fixed(f"{C}/items")),
    Case(
        "POST",
        f"{C}/items/import",
        MANAGE,
        fixed(f"{C}/items/import"),
        data=lambda w, u: import_api(w, w.zhengzhou),
        foreign_data=lambda w, u: [import_api(w, w.xuchang), import_api(w, w.weidu)],
        ok=201,
        delta=IMPORT_DELTA,
        scoped=True,
    ),
    Case("GET", f"{C}/institutions", VIEW, fixed(f"{C}/institutions")),
    Case(
        "POST",
        f"{C}/institutions",
        MANAGE,
        fixed(f"{C}/institutions"),
        data=lambda w, u: org_occupation(training_org(w, u), page=False),
        foreign_data=lambda w, u: [org_occupation(w.xc_school, page=False)],
        ok=201,
        delta={"catalogue.InstitutionOccupation": 1, "audit.Event": 1},
        scoped=True,
    ),
    Case(
        "POST",
        f"{C}/institutions/{{entry_id}}/end",
        MANAGE,
        lambda w, u: f"{C}/institutions/{entry(training_org(w, u)).pk}/end",
        foreign=lambda w, u: [f"{C}/institutions/{entry(w.xc_school).pk}/end"],
        data=lambda w, u: {},
        delta={"audit.Event": 1},
        scoped=True,
    ),
    Case("GET", f"{C}/teachers", VIEW, fixed(f"{C}/teachers")),
    Case(
        "POST",
        f"{C}/teachers",
        FILE,
        fixed(f"{C}/teachers"),
        data=lambda w, u: teacher_data(training_org(w, u), page=False),
        foreign_data=lambda w, u: (
            [teacher_data(w.xc_school, page=False)]
            + ([teacher_data(w.zz_station, page=False)] if u.role == Role.INSTITUTION else [])
        ),
        ok=201,
        delta={"catalogue.Teacher": 1, "audit.Event": 1},
        scoped=True,
    ),
    Case(
        "POST",
        f"{C}/teachers/{{teacher_id}}/deactivate",
        FILE,
        lambda w, u: f"{C}/teachers/{teacher(training_org(w, u)).pk}/deactivate",
        foreign=lambda w, u: [f"{C}/teachers/{teacher(w.xc_school, 2).pk}/deactivate"],
        data=lambda w, u: {},
        delta={"audit.Event": 1},
        scoped=True,
    ),
    Case("GET", f"{C}/workstations", VIEW, fixed(f"{C}/workstations")),
    Case(
        "POST",
        f"{C}/workstations",
        FILE,
        fixed(f"{C}/workstations"),
        data=lambda w, u: org_occupation(training_org(w, u), page=False, count=20),
        foreign_data=lambda w, u: [org_occupation(w.xc_school, page=False, count=20)],
        delta={"catalogue.Workstation": 1, "audit.Event": 1},
        scoped=True,
    ),
    Case("GET", f"{C}/platforms", VIEW, fixed(f"{C}/platforms")),
    Case(
        "POST",
        f"{C}/platforms",
        MANAGE,
        fixed(f"{C}/platforms"),
        data=lambda w, u: {
            "organisation_id": platform(w).pk,
            "platform_listed": True,
            "platform_filed_on": "2021-03-01",
            "platform_approved_on": "2021-03-15",
        },
        foreign_data=lambda w, u: [{"organisation_id": platform(w, xc=True).pk, "platform_listed": True}],
        delta={"catalogue.OnlinePlatformFiling": 1, "audit.Event": 1},
        scoped=True,
    ),
    Case(
        "POST",
        f"{C}/organisations/{{org_id}}/suspend",
        STATUS,
        lambda w, u: f"{C}/organisations/{training_org(w, u).pk}/suspend",
        foreign=lambda w, u: [f"{C}/organisations/{w.xc_school.pk}/suspend"],
        data=lambda w, u: {"reason": "审计发现虚报学员", "rule": "A12"},
        delta={"audit.Event": 1, "orgs.Sanction": 1},  # I01: the decision is a sanction
        scoped=True,
    ),
    Case(
        "POST",
        f"{C}/organisations/{{org_id}}/reinstate",
        STATUS,
        lambda w, u: f"{C}/organisations/{suspended(w, u).pk}/reinstate",
        foreign=lambda w, u: [f"{C}/organisations/{w.xc_school.pk}/reinstate"],
        data=lambda w, u: {"reason": "整改完成"},
        delta={"audit.Event": 1},
        scoped=True,
    ),
    Case(
        "POST",
        f"{C}/organisations/{{org_id}}/exit",
        STATUS,
        lambda w, u: f"{C}/organisations/{leaving_org(w).pk}/exit",
        foreign=lambda w, u: [f"{C}/organisations/{w.xc_school.pk}/exit"],
        data=lambda w, u: {"reason": "自愿退出"},
        delta={"audit.Event": 1, "orgs.Sanction": 1},  # I01: the decision is a sanction
        scoped=True,
    ),
    Case(
        "POST",
        f"{C}/organisations/{{org_id}}/audit-finding",
        STATUS,
        lambda w, u: f"{C}/organisations/{training_org(w, u).pk}/audit-finding",
        foreign=lambda w, u: [f"{C}/organisations/{w.xc_school.pk}/audit-finding"],
        data=lambda w, u: {"found_on": "2024-05-06", "note": "审计发现虚报学员"},
        delta={"audit.Event": 1},
        scoped=True,
    ),
    # ---- evaluation bodies' filings (I09): the page, its xlsx, ending one; the API
    Case("GET", "catalogue/filings/", VIEW, fixed("/catalogue/filings/?format=xlsx")),
    Case(
        "POST",
        "catalogue/filings/",
        MANAGE,
        fixed("/catalogue/filings/"),
        data=lambda w, u: filing_data(w.zz_station, w.zhengzhou, page=True),
        foreign_data=lambda w, u: [filing_data(w.xc_school, w.xuchang, page=True)],
        ok=302,
        delta=FILED,
        scoped=True,
        form=True,
    ),
    Case(
        "POST",
        "catalogue/filings/<int:filing_id>/end/",
        MANAGE,
        lambda w, u: f"/catalogue/filings/{filing(w.zz_station).pk}/end/",
        foreign=lambda w, u: [f"/catalogue/filings/{filing(w.xc_school).pk}/end/"],
        data=lambda w, u: {},
        ok=302,
        delta={"audit.Event": 1},
        scoped=True,
    ),
    Case("GET", f"{C}/evaluation-filings", VIEW, fixed(f"{C}/evaluation-filings?q=焊")),
    Case(
        "POST",
        f"{C}/evaluation-filings",
        MANAGE,
        fixed(f"{C}/evaluation-filings"),
        data=lambda w, u: filing_data(w.zz_station, w.zhengzhou, page=False),
        foreign_data=lambda w, u: [filing_data(w.xc_school, w.xuchang, page=False)],
        ok=201,
        delta=FILED,
        scoped=True,
    ),
    Case(
        "POST",
        f"{C}/evaluation-filings/{{filing_id}}/end",
        MANAGE,
        lambda w, u: f"{C}/evaluation-filings/{filing(w.zz_station).pk}/end",
        foreign=lambda w, u: [f"{C}/evaluation-filings/{filing(w.xc_school).pk}/end"],
        data=lambda w, u: {},
        delta={"audit.Event": 1},
        scoped=True,
    ),
    Case("GET", "catalogue/filings/template/", MANAGE, fixed("/catalogue/filings/template/")),
    Case("GET", "catalogue/filings/import/", MANAGE, fixed("/catalogue/filings/import/")),
    Case(
        "POST",
        "catalogue/filings/import/",
        MANAGE,
        fixed("/catalogue/filings/import/"),
        data=lambda w, u: filings_upload(w.zz_station, w.zhengzhou, page=True),
        ok=302,
        delta=FILED,
    ),
    Case(
        "POST",
        f"{C}/evaluation-filings/import",
        MANAGE,
        fixed(f"{C}/evaluation-filings/import"),
        data=lambda w, u: filings_upload(w.zz_station, w.zhengzhou, page=False),
        delta=FILED,
    ),
)
