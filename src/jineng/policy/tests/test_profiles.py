"""Policy profiles: the shipped numbers, and the refusals of a broken profile file."""

from __future__ import annotations

import copy
import datetime as dt
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jineng.policy.profiles import (
    PROFILE_DIR,
    SCHEMA,
    SPECS,
    ParameterNotSet,
    Profile,
    ProfileError,
    all_profiles,
    get_profile,
    load_profile_file,
    parse_profile,
)

HYP = settings(database=None, deadline=None, max_examples=60)
SHIPPED = ("ZZ21", "HC21", "XC19", "XC23")


def raw_profile(code: str) -> dict[str, Any]:
    """A fresh, mutable copy of a shipped profile's parsed TOML."""
    text = (PROFILE_DIR / code / "v1.toml").read_text(encoding="utf-8")
    return copy.deepcopy(tomllib.loads(text))


# --- the shipped profiles ---------------------------------------------------------------------------


def test_all_four_shipped_profiles_load() -> None:
    # Given the profile files in the repository / When they are loaded
    profiles = all_profiles()
    # Then exactly the four documents are there, each as version 1
    assert sorted(profiles) == [("HC21", 1), ("XC19", 1), ("XC23", 1), ("ZZ21", 1)]
    for code in SHIPPED:
        profile = get_profile(code)
        assert isinstance(profile, Profile)
        assert profile.key == f"{code}@v1"
        assert profile.source_file.endswith(".txt")


@pytest.mark.parametrize(
    ("code", "jurisdiction", "region_code", "years"),
    [
        ("ZZ21", "郑州市", "410100", (2021,)),
        ("HC21", "潢川县", "411526", (2021,)),
        ("XC19", "许昌市", "411000", (2019, 2020, 2021)),
        ("XC23", "许昌市", "411000", (2023,)),
    ],
)
def test_profile_headers(code: str, jurisdiction: str, region_code: str, years: tuple[int, ...]) -> None:
    profile = get_profile(code, 1)
    assert (profile.jurisdiction, profile.region_code, profile.years) == (jurisdiction, region_code, years)


@pytest.mark.parametrize("code", SHIPPED)
def test_every_schema_parameter_is_in_every_profile_with_the_schema_rule(code: str) -> None:
    # Given a shipped profile / Then it has exactly the parameters of SCHEMA, each under the schema's rule ID
    profile = get_profile(code)
    assert set(profile.params) == {spec.name for spec in SCHEMA}
    for spec in SCHEMA:
        param = profile.param(spec.name)
        assert param.spec is SPECS[spec.name]
        assert param.rule == spec.rule
        # A set value always names its clause; a not-set one always says why
        if param.is_set:
            assert param.clause.strip()
        else:
            assert param.note.strip()


@pytest.mark.parametrize(("code", "share"), [("ZZ21", "0.65"), ("HC21", "0.65"), ("XC23", "0.60")])
def test_a05_min_practical_share(code: str, share: str) -> None:
    value = get_profile(code).value("min_practical_share")
    assert type(value) is Decimal
    assert value == Decimal(share)
    assert get_profile(code).param("min_practical_share").rule == "A05"


def test_a05_min_practical_share_is_not_set_in_xc19() -> None:
    with pytest.raises(ParameterNotSet) as excinfo:
        get_profile("XC19").value("min_practical_share")
    assert "A05" in str(excinfo.value)


@pytest.mark.parametrize(("code", "days"), [("ZZ21", 3), ("HC21", 3), ("XC23", 5)])
def test_f08_public_notice_working_days(code: str, days: int) -> None:
    assert get_profile(code).value("public_notice_working_days") == days


@pytest.mark.parametrize(("code", "days"), [("ZZ21", 15), ("HC21", 10), ("XC23", 10)])
def test_f07_dept_review_working_days(code: str, days: int) -> None:
    assert get_profile(code).value("dept_review_working_days") == days


@pytest.mark.parametrize(
    ("name", "amount"),
    [
        ("subsidy_completion", "1000"),
        ("subsidy_junior", "1500"),
        ("subsidy_intermediate", "2000"),
        ("subsidy_senior", "2500"),
        ("subsidy_offjob_completion", "1200"),
    ],
)
def test_f02_zz21_subsidy_amounts_are_decimals(name: str, amount: str) -> None:
    value = get_profile("ZZ21").value(name)
    assert type(value) is Decimal
    assert value == Decimal(amount)


def test_f01_zz21_new_hire_subsidy_600() -> None:
    assert get_profile("ZZ21").value("subsidy_new_hire") == Decimal("600")


def test_f03_xc19_yigong_200_per_month_for_at_most_6_months() -> None:
    xc19 = get_profile("XC19")
    assert xc19.value("subsidy_yigong_monthly") == Decimal("200")
    assert type(xc19.value("subsidy_yigong_monthly")) is Decimal
    assert xc19.value("yigong_max_months") == 6


def test_f04_prepay_shares() -> None:
    zz21, xc19 = get_profile("ZZ21"), get_profile("XC19")
    assert (zz21.value("prepay_share_min"), zz21.value("prepay_share_max")) == (
        Decimal("0.30"),
        Decimal("0.50"),
    )
    assert (xc19.value("prepay_share_min"), xc19.value("prepay_share_max")) == (
        Decimal("0.50"),
        Decimal("0.50"),
    )


@pytest.mark.parametrize(("code", "required"), [("ZZ21", False), ("HC21", False), ("XC23", True)])
def test_f10_finance_review_required_only_in_xc23(code: str, required: bool) -> None:
    assert get_profile(code).value("finance_review_required") is required


def test_f10_finance_review_not_set_in_the_document_is_a_local_setting_in_xc19() -> None:
    param = get_profile("XC19").param("finance_review_required")
    assert (param.value, param.clause) == (True, "本地补充规定（文件未规定审核环节）")
    assert "本市2023年方案" in param.note


def test_f11_zz21_weekly_cycle_wednesday_to_friday() -> None:
    zz21 = get_profile("ZZ21")
    assert zz21.value("disbursement_cycle") == "weekly"
    assert zz21.value("weekly_cycle_weekdays") == [3, 4, 5]
    assert get_profile("XC23").value("disbursement_cycle") == "monthly"


def test_a12_xc23_audit_findings_since_is_a_date() -> None:
    assert get_profile("XC23").value("audit_findings_since") == dt.date(2022, 1, 1)


def test_c09_satisfaction_effect_differs_by_document() -> None:
    assert get_profile("ZZ21").value("satisfaction_effect") == "stop_opening"
    assert get_profile("XC23").value("satisfaction_effect") == "suspend_assessment"
    assert get_profile("ZZ21").value("satisfaction_min") == Decimal("0.85")


# --- reading a parameter ---------------------------------------------------------------------------


def test_b02_value_of_a_not_set_parameter_raises_parameter_not_set() -> None:
    # Given ZZ21, which does not fix the number of subsidised trainings per year (B02)
    zz21 = get_profile("ZZ21")
    # When the value is asked for / Then it is refused, never assumed to be zero
    with pytest.raises(ParameterNotSet) as excinfo:
        zz21.value("max_subsidised_trainings_per_year")
    message = str(excinfo.value)
    assert message.startswith("本政策口径未规定")
    assert "规则 B02" in message
    assert "ZZ21" in message
    assert "每人每年享受补贴性培训次数上限" in message
    assert "本文件未规定每人每年补贴次数" in message  # the profile's own reason
    assert excinfo.value.param.rule == "B02"
    assert isinstance(excinfo.value, LookupError)


def test_get_returns_default_for_not_set_and_value_for_set() -> None:
    zz21 = get_profile("ZZ21")
    assert zz21.get("max_subsidised_trainings_per_year") is None
    assert zz21.get("max_subsidised_trainings_per_year", 3) == 3
    assert zz21.get("max_class_size", 999) == 80
    # A set False is a value, not "missing"
    assert zz21.get("finance_review_required", True) is False


def test_display_and_cite() -> None:
    zz21, xc23 = get_profile("ZZ21"), get_profile("XC23")
    assert zz21.param("min_practical_share").display() == "65%"
    assert xc23.param("min_practical_share").display() == "60%"
    assert zz21.param("public_notice_working_days").display() == "3"
    assert zz21.param("pledge_required").display() == "是"
    assert zz21.param("finance_review_required").display() == "否"
    assert zz21.param("wrong_payment_report_periods").display() == "每周、每月"
    assert zz21.param("max_subsidised_trainings_per_year").display() == "未规定"
    assert zz21.param("disbursement_cycle").display().startswith("每周")
    assert zz21.cite("min_practical_share") == "ZZ21 六(二)1 实操培训不少于总课时的65%"


def test_by_rule_groups_parameters_in_schema_order() -> None:
    groups = dict(get_profile("XC23").by_rule())
    assert [p.spec.name for p in groups["A09"]] == [
        "apprentice_same_enterprise_occupation_max",
        "apprentice_yearly_max_degree_school",
        "apprentice_yearly_max_other",
    ]
    assert [p.value for p in groups["A09"]] == [200, 1000, 400]
    assert next(iter(groups)) == "A01"
    assert sum(len(params) for params in groups.values()) == len(SCHEMA)


def test_get_profile_unknown_code_or_version() -> None:
    with pytest.raises(KeyError, match="没有代码为 ZZ99 的政策档案"):
        get_profile("ZZ99")
    with pytest.raises(KeyError, match="没有政策档案 ZZ21 v9"):
        get_profile("ZZ21", 9)


# --- refusing a broken profile ---------------------------------------------------------------------


@pytest.mark.parametrize("code", SHIPPED)
def test_parse_profile_accepts_an_unchanged_copy(code: str) -> None:
    profile = parse_profile(raw_profile(code), f"{code}/v1.toml")
    assert profile == get_profile(code)


def test_a05_missing_parameter_refused() -> None:
    # Given ZZ21 with min_practical_share (A05) removed
    data = raw_profile("ZZ21")
    del data["params"]["min_practical_share"]
    # When parsed / Then it is refused, naming the parameter and saying it is missing
    with pytest.raises(ProfileError) as excinfo:
        parse_profile(data, "test.toml")
    assert len(excinfo.value.problems) == 1
    problem = excinfo.value.problems[0]
    assert "min_practical_share" in problem
    assert "缺少" in problem
    assert "A05" in problem
    assert excinfo.value.source == "test.toml"
    assert str(excinfo.value).startswith("政策档案 test.toml 不可用")


def test_a05_decimal_written_as_float_refused() -> None:
    data = raw_profile("ZZ21")
    data["params"]["min_practical_share"]["value"] = 0.65
    with pytest.raises(ProfileError) as excinfo:
        parse_profile(data, "test.toml")
    [problem] = excinfo.value.problems
    assert "min_practical_share" in problem
    assert "类型错误" in problem
    assert "float" in problem


def test_a03_int_written_as_string_refused() -> None:
    data = raw_profile("ZZ21")
    data["params"]["max_class_size"]["value"] = "80"
    with pytest.raises(ProfileError) as excinfo:
        parse_profile(data, "test.toml")
    [problem] = excinfo.value.problems
    assert "max_class_size" in problem
    assert "类型错误" in problem
    assert "应为整数" in problem


def test_a03_int_written_as_bool_refused() -> None:
    data = raw_profile("ZZ21")
    data["params"]["max_class_size"]["value"] = True
    with pytest.raises(ProfileError) as excinfo:
        parse_profile(data, "test.toml")
    assert "max_class_size" in excinfo.value.problems[0]


def test_a01_wrong_rule_id_refused() -> None:
    data = raw_profile("ZZ21")
    data["params"]["max_trainees_per_teacher"]["rule"] = "A02"
    with pytest.raises(ProfileError) as excinfo:
        parse_profile(data, "test.toml")
    [problem] = excinfo.value.problems
    assert "max_trainees_per_teacher" in problem
    assert "规则编号应为 A01" in problem
    assert "'A02'" in problem


def test_unknown_parameter_refused() -> None:
    data = raw_profile("ZZ21")
    data["params"]["max_clas_size"] = {"rule": "A03", "value": 80, "clause": "六(二)1"}
    with pytest.raises(ProfileError) as excinfo:
        parse_profile(data, "test.toml")
    [problem] = excinfo.value.problems
    assert "未知参数 max_clas_size" in problem


def test_f08_both_value_and_not_set_refused() -> None:
    data = raw_profile("ZZ21")
    data["params"]["public_notice_working_days"]["not_set"] = "也未规定"
    with pytest.raises(ProfileError) as excinfo:
        parse_profile(data, "test.toml")
    [problem] = excinfo.value.problems
    assert "public_notice_working_days" in problem
    assert "须且只须写 value 与 not_set 之一" in problem


def test_f08_neither_value_nor_not_set_refused() -> None:
    data = raw_profile("ZZ21")
    del data["params"]["public_notice_working_days"]["value"]
    with pytest.raises(ProfileError) as excinfo:
        parse_profile(data, "test.toml")
    assert "须且只须写 value 与 not_set 之一" in excinfo.value.problems[0]


def test_value_without_clause_refused() -> None:
    data = raw_profile("ZZ21")
    data["params"]["max_class_size"]["clause"] = "  "
    with pytest.raises(ProfileError) as excinfo:
        parse_profile(data, "test.toml")
    [problem] = excinfo.value.problems
    assert "max_class_size" in problem
    assert "clause" in problem


def test_not_set_without_reason_refused() -> None:
    data = raw_profile("ZZ21")
    data["params"]["max_subsidised_trainings_per_year"]["not_set"] = " "
    with pytest.raises(ProfileError) as excinfo:
        parse_profile(data, "test.toml")
    assert "not_set 应写明未规定的原因" in excinfo.value.problems[0]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("min_practical_share", "1.5", "比例应在 0 到 1 之间"),  # a share above 100%
        ("min_practical_share", "abc", "不是合法的数字"),
        ("subsidy_completion", "-1000", "非负有限数"),
        ("subsidy_completion", "NaN", "非负有限数"),
        ("max_class_size", -80, "不得为负数"),
        ("pledge_required", "true", "应为 true/false"),
        ("satisfaction_effect", "close_down", "应为 stop_opening / suspend_assessment 之一"),
        ("weekly_cycle_weekdays", [3, "4", 5], "应为整数列表"),
        ("fund_sources", ["就业补助资金", "  "], "应为非空字符串的列表"),
        ("online_assessment_months", "4,8,12", "应为整数列表"),
    ],
)
def test_badly_typed_value_refused(name: str, value: Any, expected: str) -> None:
    data = raw_profile("ZZ21")
    data["params"][name]["value"] = value
    with pytest.raises(ProfileError) as excinfo:
        parse_profile(data, "test.toml")
    [problem] = excinfo.value.problems
    assert name in problem
    assert "类型错误" in problem
    assert expected in problem


def test_a12_date_written_as_string_refused() -> None:
    data = raw_profile("XC23")
    data["params"]["audit_findings_since"]["value"] = "2022-01-01"
    with pytest.raises(ProfileError) as excinfo:
        parse_profile(data, "test.toml")
    assert "audit_findings_since" in excinfo.value.problems[0]
    assert "应为日期" in excinfo.value.problems[0]


def test_header_problems_are_reported() -> None:
    data = raw_profile("ZZ21")
    del data["code"]
    data["version"] = "1"
    data["years"] = [2021, "2022"]
    with pytest.raises(ProfileError) as excinfo:
        parse_profile(data, "test.toml")
    problems = excinfo.value.problems
    assert "缺少档案字段 code" in problems
    assert any(p.startswith("档案字段 version 类型错误") for p in problems)
    assert any(p.startswith("档案字段 years 应为整数列表") for p in problems)
    assert len(problems) == 3


def test_missing_params_table_reports_every_parameter() -> None:
    data = raw_profile("ZZ21")
    del data["params"]
    with pytest.raises(ProfileError) as excinfo:
        parse_profile(data, "test.toml")
    problems = excinfo.value.problems
    assert problems[0] == "缺少 [params] 表"
    assert len(problems) == 1 + len(SCHEMA)


def test_all_problems_are_listed_at_once() -> None:
    # Given three independently broken parameters
    data = raw_profile("HC21")
    del data["params"]["max_class_size"]  # missing (A03)
    data["params"]["min_practical_share"]["value"] = 0.65  # float (A05)
    data["params"]["public_notice_working_days"]["rule"] = "F07"  # wrong rule (F08)
    # When parsed / Then one ProfileError names all three, in schema order
    with pytest.raises(ProfileError) as excinfo:
        parse_profile(data, "test.toml")
    problems = excinfo.value.problems
    assert len(problems) == 3
    assert "max_class_size" in problems[0] and "缺少" in problems[0]
    assert "min_practical_share" in problems[1] and "类型错误" in problems[1]
    assert "public_notice_working_days" in problems[2] and "规则编号应为 F08" in problems[2]
    # And the message shows each problem on its own line
    assert str(excinfo.value).count("\n- ") == 3


@HYP
@given(
    code=st.sampled_from(SHIPPED),
    removed=st.sets(st.sampled_from([spec.name for spec in SCHEMA]), min_size=1, max_size=12),
)
def test_every_removed_parameter_is_one_problem(code: str, removed: set[str]) -> None:
    data = raw_profile(code)
    for name in removed:
        del data["params"][name]
    with pytest.raises(ProfileError) as excinfo:
        parse_profile(data, "test.toml")
    problems = excinfo.value.problems
    assert len(problems) == len(removed)
    for name in removed:
        assert sum(f"参数 {name}（" in p and "缺少" in p for p in problems) == 1


@HYP
@given(share=st.decimals(min_value=0, max_value=1, places=2, allow_nan=False, allow_infinity=False))
def test_a05_any_share_string_between_0_and_1_is_read_exactly(share: Decimal) -> None:
    data = raw_profile("XC23")
    data["params"]["min_practical_share"]["value"] = str(share)
    profile = parse_profile(data, "test.toml")
    assert profile.value("min_practical_share") == share
    assert type(profile.value("min_practical_share")) is Decimal


@HYP
@given(share=st.floats(min_value=0, max_value=1, allow_nan=False))
def test_a05_any_float_share_is_refused(share: float) -> None:
    data = raw_profile("XC23")
    data["params"]["min_practical_share"]["value"] = share
    with pytest.raises(ProfileError) as excinfo:
        parse_profile(data, "test.toml")
    assert "类型错误" in excinfo.value.problems[0]


# --- files -----------------------------------------------------------------------------------------


def test_load_profile_file_invalid_toml(tmp_path: Path) -> None:
    path = tmp_path / "v1.toml"
    path.write_text('code = "ZZ21"\nversion = \n', encoding="utf-8")
    with pytest.raises(ProfileError) as excinfo:
        load_profile_file(path)
    [problem] = excinfo.value.problems
    assert problem.startswith("TOML 格式错误")
    assert excinfo.value.source == str(path)


def test_load_profile_file_outside_the_repo_reads_a_valid_copy(tmp_path: Path) -> None:
    path = tmp_path / "anything.toml"
    path.write_text((PROFILE_DIR / "XC23" / "v1.toml").read_text(encoding="utf-8"), encoding="utf-8")
    profile = load_profile_file(path)
    assert profile.key == "XC23@v1"
    assert profile.value("public_notice_working_days") == 5


def test_load_profile_file_passes_on_parse_problems(tmp_path: Path) -> None:
    path = tmp_path / "v1.toml"
    text = (PROFILE_DIR / "ZZ21" / "v1.toml").read_text(encoding="utf-8")
    path.write_text(text.replace('value = "0.65"', "value = 0.65"), encoding="utf-8")
    with pytest.raises(ProfileError) as excinfo:
        load_profile_file(path)
    [problem] = excinfo.value.problems
    assert "min_practical_share" in problem and "类型错误" in problem


@pytest.mark.parametrize(
    ("region_code", "year", "expected"),
    [("410100", 2021, "ZZ21"), ("411526", 2021, "HC21"), ("411000", 2020, "XC19"), ("411000", 2023, "XC23")],
)
def test_the_profile_written_for_a_jurisdiction_and_year(region_code: str, year: int, expected: str) -> None:
    from jineng.policy.profiles import profile_written_for

    assert profile_written_for(region_code, year).code == expected


def test_no_profile_written_for_a_year_is_said_not_guessed() -> None:
    from jineng.policy.profiles import profile_written_for

    with pytest.raises(LookupError, match="2026 年为区域 410100 制定的政策档案有 0 份"):
        profile_written_for("410100", 2026)
