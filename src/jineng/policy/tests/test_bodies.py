"""Who may evaluate what (I08, I09) and E06 at the claim, as pure rules."""

from __future__ import annotations

import datetime as dt

import pytest

from jineng.policy import bodies
from jineng.policy.profiles import get_profile
from jineng.policy.training import ShareAtClaim, check_special_completion_claim

ZZ21, HC21, XC19, XC23 = (get_profile(code, 1) for code in ("ZZ21", "HC21", "XC19", "XC23"))
DAY = dt.date(2021, 7, 3)
COOK = bodies.Wanted(
    occupation_id=7,
    occupation_name="中式烹调师",
    certificate_kind="skill_level",
    level=4,
    region_path="/1/2/3/",
    region_name="金水区",
    day=DAY,
)


def line(
    body_id: int = 1, *, region_path: str = "/1/2/", level: int | None = 4, **kw: object
) -> bodies.FilingLine:
    args: dict[object, object] = {
        "body_id": body_id,
        "body_name": f"鉴定站{body_id}",
        "filing_ref": f"备{body_id}",
        "region_path": region_path,
        "region_name": "郑州市",
        "occupation_id": 7,
        "certificate_kind": "skill_level",
        "level": level,
        "valid_from": dt.date(2020, 1, 1),
        "valid_to": None,
    }
    args.update(kw)
    return bodies.FilingLine(**args)  # type: ignore[arg-type]


def test_i09_offered_only_in_scope_in_force_and_in_region() -> None:
    lines = [
        line(1),
        line(2, level=3),
        line(3, valid_from=dt.date(2021, 7, 4)),
        line(4, valid_to=DAY),
        line(5, region_path="/1/9/"),
        line(6, occupation_id=8),
    ]
    assert bodies.bodies_offered(COOK, lines) == {1}
    # I08: a body the bureau arranged is offered outside its region, never outside its scope or dates
    assert bodies.bodies_offered(COOK, lines, arranged={5, 2, 4}) == {1, 5}
    assert bodies.local_bodies(COOK, lines) == {1}


@pytest.mark.parametrize("profile", [ZZ21, HC21, XC19, XC23], ids=lambda p: p.code)
def test_i09_every_profile_quotes_its_own_clause(profile: object) -> None:
    v = bodies.check_body(profile, COOK, body_id=9, body_name="某污水处理公司", lines=[])  # type: ignore[arg-type]
    assert v is not None and (v.rule, v.clause, v.field) == ("I09", profile.rule_clause("I09"), "考核机构")  # type: ignore[attr-defined]


def test_i09_the_region_miss_names_i08_and_an_arrangement_lifts_it() -> None:
    far = [line(5, region_path="/1/9/")]
    v = bodies.check_body(XC23, COOK, body_id=5, body_name="鉴定站5", lines=far)
    assert v is not None and "规则 I08" in v.message
    assert bodies.check_body(XC23, COOK, body_id=5, body_name="鉴定站5", lines=far, arranged=True) is None


def test_e06_at_the_claim_exactly_at_the_share_passes_one_more_is_refused() -> None:
    at = ShareAtClaim("某学校", 2023, total=100, claimed=7, adding=3)
    assert check_special_completion_claim(XC23, at) is None
    over = ShareAtClaim("某学校", 2023, total=100, claimed=8, adding=3)
    v = check_special_completion_claim(XC23, over)
    assert v is not None and v.message == (
        "某学校2023年取得证书共 100 本，专项职业能力证书和培训合格证书已申领 8 本，本次申领 3 本，"
        "合计 11 本，占 11%，超过 10%（至多 10 本）"
    )
    # a claim adding none of these certificates is never refused; a profile without the share checks nothing
    assert check_special_completion_claim(XC23, ShareAtClaim("某学校", 2023, 100, 50, 0)) is None
    for profile in (ZZ21, HC21, XC19):
        assert check_special_completion_claim(profile, over) is None
