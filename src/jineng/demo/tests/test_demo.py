"""The demo is made from the documents' tables: check it says what the documents say."""

import dataclasses
import datetime as dt
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from jineng.accounts.models import User
from jineng.assessment.selectors import bodies_for_class
from jineng.audit.models import Event
from jineng.catalogue.models import CatalogueItem, EvaluationFiling, InstitutionOccupation
from jineng.catalogue.selectors import standards_for
from jineng.core.roles import Role
from jineng.demo import data
from jineng.demo.services import demo_load
from jineng.orgs.models import Organisation
from jineng.policy import subsidy
from jineng.policy.standards import SAMPLE_MARK
from jineng.policy.tests.test_subsidy import facts
from jineng.regions.models import Department, Region
from jineng.regions.selectors import profile_for
from jineng.training.models import Enrolment, TrainingClass

# The demo fixture (conftest): loaded once for the package, by the one worker that runs it.
pytestmark = pytest.mark.django_db


def test_zhengzhou_has_the_15_units_of_zz21_annex1(demo):
    units = Region.objects.filter(parent__name="郑州市")
    assert units.count() == 15
    shown = {r.short_name or r.name for r in units}
    assert shown == {u[0] for u in data.ZHENGZHOU_UNITS}
    # GB/T 2260 codes where one exists, none for the functional zones
    assert Region.objects.get(name="金水区").code == "410105"
    assert Region.objects.get(short_name="管城区").code == "410104"
    assert Region.objects.get(short_name="航空港区").code is None
    assert Region.objects.get(short_name="航空港区").kind == Region.Kind.ZONE


def test_xuchang_units_of_xc23_annex1_with_zones(demo):
    units = Region.objects.filter(parent__name="许昌市")
    assert units.count() == 9  # 市直 is the city itself
    assert set(units.filter(kind=Region.Kind.ZONE).values_list("short_name", flat=True)) == {
        "示范区",
        "开发区",
        "东城区",
    }
    assert Region.objects.get(name="建安区").code == "411003"
    assert Region.objects.get(name="潢川县").parent.name == "信阳市"


def test_departments_of_zzhs21_table2_xc23_annex2_hc21_annex1(demo):
    assert (
        Department.objects.filter(region__name="郑州市", kind="industry").count() == 14
    )  # 15 minus 市妇联 (mass)
    assert Department.objects.filter(region__name="郑州市").count() == 15 + 2  # + 市人社局, 市财政局
    assert Department.objects.filter(region__name="许昌市").count() == 28 + 1  # + 市财政局
    assert Department.objects.filter(region__name="潢川县").count() == 15 + 1


def test_organisations_of_zzhs21_tables_3_to_5(demo):
    assert Organisation.objects.filter(recognition_filed=True).count() == 17  # 表3
    # I09: each of them by a recognition filing in force, not by a flag alone
    filed = EvaluationFiling.objects.filter(kind="recognition", valid_to__isnull=True)
    assert set(filed.values_list("organisation__name", flat=True)) == set(data.ZZ_RECOGNITION_ENTERPRISES)
    for name in data.ZZ_PILOT_ENTERPRISES + [b[0] for b in data.ZZ_BASES]:
        assert Organisation.objects.filter(name=name).exists(), name
    assert Organisation.objects.get(name="登封中等专业学校").region.name == "登封市"


def test_profiles_in_force_by_region_and_year(demo):
    assert profile_for(Region.objects.get(name="金水区"), 2021).code == "ZZ21"
    assert profile_for(Region.objects.get(name="潢川县"), 2021).code == "HC21"
    assert profile_for(Region.objects.get(name="禹州市"), 2020).code == "XC19"
    assert profile_for(Region.objects.get(name="禹州市"), 2023).code == "XC23"


def test_one_account_per_role_and_every_change_audited(demo):
    assert set(User.objects.exclude(role="").values_list("role", flat=True)) == set(Role.values)
    assert Event.objects.filter(action="organisation.registered").count() == Organisation.objects.count()
    assert Event.objects.filter(action="region.created").count() == Region.objects.count()


def test_loading_twice_changes_nothing(demo):
    before = (Region.objects.count(), Organisation.objects.count(), Event.objects.count())
    assert demo_load() is False
    assert (Region.objects.count(), Organisation.objects.count(), Event.objects.count()) == before


def test_demo_classes_stand_at_each_step_of_the_lifecycle(demo):
    from jineng.assessment.models import Result
    from jineng.training.models import ClassReview, TrainingClass

    # (its two blended classes of demo/online.py, both in training, are the online tests' below)
    school = TrainingClass.objects.filter(institution__name="郑州商业技师学院", delivery="offline")
    states = dict(school.values_list("batch", "state"))
    assert states == {
        "2021年第1期": "assessed",
        "2021年第2期": "assessment_applied",
        "2021年第3期": "in_training",
        "2021年第4期": "approved",
        "2021年第5期": "returned",
        "2021年第6期": "dept_reviewed",
        "2021年第7期": "submitted",
        "2021年第8期": "draft",
        "2021年第9期": "assessed",
        "2021年第10期": "assessed",
        "2021年第11期": "assessed",
    }
    # one in eight fails in each assessed class (32 + 30 + 24 + 20 sat); a zone's class carries its city's code
    results = Result.objects.filter(assessment__training_class__in=school)
    assert results.count() == 106 and results.filter(passed=True).count() == 28 + 27 + 21 + 18
    assert TrainingClass.objects.get(batch="2021年第7期").ref.startswith("KB2021410100")
    # the returned class carries the bureau's comment, signed by the first reviewer
    back = ClassReview.objects.get(training_class__batch="2021年第5期", decision="return")
    assert back.reviewer.username == "zz_hr1" and "工位照片" in back.comment
    # the trainees on the school's rosters are visible to its clerk
    from jineng.people.selectors import persons_visible

    clerk = User.objects.get(username="zzsy_jb")
    enrolled = TrainingClass.objects.filter(institution=clerk.organisation, delivery="offline").values(
        "enrolments__person"
    )
    assert (
        persons_visible(clerk).filter(pk__in=enrolled).count()
        == 32 + 28 + 36 + 24 + 30 + 26 + 40 + 20 + 30 + 24 + 20
    )


def test_demo_claims_one_paid_one_on_notice_one_submitted_and_the_books_balance(demo):
    from django.db.models import Sum

    from jineng.claims.models import Claim, Objection, PaymentBatch
    from jineng.claims.selectors import notices_public
    from jineng.ledger.selectors import fund_balances, trial_balance

    # the Zhengzhou school's claims (the standards demo's are tested below)
    zhengzhou = Claim.objects.filter(training_class__institution__name="郑州商业技师学院")
    claims = {c.training_class.batch: c for c in zhengzhou.select_related("training_class").order_by("id")}
    assert {b: c.state for b, c in claims.items()} == {
        "2021年第9期": "paid",
        "2021年第10期": "in_notice",
        "2021年第11期": "submitted",
    }

    def payable(c: Claim) -> tuple[int, Decimal]:
        lines = c.lines.filter(status="payable")
        return lines.count(), lines.aggregate(s=Sum("amount"))["s"]

    # F02 初级 (level 5) completion pays 1,500 a passing trainee under ZZ21; the one in eight who failed get nothing
    assert payable(claims["2021年第9期"]) == (27, Decimal("40500.00"))
    assert payable(claims["2021年第10期"]) == (21, Decimal("31500.00"))
    assert payable(claims["2021年第11期"]) == (18, Decimal("27000.00"))
    # the newest assessed class (第1期) is left for the clerk to claim himself
    assert not Claim.objects.filter(training_class__batch="2021年第1期").exists()

    batch = PaymentBatch.objects.get(region__name="郑州市")
    assert (batch.state, batch.paid_on.isoformat(), batch.bank_reference) == (
        "paid",
        "2021-04-30",
        "95588202104300001",
    )
    objection = Objection.objects.get()
    assert (objection.claim.training_class.batch, objection.line.row, objection.outcome) == (
        "2021年第10期",
        4,
        "open",
    )
    # the public notice page lists the running notice and keeps the closed one; the submitted claim is not public
    public = notices_public().filter(training_class__institution__name="郑州商业技师学院")
    assert list(public.values_list("training_class__batch", flat=True)) == [
        "2021年第10期",
        "2021年第9期",
    ]

    # F14: one trainee of the paid list was paid by mistake (1,500); the school has returned 1,000 of it
    from jineng.recovery.models import WrongPayment

    wrong = WrongPayment.objects.get()
    assert (wrong.claim.training_class.batch, wrong.kind, wrong.amount, wrong.outstanding) == (
        "2021年第9期",
        "error",
        Decimal("1500.00"),
        Decimal("500.00"),
    )
    # F13: the special account (200,000) is drawn first, so the paid 40,500 all came from it; the refund went back
    finance = User.objects.get(username="zz_czj")
    remaining = {f.fund.get_kind_display(): f.remaining for f in fund_balances(finance)}
    assert sorted(remaining.values()) == [Decimal("160500.00"), Decimal("3000000.00")]
    assert trial_balance(finance).balanced


def test_the_province_admin_sees_all_three_cities_plans(demo):
    from jineng.demo.services import demo_accounts
    from jineng.targets.selectors import target_rows

    province = User.objects.get(username="hn_admin")
    assert (province.role, province.region.name) == ("hr_admin", "河南省")
    assert ("人社局管理员", "hn_admin", "孙明", "河南省") in [
        (a.role, a.username, a.name, a.scope) for a in demo_accounts()
    ]
    henan = Region.objects.get(name="河南省")
    cities = {r.region_id for r in target_rows(user=province, year=2023, region=henan)}
    assert cities and Region.objects.filter(pk__in=cities, name="许昌市").exists()
    zz_admin = User.objects.get(username="zz_admin")
    assert target_rows(user=zz_admin, year=2023, region=henan) == []  # Zhengzhou's admin: not Xuchang's


def test_no_demo_account_is_a_superuser_or_may_enter_the_django_admin(demo):
    # Issue 12.1: the demo's city admin was a Django superuser and could take over other cities' users.
    assert not User.objects.filter(is_superuser=True).exists()
    assert not User.objects.filter(is_staff=True).exists()


# (profile, where the class trains, year, institution, occupation code, level) of one class per profile
# that prices by the province standard.
PRICED_BY_STANDARD = [
    ("HC21", "潢川县", 2021, "信阳工业学校", "4-03-02-01", 4),
    ("XC19", "许昌市", 2021, "许昌技师学院", "6-31-01-03", 4),
    ("XC23", "许昌市", 2023, "许昌技师学院", "6-18-02-04", 5),
]


@pytest.mark.parametrize(("code", "where", "year", "institution", "occupation", "level"), PRICED_BY_STANDARD)
def test_f02_demo_standards_table_prices_a_class_of_each_profile_and_says_it_is_a_sample(
    demo: None, code: str, where: str, year: int, institution: str, occupation: str, level: int
) -> None:
    # Given the demo's province table, flagged as a sample on every line
    assert not CatalogueItem.objects.filter(sample=False).exists()
    region = Region.objects.get(name=where)
    profile = profile_for(region, year)
    assert profile.code == code
    # and an institution of that city listed for the occupation (A11)
    org = Organisation.objects.get(name=institution)
    listed = InstitutionOccupation.objects.get(organisation=org, occupation__code=occupation)
    # When one class of it is priced with the lines the claims path would pass
    trade = "电焊工" if occupation == "6-18-02-04" else ""
    start = dt.date(year, 6, 1)
    cls = subsidy.SubsidyClass(
        facts=dataclasses.replace(
            facts(),
            occupation_code=occupation,
            occupation_name=listed.occupation.name,
            level=level,
            start_date=start,
            end_date=start + dt.timedelta(days=20),
            trade_name=trade,
        ),
        mode="institution",
        payee="institution",
        standards=tuple(
            standards_for({(region.pk, year, listed.occupation_id): region.ancestor_ids()})[
                (region.pk, year, listed.occupation_id)
            ]
        ),
    )
    estimate = subsidy.planned_subsidy(profile, cls, trainees=1)
    # Then the line is the table's amount, and its computation says the table is a sample
    assert estimate.amount == {5: Decimal(1500), 4: Decimal(2000)}[level]
    assert SAMPLE_MARK in estimate.computation and "河南省" in estimate.computation


def test_demo_standards_table_is_marked_on_its_page_and_export(demo: None, client: Any) -> None:

    client.force_login(User.objects.get(username="zz_admin"))
    page = client.get("/catalogue/items/").content.decode()
    assert SAMPLE_MARK in page
    export = client.get("/catalogue/items/?format=xlsx")
    sheet = load_workbook(BytesIO(export.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "标准性质" and {r[-1] for r in rows[1:]} == {SAMPLE_MARK}


def test_f02_demo_classes_priced_by_the_standards_table_go_from_opening_to_payment(demo: None) -> None:
    from jineng.claims.models import Claim

    # Given the demo's classes of 潢川县 (HC21) and 许昌市 (XC19 in 2021, XC23 in 2023), each naming a
    # line of the sample table
    claims = {
        c.training_class.profile_code: c
        for c in Claim.objects.select_related("training_class").filter(
            training_class__catalogue_item__sample=True
        )
    }
    assert set(claims) == {"HC21", "XC19", "XC23"}
    # Then each is paid in its month's batch — HC21's and XC19's by the profile's local monthly cycle
    # (本地补充规定: the documents set none, F11)
    xc, hc, xc19 = claims["XC23"], claims["HC21"], claims["XC19"]
    assert (xc.state, xc.headcount, xc.amount) == ("paid", 20, Decimal("30000.00"))
    assert (hc.state, hc.headcount, hc.amount) == ("paid", 24, Decimal("48000.00"))
    assert (xc19.state, xc19.headcount, xc19.amount) == ("paid", 18, Decimal("36000.00"))
    assert xc19.batch_item.batch.cycle == "monthly" and hc.batch_item.batch.cycle == "monthly"
    # And each line cites the sample line it was priced from
    line = xc.lines.get(row=2)
    assert line.computation == (
        "F02 焊工·电焊工·五级/初级工·职业技能等级证书（岗位技能提升培训） 1500元/人 × 1 = 1500元"
        "（示例标准（演示用，非官方） 河南省2023年补贴标准目录 6-18-02-04 焊工·电焊工·五级/初级工·职业技能等级证书"
        "（岗位技能提升培训） 1500元，第1版 2023-01-01起；许技领办〔2023〕1号 本地补充规定"
        "（文件未列补贴标准，按省就业补助资金补贴标准即省补贴标准目录执行））"
    )
    assert SAMPLE_MARK in hc.lines.get(row=2).computation


def test_f03_the_demo_enterprise_of_xuchang_claims_two_yigong_months_under_xc19(demo):
    from jineng.claims.models import ClaimState
    from jineng.demo.services import demo_accounts
    from jineng.demo.yigong import ENTERPRISE
    from jineng.wagetraining.models import Declaration

    d = Declaration.objects.get()
    assert (d.enterprise.name, d.region.name, d.profile_code, d.employees.count()) == (
        ENTERPRISE,
        "鄢陵县",
        "XC19",
        3,
    )
    months = [
        (m.month_label, m.claim.state, m.claim.headcount, m.claim.amount) for m in d.months.order_by("month")
    ]
    assert months == [
        ("2021年3月", ClaimState.SUBMITTED, 3, Decimal("600.00")),
        ("2021年4月", ClaimState.DRAFT, 3, Decimal("600.00")),
    ]
    line = d.months.get(month=dt.date(2021, 3, 1)).claim.lines.get(row=1)
    assert (
        line.computation == "F03 以工代训 2021年3月 200元/人/月 × 1个月 = 200元（许政办〔2019〕20号 二(三)1）"
    )
    assert ("培训机构经办", "xc_qy", "许静", ENTERPRISE) in [
        (a.role, a.username, a.name, a.scope) for a in demo_accounts()
    ]


def test_f05_the_demo_studio_of_xuchang_is_granted_20_percent_of_its_equipment_and_paid_under_xc19(demo):
    from jineng.demo.programmes import GRANT_ITEMS, STUDIO
    from jineng.grants.models import GrantApplication

    # Given the enterprise's 技能大师工作室 recognised by 许昌's bureau
    a = GrantApplication.objects.select_related("recognition", "claim").get()
    assert (a.recognition.name, a.recognition.kind, a.region.name, a.profile_code) == (
        STUDIO,
        "studio",
        "鄢陵县",
        "XC19",
    )
    # Then its five items are worth 241 880 元, and the grant is 20% of it, under the studio's 10万 cap
    assert a.items.count() == len(GRANT_ITEMS) == 5
    assert (a.equipment_value, a.amount) == (Decimal("241880.00"), Decimal("48376.00"))
    # And it was signed by two different people of the bureau (F09), then claimed and paid in a batch
    assert (a.first_reviewer.username, a.second_reviewer.username, a.state) == (
        "xc_hr1",
        "xc_hr2",
        "approved",
    )
    claim = a.claim
    assert (claim.programme, claim.state, claim.amount, claim.applicant_kind) == (
        "equipment",
        "paid",
        Decimal("48376.00"),
        "enterprise",
    )
    assert claim.lines.get().computation == (
        "F05 技能大师工作室 新购置实训设备总值 241880元 × 20% = 48376元（许政办〔2019〕20号 二(二)1）"
    )
    assert claim.batch_item.batch.ref.startswith("PB20211101411000")


def test_apprenticeship_the_demo_cohort_claims_its_first_year_for_five_of_six_apprentices(demo):
    from jineng.apprenticeship.models import Cohort
    from jineng.claims.models import Claim

    # Given the 2020 agreement of 许昌技师学院 and the enterprise of 鄢陵县, six apprentices, one left in March 2021
    cohort = Cohort.objects.select_related("enterprise", "institution").get()
    assert (cohort.enterprise.name, cohort.institution.name, cohort.profile_code, cohort.planned_years) == (
        "鄢陵县中林园林工程有限公司",
        "许昌技师学院",
        "XC19",
        2,
    )
    assert cohort.apprentices.count() == 6
    assert list(cohort.apprentices.filter(left_on__isnull=False).values_list("row", "left_on")) == [
        (6, dt.date(2021, 3, 15))
    ]
    # Then the first year's claim pays the five who stayed 4000 元 each, the leaver nothing, and is paid
    claim = Claim.objects.get(programme="apprenticeship")
    assert (claim.state, claim.headcount, claim.amount, claim.source_ref) == (
        "paid",
        5,
        Decimal("20000.00"),
        cohort.ref,
    )
    assert list(claim.lines.order_by("row").values_list("row", "amount")) == [
        (1, Decimal("4000.00")),
        (2, Decimal("4000.00")),
        (3, Decimal("4000.00")),
        (4, Decimal("4000.00")),
        (5, Decimal("4000.00")),
        (6, Decimal("0.00")),
    ]
    # And it is paid in the same batch as the F05 grant
    grant = Claim.objects.get(programme="equipment")
    assert claim.batch_item.batch_id == grant.batch_item.batch_id


def test_f02_the_demo_evaluation_body_and_the_trainee_claim_evaluation_subsidies_under_xc23(demo):
    from jineng.claims.models import Claim

    # Given a 2023 class of 许昌技师学院 whose training subsidy nobody claimed (16 certificates of 电工 中级)
    made = {
        c.applicant_kind: c
        for c in Claim.objects.filter(programme="evaluation").select_related(
            "payee_organisation", "payee_person"
        )
    }
    body, own = made["evaluation_body"], made["individual"]
    # Then the evaluation body is owed 200 元 for each of the 15 it issued, the trainee for his own, in a
    # batch sent to finance and not yet paid (finance's 待办)
    assert (body.state, body.headcount, body.amount, body.payee_organisation.name) == (
        "in_batch",
        15,
        Decimal("3000.00"),
        "中国陶瓷行业特有工种职业技能鉴定站河南分站",
    )
    assert (own.state, own.headcount, own.amount, own.payee_person.id_number) == (
        "in_batch",
        1,
        Decimal("200.00"),
        data.TRAINEE_ID,
    )
    assert {body.profile_code, own.profile_code} == {"XC23"}
    assert body.batch_item.batch_id == own.batch_item.batch_id
    assert "（评价补贴） 200元/人" in own.lines.get().computation
    # And the class's own training line is no longer claimable for those certificates: nothing trains twice
    assert not Claim.objects.filter(
        training_class=body.lines.first().training_class, programme="training"
    ).exists()


def test_demo_programme_claims_appear_in_xuchangs_claims_list_and_batches(demo, client):
    from jineng.claims.models import PaymentBatch

    # Given 许昌's bureau reviewer
    client.force_login(User.objects.get(username="xc_hr1"))
    page = client.get("/claims/").content.decode()
    # Then the claims list shows each programme's claim
    for title in ("实训设备补助", "第1年", "评价补贴", "以工代训"):
        assert title in page, title
    # And 许昌 has three paid batches (the two class batches and the programmes') and the evaluation
    # subsidies' batch sent to finance
    assert PaymentBatch.objects.filter(region__name="许昌市", state="paid").count() == 3
    sent = PaymentBatch.objects.get(region__name="许昌市", state="sent")
    assert sent.items.count() == 2


def test_e09_the_demo_ledger_of_xuchang_2023_counts_on_the_board_one_entry_late(demo):
    from jineng.progress.models import LedgerEntry
    from jineng.progress.selectors import Filter, actual_rows
    from jineng.regions.models import Region
    from jineng.training.models import Enrolment

    entries = LedgerEntry.objects.filter(start_date__year=2023).order_by("start_date")
    assert [(e.persons, e.days_late) for e in entries] == [(120, 0), (85, 0), (60, 0), (48, 4)]
    xuchang = Region.objects.get(name="许昌市")
    board = sum(
        r.persons for r in actual_rows(Filter(year=2023, region=xuchang), by=(), indicators=("training",))
    )
    enrolled = Enrolment.objects.filter(
        training_class__year=2023,
        training_class__region__path__startswith=xuchang.path,
        training_class__state__in=("in_training", "ended", "assessment_applied", "assessed", "closed"),
        status="enrolled",
    ).count()
    assert board == enrolled + 313


def test_i03_the_demo_evaluates_zhengzhou_2021_from_its_records_and_renews_the_school(demo):
    from jineng.appraisal.models import FollowUp, Review

    reviews = list(Review.objects.filter(year=2021, region__name="郑州市").order_by("subject"))
    assert [(r.get_subject_display(), r.institution.name, r.catalogue) for r in reviews] == [
        ("评价机构", "中国陶瓷行业特有工种职业技能鉴定站河南分站", "renewed"),
        ("培训机构", "郑州商业技师学院", "renewed"),
    ]
    review = reviews[1]
    assert (review.followed, review.employed) == (24, FollowUp.objects.filter(employed=True).count())
    assert review.employed == 16
    # six opened classes (four assessed: 106 trainees, 94 certified), the one in training not yet counted
    # in the trained headcount; the surveys of the five that ended
    figures = (review.classes, review.opening, review.trained, review.enrolled, review.passed)
    assert figures == (6, 170, 124, 106, 94)
    assert (review.surveyed, review.satisfied) == (134, 129)


def test_i09_the_demo_cook_class_is_offered_filed_bodies_and_not_the_sewage_company(demo):
    # The example: the sewage company (filed for 污水处理工 only) is not offered for a 中式烹调师 class;
    # the demo's station (filed province-wide) and the hotels filed for 中式烹调师 are.
    tc = TrainingClass.objects.get(occupation__code="4-03-02-01", state="assessed", region__name="金水区")
    offered = {o.name for o in bodies_for_class(tc, on=tc.end_date)}
    assert "郑州市污水净化有限公司" not in offered
    assert offered == {
        "中国陶瓷行业特有工种职业技能鉴定站河南分站",
        "河南省黄河迎宾馆",
        "河南天地粤海酒店",
        "河南小南国投资发展有限公司",
    }
    # the Huangchuan cook class is offered only the station: the hotels are filed for Zhengzhou
    hc = TrainingClass.objects.get(occupation__code="4-03-02-01", region__name="潢川县")
    assert {o.name for o in bodies_for_class(hc, on=hc.end_date)} == {
        "中国陶瓷行业特有工种职业技能鉴定站河南分站"
    }


# --- issue 15: a week of the online platform's lessons and the face check-in device (demo/online.py) ------


def _online_class(batch: str) -> TrainingClass:
    return TrainingClass.objects.get(batch=batch)


def test_d04_d01_the_demo_clean_blended_class_gives_every_trainee_the_online_hours_required(demo):
    from jineng.online import selectors
    from jineng.online.models import CourseState, LearningEvent

    # Given the platform's approved course (D01) and the Zhengzhou school's first blended class of 20
    tc = _online_class("2021年线上+线下第1期")
    order, approved, course = selectors.course_of(tc)
    assert (course.platform.name, course.state, order, approved) == (
        "河南职业技能在线学习平台（演示）",
        CourseState.APPROVED,
        list(range(1, 11)),
        True,
    )
    # When D04 judges the week the platform sent (10 lessons × 37 events for each of 20 trainees)
    assert LearningEvent.objects.filter(training_class_id=tc.pk).count() == 20 * 10 * 37
    records = selectors.records(tc)
    # Then every trainee has 10 valid lessons, 10 valid hours: the class's online hours
    assert selectors.online_hours_required(tc) == 10
    assert len(records) == 20
    assert {(len(r.lessons), len(r.invalid), r.valid_hours) for r in records.values()} == {(10, 0, 10)}
    assert selectors.short_trainees(tc) == []


def test_d04_the_demo_fraud_class_has_twelve_invalid_lessons_each_with_its_reason(demo):
    from jineng.online import selectors

    # Given the second blended class of 24, twelve of whom broke D04 once
    tc = _online_class("2021年线上+线下第2期")
    rows = dict(Enrolment.objects.filter(training_class=tc).values_list("pk", "row"))
    # When D04 judges the platform's week
    records = selectors.records(tc)
    invalid = {
        (rows[pk], lesson.lesson): [(v.rule, v.message) for v in lesson.reasons]
        for pk, record in records.items()
        for lesson in record.invalid
    }
    # Then exactly those lessons are invalid, each with its reason under ZZ21 六(二)2
    fast, blur, live = "有快进播放", "有多窗口学习（学习窗口失去焦点）", "无法进行人脸活体比对或比对未通过"
    popups, photo = "连续5分钟内无弹窗管控", "第1课时无随机保留影像照片"
    order = "未按课程顺序学习：第7课未学完即开始本课"
    assert invalid == {
        (2, 3): [("D04", fast)],
        (3, 3): [("D04", fast)],
        (4, 4): [("D04", blur)],
        (5, 6): [("D04", blur)],
        (6, 5): [("D04", popups)],
        (7, 2): [("D04", popups)],
        (8, 6): [("D04", live)],
        (9, 1): [("D04", live)],
        (10, 8): [("D04", order)],
        (11, 8): [("D04", order)],
        (12, 9): [("D04", photo)],
        (13, 10): [("D04", photo)],
    }
    reason = next(iter(next(r for r in records.values() if r.invalid).invalid)).reasons[0]
    assert "六(二)2" in reason.clause
    # And the twelve have 9 valid hours of the 10 required, the twelve others 10
    hours = sorted((rows[pk], r.valid_hours) for pk, r in records.items())
    assert hours == [(row, 9 if row <= 13 else 10) for row in range(2, 26)]
    assert len(selectors.short_trainees(tc)) == 12
    # And the inspector's exception list for that Friday names this class, not the clean one
    inspector = User.objects.get(username="zz_dc")
    listed = selectors.exceptions(inspector, dt.date(2021, 9, 10))
    assert [(r.training_class.pk, r.invalid_lessons, r.trainees_with_invalid) for r in listed] == [
        (tc.pk, 12, 12)
    ]


def test_c07_the_demo_xc23_class_checks_in_by_face_and_one_trainee_missed_two_days(demo):
    from jineng.online import selectors
    from jineng.online.models import Device
    from jineng.policy import online as rules

    # Given 许昌技师学院's one device and its 2023 electricians' class in its first week (XC23 requires C07)
    device = Device.objects.get()
    assert device.institution.name == "许昌技师学院"
    tc = _online_class("2023年第15期")
    profile = profile_for(tc.region, tc.year)
    assert profile.code == "XC23"
    rows = dict(Enrolment.objects.filter(training_class=tc).values_list("pk", "row"))
    # When the checked-in time is counted (first matched check-in to the last check-out, each day)
    minutes = selectors.checked_in_minutes_many([tc])
    hours = {rows[pk]: m // tc.minutes_per_hour for pk, m in minutes.items()}
    # Then 17 trainees have the week's 57 class hours (5 × 520 minutes), the absent one 3 days' 34
    assert hours == {row: 34 if row == 6 else 57 for row in range(2, 20)}
    short = [
        row
        for row, h in hours.items()
        if rules.checkin_shortfall(profile, required_hours=max(hours.values()), checked_hours=h)
    ]
    assert short == [6]
    # And on Wednesday the inspector's roll call shows him without a check-in, his face not matched once
    wednesday = dt.date(2023, 11, 8)
    day = {c.row: c for c in selectors.checkins_on(tc, wednesday)}
    assert (day[6].first_in, day[6].failed) == (None, 1)
    assert all(c.first_in is not None for row, c in day.items() if row != 6)
    inspector = User.objects.get(username="xc_dc")
    listed = selectors.exceptions(inspector, wednesday)
    assert [(r.training_class.pk, r.missing_checkins) for r in listed] == [(tc.pk, 1)]


def test_c07_the_demo_xc23_priced_class_was_checked_in_and_paid_for_all(demo):
    from jineng.claims.models import Claim
    from jineng.online import selectors
    from jineng.online.models import LearningEvent

    # Given the 2023 welding class of the standards demo, paid for its 20 trainees
    claim = Claim.objects.get(
        training_class__profile_code="XC23", training_class__catalogue_item__sample=True
    )
    tc = claim.training_class
    # Then the device checked each trainee in and out on 10 days of 485 minutes: 107 class hours, more than
    # the class's 100 offline hours (demo/checkins.py)
    assert LearningEvent.objects.filter(training_class_id=tc.pk).count() == 20 * 10 * 2
    minutes = selectors.checked_in_minutes_many([tc])
    assert len(minutes) == 20
    assert {m // tc.minutes_per_hour for m in minutes.values()} == {107}
    assert selectors.offline_hours_required(tc) == 100
    assert (claim.state, claim.headcount) == ("paid", 20)


def test_demo_prints_the_online_platforms_clerk(demo):
    from jineng.demo.services import demo_accounts

    # The platform's clerk is listed with the others, with his platform as scope
    shown = {a.username: a.scope for a in demo_accounts()}
    assert shown["zx_pt"] == "河南职业技能在线学习平台（演示）"
