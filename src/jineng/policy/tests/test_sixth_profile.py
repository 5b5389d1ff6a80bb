"""A sixth document is one profile file: registered as the bench registers its bench-only profile, it is
assigned to a region and the application quotes its clauses without a code change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from jineng.catalogue.services import institution_occupation_set
from jineng.catalogue.tests.scope_cases import WELDER, occupation
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.policy.profiles import PROFILE_DIR, Profile, ProfileError, all_profiles, load_profile_file
from jineng.regions.services import profile_assign

DAY = dt.date(2026, 5, 4)
SIXTH_A11 = "XC26 三(二) 纳入目录清单的培训机构，职业变更自变更之日起生效（测试用第六份文件）"


def _sixth_text(a11: str = SIXTH_A11) -> str:
    text = (PROFILE_DIR / "XC23" / "v1.toml").read_text(encoding="utf-8")
    text = text.replace('code = "XC23"', 'code = "XC26"').replace("years = [2023]", "years = [2026]")
    old = next(line for line in text.splitlines() if line.startswith("A11 = "))
    return text.replace(old, f'A11 = "{a11}"')


@pytest.fixture
def sixth(tmp_path: Path) -> Iterator[Profile]:
    path = tmp_path / "XC26" / "v1.toml"
    path.parent.mkdir()
    path.write_text(_sixth_text(), encoding="utf-8")
    profile = load_profile_file(path)
    all_profiles()[(profile.code, profile.version)] = profile  # as bench/roster_import.py registers BENCH
    yield profile
    del all_profiles()[(profile.code, profile.version)]


def _backdated_listing(world: World) -> Refusal:
    with pytest.raises(Refusal) as caught:
        institution_occupation_set(
            actor=None,
            organisation=world.xc_school,
            occupation=occupation(WELDER),
            valid_from=DAY - dt.timedelta(days=1),
            today=DAY,
        )
    return caught.value


@pytest.mark.django_db
def test_a_sixth_profile_file_is_quoted_once_assigned(world: World, sixth: Profile) -> None:
    # Given 许昌 under XC23 (2023): a backdated listing in 2026 quotes XC23's A11, the latest in force
    before = _backdated_listing(world)
    assert (before.rule, before.clause) == (
        "A11",
        "HC21 三(二)；XC23 三(二) 目录清单，职业变更自变更之日起生效",
    )
    # When the sixth document's profile (a file outside the repo, no code change) is assigned for 2026
    profile_assign(actor=None, region=world.xuchang, year=2026, profile_code=sixth.code)
    # Then the same refusal quotes the sixth document's clause
    after = _backdated_listing(world)
    assert (after.rule, after.clause) == ("A11", SIXTH_A11)


def test_a_sixth_profile_must_give_every_cited_rule_its_clause(tmp_path: Path) -> None:
    path = tmp_path / "v1.toml"
    text = _sixth_text()
    path.write_text("\n".join(line for line in text.splitlines() if not line.startswith("A10 = ")), "utf-8")
    with pytest.raises(ProfileError) as missing:
        load_profile_file(path)
    assert missing.value.problems == ["[clauses] 缺少规则 A10（补贴性培训进系统、系统之外零补贴）的条款出处"]
    path.write_text(text + 'Z99 = "不存在的规则"\n', "utf-8")
    with pytest.raises(ProfileError) as unknown:
        load_profile_file(path)
    assert unknown.value.problems == ["[clauses] 中的 Z99 不是规则编号（见 RULES.md）"]
