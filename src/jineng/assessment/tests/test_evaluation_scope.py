"""Who may evaluate what: an evaluation body assesses only what it is filed for, where and when (I09);
where no local body is filed, the bureau arranges one from elsewhere for the class (I08)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jineng.assessment import services
from jineng.assessment.models import Assessment, CrossRegionArrangement
from jineng.assessment.selectors import bodies_for_class
from jineng.audit.models import Event
from jineng.catalogue.models import Occupation
from jineng.catalogue.tests.helpers import body_filed
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.orgs.models import Organisation
from jineng.orgs.services import organisation_register
from jineng.policy.identity import make_credit_code
from jineng.policy.profiles import get_profile
from jineng.supervision.models import Summary
from jineng.supervision.tests.factory import make_class, xuchang_class
from jineng.training.models import ClassState, TrainingClass

pytestmark = pytest.mark.django_db

ZZ21_I09 = get_profile("ZZ21", 1).rule_clause("I09")
ZZ21_I08 = get_profile("ZZ21", 1).rule_clause("I08")
XC23_I09 = get_profile("XC23", 1).rule_clause("I09")
XC23_I08 = get_profile("XC23", 1).rule_clause("I08")
COOK = "4-03-02-01"


def cook() -> Occupation:
    occ, _ = Occupation.objects.get_or_create(
        code=COOK,
        defaults={"name": "中式烹调师", "major_code": "4", "middle_code": "4-03", "minor_code": "4-03-02"},
    )
    return occ


def org(w: World, name: str, kind: str, n: int, *, xc: bool = False) -> Organisation:
    return organisation_register(
        actor=None,
        name=name,
        credit_code=make_credit_code("52", "411000" if xc else "410100", 900 + n),
        kind=kind,
        region=w.xuchang if xc else w.zhengzhou,
    )


def cook_class(w: World, *, xc: bool = False) -> TrainingClass:
    """An ended 中式烹调师 class (四级/中级工, skill-level certificate) of Zhengzhou's 金水区 (or 许昌's 魏都区)."""
    tc = xuchang_class(w, state=ClassState.ENDED) if xc else make_class(w, state=ClassState.ENDED)
    TrainingClass.objects.filter(pk=tc.pk).update(occupation=cook())
    Summary.objects.create(training_class=tc, opening_headcount=3, trained_headcount=3)
    tc.refresh_from_db()
    return tc


def apply(w: World, tc: TrainingClass, body: Organisation, **kw: Any) -> Assessment:
    args: dict[str, Any] = {
        "certificate_kind": "skill_level",
        "level": 4,
        "assessment_date": tc.end_date + dt.timedelta(days=3),
        "today": tc.end_date,
    }
    args.update(kw)
    clerk = (
        w.outsiders[Role.INSTITUTION] if tc.institution_id == w.xc_school.pk else w.users[Role.INSTITUTION]
    )
    return services.assessment_apply(actor=clerk, training_class=tc, body=body, **args)


def refused(w: World, tc: TrainingClass, body: Organisation, **kw: Any) -> str:
    with pytest.raises(Refusal) as exc:
        apply(w, tc, body, **kw)
    assert exc.value.message == "结业考核申请未通过检查，未提交"
    [v] = exc.value.violations
    assert (v.field, v.value) == ("考核机构", body.name)
    return v.render()


def test_i09_the_issues_sewage_company_is_not_offered_for_a_cook_class_and_is_refused(world: World) -> None:
    # Given a 中式烹调师 class and a sewage company registered as a social evaluation organisation, filed for nothing
    tc = cook_class(world)
    sewage = org(world, "郑州市污水净化有限公司", "social_evaluation", 1)
    # Then the application does not offer it (nor the world's station, filed only for 电工)
    assert list(bodies_for_class(tc, on=tc.end_date)) == []
    # And the service refuses it, naming the field, I09 and ZZ21's clause; nothing is written
    assert refused(world, tc, sewage) == (
        "“考核机构”：郑州市污水净化有限公司未列入评价机构目录，也未备案职业技能等级认定，"
        f"不能承担中式烹调师（四级/中级工） 职业技能等级证书的考核（规则 I09，依据 {ZZ21_I09}）"
    )
    assert Assessment.objects.count() == 0
    assert TrainingClass.objects.get(pk=tc.pk).state == ClassState.ENDED


def test_i09_the_sewage_company_filed_for_another_occupation_is_refused_for_the_cook_class(
    world: World,
) -> None:
    tc = cook_class(world)
    sewage = org(world, "郑州市污水净化有限公司", "social_evaluation", 1)
    water = Occupation.objects.create(
        code="4-09-07-01", name="污水处理工", major_code="4", middle_code="4-09", minor_code="4-09-07"
    )
    body_filed(sewage, water, region=world.zhengzhou)
    assert list(bodies_for_class(tc, on=tc.end_date)) == []
    assert refused(world, tc, sewage) == (
        "“考核机构”：郑州市污水净化有限公司的备案范围不含“中式烹调师”，不能承担该职业的考核"
        f"（规则 I09，依据 {ZZ21_I09}）"
    )


def test_i09_a_body_filed_for_the_occupation_level_and_region_is_offered_and_accepted(world: World) -> None:
    # Given a cooking appraisal station filed in Zhengzhou for 中式烹调师, skill-level certificates, levels 5–3
    tc = cook_class(world)
    station = org(world, "郑州市餐饮职业技能鉴定站", "appraisal_station", 2)
    body_filed(station, cook(), region=world.zhengzhou, kinds=["skill_level"], levels=(5, 4, 3))
    # Then it alone is offered, and the application naming it goes through
    assert list(bodies_for_class(tc, on=tc.end_date)) == [station]
    a = apply(world, tc, station)
    assert (a.body_id, a.certificate_kind, a.level) == (station.pk, "skill_level", 4)
    assert TrainingClass.objects.get(pk=tc.pk).state == ClassState.ASSESSMENT_APPLIED


def test_i09_a_filing_not_yet_in_force_on_the_assessment_date_is_refused(world: World) -> None:
    tc = cook_class(world)  # assessed on 2021-07-03
    station = org(world, "郑州市餐饮职业技能鉴定站", "appraisal_station", 2)
    body_filed(station, cook(), region=world.zhengzhou, valid_from=dt.date(2021, 8, 1), ref="豫评备2021-018")
    assert refused(world, tc, station) == (
        "“考核机构”：郑州市餐饮职业技能鉴定站的备案（豫评备2021-018）自 2021-08-01 起生效，"
        f"考核日期 2021-07-03 不在备案有效期内（规则 I09，依据 {ZZ21_I09}）"
    )


def test_i09_an_expired_filing_is_refused_and_its_last_day_still_counts(world: World) -> None:
    tc = cook_class(world)  # assessed on 2021-07-03
    station = org(world, "郑州市餐饮职业技能鉴定站", "appraisal_station", 2)
    filing = body_filed(
        station,
        cook(),
        region=world.zhengzhou,
        valid_from=dt.date(2019, 1, 1),
        valid_to=dt.date(2021, 7, 3),
        ref="豫评备2019-007",
    )
    assert refused(world, tc, station) == (
        "“考核机构”：郑州市餐饮职业技能鉴定站的备案（豫评备2019-007）已于 2021-07-03 失效，"
        f"考核日期 2021-07-03 不在备案有效期内（规则 I09，依据 {ZZ21_I09}）"
    )
    # valid_to is the first day it no longer holds: ending it a day later admits the 3 July exam
    type(filing).objects.filter(pk=filing.pk).update(valid_to=dt.date(2021, 7, 4))
    assert apply(world, tc, station).body_id == station.pk


def test_i09_a_level_the_body_is_not_filed_for_is_refused(world: World) -> None:
    tc = cook_class(world)
    station = org(world, "郑州市餐饮职业技能鉴定站", "appraisal_station", 2)
    body_filed(station, cook(), region=world.zhengzhou, kinds=["skill_level"], levels=(5,))
    assert refused(world, tc, station) == (
        "“考核机构”：郑州市餐饮职业技能鉴定站对“中式烹调师”备案的等级为五级/初级工，不含四级/中级工"
        f"（规则 I09，依据 {ZZ21_I09}）"
    )


def test_i09_a_certificate_kind_the_body_is_not_filed_for_is_refused(world: World) -> None:
    tc = cook_class(world)
    station = org(world, "郑州市餐饮职业技能鉴定站", "appraisal_station", 2)
    body_filed(station, cook(), region=world.zhengzhou, kinds=["special_ability"])
    assert refused(world, tc, station) == (
        "“考核机构”：郑州市餐饮职业技能鉴定站对“中式烹调师”备案的证书类别为专项职业能力证书，不含职业技能等级证书"
        f"（规则 I09，依据 {ZZ21_I09}）"
    )


def test_i09_under_xc23_a_body_filed_in_zhengzhou_is_refused_for_a_xuchang_class_quoting_xc23(
    world: World,
) -> None:
    tc = cook_class(world, xc=True)  # 许昌 · 魏都区, XC23 (2023)
    station = org(world, "郑州市餐饮职业技能鉴定站", "appraisal_station", 2)
    body_filed(station, cook(), region=world.zhengzhou)
    assert list(bodies_for_class(tc, on=tc.end_date)) == []
    assert refused(world, tc, station) == (
        "“考核机构”：郑州市餐饮职业技能鉴定站的备案区域为郑州市，不含本班所在的魏都区；本地没有备案机构时，"
        f"须由人社局作出跨区域（统筹集中）考核安排（规则 I08，依据 {XC23_I08}）（规则 I09，依据 {XC23_I09}）"
    )


def test_i08_the_bureau_arranges_a_body_from_another_region_where_none_is_filed_locally(world: World) -> None:
    # Given a Xuchang cook class, no Xuchang body filed for 中式烹调师, a Zhengzhou station filed for it
    tc = cook_class(world, xc=True)
    station = org(world, "郑州市餐饮职业技能鉴定站", "appraisal_station", 2)
    body_filed(station, cook(), region=world.zhengzhou)
    admin = world.outsiders[Role.HR_ADMIN]
    before = Event.objects.count()
    # When Xuchang's bureau admin records the decision, with who and why
    arrangement = services.cross_region_arrange(
        actor=admin,
        training_class=tc,
        body=station,
        basis=CrossRegionArrangement.Basis.NO_LOCAL_BODY,
        reason="本市无中式烹调师职业技能等级认定备案机构",
        today=tc.end_date,
    )
    # Then it is one record and one event, and the body is offered and accepted
    assert (arrangement.decided_by_id, arrangement.reason) == (
        admin.pk,
        "本市无中式烹调师职业技能等级认定备案机构",
    )
    assert Event.objects.count() == before + 1
    assert Event.objects.latest("id").action == "assessment.cross_region_arranged"
    assert list(bodies_for_class(tc, on=tc.end_date)) == [station]
    assert apply(world, tc, station).body_id == station.pk


def test_i08_no_arrangement_for_lack_of_a_local_body_where_one_is_filed(world: World) -> None:
    tc = cook_class(world, xc=True)
    station = org(world, "郑州市餐饮职业技能鉴定站", "appraisal_station", 2)
    body_filed(station, cook(), region=world.zhengzhou)
    local = org(world, "许昌市烹饪协会评价中心", "social_evaluation", 3, xc=True)
    body_filed(local, cook(), region=world.xuchang)
    with pytest.raises(Refusal) as exc:
        services.cross_region_arrange(
            actor=world.outsiders[Role.HR_ADMIN],
            training_class=tc,
            body=station,
            basis=CrossRegionArrangement.Basis.NO_LOCAL_BODY,
            reason="就近考核",
            today=tc.end_date,
        )
    assert exc.value.render() == (
        "“依据”：本地已有备案的评价机构（许昌市烹饪协会评价中心），不属于“本地无备案评价机构”"
        f"（规则 I08，依据 {XC23_I08}）"
    )
    assert CrossRegionArrangement.objects.count() == 0
    # A centralised exam of a small group may still be arranged (XC23 二(三)3), with its reason
    services.cross_region_arrange(
        actor=world.outsiders[Role.HR_ADMIN],
        training_class=tc,
        body=station,
        basis=CrossRegionArrangement.Basis.SMALL_GROUP,
        reason="本班仅 3 人，与郑州同职业同等级考核统筹集中进行",
        today=tc.end_date,
    )
    assert apply(world, tc, station).body_id == station.pk


def test_i08_an_arrangement_still_needs_the_body_filed_for_the_scope(world: World) -> None:
    tc = cook_class(world, xc=True)
    sewage = org(world, "郑州市污水净化有限公司", "social_evaluation", 1)
    with pytest.raises(Refusal) as exc:
        services.cross_region_arrange(
            actor=world.outsiders[Role.HR_ADMIN],
            training_class=tc,
            body=sewage,
            basis=CrossRegionArrangement.Basis.NO_LOCAL_BODY,
            reason="本市无备案机构",
            today=tc.end_date,
        )
    assert exc.value.render() == (
        "“考核机构”：郑州市污水净化有限公司未备案中式烹调师（四级/中级工） 职业技能等级证书（或备案已失效），"
        f"不能安排其承担考核（规则 I09，依据 {XC23_I09}）"
    )


def test_i08_only_the_bureau_admin_of_the_class_region_arranges(world: World) -> None:
    tc = cook_class(world, xc=True)
    station = org(world, "郑州市餐饮职业技能鉴定站", "appraisal_station", 2)
    body_filed(station, cook(), region=world.zhengzhou)
    for actor in (
        world.users[Role.HR_ADMIN],
        world.outsiders[Role.HR_FIRST],
        world.outsiders[Role.INSTITUTION],
    ):
        with pytest.raises(Refusal) as exc:
            services.cross_region_arrange(
                actor=actor,
                training_class=tc,
                body=station,
                basis=CrossRegionArrangement.Basis.NO_LOCAL_BODY,
                reason="本市无备案机构",
                today=tc.end_date,
            )
        assert exc.value.message == "只有本班所在地区的人社局管理员可以作出跨区域考核安排"
    assert CrossRegionArrangement.objects.count() == 0


def test_e06_the_application_page_warns_under_xc23_and_not_under_zz21(world: World) -> None:
    # Given an ended Xuchang class (XC23, at most 10%) aiming at 培训合格证书, and none of the school's
    # 2023 certificates yet
    xc = xuchang_class(world, state=ClassState.ENDED, target="completion")
    page = world.client(world.outsiders[Role.INSTITUTION]).get(f"/assessment/classes/{xc.pk}/apply/")
    clause = get_profile("XC23", 1).cite("max_special_completion_share")
    assert (
        "本机构2023年已取得证书 0 本，其中专项职业能力证书和培训合格证书 0 本（0%）；本班 3 人如全部取证，"
        f"将占 100%，上限 10%。超过部分申领补贴时不予受理（规则 E06，依据 {clause}）"
    ) in page.content.decode()
    # Under ZZ21, which sets no share, the same page says nothing of E06
    zz = make_class(world, state=ClassState.ENDED, target="completion")
    page = world.client(world.users[Role.INSTITUTION]).get(f"/assessment/classes/{zz.pk}/apply/")
    assert "E06" not in page.content.decode()
