"""Outreach and home visits (issue 9, item 2): a representative records a visit with the
concerns raised on it (each a concern of channel outreach, linked to the visit), sees their
visits, adds a concern afterwards; staff see visits by town and month, scoped."""

import uuid
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from liaison.models import StationMembership
from petitions import errors, outreach
from petitions.models import Petition, PetitionEvent, Step, Visit, VisitPhoto
from petitions.photos import clean_photo
from tests.base import make_representative, make_user, make_village, make_world, receive
from tests.helpers import (
    admin_url,
    gps_jpeg,
    jpeg_bytes,
    page_text,
    stored_files,
    tr,
    upload,
)
from tests.second_factor import SECOND_FACTOR

pytestmark = pytest.mark.django_db

TEXT = "村里的饮水管道老化，夏天经常停水。"
TEXT2 = "学校门口没有斑马线，孩子过马路很危险。"
ROWS = [1, 50]


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def rep_client(client, world):
    client.force_login(world.rep_a_user)
    return client


def _visit_data(world, concerns=(), **overrides):
    data = {
        "submit_key": str(uuid.uuid4()),
        "date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "place_kind": Visit.PlaceKind.HOUSEHOLD,
        "place": "东坪村张家",
        "people_count": "3",
        "people_note": "张大爷一家",
        "note": "了解饮水和出行情况。",
        "concern-TOTAL_FORMS": "2",
        "concern-INITIAL_FORMS": "0",
        "concern-MIN_NUM_FORMS": "0",
        "concern-MAX_NUM_FORMS": "5",
    }
    for index, concern in enumerate(concerns):
        for key, value in concern.items():
            data[f"concern-{index}-{key}"] = value
    data["concern-TOTAL_FORMS"] = str(max(2, len(concerns)))
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _two_concerns(world):
    return [
        {"text": TEXT, "category": world.category.pk},
        {"text": TEXT2, "citizen_name": "李四", "citizen_phone": "13912345678", "consent": "on"},
    ]


def _nothing_saved():
    assert not Visit.objects.exists()
    assert not Petition.objects.exists()
    assert not PetitionEvent.objects.exists()
    assert not VisitPhoto.objects.exists()


def _visit(world, rep=None, on=None, **fields):
    rep = rep or world.rep_a
    visit, _created = outreach.visit_record(
        representative=rep,
        actor=rep.user,
        on=on or timezone.localdate(),
        place_kind=fields.pop("place_kind", Visit.PlaceKind.COMMUNITY),
        place=fields.pop("place", "城关社区"),
        **fields,
    )
    return visit


# --- who may --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, args",
    [
        ("petitions:visit_list", []),
        ("petitions:visit_new", []),
    ],
)
def test_only_representatives_use_the_visit_pages(client, world, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    client.force_login(world.county)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert tr("My visits") in page_text(response)
    assert "page" not in response.context and "formset" not in response.context


def test_a_non_representative_cannot_post_a_visit(client, world):
    client.force_login(world.county)
    response = client.post(reverse("petitions:visit_new"), _visit_data(world))
    assert response.status_code == 403
    _nothing_saved()


# --- recording a visit ----------------------------------------------------------------------


def test_it_records_a_visit_with_two_concerns_of_channel_outreach(rep_client, world):
    fellow = make_representative(name="同行代表", station=world.station_b)
    data = _visit_data(world, _two_concerns(world), fellows=[fellow.pk])
    response = rep_client.post(reverse("petitions:visit_new"), data)

    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:visit_detail", args=[visit.pk])
    assert visit.representative == world.rep_a
    assert visit.recorded_by == world.rep_a_user
    assert visit.place_kind == Visit.PlaceKind.HOUSEHOLD
    assert (visit.people_count, visit.people_note) == (3, "张大爷一家")
    assert list(visit.fellows.all()) == [fellow]
    # Without a village, the town of the representative's station.
    assert visit.town == world.town_a
    concerns = list(Petition.objects.order_by("pk"))
    assert [p.text for p in concerns] == [TEXT, TEXT2]
    for petition in concerns:
        assert petition.channel == Petition.Channel.OUTREACH
        assert petition.visit == visit
        assert petition.representative == world.rep_a
        assert petition.step == Step.RECEIVED
        event = petition.events.get()
        assert (event.action, event.actor) == ("receive", world.rep_a_user)
    assert concerns[0].category == world.category
    assert concerns[1].citizen_phone == "13912345678" and concerns[1].consent_at is not None

    page = rep_client.get(response["Location"])
    text = page_text(page)
    for petition in concerns:
        assert petition.tracking_no in text
        assert str(petition.get_step_display()) in text
    assert "同行代表" in text


def test_a_visit_without_concerns_is_recorded_alone(rep_client, world):
    response = rep_client.post(reverse("petitions:visit_new"), _visit_data(world))
    assert response.status_code == 302
    assert Visit.objects.count() == 1
    assert not Petition.objects.exists()


def test_a_replayed_visit_form_records_one_visit(rep_client, world):
    data = _visit_data(world, _two_concerns(world))
    first = rep_client.post(reverse("petitions:visit_new"), data)
    second = rep_client.post(reverse("petitions:visit_new"), data)
    assert first["Location"] == second["Location"]
    assert Visit.objects.count() == 1
    assert Petition.objects.count() == 2


def test_another_representative_cannot_replay_a_visit_form(client, world):
    data = _visit_data(world)
    client.force_login(world.rep_a_user)
    client.post(reverse("petitions:visit_new"), data)
    client.force_login(world.rep_b_user)
    response = client.post(reverse("petitions:visit_new"), data)
    assert response.status_code == 400
    assert Visit.objects.get().representative == world.rep_a


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"date": (date.today() + timedelta(days=2)).isoformat()}, "date"),
        ({"date": "昨天"}, "date"),
        ({"place_kind": "moon"}, "place_kind"),
        ({"place": ""}, "place"),
        ({"people_count": "-1"}, "people_count"),
        ({"fellows": ["999999"]}, "fellows"),
    ],
)
def test_it_refuses_a_bad_visit_and_records_nothing(rep_client, world, overrides, field):
    data = _visit_data(world, _two_concerns(world), **overrides)
    response = rep_client.post(reverse("petitions:visit_new"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    _nothing_saved()


@pytest.mark.parametrize(
    "concern, field",
    [
        ({"text": "太短了"}, "text"),
        ({"text": TEXT, "citizen_phone": "13912345678"}, "consent"),
        ({"text": TEXT, "citizen_phone": "12345", "consent": "on"}, "citizen_phone"),
        ({"category": "1"}, "text"),
    ],
)
def test_a_bad_concern_refuses_the_whole_visit(rep_client, world, concern, field):
    data = _visit_data(world, [{"text": TEXT}, concern])
    response = rep_client.post(reverse("petitions:visit_new"), data)
    assert response.status_code == 400
    assert field in response.context["formset"].forms[1].errors
    assert "请" in page_text(response) or "字" in page_text(response)
    _nothing_saved()


def test_more_than_five_concerns_are_refused(rep_client, world):
    data = _visit_data(world, [{"text": TEXT}] * 6)
    response = rep_client.post(reverse("petitions:visit_new"), data)
    assert response.status_code == 400
    _nothing_saved()


def test_an_inactive_representative_is_no_fellow(rep_client, world):
    retired = make_representative(name="离任代表", station=world.station_b, is_active=False)
    page = rep_client.get(reverse("petitions:visit_new"))
    assert retired not in page.context["form"].fields["fellows"].queryset
    assert world.rep_a not in page.context["form"].fields["fellows"].queryset
    response = rep_client.post(
        reverse("petitions:visit_new"), _visit_data(world, fellows=[retired.pk])
    )
    assert response.status_code == 400
    _nothing_saved()


def test_the_photos_are_checked_and_stored_without_their_location(rep_client, world):
    data = _visit_data(world, photo1=upload(gps_jpeg()))
    response = rep_client.post(reverse("petitions:visit_new"), data)
    assert response.status_code == 302
    photo = VisitPhoto.objects.get()
    with photo.image.open("rb") as handle, Image.open(handle) as image:
        assert not image.getexif()
    served = rep_client.get(reverse("petitions:visit_photo", args=[photo.visit_id, photo.pk]))
    assert served.status_code == 200
    assert served["Cache-Control"] == "private, no-store"


def test_a_file_that_is_no_photo_refuses_the_visit(rep_client, world):
    data = _visit_data(
        world, _two_concerns(world), photo1=upload(b"%PDF-1.4 not a photo", name="a.jpg")
    )
    response = rep_client.post(reverse("petitions:visit_new"), data)
    assert response.status_code == 400
    assert "photo1" in response.context["form"].errors
    _nothing_saved()
    assert not stored_files()


def test_a_failure_midway_keeps_nothing(world, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(outreach, "petition_receive", broken)
    with pytest.raises(RuntimeError):
        outreach.visit_record(
            representative=world.rep_a,
            actor=world.rep_a_user,
            on=timezone.localdate(),
            place_kind=Visit.PlaceKind.SCHOOL,
            place="县城小学",
            concerns=[{"text": TEXT}],
        )
    _nothing_saved()


def test_the_service_refuses_a_future_visit(world):
    with pytest.raises(errors.WorkflowError):
        _visit(world, on=timezone.localdate() + timedelta(days=1))
    _nothing_saved()


# --- a visit's page, adding a concern, other people's ids -----------------------------------


def test_it_adds_a_concern_raised_on_the_visit_afterwards(rep_client, world):
    visit = _visit(world)
    village = make_village(town=world.town_b, name="乙村")
    url = reverse("petitions:visit_concern_new", args=[visit.pk])
    assert rep_client.get(url).status_code == 200
    data = {"submit_key": str(uuid.uuid4()), "text": TEXT, "village": village.pk}
    response = rep_client.post(url, data)
    assert response["Location"] == reverse("petitions:visit_detail", args=[visit.pk])
    petition = Petition.objects.get()
    assert (petition.visit, petition.channel) == (visit, Petition.Channel.OUTREACH)
    assert (petition.village, petition.town) == (village, world.town_b)
    rep_client.post(url, data)  # a replay: the same concern
    assert Petition.objects.count() == 1


def test_a_bad_added_concern_is_refused_and_nothing_saved(rep_client, world):
    visit = _visit(world)
    url = reverse("petitions:visit_concern_new", args=[visit.pk])
    response = rep_client.post(url, {"submit_key": str(uuid.uuid4()), "text": "短"})
    assert response.status_code == 400
    assert "text" in response.context["form"].errors
    assert not Petition.objects.exists()


def test_other_representatives_visits_are_404(rep_client, world):
    theirs = _visit(world, rep=world.rep_b, photos=[_jpeg()])
    photo = theirs.photos.get()
    for url in (
        reverse("petitions:visit_detail", args=[theirs.pk]),
        reverse("petitions:visit_concern_new", args=[theirs.pk]),
        reverse("petitions:visit_photo", args=[theirs.pk, photo.pk]),
    ):
        assert rep_client.get(url).status_code == 404
    response = rep_client.post(
        reverse("petitions:visit_concern_new", args=[theirs.pk]),
        {"submit_key": str(uuid.uuid4()), "text": TEXT},
    )
    assert response.status_code == 404
    assert not Petition.objects.exists()
    # Another visit's id with one's own photo id is no way round it.
    mine = _visit(world)
    url = reverse("petitions:visit_photo", args=[mine.pk, photo.pk])
    assert rep_client.get(url).status_code == 404


def test_the_service_refuses_a_concern_on_someone_elses_visit(world):
    theirs = _visit(world, rep=world.rep_b)
    with pytest.raises(errors.WorkflowError):
        outreach.visit_concern_add(
            visit=theirs,
            representative=world.rep_a,
            actor=world.rep_a_user,
            concern={"text": TEXT},
        )
    assert not Petition.objects.exists()


def test_a_visit_with_concerns_cannot_be_deleted(world):
    visit = _visit(world, concerns=[{"text": TEXT}])
    with pytest.raises(ProtectedError):
        visit.delete()


def _jpeg():
    return clean_photo(jpeg_bytes())


# --- the lists ------------------------------------------------------------------------------


def test_the_task_list_marks_a_visits_concerns(rep_client, world):
    visit = _visit(world, on=date(2026, 3, 5), concerns=[{"text": TEXT}, {"text": TEXT2}])
    other, _ = receive(world)
    response = rep_client.get(reverse("petitions:my_tasks"))
    text = page_text(response)
    mark = tr("from the visit of %(date)s").replace("%(date)s", "2026-03-05")
    assert text.count(mark) == 2
    rows = next(s for s in response.context["sections"] if s["key"] == "collect")["rows"]
    assert {p.visit_id for p in rows} == {visit.pk, None}
    assert other in rows


def test_the_visit_list_is_newest_first_and_only_ones_own(rep_client, world):
    old = _visit(world, on=timezone.localdate() - timedelta(days=10), place="旧地方")
    new = _visit(world, place="新地方", concerns=[{"text": TEXT}])
    _visit(world, rep=world.rep_b, place="别人的地方")
    response = rep_client.get(reverse("petitions:visit_list"))
    assert list(response.context["page"].object_list) == [new, old]
    assert "别人的地方" not in page_text(response)
    assert response.context["page"].object_list[0].concern_count == 1


SESSION_AND_USER = 2
# roles (scope, representative, memberships, units), the count, the page, the unread notices.
VISIT_LIST_QUERIES = SESSION_AND_USER + 4 + 1 + 1 + 1


@pytest.mark.parametrize("rows", ROWS)
def test_it_renders_the_visit_list_in_constant_queries(
    rep_client, world, django_assert_num_queries, rows
):
    for index in range(rows):
        Visit.objects.create(
            representative=world.rep_a,
            date=timezone.localdate() - timedelta(days=index),
            place_kind=Visit.PlaceKind.COMMUNITY,
            place=f"社区{index}",
            town=world.town_a,
            recorded_by=world.rep_a_user,
        )
    with django_assert_num_queries(VISIT_LIST_QUERIES):
        response = rep_client.get(reverse("petitions:visit_list"))
    assert response.context["page"].paginator.count == rows


# roles, the visit, its photos, fellows and concerns, the unread notices.
VISIT_DETAIL_QUERIES = SESSION_AND_USER + 4 + 1 + 3 + 1


@pytest.mark.parametrize("rows", ROWS)
def test_it_renders_a_visits_page_in_constant_queries(
    rep_client, world, django_assert_num_queries, rows
):
    visit = _visit(world)
    for index in range(rows):
        receive(world, visit=visit, text=f"{TEXT}{index}")
    with django_assert_num_queries(VISIT_DETAIL_QUERIES):
        response = rep_client.get(reverse("petitions:visit_detail", args=[visit.pk]))
    assert len(response.context["visit"].petitions.all()) == rows


# --- staff: visits by town and month, scoped --------------------------------------------------


@pytest.fixture
def visits_everywhere(world):
    a = _visit(world, on=date(2026, 3, 5), place="甲镇社区")
    b = _visit(world, rep=world.rep_b, on=date(2026, 4, 6), place="乙镇农户")
    # A member of station A visiting in town B: station A's staff follow their members.
    StationMembership.objects.create(station=world.station_a, representative=world.rep_b)
    return a, b


def _admin_login(client, user):
    user.user_permissions.add(Permission.objects.get(codename="view_visit"))
    user.is_staff = True
    user.save()
    client.force_login(user)


def _admin_list(client, user, **params):
    _admin_login(client, user)
    return client.get(admin_url("petitions.Visit", "changelist"), params)


def _places(response):
    return {v.place for v in response.context["cl"].result_list}


def test_county_staff_see_every_visit(client, world, visits_everywhere):
    assert _places(_admin_list(client, world.county)) == {"甲镇社区", "乙镇农户"}


def test_town_staff_see_their_towns_visits(client, world, visits_everywhere):
    assert _places(_admin_list(client, world.town_staff_a)) == {"甲镇社区"}
    client.logout()
    assert _places(_admin_list(client, world.town_staff_b)) == {"乙镇农户"}


def test_station_staff_see_their_members_visits(client, world, visits_everywhere):
    assert _places(_admin_list(client, world.station_staff_a)) == {"甲镇社区", "乙镇农户"}


def test_staff_filter_visits_by_town_and_month(client, world, visits_everywhere):
    assert _places(_admin_list(client, world.county, town=world.town_b.pk)) == {"乙镇农户"}
    assert _places(_admin_list(client, world.county, month="2026-03")) == {"甲镇社区"}
    assert _places(_admin_list(client, world.county, month="2026")) == {"甲镇社区", "乙镇农户"}
    assert _places(_admin_list(client, world.county, month="2025-13")) == {
        "甲镇社区",
        "乙镇农户",
    }


@pytest.mark.parametrize("rows", ROWS)
def test_staff_list_visits_in_constant_queries(client, world, rows):
    for index in range(rows):
        _visit(world, rep=[world.rep_a, world.rep_b][index % 2], place=f"地点{index}")
    counts = []
    for user in (world.county, world.town_staff_a):
        _admin_login(client, user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(admin_url("petitions.Visit", "changelist"))
        assert response.status_code == 200
        counts.append(len(queries))
    # The same for 1 and for 50 rows.
    assert counts == VISIT_ADMIN_QUERIES


# Session and user, permissions, roles for the scope, the towns of the filter, the first date
# of the year filter, the count, the page (concern counts annotated): the same at any length;
# county staff's second factor (town staff need none).
VISIT_ADMIN_QUERIES = [11 + SECOND_FACTOR, 11]


def test_a_photo_over_the_size_limit_refuses_the_visit(rep_client, world, settings):
    settings.PETITION_PHOTO_MAX_BYTES = 100
    data = _visit_data(world, _two_concerns(world), photo1=upload(jpeg_bytes(size=(400, 300))))
    response = rep_client.post(reverse("petitions:visit_new"), data)
    assert response.status_code == 400
    assert "photo1" in response.context["form"].errors
    _nothing_saved()


def test_an_id_past_the_columns_range_is_a_404_not_an_error(client):
    """QA: /me/visits/9223372036854775808/photos/1/ was a server error on SQLite."""
    rep_user = make_user("huge_ids")
    make_representative(name="大号代表", user=rep_user)
    client.force_login(rep_user)
    huge = 2**63
    for url in (
        f"/me/visits/{huge}/",
        f"/me/visits/{huge}/photos/1/",
        f"/me/visits/1/photos/{huge}/",
        f"/me/visits/{huge}/concerns/new/",
    ):
        assert client.get(url).status_code == 404, url


def test_a_refused_visit_says_so_at_the_top_of_the_page(client):
    """QA: on a phone the field in error may be far below; the page says it first."""
    rep_user = make_user("top_message")
    make_representative(name="提示代表", user=rep_user)
    client.force_login(rep_user)
    response = client.post(reverse("petitions:visit_new"), {"concern-TOTAL_FORMS": "0"})
    assert response.status_code == 400
    assert "请修改标出的内容。尚未保存任何信息。" in page_text(response)


def test_the_visit_form_offers_today_as_the_date(client):
    rep_user = make_user("today_default")
    make_representative(name="今天代表", user=rep_user)
    client.force_login(rep_user)
    response = client.get(reverse("petitions:visit_new"))
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in response.content.decode()
