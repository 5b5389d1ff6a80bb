"""Shared helpers of the catalogue tests."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import load_workbook

from jineng.catalogue.classification import csco22
from jineng.catalogue.importing import HEADERS
from jineng.core.xlsx import workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def level4_codes(n: int) -> list[tuple[str, str]]:
    """n real occupations (code, name) of the 2022 classification."""
    return [(o.code, o.name) for o in csco22()[1][:n]]


def good_rows(n: int = 50) -> list[list[Any]]:
    return [
        [code, name, "", "五级/初级工", "职业技能等级证书", 80, "1500.00"] for code, name in level4_codes(n)
    ]


def xlsx(rows: list[list[Any]], headers: list[str] | None = None) -> bytes:
    return workbook_bytes("目录", HEADERS if headers is None else headers, rows)


def sheet_rows(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(BytesIO(content)).active
    assert sheet is not None
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def body_filed(
    body: Any,
    occupation: Any,
    *,
    region: Any = None,
    valid_from: Any = None,
    valid_to: Any = None,
    kinds: Any = None,
    levels: Any = (1, 2, 3, 4, 5),
    ref: str = "",
) -> Any:
    """I09 for the tests: ``body`` filed (straight through the ORM, no event) for ``occupation`` — by default
    every certificate kind and level, in the whole province (the region at the top of the body's own), from
    2000 on. Once per body, occupation and ref: calling again returns the filing already there."""
    import datetime as dt

    from jineng.catalogue.models import LEVELLED_KINDS, CertificateKind, EvaluationFiling, EvaluationScope
    from jineng.regions.models import Region

    if region is None:
        top = body.region.path.strip("/").split("/")[0]
        region = Region.objects.get(path=f"/{top}/")
    ref = ref or f"TEST-{body.pk}-{occupation.code}"
    filing = EvaluationFiling.objects.filter(ref=ref).first()
    if filing is not None:
        return filing
    start = valid_from or dt.date(2000, 1, 1)
    filing = EvaluationFiling.objects.create(
        organisation=body,
        kind=EvaluationFiling.Kind.CATALOGUE,
        ref=ref,
        region=region,
        filed_on=start,
        valid_from=start,
        valid_to=valid_to,
    )
    lines = []
    for kind in kinds or CertificateKind.values:
        for level in levels if kind in LEVELLED_KINDS else (None,):
            lines.append(
                EvaluationScope(filing=filing, occupation=occupation, certificate_kind=kind, level=level)
            )
    EvaluationScope.objects.bulk_create(lines)
    return filing
