"""The same code on the real services: PostgreSQL, Redis and a Celery worker process."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from liaison.models import RatingCriterion, StationRating
from liaison.tasks import recompute_station_ratings
from tests.base import make_rating, make_station

pytestmark = [pytest.mark.celery_worker]


def test_it_runs_on_postgresql_when_make_test_runs_it():
    if not settings.REDIS_URL:
        pytest.skip("Outside `make test`.")
    assert connection.vendor == "postgresql"


def test_it_recomputes_ratings_in_a_real_worker(celery_worker_process):
    station = make_station()
    rating = make_rating(station, year=2025, fraction=1.0)
    assert rating.stars == 5
    # Staff raise the weight of one criterion: the stored totals are now stale.
    criterion = RatingCriterion.objects.get(code="have-place")
    criterion.max_score = 30
    criterion.save(update_fields=["max_score"])

    result = recompute_station_ratings.delay(2025)
    assert result.get(timeout=30) == 1

    rating = StationRating.objects.get(pk=rating.pk)
    assert rating.max_total == Decimal("134")  # 26 criteria × 4 + 30
    assert rating.total == Decimal("108")
    assert rating.stars == 4  # 108 / 134 = 80.6 %
