"""Personas and small factories the tests share."""

import importlib
import itertools
from datetime import date

from django.contrib.auth import get_user_model

from liaison import services
from liaison.models import (
    RatingCriterion,
    RatingScore,
    Representative,
    Station,
    StationMembership,
    StationRating,
    Town,
    Village,
)

_seq = itertools.count(1)


def make_town(name=None, **fields):
    return Town.objects.create(name=name or f"测试镇{next(_seq)}", **fields)


def make_village(town=None, name=None, **fields):
    return Village.objects.create(
        town=town or make_town(), name=name or f"测试村{next(_seq)}", **fields
    )


def make_station(town=None, name=None, kind=Station.Kind.COMMUNITY, **fields):
    n = next(_seq)
    if kind == Station.Kind.PROFESSIONAL:
        fields.setdefault("sector", Station.Sector.HEALTH)
    return Station.objects.create(
        name=name or f"测试联络站{n}",
        slug=fields.pop("slug", f"station-{n}"),
        kind=kind,
        town=town or make_town(),
        **fields,
    )


def make_representative(name=None, station=None, level=Representative.Level.COUNTY, **fields):
    fields.setdefault("gender", Representative.Gender.FEMALE)
    fields.setdefault("term", "第十九届")
    rep = Representative.objects.create(name=name or f"测试代表{next(_seq)}", level=level, **fields)
    if station is not None:
        StationMembership.objects.create(station=station, representative=rep, duty_hours="每月15日")
    return rep


def ensure_default_criteria():
    """The shipped "五个五" criteria. Transactional tests flush the database after them,
    data migrations included, so tests that need the criteria ask for them here."""
    from django.apps import apps

    migration = importlib.import_module("liaison.migrations.0002_default_rating_criteria")
    migration.create_criteria(apps, None)


def make_rating(station, year=2025, fraction=1.0):
    """A rating where every active criterion scores ``fraction`` of its maximum."""
    ensure_default_criteria()
    rating = StationRating.objects.create(station=station, year=year, rated_on=date(year, 12, 1))
    for criterion in RatingCriterion.objects.filter(is_active=True):
        RatingScore.objects.create(
            rating=rating, criterion=criterion, score=round(criterion.max_score * fraction, 1)
        )
    return services.station_rating_recompute(rating=rating)


def make_user(username=None, *, staff=False, superuser=False, password="pw-for-tests-1"):
    User = get_user_model()
    username = username or f"user{next(_seq)}"
    if superuser:
        return User.objects.create_superuser(username=username, password=password)
    return User.objects.create_user(username=username, password=password, is_staff=staff)
