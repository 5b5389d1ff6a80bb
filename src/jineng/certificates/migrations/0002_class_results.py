"""Every passed class result already entered becomes a row of the register (route: class result), counted
for its class's region, department and institution, as results_enter registers them from now on."""

from django.db import migrations

LEVELLED = ("qualification", "skill_level")


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Result = apps.get_model("assessment", "Result")
    Certificate = apps.get_model("certificates", "Certificate")
    results = (
        Result.objects.filter(passed=True, issued_on__isnull=False)
        .exclude(certificate_number="")
        .select_related("assessment", "enrolment__training_class")
        .order_by("pk")
    )
    batch = []
    for r in results.iterator(chunk_size=2000):
        tc = r.enrolment.training_class
        batch.append(
            Certificate(
                holder_id=r.enrolment.person_id,
                kind=r.certificate_kind,
                number=r.certificate_number,
                occupation_id=tc.occupation_id,
                level=r.level if r.certificate_kind in LEVELLED else None,
                body_id=r.assessment.body_id,
                issuer_name=r.issuer,
                issued_on=r.issued_on,
                route="class_result",
                training_class_id=tc.pk,
                enrolment_id=r.enrolment_id,
                region_id=tc.region_id,
                department_id=tc.department_id,
                unit_id=tc.institution_id,
                recorded_by_id=r.entered_by_id,
            )
        )
        if len(batch) >= 2000:
            Certificate.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Certificate.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
        ("assessment", "0003_cross_region_arrangements"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
