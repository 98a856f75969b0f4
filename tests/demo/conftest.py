"""Every test of the demo runs on one load of it, shared by the whole package (see
``demo_loaded`` in helpers.py); each test's changes are rolled back."""

from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from points.models import Publication, ReportRun
from tests.demo.helpers import demo_loaded, snapshot


@pytest.fixture(scope="package", autouse=True)
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """load_demo's output; the data stays loaded until the package's last test."""
    with demo_loaded(django_db_blocker, tmp_path_factory.mktemp("demo-media")) as output:
        yield output


@dataclass(frozen=True)
class SecondRun:
    before: dict
    after: dict
    output: str
    published_before: bool
    published_by: str | None


@pytest.fixture(scope="package")
def demo_second_run(demo, django_db_blocker) -> SecondRun:
    """load_demo run a second time on the loaded demo, in a savepoint rolled back at once:
    what every table held before and after, for the tests that a second run adds nothing.

    Last year's report run is marked finished first, as its tasks would once the first
    load commits (never inside a test's transaction), so the second run publishes the year.
    """
    last_year = timezone.localdate().year - 1
    with django_db_blocker.unblock(), transaction.atomic():
        before = snapshot()
        ReportRun.objects.filter(year=last_year).update(status=ReportRun.Status.DONE)
        published_before = Publication.objects.filter(year=last_year).exists()
        out = StringIO()
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("load_demo", stdout=out)
        after = snapshot()
        publication = (
            Publication.objects.filter(year=last_year).select_related("published_by").first()
        )
        transaction.set_rollback(True)
    return SecondRun(
        before=before,
        after=after,
        output=out.getvalue(),
        published_before=published_before,
        published_by=publication.published_by.username if publication else None,
    )
