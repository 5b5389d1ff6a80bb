"""Writes of 评价补贴: claims of certificates, set-based, through the one claim pipeline.

A caller hands the certificates it chose (by filter, or an uploaded list of certificate numbers read by
the one bounded reader, core.uploads); each is priced by jineng.policy.evaluation, grouped by assessment
into one claim per assessment, and given to claims.sourced.claims_create_for_sources — which holds each
certificate's line once among live claims (``evaluation:<certificate id>``), refuses a claim with nothing
payable naming every reason, and writes the claims' audit events. All or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from jineng.accounts.models import User
from jineng.assessment.models import Result
from jineng.catalogue.models import CertificateKind, Level
from jineng.claims import services as claims
from jineng.claims.models import ApplicantKind, Claim
from jineng.claims.sourced import SourceClaim, SourceLine, claims_create_for_sources
from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.evalsubsidy.programme import CODE
from jineng.evalsubsidy.selectors import Priced, certificates_claimable, price_results
from jineng.orgs.models import Organisation
from jineng.people.models import Person

MAX_CERTIFICATES = 5000
UPLOAD_HEADER = "证书编号"


def _applicant(actor: User, r: Result) -> tuple[str, Organisation | None, Person | None]:
    """Who claims this certificate's evaluation subsidy when ``actor`` asks (XC23 附件3)."""
    tc = r.assessment.training_class
    if actor.role == Role.EVALUATOR and actor.organisation_id == r.assessment.body_id:
        return ApplicantKind.EVALUATION_BODY, r.assessment.body, None
    if actor.role == Role.INSTITUTION and actor.organisation_id:
        if actor.organisation_id == tc.enterprise_id:
            return ApplicantKind.ENTERPRISE, tc.enterprise, None
        if actor.organisation_id == tc.institution_id:
            return ApplicantKind.INSTITUTION, tc.institution, None
    if actor.role == Role.TRAINEE and actor.person_id and actor.person_id == r.enrolment.person_id:
        return ApplicantKind.INDIVIDUAL, None, r.enrolment.person
    raise Refusal(
        f"证书 {r.certificate_number} 不在本单位（本人）可申领评价补贴的范围内：评价机构申领本机构评价的证书，"
        "培训机构、企业申领本机构学员、本企业职工的证书，个人申领本人的证书",
        field="证书编号",
        value=r.certificate_number,
    )


def _title(r: Result) -> str:
    tc = r.assessment.training_class
    kind = CertificateKind(r.certificate_kind).label if r.certificate_kind else ""
    level = f"（{Level(r.level).label}）" if r.level else ""
    return f"{tc.occupation.name} {kind}{level} 评价补贴"[:128]


def _source_lines(priced: Sequence[Priced]) -> list[SourceLine]:
    out = []
    for p in priced:
        assert p.line is not None
        out.append(
            SourceLine(
                key=p.line.key,
                label=f"证书 {p.result.certificate_number}"[:64],
                amount=p.line.amount,
                rule_ids=p.line.rule_ids,
                computation=p.line.computation,
                person_id=p.result.enrolment.person_id,
                reasons=p.line.reasons,
                # Held with the class's own lines by (class, person): a certificate paid once, as an
                # evaluation or as the class's training line, whichever is claimed first (F02).
                training_class_id=p.result.enrolment.training_class_id,
                row=p.result.enrolment.row,
            )
        )
    return out


@transaction.atomic
def evaluation_claims_create(*, actor: User, certificates: Sequence[Result]) -> list[Claim]:
    """Draft claims of the evaluation subsidy for ``certificates``: one per assessment (its source), a
    line per certificate. Every certificate must be in the actor's scope; all or nothing."""
    wanted = {r.pk for r in certificates}
    if not wanted:
        raise Refusal("请选择要申领评价补贴的证书", field="证书")
    if len(wanted) > MAX_CERTIFICATES:
        raise Refusal(
            f"一次最多申领 {MAX_CERTIFICATES} 张证书的评价补贴，本次 {len(wanted)} 张", field="证书"
        )
    # Read again through the actor's scope: what the caller passed is never trusted as in scope.
    results = list(certificates_claimable(actor).filter(pk__in=wanted).order_by("assessment_id", "id"))
    if len(results) != len(wanted):
        raise Refusal("所选证书中有不在本单位（本人）可申领范围内的证书", field="证书")
    applicants = {r.pk: _applicant(actor, r) for r in results}
    priced = price_results(results)
    groups: dict[tuple[int, int], list[Priced]] = {}
    for p in priced:
        if p.profile is None:
            raise Refusal(
                f"证书 {p.result.certificate_number}：{p.refusal}",
                field="政策档案",
                value=p.result.certificate_number,
            )
        groups.setdefault((p.result.assessment_id, p.result.issued_on.year), []).append(p)  # type: ignore[union-attr]
    source_claims = []
    for (_, year), group in groups.items():
        first = group[0].result
        tc = first.assessment.training_class
        kind, org, person = applicants[first.pk]
        profile = group[0].profile
        assert profile is not None
        source_claims.append(
            SourceClaim(
                source_id=first.assessment_id,
                source_ref=tc.ref,
                title=_title(first),
                region=tc.region,
                department_id=tc.department_id,
                applicant_kind=kind,
                profile=profile,
                year=year,
                period_start=first.assessment.assessment_date,
                period_end=first.assessment.assessment_date,
                lines=_source_lines(group),
                payee_organisation=org,
                payee_person=person,
                bank_name=org.bank_name if org else "",
                bank_account=org.bank_account if org else "",
                summary={"certificates": len(group), "assessment": first.assessment_id},
            )
        )
    return claims_create_for_sources(actor=actor, programme_code=CODE, claims=source_claims)


def numbers_read(content: bytes) -> list[str]:
    """The certificate numbers of an uploaded list: a workbook whose first row has the column 证书编号,
    read by the one bounded reader (size, rows, columns and cells checked before parsing)."""
    rows = uploads.xlsx_rows(content, unreadable="无法读取证书清单：请上传 .xlsx 文件", what="证书清单")
    if not rows:
        raise Refusal("证书清单是空的", field="证书清单")
    header = [str(c).strip() if c is not None else "" for c in rows[0]]
    if UPLOAD_HEADER not in header:
        raise Refusal(f"证书清单第1行应有“{UPLOAD_HEADER}”列", field="证书清单")
    col = header.index(UPLOAD_HEADER)
    out = []
    for row in rows[1:]:
        value = row[col] if col < len(row) else None
        text = str(value).strip() if value is not None else ""
        if text:
            out.append(text)
    if not out:
        raise Refusal("证书清单中没有证书编号", field="证书清单")
    return out


@transaction.atomic
def evaluation_claim_submit(
    *,
    actor: User,
    claim: Claim,
    pledge_name: str,
    pledge: bool,
    bank_name: str = "",
    bank_account: str = "",
    today: dt.date | None = None,
) -> Claim:
    """The applicant's bank account where given (an individual has none on file), then the pledge (F06):
    the claim goes to the department as any claim (claims.services)."""
    if claim.programme != CODE:
        raise Refusal("这不是评价补贴申领", field="申领")
    if bank_account.strip():
        claim = claims.claim_bank_set(
            actor=actor, claim=claim, bank_name=bank_name, bank_account=bank_account
        )
    return claims.claim_submit(
        actor=actor, claim=claim, pledge_name=pledge_name, pledge=pledge, today=today or timezone.localdate()
    )
