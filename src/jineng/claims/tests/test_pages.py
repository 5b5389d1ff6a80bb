"""Claim pages: the public notice without login (F08: masked names and ID numbers), the claim detail with
each line's computation, and the bank payment file."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.test import Client
from openpyxl import load_workbook

from jineng.accounts.services import user_create
from jineng.claims import services
from jineng.claims.models import Objection
from jineng.claims.selectors import mask_name
from jineng.claims.tests.captcha_kit import solved
from jineng.claims.tests.factories import in_notice
from jineng.conftest import PASSWORD, World
from jineng.policy.identity import mask_bank_account, mask_id_number


def test_mask_name_keeps_the_surname() -> None:
    assert [mask_name(n) for n in ("张伟", "李建国", "欧阳娜娜", "王")] == ["张*", "李**", "欧阳**", "王"]


def test_f08_public_notice_needs_no_login_and_shows_masked_names_and_numbers(world: World) -> None:
    # Given a claim on notice
    claim = in_notice(world)
    line = claim.lines.select_related("person").get(row=2)
    # When anyone opens the notice
    page = Client().get(f"/claims/notices/{claim.pk}/").content.decode()
    listing = Client().get("/claims/notices/").content.decode()
    # Then the list shows masked names and numbers, amounts and the notice period — never the full ones
    assert claim.ref in listing and "60,000.00" in listing
    assert mask_name(line.person.name) in page and mask_id_number(line.person.id_number) in page
    assert line.person.id_number not in page and line.person.name not in page
    assert "2021年7月5日 至 2021年7月7日" in page


def test_f08_objection_from_the_public_page_is_recorded_and_refused_after_the_notice(world: World) -> None:
    claim = in_notice(world)
    form = {"name": "王某", "contact": "13900001111", "text": "第2号学员未参加培训", "row": "2", **solved()}
    # The notice of 5–7 July 2021 is long over by the real date: the page refuses, nothing is stored
    response = Client().post(f"/claims/notices/{claim.pk}/", form)
    assert response.status_code == 200 and "不在公示期内" in response.content.decode()
    assert Objection.objects.count() == 0
    # Inside the notice (through the service, dated) it is stored with the line it names
    o = services.objection_submit(
        claim=claim,
        name="王某",
        contact="139",
        text="第2号学员未参加培训",
        line_row=2,
        today=dt.date(2021, 7, 6),
    )
    assert (o.line.row, o.outcome) == (2, "open")


def test_claim_detail_shows_each_line_computation_and_masks_ids_for_the_department(world: World) -> None:
    claim = in_notice(world)
    line = claim.lines.select_related("person").get(row=2)
    page = world.client(world.users["dept_first"]).get(f"/claims/{claim.pk}/").content.decode()
    assert "F02 中级工 2000元/人 × 1 = 2000元（郑技领办〔2021〕6号 三(一)）" in page
    assert mask_id_number(line.person.id_number) in page and line.person.id_number not in page
    # the bureau sees the whole number; the xlsx export carries the same lines
    hr = world.client(world.users["hr_first"])
    assert line.person.id_number in hr.get(f"/claims/{claim.pk}/").content.decode()
    sheet = load_workbook(BytesIO(hr.get(f"/claims/{claim.pk}/?format=xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("序号", "姓名", "身份证号", "补贴事项", "结论", "金额（元）")
    assert rows[1][0] == 2 and rows[1][2] == line.person.id_number and len(rows) == 31


def test_institution_sees_its_claim_in_the_list_with_the_total(world: World) -> None:
    claim = in_notice(world)
    page = world.client(world.users["institution"]).get("/claims/").content.decode()
    assert claim.ref in page and "共 1 笔 · 60,000.00 元" in page
    # the notice period as the documents write it (18), not 07-05—07-07
    assert '<td class="fit">2021年7月5日—7月7日</td>' in page and "07-05" not in page


def test_f04_prepayment_page_gives_the_share_as_the_users_profile_fixes_it(world: World) -> None:
    # Given Zhengzhou under ZZ21 (30%—50%), Xuchang under XC23 (no share) and the province above both
    province = user_create(
        actor=None,
        username="hn_hr",
        password=PASSWORD,
        display_name="省",
        role="hr_admin",
        region=world.henan,
    )
    zz21 = "郑州2021：30%—50%（ZZ21 三(四) 享受30%—50%预拨补贴）"
    xc23 = "许昌2023：本文件未规定预拨比例"
    # When each opens the prepayment list
    pages = {
        who: world.client(user).get("/claims/prepayments/").content.decode()
        for who, user in (
            ("zz", world.users["hr_admin"]),
            ("xc", world.outsiders["hr_admin"]),
            ("hn", province),
        )
    }
    # Then F04 says what its own profile fixes, the province both, and none types a share of its own
    assert f"不予预拨。{zz21}。预计补贴" in pages["zz"] and "许昌2023" not in pages["zz"]
    assert f"不予预拨。{xc23}。预计补贴" in pages["xc"] and "30%" not in pages["xc"]
    assert f"不予预拨。{xc23}；{zz21}。预计补贴" in pages["hn"]


def test_f08_public_notice_publishes_only_the_trainees_to_be_paid_with_deadline_and_basis(
    world: World,
) -> None:
    from jineng.claims.tests.factories import assessed_class

    # Given a claim on notice of a class in which roster rows 3 and 4 failed the exam
    claim = in_notice(world, assessed_class(world, failing_rows=(3, 4)))
    failed = claim.lines.select_related("person").filter(row__in=(3, 4))
    assert claim.headcount == 28 and failed.count() == 2
    # When anyone opens the notice
    page = Client().get(f"/claims/notices/{claim.pk}/").content.decode()
    # Then the two who failed are not published at all, masked or not
    for ln in failed:
        assert mask_id_number(ln.person.id_number) not in page
    assert page.count('<td class="num fit">2,000.00</td>') == 28
    # And the page says until when objections are taken, and on what basis (F08, the profile's words)
    assert "异议受理截止 <b>2021年7月7日</b>" in page
    assert (
        "公示依据（F08）：郑技领办〔2021〕6号 2021年郑州市全民技能振兴工程暨职业技能提升行动工作方案 附件2"
        in page
    )


def test_the_clerk_is_told_when_the_institutions_own_account_differs_from_the_claims(world: World) -> None:
    """Given a draft claim whose 收款账户 came from the class's application form, when the institution's own
    bank details (机构信息) hold another account, then the clerk's claim page says so, masked, and which one
    is paid; when they are the same, nothing is said; a reviewer is not told."""
    from jineng.claims.tests.factories import CLAIMED, assessed_class
    from jineng.orgs.models import Organisation

    claim = services.claim_create(
        actor=world.users["institution"], training_class=assessed_class(world), today=CLAIMED
    )
    clerk = world.client(world.users["institution"])
    Organisation.objects.filter(pk=claim.payee_organisation_id).update(
        bank_name="工商银行郑州分行", bank_account="6222021702001234567"
    )
    page = clerk.get(f"/claims/{claim.pk}/").content.decode()
    masked = mask_bank_account("6222021702001234567")
    assert masked.startswith("6222") and masked.endswith("4567") and "1702" not in masked
    assert f"本机构在机构信息中登记的账户为 工商银行郑州分行 {masked}，与此不同" in page
    assert "拨付以本申领的收款账户为准" in page
    reviewer = world.client(world.users["dept_first"]).get(f"/claims/{claim.pk}/").content.decode()
    assert "本机构在机构信息中登记的账户为" not in reviewer
    Organisation.objects.filter(pk=claim.payee_organisation_id).update(bank_account=claim.bank_account)
    assert "本机构在机构信息中登记的账户为" not in clerk.get(f"/claims/{claim.pk}/").content.decode()
