"""The demo loaded once for many tests, and what the demo tests count: each table the
demo fills, so that "a second run adds nothing" is checked row by row."""

from contextlib import contextmanager
from io import StringIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from liaison.models import (
    Activity,
    DutyDay,
    DutyShift,
    HandlingUnit,
    RatingScore,
    Representative,
    StaffScope,
    Station,
    StationMembership,
    StationRating,
    Town,
    Village,
)
from petitions.models import (
    Notification,
    Petition,
    PetitionEvent,
    PetitionPhoto,
    Reception,
    Survey,
    TrackingCounter,
)
from points.models import Appeal, Attendance, PointEntry, ReportRun
from tests.base import ensure_default_criteria
from zhashui_rd.celery import app as celery_app

# As tests/conftest.py's _fast_passwords: the demo logins' passwords must check under it.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextmanager
def demo_loaded(django_db_blocker, media_root):
    """``load_demo`` run once inside a transaction that stays open while the block runs
    and is rolled back after it; yields the command's output.

    Each test's own transaction (``django_db``) is then a savepoint inside this one, so a
    test that changes the demo is rolled back to the freshly loaded demo. Loading takes
    seconds: tests share one load instead of loading it each. Not for transactional tests
    (their flush would empty the shared data)."""
    # tests/conftest.py's autouse fixtures (a temporary MEDIA_ROOT, fast passwords, tasks
    # in process) are per test, not active yet: do the same for the load.
    with override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        previous_eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        try:
            with django_db_blocker.unblock():
                atomic = transaction.atomic()
                # Like Django's TestCase's own blocks: durable blocks inside still work.
                atomic._from_testcase = True
                atomic.__enter__()
            try:
                with django_db_blocker.unblock():
                    # load_demo scores every active criterion: a flush may have taken them.
                    ensure_default_criteria()
                    out = StringIO()
                    call_command("load_demo", stdout=out)
                yield out.getvalue()
            finally:
                with django_db_blocker.unblock():
                    # Never committed: the build's and publication's on-commit work never runs.
                    transaction.set_rollback(True)
                    atomic.__exit__(None, None, None)
        finally:
            celery_app.conf.task_always_eager = previous_eager


def county_counts() -> dict:
    return {
        "towns": Town.objects.count(),
        "villages": Village.objects.count(),
        "stations": Station.objects.count(),
        "points": Station.objects.filter(kind=Station.Kind.POINT).count(),
        "professional": Station.objects.filter(kind=Station.Kind.PROFESSIONAL).count(),
        "central": Station.objects.filter(kind=Station.Kind.CENTRAL).count(),
        "representatives": Representative.objects.count(),
        "memberships": StationMembership.objects.count(),
        "ratings": StationRating.objects.count(),
        "scores": RatingScore.objects.count(),
        "users": get_user_model().objects.count(),
    }


def petition_counts() -> dict:
    return {
        "petitions": Petition.objects.count(),
        "events": PetitionEvent.objects.count(),
        "surveys": Survey.objects.count(),
        "photos": PetitionPhoto.objects.count(),
        "receptions": Reception.objects.count(),
        "notifications": Notification.objects.count(),
        "units": HandlingUnit.objects.count(),
        "unit_members": HandlingUnit.members.through.objects.count(),
        "users": get_user_model().objects.count(),
        "scopes": StaffScope.objects.count(),
        "groups": Group.objects.count(),
        "group_permissions": Group.permissions.through.objects.count(),
        "tracking": list(TrackingCounter.objects.values_list("year", "last")),
    }


def points_counts() -> dict:
    return {
        "activities": Activity.objects.count(),
        "attendances": Attendance.objects.count(),
        "duty_days": DutyDay.objects.count(),
        "shifts": DutyShift.objects.count(),
        "entries": PointEntry.objects.count(),
        "approved": PointEntry.objects.filter(status=PointEntry.Status.APPROVED).count(),
        "appeals": Appeal.objects.count(),
        "runs": ReportRun.objects.count(),
        "points": sorted(PointEntry.objects.values_list("pk", "points")),
    }


def snapshot() -> dict:
    return {
        "county": county_counts(),
        "qr_tokens": set(Representative.objects.values_list("qr_token", flat=True)),
        "petitions": petition_counts(),
        "points": points_counts(),
    }
