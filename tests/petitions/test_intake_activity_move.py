"""Congress activities moved from points to liaison (issue 9): the table and the staff groups'
permissions stay where they were."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from liaison.models import Activity
from points.models import Attendance

pytestmark = pytest.mark.django_db

MOVE = importlib.import_module("liaison.migrations.0006_activity_moved_from_points")


@pytest.fixture(autouse=True)
def forget_content_types():
    # The tests below delete and relabel content types, which Django caches per process.
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


def test_the_table_keeps_its_name_and_the_attendance_still_points_at_it():
    assert Activity._meta.db_table == "points_activity"
    assert Activity._meta.app_label == "liaison"
    assert Attendance._meta.get_field("activity").related_model is Activity
    assert "points_activity" in connection.introspection.table_names()


def test_a_groups_permission_on_activities_moves_with_the_content_type():
    # A database as it was before the move: the content type labelled points, a staff group
    # holding its permission.
    ContentType.objects.filter(app_label="liaison", model="activity").delete()
    old = ContentType.objects.create(app_label="points", model="activity")
    permission = Permission.objects.create(
        content_type=old, codename="change_activity", name="Can change activity"
    )
    group = Group.objects.create(name="县人大常委会工作人员")
    group.permissions.add(permission)

    MOVE.move_content_type(apps, None)

    moved = ContentType.objects.get(pk=old.pk)
    assert (moved.app_label, moved.model) == ("liaison", "activity")
    assert not ContentType.objects.filter(app_label="points", model="activity").exists()
    assert group.permissions.get().codename == "change_activity"
    assert group.permissions.get().content_type.app_label == "liaison"

    # And back, for a migration rolled back.
    MOVE.move_content_type_back(apps, None)
    assert ContentType.objects.get(pk=old.pk).app_label == "points"


def test_the_move_leaves_a_content_type_already_in_liaison_alone():
    kept = ContentType.objects.get_for_model(Activity)
    MOVE.move_content_type(apps, None)
    assert ContentType.objects.get(pk=kept.pk).app_label == "liaison"
