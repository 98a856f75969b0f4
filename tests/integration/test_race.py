"""Two staff assigning the same petition at the same moment, on PostgreSQL."""

import threading

import pytest
from django.db import connection, connections

from petitions import errors, workflow
from petitions.models import PetitionEvent
from tests.base import make_world, receive, to_step

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_assigns_give_one_event_and_one_clear_error():
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL's row locks: run the suite through `make test`.")
    world = make_world()
    petition, _ = receive(world)
    to_step(world, petition, "collected")
    barrier = threading.Barrier(2)
    results = []

    def assign(unit):
        from petitions.models import Petition

        try:
            mine = Petition.objects.get(pk=petition.pk)  # each thread reads "collected"
            barrier.wait(timeout=10)
            workflow.petition_assign(petition=mine, actor=world.county, unit=unit)
            results.append("ok")
        except errors.TransitionConflict as error:
            results.append(error.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=assign, args=(u,)) for u in (world.unit, world.other_unit)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(results, key=lambda r: r != "ok")[0] == "ok"
    assert results.count("ok") == 1
    assert len(results) == 2
    assert PetitionEvent.objects.filter(petition=petition, action="assign").count() == 1
