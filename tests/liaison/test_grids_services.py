"""Saving grids and 议政代表 (liaison/grids.py, issue #11): the villages and deputies of the
grid's town, active representatives, an office line for the public phone, a Chinese message
otherwise with nothing saved; an audit row per change that is never changed."""

import pytest
from django.core.exceptions import ValidationError

from liaison.grids import deputy_save, grid_save
from liaison.models import Deputy, Grid, GridAudit
from tests.base import make_representative, make_station, make_town, make_user, make_village
from tests.helpers import tr
from tests.liaison.grid_helpers import make_deputy, make_grid

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    return make_town("乾佑街道")


@pytest.fixture
def actor():
    return make_user(staff=True)


def _messages(error: ValidationError) -> str:
    return " ".join(m for messages in error.message_dict.values() for m in messages)


def _save(actor, grid, villages=(), representatives=(), deputies=()):
    return grid_save(
        grid=grid,
        villages=villages,
        representatives=representatives,
        deputies=deputies,
        actor=actor,
    )


def test_it_creates_a_grid_with_an_audit_row(town, actor):
    village = make_village(town, name="仁和社区")
    rep = make_representative(name="刘代表")
    deputy = make_deputy(town, name="赵议政")
    grid = _save(actor, Grid(town=town, name="第一网格"), [village], [rep], [deputy])
    assert list(grid.villages.all()) == [village]
    audit = GridAudit.objects.get(grid=grid)
    assert audit.action == GridAudit.Action.GRID_CREATED and audit.actor == actor
    assert "第一网格" in audit.note and "仁和社区" in audit.note and "赵议政" in audit.note


def test_it_records_what_changed(town, actor):
    first, second = make_village(town, name="甲村"), make_village(town, name="乙村")
    grid = _save(actor, Grid(town=town, name="网格"), [first])
    grid.name = "新网格"
    _save(actor, grid, [second])
    audit = GridAudit.objects.filter(grid=grid).last()
    assert audit.action == GridAudit.Action.GRID_CHANGED
    assert "新网格" in audit.note and "+乙村" in audit.note and "−甲村" in audit.note
    assert list(grid.villages.all()) == [second]


def test_it_records_nothing_when_nothing_changed(town, actor):
    village = make_village(town)
    grid = _save(actor, Grid(town=town, name="网格"), [village])
    _save(actor, grid, [village])
    assert GridAudit.objects.filter(grid=grid).count() == 1


@pytest.mark.parametrize(
    "case, message",
    [
        ("village", "These villages are not in the grid's town: %(names)s."),
        ("representative", "These representatives are no longer active: %(names)s."),
        (
            "deputy",
            "These deliberative deputies are not active deputies of the grid's town: %(names)s.",
        ),
        (
            "phone",
            "The public contact phone must be an office line, never a private mobile number.",
        ),
        ("station", "The station must be in the grid's town."),
    ],
)
def test_it_refuses_what_does_not_belong_and_saves_nothing(town, actor, case, message):
    elsewhere = make_town("杏坪镇")
    grid = Grid(town=town, name="网格", contact_phone="0914-4321001")
    villages, reps, deputies = [make_village(town)], [], []
    if case == "village":
        villages.append(make_village(elsewhere, name="中山村"))
    elif case == "representative":
        reps.append(make_representative(name="离任代表", is_active=False))
    elif case == "deputy":
        deputies.append(make_deputy(elsewhere, name="外镇议政"))
    elif case == "phone":
        grid.contact_phone = "13912345678"
    else:
        grid.station = make_station(elsewhere)
    with pytest.raises(ValidationError) as raised:
        _save(actor, grid, villages, reps, deputies)
    expected = tr(message).split("%(names)s")[0]
    assert expected in _messages(raised.value)
    assert not Grid.objects.exists() and not GridAudit.objects.filter(grid__isnull=False).exists()


def test_it_refuses_a_second_grid_of_the_same_name_in_a_town(town, actor):
    _save(actor, Grid(town=town, name="网格"), [make_village(town)])
    with pytest.raises(ValidationError):
        _save(actor, Grid(town=town, name="网格"), [make_village(town)])
    assert Grid.objects.count() == 1


def test_it_keeps_a_representative_who_left_after_joining(town, actor):
    rep = make_representative()
    grid = make_grid(town, representatives=[rep])
    rep.is_active = False
    rep.save(update_fields=["is_active"])
    grid.description = "分片包区"
    _save(actor, grid, grid.villages.all(), [rep])
    assert list(grid.representatives.all()) == [rep]


def test_a_deputy_is_audited_without_their_mobile(town, actor):
    deputy = deputy_save(deputy=Deputy(town=town, name="孙议政", mobile="13912345678"), actor=actor)
    deputy.mobile = "13987654321"
    deputy.occupation = "社区网格员"
    deputy_save(deputy=deputy, actor=actor)
    audits = list(GridAudit.objects.filter(deputy=deputy))
    assert [a.action for a in audits] == [
        GridAudit.Action.DEPUTY_CREATED,
        GridAudit.Action.DEPUTY_CHANGED,
    ]
    assert tr("private mobile phone changed") in audits[1].note
    assert all("139" not in a.note for a in audits)


def test_a_deputys_mobile_must_be_a_mainland_mobile(town, actor):
    with pytest.raises(ValidationError):
        deputy_save(deputy=Deputy(town=town, name="孙议政", mobile="12345"), actor=actor)
    assert not Deputy.objects.exists()


def test_audit_rows_are_never_changed_or_deleted(town, actor):
    make_grid(town)
    audit = GridAudit.objects.first()
    audit.note = "改写"
    with pytest.raises(ValidationError):
        audit.save()
    with pytest.raises(ValidationError):
        audit.delete()
