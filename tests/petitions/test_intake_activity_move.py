"""Congress activities moved from points to liaison (issue 9): the table and the staff groups'
permissions stay where they were."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

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


# --- the migrations on a database that already has activities and concerns -----------------

BEFORE = [
    ("liaison", "0005_labels_for_view_places_and_email"),
    ("points", "0007_admin_list_indexes"),
    ("petitions", "0008_card_index"),
]
AFTER = [
    ("liaison", "0006_activity_moved_from_points"),
    ("points", "0010_activity_moved_to_liaison"),
    ("petitions", "0012_intake_received_on_activity_letters"),
]


@pytest.mark.django_db(transaction=True)
def test_the_migrations_move_activities_and_keep_permissions_and_links_on_an_existing_db():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldActivity = old.get_model("points", "Activity")
    OldPetition = old.get_model("petitions", "Petition")
    OldContentType = old.get_model("contenttypes", "ContentType")
    OldPermission = old.get_model("auth", "Permission")
    OldGroup = old.get_model("auth", "Group")
    # The database as it stood: content types as post_migrate made them before the move.
    OldContentType.objects.filter(app_label="liaison", model="activity").delete()
    ct, _ = OldContentType.objects.get_or_create(app_label="points", model="activity")
    permission, _ = OldPermission.objects.get_or_create(
        content_type=ct, codename="change_activity", defaults={"name": "Can change activity"}
    )
    group = OldGroup.objects.create(name="县人大常委会工作人员")
    group.permissions.add(permission)
    activity = OldActivity.objects.create(
        kind="face_to_face", title="代表·局长面对面", date="2026-05-20"
    )
    from_activity = OldPetition.objects.create(
        tracking_no="ZS-2026-000001",
        token_hash="1" * 64,
        text="测试",
        channel="activity",
        source_activity_id=activity.pk,
    )
    gone = OldPetition.objects.create(
        tracking_no="ZS-2026-000002",
        token_hash="2" * 64,
        text="测试",
        channel="activity",
        source_activity_id=999999,
    )
    plain = OldPetition.objects.create(
        tracking_no="ZS-2026-000003", token_hash="3" * 64, text="测试", channel="phone"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Petition = new.get_model("petitions", "Petition")
    Group = new.get_model("auth", "Group")
    moved = Group.objects.get(pk=group.pk).permissions.get()
    assert (moved.codename, moved.content_type.app_label) == ("change_activity", "liaison")
    assert Petition.objects.get(pk=from_activity.pk).source_activity_id == activity.pk
    # An id whose activity no longer exists does not become a broken key.
    assert Petition.objects.get(pk=gone.pk).source_activity_id is None
    assert Petition.objects.get(pk=plain.pk).source_activity_id is None
    created = Petition.objects.get(pk=plain.pk).created_at
    assert Petition.objects.get(pk=plain.pk).received_on == timezone.localdate(created)

    # Back to the latest state for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
