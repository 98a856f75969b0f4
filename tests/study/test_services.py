"""Study services (issue #11 item 6): publishing within one's reach, the audience query,
marking read once (a race included), the audit trail, and the points a read earns."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from liaison.models import Activity, Representative
from points import services as points
from points.models import Attendance, PointEntry
from study import services
from study.models import Material, MaterialEvent, MaterialRead
from tests.base import make_representative, make_station, make_world
from tests.points.year_end_helpers import ensure_default_table
from tests.study.helpers import level_material, make_material, station_material

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def ids(qs):
    return sorted(qs.values_list("pk", flat=True))


# --- audience ------------------------------------------------------------------------------


def test_materials_for_gives_all_their_level_and_their_stations(world):
    for_all = make_material(world.county)
    county_level = level_material(world.county)
    township = level_material(world.county, level=Representative.Level.TOWNSHIP)
    for_a = station_material(world.county, world.station_a)
    for_b = station_material(world.county, world.station_b)
    draft = make_material(world.county, publish=False)
    assert ids(services.materials_for(world.rep_a)) == sorted(
        [for_all.pk, county_level.pk, for_a.pk]
    )
    assert ids(services.materials_for(world.rep_b)) == sorted(
        [for_all.pk, county_level.pk, for_b.pk]
    )
    assert township.pk not in ids(services.materials_for(world.rep_a))
    assert draft.pk not in ids(services.materials_for(world.rep_a))


def test_it_lists_the_newest_first(world):
    old = make_material(world.county, title="旧")
    new = make_material(world.county, title="新")
    assert list(services.materials_for(world.rep_a)) == [new, old]


# --- who publishes what --------------------------------------------------------------------


def test_town_staff_publish_to_their_towns_stations_only(world):
    material = station_material(world.town_staff_a, world.station_a)
    assert material.is_published
    with pytest.raises(services.StudyError):
        station_material(world.town_staff_a, world.station_b)
    with pytest.raises(services.StudyError):
        make_material(world.town_staff_a)
    with pytest.raises(services.StudyError):
        level_material(world.station_staff_a)


def test_town_staff_cannot_move_a_material_out_of_their_town(world):
    material = station_material(world.town_staff_a, world.station_a)
    with pytest.raises(services.StudyError):
        services.material_edit(
            material=material,
            actor=world.town_staff_a,
            title=material.title,
            kind=material.kind,
            audience=Material.Audience.STATION,
            station=world.station_b,
        )
    material.refresh_from_db()
    assert material.station == world.station_a


def test_staff_scope_follows_the_stations(world):
    a = station_material(world.county, world.station_a)
    b = station_material(world.county, world.station_b)
    everyone = make_material(world.county)
    scope = lambda user: ids(Material.objects.filter(services.staff_scope_q(user)))  # noqa: E731
    assert scope(world.county) == sorted([a.pk, b.pk, everyone.pk])
    assert scope(world.town_staff_a) == [a.pk]
    assert scope(world.station_staff_a) == [a.pk]
    assert scope(world.town_staff_b) == [b.pk]
    assert scope(world.rep_a_user) == []


def test_it_audits_create_publish_edit_unpublish(world):
    material = make_material(world.county, publish=False)
    services.material_publish(material=material, actor=world.county)
    services.material_edit(
        material=material,
        actor=world.county,
        title="中华人民共和国消防法（2021年修正）",
        kind=material.kind,
        audience=material.audience,
        url=material.url,
    )
    services.material_unpublish(material=material, actor=world.county)
    kinds = list(material.events.values_list("kind", flat=True))
    assert kinds == ["created", "published", "edited", "unpublished"]
    assert material.events.last().actor == world.county


def test_publishing_twice_is_refused_without_a_second_event(world):
    material = make_material(world.county)
    with pytest.raises(services.StudyError):
        services.material_publish(material=material, actor=world.county)
    assert material.events.filter(kind="published").count() == 1


def test_events_are_append_only(world):
    event = make_material(world.county).events.first()
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        MaterialEvent.objects.all().delete()
    with pytest.raises(ValidationError):
        MaterialEvent.objects.update(note="x")


def test_the_database_refuses_an_incomplete_audience(world):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Material.objects.create(title="x", kind="law", audience="station")


# --- reading -------------------------------------------------------------------------------


def test_a_read_is_recorded_once(world):
    material = make_material(world.county)
    read, created = services.material_read(material=material, representative=world.rep_a)
    again, created_again = services.material_read(material=material, representative=world.rep_a)
    assert (created, created_again) == (True, False)
    assert again.pk == read.pk
    assert MaterialRead.objects.count() == 1
    assert PointEntry.objects.filter(source="study").count() == 1


@pytest.mark.parametrize("case", ["draft", "other_station", "other_level"])
def test_a_material_outside_the_audience_cannot_be_read(world, case):
    if case == "draft":
        material = make_material(world.county, publish=False)
    elif case == "other_station":
        material = station_material(world.county, world.station_b)
    else:
        material = level_material(world.county, level=Representative.Level.TOWNSHIP)
    with pytest.raises(services.StudyError):
        services.material_read(material=material, representative=world.rep_a)
    assert not MaterialRead.objects.exists()
    assert not PointEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_reads_at_once_make_one_read_and_one_entry():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race runs on PostgreSQL")
    ensure_default_table()  # the flush of a transactional test took the shipped rules
    world = make_world()
    material = make_material(world.county)
    barrier = threading.Barrier(2)
    results = []

    def tap():
        barrier.wait()
        try:
            results.append(services.material_read(material=material, representative=world.rep_a))
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(created for _read, created in results) == [False, True]
    assert MaterialRead.objects.count() == 1
    assert PointEntry.objects.filter(source="study").count() == 1


def test_the_unique_constraint_makes_a_lost_race_a_no_op(world, monkeypatch):
    """The race on SQLite: the check saw no read, but another tap wrote it meanwhile."""
    material = make_material(world.county)
    first, _ = services.material_read(material=material, representative=world.rep_a)
    real_filter = MaterialRead.objects.filter

    class Nothing:
        def first(self):
            return None

    calls = {"n": 0}

    def blind_filter(*args, **kwargs):
        calls["n"] += 1
        return Nothing() if calls["n"] == 1 else real_filter(*args, **kwargs)

    monkeypatch.setattr(MaterialRead.objects, "filter", blind_filter)
    read, created = services.material_read(material=material, representative=world.rep_a)
    assert (read.pk, created) == (first.pk, False)
    assert PointEntry.objects.filter(source="study").count() == 1


# --- points --------------------------------------------------------------------------------


def test_a_read_earns_the_study_rule_traceable_to_its_source(world):
    material = make_material(world.county, title="中华人民共和国消防法")
    read, _ = services.material_read(material=material, representative=world.rep_a)
    entry = PointEntry.objects.get(representative=world.rep_a)
    assert (entry.rule.code, entry.source, entry.source_id) == ("study", "study", read.pk)
    assert entry.description == "《中华人民共和国消防法》"
    assert entry.date == timezone.localdate(read.read_at)
    assert entry.status == PointEntry.Status.APPROVED


def test_reads_move_the_total_by_the_rule_up_to_its_yearly_cap(world):
    year = timezone.localdate().year
    rule = points.rule_for("study", year)
    totals = [points.year_summary(representative=world.rep_a, year=year)["total"]]
    for n in range(6):
        material = make_material(world.county, title=f"学习资料{n}")
        services.material_read(material=material, representative=world.rep_a)
        totals.append(points.year_summary(representative=world.rep_a, year=year)["total"])
    steps = [b - a for a, b in zip(totals, totals[1:], strict=False)]
    expected, earned = [], Decimal("0")
    for n in range(6):
        worth = rule.points_first if n == 0 else rule.points_further
        step = min(Decimal(worth), Decimal(rule.yearly_cap) - earned)
        expected.append(step)
        earned += step
    assert steps == expected
    assert totals[-1] - totals[0] == rule.yearly_cap == 4


def test_a_collective_study_attendance_earns_training(world):
    station = make_station(town=world.town_a, kind="central")
    activity = Activity.objects.create(
        kind=Activity.Kind.COLLECTIVE_STUDY,
        title="十一月集体学习",
        date=date.today(),
        station=station,
    )
    attendance = Attendance.objects.create(
        activity=activity, representative=world.rep_a, status=Attendance.Status.PRESENT
    )
    entry = points.attendance_sync(attendance=attendance)
    assert entry.rule.code == "training"
    assert entry.rule.category == "training"


def test_a_deleted_read_withdraws_its_entry(world):
    material = make_material(world.county)
    read, _ = services.material_read(material=material, representative=world.rep_a)
    read.delete()
    entry = PointEntry.objects.get(source="study")
    assert entry.status == PointEntry.Status.WITHDRAWN


def test_an_inactive_representative_is_not_in_the_audience_count(world):
    material = make_material(world.county)
    make_representative(is_active=False)
    assert services.audience_of(material).count() == 2
