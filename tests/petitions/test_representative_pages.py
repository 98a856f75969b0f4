"""A representative's pages (issue #3, item 7): the task list, a walk-in reception with
the "六个一" checklist, and a 随手拍 that becomes a concern of channel snapshot."""

import io
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from liaison.models import StationMembership
from petitions import errors, services, tracking
from petitions.models import (
    Petition,
    PetitionEvent,
    PetitionPhoto,
    Reception,
    Step,
)
from tests.base import make_station, make_user, make_village, make_world, receive, to_step
from tests.helpers import gps_jpeg, jpeg_bytes, page_text, stored_files, tags, tr, upload

pytestmark = pytest.mark.django_db

TEXT = "村委会门前的路灯坏了一个多月，晚上出行很不方便。"
ROWS = [1, 50]
SESSION_AND_USER = 2
# roles (scope, representative, memberships, units), the section counts, four sections,
# the duty hours, the next duty days, the unread notices in the header.
MY_TASKS_QUERIES = SESSION_AND_USER + 4 + 1 + 4 + 1 + 1 + 1


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def rep_client(client, world):
    client.force_login(world.rep_a_user)
    return client


def _section(response, key):
    return next(s for s in response.context["sections"] if s["key"] == key)


def _tracking_numbers(section):
    return {p.tracking_no for p in section["rows"]}


# --- the task list ---------------------------------------------------------------------------


def test_it_sorts_the_representatives_concerns_into_sections(rep_client, world):
    new, _ = receive(world)
    working = to_step(world, receive(world)[0], "supervising")
    late = to_step(world, receive(world)[0], "assigned")
    Petition.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - timedelta(days=2))
    carded = to_step(world, receive(world)[0], "supervising")
    Petition.objects.filter(pk=carded.pk).update(warning=Petition.Warning.RED)
    reported = to_step(world, receive(world)[0], "reported")
    to_step(world, receive(world)[0], "closed")

    response = rep_client.get(reverse("petitions:my_tasks"))

    assert response.status_code == 200
    assert _tracking_numbers(_section(response, "collect")) == {new.tracking_no}
    assert _tracking_numbers(_section(response, "follow_up")) == {working.tracking_no}
    assert _tracking_numbers(_section(response, "overdue")) == {
        late.tracking_no,
        carded.tracking_no,
    }
    assert _tracking_numbers(_section(response, "survey")) == {reported.tracking_no}
    assert [s["count"] for s in response.context["sections"]] == [1, 2, 1, 1]
    text = page_text(response)
    assert tr("New concerns to collect") in text
    assert tr("Awaiting a survey call") in text
    assert tr("Past the deadline") in text


def test_each_row_links_to_the_work_page(rep_client, world):
    petition, _ = receive(world)
    response = rep_client.get(reverse("petitions:my_tasks"))
    hrefs = [a["href"] for a in tags(response, "a")]
    assert reverse("petitions:work_detail", args=[petition.pk]) in hrefs


def test_it_never_lists_another_representatives_concerns(client, world):
    mine, _ = receive(world, rep=world.rep_a)
    theirs, _ = receive(world, rep=world.rep_b)
    client.force_login(world.rep_b_user)
    response = client.get(reverse("petitions:my_tasks"))
    assert _tracking_numbers(_section(response, "collect")) == {theirs.tracking_no}
    assert mine.tracking_no not in page_text(response)
    assert client.get(reverse("petitions:work_detail", args=[mine.pk])).status_code == 404


def test_it_lists_concerns_received_at_the_representatives_station(rep_client, world):
    """A concern posted on station A's page belongs to every representative of station A."""
    petition, _token, _ = services.petition_receive(
        channel=Petition.Channel.STATION_PAGE, text=TEXT, station=world.station_a
    )
    response = rep_client.get(reverse("petitions:my_tasks"))
    assert petition.tracking_no in _tracking_numbers(_section(response, "collect"))


def test_it_never_lists_an_accusation_against_the_representative(rep_client, world):
    petition, _ = receive(world)
    Petition.objects.filter(pk=petition.pk).update(
        category=world.accusation, accused_representative=world.rep_a
    )
    response = rep_client.get(reverse("petitions:my_tasks"))
    assert petition.tracking_no not in page_text(response)
    assert [s["count"] for s in response.context["sections"]] == [0, 0, 0, 0]


def test_it_lists_the_representatives_duty_hours(rep_client, world):
    StationMembership.objects.filter(representative=world.rep_a).update(
        duty_hours="每月15日 9:00–12:00"
    )
    text = page_text(rep_client.get(reverse("petitions:my_tasks")))
    assert world.station_a.name in text
    assert "每月15日 9:00–12:00" in text


@pytest.mark.parametrize("active", [False, None])
def test_it_shows_a_friendly_page_to_anyone_who_is_not_an_active_representative(
    client, world, active
):
    if active is None:
        user = world.unit_user
    else:
        world.rep_a.is_active = False
        world.rep_a.save(update_fields=["is_active"])
        user = world.rep_a_user
    client.force_login(user)
    for name in ("petitions:my_tasks", "petitions:reception_new", "petitions:snapshot_new"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert tr(
            "These pages are for people's congress representatives. Your account is not "
            "linked to an active representative."
        ) in page_text(response)


def test_it_asks_an_anonymous_visitor_to_sign_in(client):
    for name in ("petitions:my_tasks", "petitions:reception_new", "petitions:snapshot_new"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_work_home_leads_a_representative_to_the_task_list(rep_client):
    response = rep_client.get(reverse("petitions:work_home"))
    assert response["Location"] == reverse("petitions:my_tasks")


def test_my_page_links_to_the_task_list(rep_client):
    response = rep_client.get(reverse("liaison:my_page"))
    assert reverse("petitions:my_tasks") in [a["href"] for a in tags(response, "a")]


@pytest.mark.parametrize("rows", ROWS)
def test_it_renders_the_task_list_in_constant_queries(
    client, world, django_assert_num_queries, rows
):
    for index in range(rows):
        petition, _ = receive(world)
        step = ["received", "assigned", "supervising", "reported"][index % 4]
        if step != "received":
            to_step(world, petition, step)
    client.force_login(world.rep_a_user)
    with django_assert_num_queries(MY_TASKS_QUERIES):
        response = client.get(reverse("petitions:my_tasks"))
    assert sum(s["count"] for s in response.context["sections"]) == rows


# --- a walk-in reception ------------------------------------------------------------------------


def _reception_data(world, **overrides):
    data = {
        "submit_key": str(uuid.uuid4()),
        "station": world.station_a.pk,
        "text": TEXT,
        "category": world.category.pk,
        "citizen_name": "张大妈",
        "citizen_phone": "13912345678",
        "consent": "on",
        "smile": "on",
        "tea": "on",
        "record": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_reception_form_offers_only_the_representatives_active_stations(rep_client, world):
    closed = make_station(town=world.town_a, name="停用站", is_active=False)
    StationMembership.objects.create(station=closed, representative=world.rep_a)
    response = rep_client.get(reverse("petitions:reception_new"))
    stations = list(response.context["form"].fields["station"].queryset)
    assert stations == [world.station_a]
    assert response["Cache-Control"].startswith("max-age=0")
    labels = page_text(response)
    for name in Reception.CHECKLIST:
        assert str(Reception._meta.get_field(name).verbose_name) in labels


def test_it_records_a_reception_with_its_checklist_and_shows_the_tracking_link(rep_client, world):
    response = rep_client.post(reverse("petitions:reception_new"), _reception_data(world))

    assert response.status_code == 200
    petition = Petition.objects.get()
    assert petition.channel == Petition.Channel.RECEPTION
    assert petition.step == Step.RECEIVED
    assert petition.representative == world.rep_a
    assert petition.station == world.station_a
    assert petition.town == world.town_a
    assert petition.citizen_phone == "13912345678"
    assert petition.consent_at is not None
    reception = petition.reception
    assert reception.recorded_by == world.rep_a_user
    assert (reception.smile, reception.tea, reception.record) == (True, True, True)
    assert (reception.comfort, reception.feedback, reception.satisfied) == (False, False, False)
    event = petition.events.get()
    assert (event.action, event.to_step, event.actor) == (
        "receive",
        Step.RECEIVED,
        world.rep_a_user,
    )
    assert event.actor_kind == PetitionEvent.ActorKind.USER
    # The number and the secret link to hand to the citizen, and a QR code of the link.
    text = page_text(response)
    assert petition.tracking_no in text
    link = response.context["tracking_url"]
    assert link.endswith(
        reverse("petitions:track", args=[tracking.token_for_submit_key(petition.submit_key)])
    )
    assert link in text
    assert "<svg" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    # Same-origin (the site default): the link never leaves for another site, and the form
    # still posts with a real Origin header, which the CSRF check needs.
    assert response["Referrer-Policy"] == "same-origin"


def test_a_replayed_reception_form_records_one_concern(rep_client, world):
    data = _reception_data(world)
    first = rep_client.post(reverse("petitions:reception_new"), data)
    second = rep_client.post(reverse("petitions:reception_new"), data)
    assert Petition.objects.count() == 1
    assert Reception.objects.count() == 1
    assert second.status_code == 200
    assert second.context["petition"] == first.context["petition"]
    assert not second.context["created"]
    assert tr("This reception was already recorded; here it is again.") in page_text(second)


def test_another_representative_cannot_replay_a_reception_form(client, world):
    data = _reception_data(world)
    client.force_login(world.rep_a_user)
    client.post(reverse("petitions:reception_new"), data)
    client.force_login(world.rep_b_user)
    data["station"] = world.station_b.pk
    response = client.post(reverse("petitions:reception_new"), data)
    assert response.status_code == 400
    assert "tracking_url" not in response.context
    assert Petition.objects.count() == 1


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"text": "太短了"}, "text"),
        ({"text": "长" * 2001}, "text"),
        ({"citizen_phone": "12345"}, "citizen_phone"),
        ({"consent": None}, "consent"),
        ({"category": ""}, "category"),
        ({"station": "other"}, "station"),
    ],
)
def test_it_refuses_a_bad_reception_and_records_nothing(rep_client, world, overrides, field):
    if overrides.get("station") == "other":
        overrides = {"station": world.station_b.pk}
    response = rep_client.post(
        reverse("petitions:reception_new"), _reception_data(world, **overrides)
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Petition.objects.exists()
    assert not PetitionEvent.objects.exists()


def test_a_reception_without_personal_data_needs_no_consent(rep_client, world):
    data = _reception_data(world, citizen_name="", citizen_phone="", consent=None)
    assert rep_client.post(reverse("petitions:reception_new"), data).status_code == 200
    petition = Petition.objects.get()
    assert petition.consent_at is None and petition.citizen_name == ""


def test_the_reception_service_refuses_a_station_the_representative_does_not_sit_at(world):
    with pytest.raises(errors.WorkflowError):
        services.reception_record(
            representative=world.rep_a,
            station=world.station_b,
            actor=world.rep_a_user,
            text=TEXT,
        )
    assert not Petition.objects.exists()


def test_the_reception_is_saved_in_one_transaction(world, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Reception.objects, "create", broken)
    with pytest.raises(RuntimeError):
        services.reception_record(
            representative=world.rep_a,
            station=world.station_a,
            actor=world.rep_a_user,
            text=TEXT,
            checklist=["smile"],
        )
    assert not Petition.objects.exists()
    assert not PetitionEvent.objects.exists()


def test_a_non_representative_cannot_post_a_reception(client, world):
    client.force_login(world.county)
    response = client.post(reverse("petitions:reception_new"), _reception_data(world))
    assert response.status_code == 403
    assert not Petition.objects.exists()


# --- a 随手拍 ------------------------------------------------------------------------------------


def _snapshot_data(**overrides):
    data = {"submit_key": str(uuid.uuid4()), "text": TEXT, "village": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_snapshot_form_has_separate_image_inputs(rep_client):
    response = rep_client.get(reverse("petitions:snapshot_new"))
    inputs = [i for i in tags(response, "input") if i.get("type") == "file"]
    assert [i["name"] for i in inputs] == ["photo1", "photo2", "photo3"]
    assert all(i["accept"] == "image/*" and "multiple" not in i for i in inputs)


def test_it_turns_a_snapshot_into_a_concern_of_channel_snapshot(rep_client, world):
    village = make_village(town=world.town_a)
    response = rep_client.post(
        reverse("petitions:snapshot_new"),
        _snapshot_data(
            village=village.pk,
            photo1=upload(gps_jpeg()),
            photo2=upload(jpeg_bytes(), name="second.png", content_type="image/png"),
        ),
    )
    petition = Petition.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:work_detail", args=[petition.pk])
    assert petition.channel == Petition.Channel.SNAPSHOT
    assert petition.representative == world.rep_a
    assert (petition.village, petition.town) == (village, world.town_a)
    assert petition.citizen_name == "" and petition.citizen_phone == ""
    event = petition.events.get()
    assert (event.action, event.actor) == ("receive", world.rep_a_user)
    photos = list(petition.photos.all())
    assert len(photos) == 2
    with photos[0].image.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert stored.format == "JPEG"
        assert not stored.getexif()
        assert stored.size == (100, 200)  # turned upright by its EXIF orientation
    # The representative finds it on the task list, ready to collect.
    tasks = rep_client.get(reverse("petitions:my_tasks"))
    assert petition.tracking_no in _tracking_numbers(_section(tasks, "collect"))


def test_a_snapshot_without_a_village_belongs_to_the_representatives_town(rep_client, world):
    rep_client.post(reverse("petitions:snapshot_new"), _snapshot_data(photo1=upload(jpeg_bytes())))
    assert Petition.objects.get().town == world.town_a


def test_a_replayed_snapshot_makes_one_concern(rep_client):
    data = _snapshot_data()
    for _ in range(2):
        data["photo1"] = upload(jpeg_bytes())
        response = rep_client.post(reverse("petitions:snapshot_new"), data)
        assert response.status_code == 302
    assert Petition.objects.count() == 1
    assert PetitionPhoto.objects.count() == 1


@pytest.mark.parametrize(
    "photos, field",
    [
        ({}, "photo1"),
        ({"photo1": upload(b"<?php system($_GET['c']); ?>", name="shell.jpg")}, "photo1"),
        (
            {
                "photo1": upload(jpeg_bytes()),
                "photo2": upload(b"GIF89a" + b"\0" * 40, name="x.gif", content_type="image/gif"),
            },
            "photo2",
        ),
    ],
    ids=["no photo", "php renamed jpg", "good then bad"],
)
def test_a_bad_photo_leaves_no_concern_and_no_file(rep_client, photos, field):
    response = rep_client.post(reverse("petitions:snapshot_new"), _snapshot_data(**photos))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Petition.objects.exists()
    assert not PetitionPhoto.objects.exists()
    assert stored_files() == []


def test_a_snapshot_note_must_say_enough(rep_client):
    response = rep_client.post(
        reverse("petitions:snapshot_new"), _snapshot_data(text="坏了", photo1=upload(jpeg_bytes()))
    )
    assert response.status_code == 400
    assert "text" in response.context["form"].errors
    assert not Petition.objects.exists()
    assert stored_files() == []


def test_a_non_representative_cannot_post_a_snapshot(client):
    client.force_login(make_user())
    response = client.post(
        reverse("petitions:snapshot_new"), _snapshot_data(photo1=upload(jpeg_bytes()))
    )
    assert response.status_code == 403
    assert not Petition.objects.exists()
