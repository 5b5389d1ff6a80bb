"""评价补贴: the subsidy for a skill evaluation, priced per certificate. Pure rules, whole batches.

What the documents say, and how this module reads them:

* XC23 三(三) names training and evaluation subsidies side by side ("就业补助资金用于培训和评价补贴的比例不得
  低于年内资金总额的 15%", F15), and its 附件3, the 政府补贴培训评价资金申请表, names 企业、培训机构、评价机构、
  个人 as the applicants ("评价机构、个人申请的，将培训机构栏目改为个人"). It fixes no amount.
* XC19 三(二): "补贴标准均按照省就业补助资金补贴标准执行"; "市县可采取公开招投标等方式购买培训服务和评价服务".
  No amount either.
* ZZ21 六(二)3 and HC21 21(3) only require trainees to sit for 鉴定评价或考核; their subsidies (ZZ21 三(一))
  are training subsidies. Neither names an evaluation subsidy.

So a profile says, in ``evaluation_by_province_standard`` (F02), whether an evaluation is paid and by what:
on (XC19, XC23), each certificate is priced by the province standard's item of subsidy type "evaluation"
(评价补贴) for its occupation (and 工种), certificate kind and level, in force on the certificate's issue
date — the day the evaluation was done and certified; not set (ZZ21, HC21), every certificate is refused
with the profile's own reason, "本政策口径未规定…", never paid as zero.

Which certificates an evaluation subsidy may pay (E02): those of a skill evaluation — 职业资格鉴定,
职业技能等级认定, 特种作业 / 特种设备考核, 专项职业能力考核 (XC23 附件3 counts them apart as 鉴定、评定、考核、
考核认定). A 培训合格证书 is the training's own completion exam (合格证书结业考核), not an evaluation: refused.

One certificate, one subsidy (interpretation, F02). Every document prices a training subsidy by the
certificate obtained: ZZ21 三(一) "经考核取得…证书的，分别按照…标准给予技能提升补贴", and the province table's
training items are keyed by certificate kind and level — the certificate is what the training line pays
for. No document grants a second subsidy for the same certificate, and 附件3 is one form with one
"申请补贴人数" per person. Hence: when the certificate holder's line in the class that led to the
certificate is held by a live claim and payable, the certificate's evaluation subsidy is refused, naming
that claim; the evaluation programme pays certificates whose training was not subsidised (a trainee
who paid his own training, a class whose training line was refused or never claimed). Each certificate's
evaluation line is held once, whoever applies (line key ``evaluation:<certificate>``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from jineng.policy.profiles import Profile
from jineng.policy.standards import LEVELLED_KINDS, StandardItem, describe
from jineng.policy.subsidy import yuan
from jineng.policy.training import CERTIFICATE_KINDS, COMPLETION, LEVEL_LABELS
from jineng.policy.violations import Violation

PARAM = "evaluation_by_province_standard"
SUBSIDY_TYPE = "evaluation"
RULE = "F02"
SUBSIDY_LABEL = "评价补贴"
ZERO = Decimal("0.00")


KEY_PREFIX = "evaluation:"


def line_key(certificate_id: int) -> str:
    """The key that holds a certificate's evaluation line once among live claims, whoever applies."""
    return f"{KEY_PREFIX}{certificate_id}"


@dataclass(frozen=True, slots=True, kw_only=True)
class CertificateFacts:
    """One certificate as the pricing sees it, with the standards items that may price it (the most local
    region's first) and what already pays for it."""

    certificate_id: int
    number: str
    kind: str  # CERTIFICATE_KINDS code
    level: int | None
    issued_on: dt.date
    occupation_code: str
    occupation_name: str
    trade: str = ""
    standards: tuple[StandardItem, ...] = ()
    standards_region: str = ""  # "河南省": the table named when no item is found
    # The reference of the live claim whose payable training line is this certificate holder's in the
    # class that led to the certificate; "" when none.
    training_claim: str = ""

    @property
    def what(self) -> str:
        """ "职业技能等级证书（四级/中级工） Z00010002"."""
        kind = CERTIFICATE_KINDS.get(self.kind, self.kind)
        if self.kind in LEVELLED_KINDS and self.level is not None:
            kind = f"{kind}（{LEVEL_LABELS[self.level]}）"
        return f"{kind} {self.number}"


@dataclass(frozen=True, slots=True)
class EvaluationLine:
    """A certificate's evaluation subsidy as judged: an amount citing its item, or the reasons it is not
    paid (amount zero, never a silent zero: ``reasons`` says why)."""

    certificate_id: int
    key: str
    label: str
    amount: Decimal
    rule_ids: tuple[str, ...]
    computation: str
    reasons: tuple[Violation, ...] = ()

    @property
    def payable(self) -> bool:
        return not self.reasons


def _document(profile: Profile) -> str:
    return f"{profile.code} 《{profile.document}》"


def _doc_number(profile: Profile) -> str:
    return profile.document.split()[0]


def _source(profile: Profile) -> str:
    """Document number and the switch's clause number: "许技领办〔2023〕1号 三(三)"."""
    clause = profile.param(PARAM).clause.split()
    return f"{_doc_number(profile)} {clause[0]}" if clause else _doc_number(profile)


def not_priced(profile: Profile) -> Violation | None:
    """Why the profile pays no evaluation subsidy at all, or None when it prices them."""
    param = profile.param(PARAM)
    if not param.is_set:
        return Violation(
            RULE,
            _document(profile),
            f"本政策口径未规定“{param.spec.label}”：{param.note}",
            field="补贴类别",
            value=SUBSIDY_LABEL,
        )
    if not param.value:
        return Violation(
            RULE,
            profile.cite(PARAM),
            "本政策口径不按省补贴标准目录支付评价补贴",
            field="补贴类别",
            value=SUBSIDY_LABEL,
        )
    return None


def find(c: CertificateFacts) -> StandardItem | None:
    """The evaluation item for the certificate in force on its issue date: the 工种's line, else the
    occupation's own; ``c.standards`` is ordered most local region first."""
    level = c.level if c.kind in LEVELLED_KINDS else None
    candidates = [
        s
        for s in c.standards
        if s.subsidy_type == SUBSIDY_TYPE
        and s.occupation_code == c.occupation_code
        and s.certificate_kind == c.kind
        and s.level == level
        and s.in_force(c.issued_on)
    ]
    for wanted in dict.fromkeys((c.trade, "")):
        for s in candidates:
            if s.trade == wanted:
                return s
    return None


def _refused(c: CertificateFacts, reason: Violation) -> EvaluationLine:
    return EvaluationLine(
        c.certificate_id,
        line_key(c.certificate_id),
        c.number,
        ZERO,
        (reason.rule,),
        f"不予补贴：{reason.message}",
        (reason,),
    )


def price(profile: Profile, certificates: Sequence[CertificateFacts]) -> list[EvaluationLine]:
    """Each certificate's evaluation line under ``profile``, in the order given."""
    out: list[EvaluationLine] = []
    unpriced = not_priced(profile)
    for c in certificates:
        if unpriced is not None:
            out.append(_refused(c, unpriced))
            continue
        if c.kind == COMPLETION:
            # E02: a 培训合格证书 is the training's completion exam, not a skill evaluation.
            out.append(
                _refused(
                    c,
                    Violation(
                        "E02",
                        profile.rule_clause("E02"),
                        "培训合格证书是培训结业考核取得的证书，不是职业技能评价（鉴定、等级认定、专项能力考核、"
                        "特种作业考核）取得的证书，不予评价补贴",
                        field="证书类型",
                        value=CERTIFICATE_KINDS[COMPLETION],
                    ),
                )
            )
            continue
        if c.training_claim:
            # F02, one certificate one subsidy: the training line already pays for this certificate.
            out.append(
                _refused(
                    c,
                    Violation(
                        RULE,
                        profile.cite(PARAM),
                        f"该证书的培训补贴已在申领 {c.training_claim} 中按取得证书计发，同一证书不再给予评价补贴",
                        field="证书编号",
                        value=c.number,
                    ),
                )
            )
            continue
        item = find(c)
        if item is None:
            level = c.level if c.kind in LEVELLED_KINDS else None
            what = describe(c.occupation_name, c.trade, level, c.kind, SUBSIDY_TYPE)
            out.append(
                _refused(
                    c,
                    Violation(
                        RULE,
                        profile.cite(PARAM),
                        f"{c.standards_region}{c.issued_on.year}年补贴标准目录中没有 {c.issued_on.isoformat()}"
                        f"（发证日期）有效的“{c.occupation_code} {what}”标准，不予计算（缺少标准不按零元支付），"
                        "请先导入该项目标准",
                        field="补贴标准目录项目",
                        value=what,
                    ),
                )
            )
            continue
        amount = item.amount.quantize(Decimal("0.01"))
        out.append(
            EvaluationLine(
                c.certificate_id,
                line_key(c.certificate_id),
                c.number,
                amount,
                (RULE,),
                f"{RULE} {item.what} {yuan(amount)}/人 × 1 = {yuan(amount)}（{item.cite()}；{_source(profile)}）",
            )
        )
    return out
