"""What the citizen-page tests share: a filled-in form, and a concern driven through the
workflow to the point where the citizen rates it. (Images are in tests/helpers.py.)"""

import uuid

from django.urls import reverse

from petitions import workflow
from petitions.models import Category, Petition
from tests.base import (
    make_county_staff,
    make_representative,
    make_station,
    make_town,
    make_unit,
    make_village,
)

GOOD_TEXT = "村口的道路破损严重，下雨天积水很深，老人孩子出行很不方便。"

# --- places, people, forms -------------------------------------------------------------------


def category(name="道路交通") -> Category:
    return Category.objects.get_or_create(name=name)[0]


def rep_at_one_station():
    town = make_town()
    station = make_station(town=town)
    rep = make_representative(station=station)
    make_village(town=town)
    return rep, station


def rep_url(rep) -> str:
    return reverse("petitions:concern_to_representative", args=[rep.qr_token])


def station_url(station) -> str:
    return reverse("petitions:concern_to_station", args=[station.qr_token])


def form_data(**overrides) -> dict:
    data = {
        "category": category().pk,
        "text": GOOD_TEXT,
        "village": "",
        "name": "",
        "mobile": "",
        "consent": "on",
        "submit_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submit(client, url, **overrides):
    """Post the form; returns (response, petition or None, token or None)."""
    response = client.post(url, form_data(**overrides))
    if response.status_code != 200 or "token" not in (response.context or {}):
        return response, None, None
    return response, response.context["petition"], response.context["token"]


def tracking_path(token: str) -> str:
    return reverse("petitions:track", args=[token])


# --- the workflow, up to the citizen's rating ------------------------------------------------


def drive_to_reported(petition: Petition, *, result="路面已修复，积水已排除。") -> Petition:
    """Collect, assign, acknowledge and report ``petition`` through the workflow only."""
    staff = make_county_staff()
    unit, member = make_unit()
    workflow.petition_collect(
        petition=petition,
        actor=staff,
        category=category(),
        level=Petition.Level.COUNTY,
        town=petition.town or make_town(),
    )
    workflow.petition_assign(petition=petition, actor=staff, unit=unit)
    workflow.petition_accept(petition=petition, actor=member)
    workflow.petition_report(
        petition=petition, actor=member, result=result, outcome=Petition.Outcome.SOLVED
    )
    petition.refresh_from_db()
    return petition


def report_again(petition: Petition, *, result="已重新施工并验收。") -> Petition:
    member = petition.unit.members.first()
    workflow.petition_report(
        petition=petition, actor=member, result=result, outcome=Petition.Outcome.SOLVED
    )
    petition.refresh_from_db()
    return petition
