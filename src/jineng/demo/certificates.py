"""The demo's certificates beyond its classes (issue 16): the evaluation station's 以赛代评 certificates for a
technician of a ZZHS21 表3 enterprise and its appraisals for a 表4 enterprise's staff, through the register's
service (I09 in scope, holders registered from their ID numbers), so that those units' high-skilled
figures come from the register; and the bureau's sign-offs on an assessed Zhengzhou class (C01)."""

from __future__ import annotations

import datetime as dt

from jineng.accounts.models import User
from jineng.certificates.services import CertificateRow, certificates_register
from jineng.orgs.models import Organisation
from jineng.policy.identity import make_id_number
from jineng.regions.models import Region
from jineng.signoffs.services import signoff_record
from jineng.training.models import ClassState, TrainingClass

# (unit, route, level, name, sequence, issued) — 电工 skill-level certificates; invented people.
CERTIFICATES = [
    ("郑州宇通集团有限公司", "competition", 2, "韩立新", 301, dt.date(2021, 9, 15)),
    ("郑州宇通集团有限公司", "competition", 3, "邵文博", 302, dt.date(2021, 9, 15)),
    ("恒天重工股份有限公司", "appraisal", 3, "贺思源", 303, dt.date(2021, 10, 20)),
    ("恒天重工股份有限公司", "appraisal", 3, "武佳怡", 304, dt.date(2021, 10, 20)),
]
OCCUPATION = "6-31-01-03"


def demo_certificates_load(evaluator: User) -> int:
    rows = [
        CertificateRow(
            id_number=make_id_number("410105", dt.date(1988, 1 + seq % 12, 1 + seq % 28), seq),
            name=name,
            kind="skill_level",
            number=f"Y000041010{seq:06d}",
            occupation_code=OCCUPATION,
            level=level,
            issued_on=issued,
            route=route,
            unit_credit_code=Organisation.objects.get(name=unit).credit_code,
        )
        for unit, route, level, name, seq, issued in CERTIFICATES
    ]
    report = certificates_register(actor=evaluator, rows=rows, today=dt.date(2021, 12, 31))
    zhengzhou = Region.objects.get(name="郑州市")
    tc = (
        TrainingClass.objects.filter(
            region__path__startswith=zhengzhou.path, state=ClassState.ASSESSED, year=2021
        )
        .order_by("pk")
        .first()
    )
    if tc is not None:
        signoff_record(
            actor=User.objects.get(username="zz_hr1"),
            training_class=tc,
            kind="supervision_opinion",
            opinion="开班当日及培训期间检查情况属实，同意结业考核。",
        )
        signoff_record(
            actor=User.objects.get(username="zz_dc"),
            training_class=tc,
            kind="exam_patrol",
            opinion="考场秩序良好，考生身份与名册一致。",
        )
    return report.registered
