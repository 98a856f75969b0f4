"""THE SEED TEST (issue #14, Build 2): records matching the seed's half-year give back its
figures exactly, from the module and in the page's sentence."""

import pytest

from measures.activities import activity_results, results_by_kind
from tests.base import make_world
from tests.helpers import page_text
from tests.measures.helpers import H1, Kind, seed_half_year

pytestmark = pytest.mark.django_db

START, END = H1


@pytest.fixture
def seeded():
    return seed_half_year()


def test_it_counts_the_directors_receptions(seeded):
    r = activity_results(start=START, end=END, kind=Kind.DIRECTOR_RECEPTION)
    assert (r.activities, r.attendances, r.concerns, r.town_level, r.county_level) == (
        4,
        100,
        129,
        97,
        32,
    )


def test_it_counts_the_face_to_face_meetings(seeded):
    r = activity_results(start=START, end=END, kind=Kind.FACE_TO_FACE)
    assert (r.officials, r.answered, r.on_the_spot, r.researched, r.sites) == (31, 63, 40, 18, 5)
    assert r.concerns == 68


def test_it_counts_the_briefings(seeded):
    r = activity_results(start=START, end=END, kind=Kind.BRIEFING)
    assert (r.attendances, r.concerns) == (150, 170)


def test_results_by_kind_gives_the_same_figures(seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        by_kind = results_by_kind(start=START, end=END)
    for kind in (Kind.DIRECTOR_RECEPTION, Kind.FACE_TO_FACE, Kind.BRIEFING):
        assert by_kind[kind] == activity_results(start=START, end=END, kind=kind)
    assert by_kind[Kind.LECTURE].activities == 0
    total = activity_results(start=START, end=END)
    assert total.concerns == 129 + 68 + 170
    assert total.attendances == 100 + 150


@pytest.mark.parametrize(
    "kind, sentence",
    [
        (
            Kind.DIRECTOR_RECEPTION,
            "共接待代表100人次，收集意见建议129条，其中镇级解决97条、提交县级32条。",
        ),
        (
            Kind.FACE_TO_FACE,
            "31名负责人对63个问题进行解答，现场办理40个，对18个共性问题深入调研、制定解决方案，"
            "对5个示范点跟踪督办。",
        ),
        (Kind.BRIEFING, "150名代表参加，提出意见建议170条。"),
    ],
)
def test_the_page_prints_the_seeds_sentence(seeded, client, kind, sentence):
    world = make_world()
    client.force_login(world.county)
    response = client.get(
        "/staff/activity-results/",
        {"kind": kind, "start": START.isoformat(), "end": END.isoformat()},
    )
    assert response.status_code == 200
    assert sentence in page_text(response)
