"""Attempts carry their exam's course, so that a course's attempts are one index range.

On PostgreSQL a foreign key on the attempt's (exam, course) to the exam's (id, course) keeps
the copy equal to the exam's course; SQLite cannot add one to an existing table.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

FOREIGN_KEY = "attempt_exam_course_fk"


def copy_course(apps, schema_editor):
    Attempt = apps.get_model("exams", "Attempt")
    Exam = apps.get_model("exams", "Exam")
    Attempt.objects.update(
        course_id=Subquery(Exam.objects.filter(pk=OuterRef("exam_id")).values("course_id")[:1])
    )


def add_foreign_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE exams_attempt ADD CONSTRAINT {FOREIGN_KEY}"
            " FOREIGN KEY (exam_id, course_id) REFERENCES exams_exam (id, course_id)"
            " DEFERRABLE INITIALLY DEFERRED"
        )


def drop_foreign_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE exams_attempt DROP CONSTRAINT {FOREIGN_KEY}")


class Migration(migrations.Migration):
    dependencies = [
        ("exams", "0003_alter_attempt_allowed_seconds"),
    ]

    operations = [
        migrations.AlterField(
            model_name="exam",
            name="course",
            field=models.ForeignKey(
                help_text="Set when the exam is made; it never changes (its attempts keep it too).",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="exams",
                to="exams.course",
            ),
        ),
        migrations.AddConstraint(
            model_name="exam",
            constraint=models.UniqueConstraint(
                fields=("id", "course"), name="exam_id_course_unique"
            ),
        ),
        migrations.AddField(
            model_name="attempt",
            name="course",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                help_text="The exam's course.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="attempts",
                to="exams.course",
            ),
        ),
        migrations.RunPython(copy_course, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="attempt",
            name="course",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                help_text="The exam's course.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="attempts",
                to="exams.course",
            ),
        ),
        migrations.AddIndex(
            model_name="attempt",
            index=models.Index(fields=["course", "id"], name="attempt_course_id_idx"),
        ),
        migrations.AddIndex(
            model_name="attempt",
            index=models.Index(
                fields=["course", "status", "id"], name="attempt_course_status_idx"
            ),
        ),
        migrations.RunPython(add_foreign_key, drop_foreign_key),
    ]
