"""The demo's evaluation-body filings (I09): the evaluation station the demo's classes are assessed by,
filed province-wide for the occupations and levels they assess; and the enterprises of ZZHS21 表3 filed
for 职业技能等级认定 of their own trades (an invented scope, marked as the demo's). Through the catalogue's
services, so each is an audited filing and the recognition mark follows from it."""

from __future__ import annotations

import datetime as dt

from jineng.catalogue.models import CertificateKind, EvaluationFiling, Occupation
from jineng.catalogue.services import ScopeLine, evaluation_filing_record
from jineng.demo import data
from jineng.demo.classes import CLASSES, EVALUATION_BODY
from jineng.demo.standards import PRICED
from jineng.orgs.models import Organisation
from jineng.regions.models import Region

STATION_FILED = dt.date(2019, 6, 3)
RECOGNITION_FILED = dt.date(2021, 3, 1)
# Occupations of the demo's evaluation subsidies and programmes, besides its classes'.
EXTRA_OCCUPATIONS = ("6-31-01-03", "6-18-02-04")


def _occupations(codes: set[str]) -> list[Occupation]:
    return list(Occupation.objects.filter(code__in=codes).order_by("code"))


def demo_filings_load() -> int:
    """Files the demo's evaluation station and recognition enterprises; the number of filings made."""
    henan = Region.objects.get(name="河南省")
    zhengzhou = Region.objects.get(name="郑州市")
    station = Organisation.objects.get(name=EVALUATION_BODY)
    codes = {c.occupation for c in CLASSES} | {p.occupation for p in PRICED} | set(EXTRA_OCCUPATIONS)
    evaluation_filing_record(
        actor=None,
        organisation=station,
        kind=EvaluationFiling.Kind.CATALOGUE,
        ref="豫人社评备〔2019〕018号（演示）",
        region=henan,
        filed_on=STATION_FILED,
        scope=[
            ScopeLine(occ, CertificateKind.SKILL_LEVEL, level)
            for occ in _occupations(codes)
            for level in (5, 4, 3, 2, 1)
        ],
        today=STATION_FILED,
    )
    made = 1
    for n, (name, trades) in enumerate(data.ZZ_RECOGNITION_SCOPES.items(), start=1):
        evaluation_filing_record(
            actor=None,
            organisation=Organisation.objects.get(name=name),
            kind=EvaluationFiling.Kind.RECOGNITION,
            ref=f"郑人社认备〔2021〕{n:03d}号（演示）",
            region=zhengzhou,
            filed_on=RECOGNITION_FILED + dt.timedelta(days=7 * (n - 1)),
            scope=[
                ScopeLine(occ, CertificateKind.SKILL_LEVEL, level)
                for occ in _occupations(set(trades))
                for level in (5, 4, 3)
            ],
            today=RECOGNITION_FILED + dt.timedelta(days=7 * (n - 1)),
        )
        made += 1
    return made
