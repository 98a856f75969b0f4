"""Staff intake (issue 9, item 1): county, town and station staff enter a concern that came by
phone, letter, the petition hall, an activity or the 12345 hotline; bad input is refused in
words and saves nothing; the tracking link is shown once and printed on an A6 slip."""

import re
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from liaison.models import Activity
from petitions import access, services
from petitions.deadlines import Calendar
from petitions.intake_forms import check_pdf
from petitions.models import PersonalDataView, Petition, PetitionEvent, ScannedLetter
from tests.base import make_representative, make_station, make_user, make_village, make_world
from tests.helpers import admin_url, jpeg_bytes, page_text, stored_files, tags, tr, upload

pytestmark = pytest.mark.django_db

URL = "/staff/intake/"
SLIP_URL = "/staff/intake/slip/"
TEXT = "村里的自来水管道老化，夏天经常停水，希望尽快更换。"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R 4 0 R]/Count 2>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"4 0 obj<</Type /Page /Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
NOT_A_PDF = "This file is not a PDF: scan the letter as a PDF or a photo."


@pytest.fixture
def world():
    return make_world()


def data(**overrides) -> dict:
    values = {
        "channel": Petition.Channel.PHONE,
        "received_on": timezone.localdate().isoformat(),
        "text": TEXT,
        "submit_key": str(uuid.uuid4()),
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def post(client, user, **overrides):
    client.force_login(user)
    return client.post(URL, data(**overrides))


def assert_nothing_saved(response):
    assert response.status_code == 400
    assert Petition.objects.count() == 0
    assert ScannedLetter.objects.count() == 0
    assert stored_files() == []
    assert tr("Please correct the marked fields. Nothing has been saved yet.") in page_text(
        response
    )


def options(response, name) -> list[str]:
    html = response.content.decode()
    block = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return [o.get("value") for o in tags(block, "option") if o.get("value")]


# --- who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["county", "town_staff_a", "station_staff_a"])
def test_congress_staff_open_the_form(client, world, who):
    client.force_login(getattr(world, who))
    response = client.get(URL)
    assert response.status_code == 200
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    )
    assert reverse("petitions:staff_intake") == URL


@pytest.mark.parametrize("who", ["rep_a_user", "unit_user"])
def test_representatives_and_units_get_404(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(URL).status_code == 404
    assert client.post(URL, data()).status_code == 404
    assert Petition.objects.count() == 0


def test_a_user_without_a_scope_or_the_admins_door_gets_404(client, world):
    client.force_login(make_user("nobody", staff=True))
    assert client.get(URL).status_code == 404
    world.town_staff_a.is_staff = False
    world.town_staff_a.save(update_fields=["is_staff"])
    client.force_login(world.town_staff_a)
    assert client.get(URL).status_code == 404


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_admin_index_and_the_concern_list_link_to_it(client, world):
    # The personas hold no model permission; a superuser opens both pages.
    client.force_login(make_user("root", superuser=True))
    for url in (reverse("admin:index"), admin_url("petitions.Petition", "changelist")):
        response = client.get(url)
        assert URL in [a.get("href") for a in tags(response, "a")], url


# --- a concern entered -----------------------------------------------------------------------


def test_county_staff_enter_a_phone_call_and_see_the_number_and_link(client, world):
    response = post(client, world.county, category=world.category.pk)
    assert response.status_code == 200
    petition = Petition.objects.get()
    assert petition.channel == Petition.Channel.PHONE
    assert petition.text == TEXT
    assert petition.category == world.category
    assert petition.received_on == timezone.localdate()
    assert petition.step == "received"
    text = page_text(response)
    assert petition.tracking_no in text
    link = next(a["href"] for a in tags(response, "a") if a.get("id") == "tracking-link")
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert access.get_petition_by_token(token) == petition
    assert tr("Print the slip for the citizen") in text
    # The event names the staff member who typed it in.
    event = PetitionEvent.objects.get(petition=petition, action="receive")
    assert event.actor == world.county
    assert event.actor_kind == PetitionEvent.ActorKind.USER


def test_the_same_form_sent_twice_gives_one_concern(client, world):
    key = str(uuid.uuid4())
    first = post(client, world.county, submit_key=key)
    again = post(client, world.county, submit_key=key)
    assert Petition.objects.count() == 1
    assert tr("This concern was already saved") in page_text(again)
    assert Petition.objects.get().tracking_no in page_text(first)


@pytest.mark.parametrize(
    "channel", ["phone", "letter", "petition_hall", "hotline_12345"], ids=lambda c: c
)
def test_every_intake_channel_is_accepted(client, world, channel):
    assert post(client, world.county, channel=channel).status_code == 200
    assert Petition.objects.get().channel == channel


def test_a_channel_of_the_citizens_own_forms_is_refused(client, world):
    response = post(client, world.county, channel=Petition.Channel.QR)
    assert_nothing_saved(response)


def test_an_earlier_date_received_counts_for_collect_by(client, world):
    earlier = timezone.localdate() - timedelta(days=4)
    post(client, world.county, received_on=earlier.isoformat())
    petition = Petition.objects.get()
    assert petition.received_on == earlier
    expected = Calendar.from_db().add_days(earlier, settings.PETITION_COLLECT_DAYS)
    assert petition.collect_by == expected


def test_a_date_received_in_the_future_is_refused(client, world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = post(client, world.county, received_on=tomorrow.isoformat())
    assert_nothing_saved(response)
    assert tr("The date received cannot be in the future.") in page_text(response)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("channel", "", "Choose how the concern reached you."),
        ("received_on", "", "Enter the date the concern reached you."),
        ("received_on", "昨天", "Enter a date such as 2026-03-15."),
        ("text", "", "Write down the concern."),
    ],
)
def test_each_missing_or_bad_field_is_named_in_words(client, world, field, value, message):
    response = post(client, world.county, **{field: value})
    assert_nothing_saved(response)
    assert tr(message) in page_text(response)


@pytest.mark.parametrize("text", ["太短", "长" * (settings.PETITION_TEXT_MAX + 1)])
def test_a_text_too_short_or_too_long_is_refused(client, world, text):
    response = post(client, world.county, text=text)
    assert_nothing_saved(response)
    assert tr("Write the concern in %(min)d to %(max)d characters.") % {
        "min": settings.PETITION_TEXT_MIN,
        "max": settings.PETITION_TEXT_MAX,
    } in page_text(response)


def test_a_name_too_long_is_refused(client, world):
    response = post(client, world.county, citizen_name="名" * 31)
    assert_nothing_saved(response)
    assert tr("A name of at most %(limit_value)d characters, please.") % {
        "limit_value": 30
    } in page_text(response)


# --- the citizen's mobile and consent --------------------------------------------------------


def test_a_mobile_with_consent_is_kept(client, world):
    post(client, world.county, citizen_name="王大妈", citizen_phone="138 1234 5678", consent="on")
    petition = Petition.objects.get()
    assert petition.citizen_phone == "13812345678"
    assert petition.citizen_name == "王大妈"
    assert petition.consent_at is not None


def test_a_mobile_without_consent_is_refused(client, world):
    response = post(client, world.county, citizen_phone="13812345678")
    assert_nothing_saved(response)
    assert tr(
        "The mobile is kept only if the citizen agreed to be contacted: tick the box or leave "
        "the mobile out."
    ) in page_text(response)


def test_a_wrong_mobile_is_refused_as_on_the_citizens_form(client, world):
    response = post(client, world.county, citizen_phone="1234567", consent="on")
    assert_nothing_saved(response)
    assert tr("Enter a valid mainland China mobile number (11 digits).") in page_text(response)


def test_a_wrong_mobile_never_reaches_the_page_unmasked_in_a_log(client, world, caplog):
    post(client, world.county, citizen_phone="13812345678")
    assert "13812345678" not in caplog.text


# --- photos and scanned letters --------------------------------------------------------------


def test_a_photo_and_a_scanned_letter_are_kept(client, world):
    client.force_login(world.county)
    response = client.post(
        URL,
        {
            **data(channel="letter"),
            "photo1": upload(jpeg_bytes()),
            "letter1": upload(PDF, "来信.pdf", "application/pdf"),
        },
    )
    assert response.status_code == 200
    petition = Petition.objects.get()
    assert petition.photos.count() == 1
    letter = ScannedLetter.objects.get(petition=petition)
    assert (letter.name, letter.pages) == ("来信.pdf", 2)
    assert letter.file.read() == PDF


def test_staff_open_a_scanned_letter_from_the_admin_and_the_view_is_recorded(client, world):
    client.force_login(world.town_staff_a)
    client.post(URL, {**data(), "letter1": upload(PDF, "来信.pdf", "application/pdf")})
    petition = Petition.objects.get()
    letter = petition.letters.get()
    url = reverse("petitions:staff_letter", args=[petition.pk, letter.pk])
    client.force_login(make_user("root", superuser=True))
    page = client.get(admin_url("petitions.Petition", "change", petition.pk))
    assert url in [a.get("href") for a in tags(page, "a")]
    for user in (world.town_staff_a, world.county):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content) == PDF
        assert PersonalDataView.objects.filter(user=user, petition=petition).exists()
    # Staff of another town, representatives and units: 404.
    for user in (world.town_staff_b, world.rep_a_user, world.unit_user):
        client.force_login(user)
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "content",
    [
        jpeg_bytes(),  # a photo renamed .pdf
        b"PK\x03\x04 a Word file",
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n",  # cut short: no page, no end
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n%%EOF\n",  # an end but no page
    ],
    ids=["photo", "word", "truncated", "no-page"],
)
def test_a_fake_pdf_is_refused(client, world, content):
    client.force_login(world.county)
    response = client.post(
        URL, {**data(), "letter1": upload(content, "来信.pdf", "application/pdf")}
    )
    assert_nothing_saved(response)
    assert tr(NOT_A_PDF) in page_text(response)


def test_a_letter_too_big_is_refused(client, world, settings):
    settings.PETITION_ATTACHMENT_MAX_BYTES = 100
    client.force_login(world.county)
    response = client.post(URL, {**data(), "letter1": upload(PDF, "来信.pdf", "application/pdf")})
    assert_nothing_saved(response)
    assert tr("Each scanned letter may be at most %(mb)d MB.") % {"mb": 0} in page_text(response)


def test_check_pdf_counts_pages_not_the_page_tree():
    assert check_pdf(PDF) == 2


def test_a_fake_photo_is_refused_like_the_citizens(client, world):
    client.force_login(world.county)
    response = client.post(URL, {**data(), "photo1": upload(b"not an image at all")})
    assert_nothing_saved(response)
    assert tr("Only JPEG, PNG or WebP photos are accepted.") in page_text(response)


# --- the activity it came from ---------------------------------------------------------------


def _activity(days_ago=3, **fields):
    return Activity.objects.create(
        kind=fields.pop("kind", Activity.Kind.FACE_TO_FACE),
        title=fields.pop("title", "代表·局长面对面"),
        date=timezone.localdate() - timedelta(days=days_ago),
        **fields,
    )


def test_a_concern_from_an_activity_keeps_a_key_to_it(client, world):
    activity = _activity()
    post(client, world.county, channel="activity", source_activity=activity.pk)
    petition = Petition.objects.get()
    assert petition.source_activity == activity
    assert list(activity.petitions.all()) == [petition]


def test_channel_activity_needs_the_activity(client, world):
    response = post(client, world.county, channel="activity")
    assert_nothing_saved(response)
    assert tr("Choose the activity it was raised at.") in page_text(response)


def test_an_activity_for_another_channel_is_refused(client, world):
    response = post(client, world.county, source_activity=_activity().pk)
    assert_nothing_saved(response)
    assert tr("Choose an activity only for a concern raised at a congress activity.") in (
        page_text(response)
    )


def test_only_recent_held_activities_are_offered(client, world):
    recent = _activity()
    old = _activity(days_ago=400, title="去年的通报会")
    cancelled = _activity(is_cancelled=True, title="取消的会议")
    coming = _activity(days_ago=-5, title="下周的会议")
    client.force_login(world.county)
    offered = options(client.get(URL), "source_activity")
    assert offered == [str(recent.pk)]
    for activity in (old, cancelled, coming):
        response = post(client, world.county, channel="activity", source_activity=activity.pk)
        assert_nothing_saved(response)


# --- scope: town and station staff -----------------------------------------------------------


def test_town_staff_are_offered_their_towns_stations_villages_and_representatives(client, world):
    village_a = make_village(world.town_a, "甲村")
    make_village(world.town_b, "乙村")
    client.force_login(world.town_staff_a)
    response = client.get(URL)
    assert options(response, "station") == [str(world.station_a.pk)]
    assert options(response, "village") == [str(village_a.pk)]
    assert options(response, "representative") == [str(world.rep_a.pk)]


def test_town_staff_cannot_enter_for_another_towns_station(client, world):
    response = post(client, world.town_staff_a, station=world.station_b.pk)
    assert_nothing_saved(response)
    response = post(client, world.town_staff_a, representative=world.rep_b.pk)
    assert_nothing_saved(response)


def test_what_town_staff_enter_stays_in_their_town_and_they_see_it(client, world):
    post(client, world.town_staff_a)
    petition = Petition.objects.get()
    assert petition.town == world.town_a
    assert access.petitions_for_user(world.town_staff_a).filter(pk=petition.pk).exists()
    assert not access.petitions_for_user(world.town_staff_b).filter(pk=petition.pk).exists()


def test_station_staff_enter_for_their_own_station(client, world):
    other = make_station(world.town_a, "甲镇另一站")
    make_representative("另一站代表", station=other)
    client.force_login(world.station_staff_a)
    response = client.get(URL)
    assert options(response, "station") == [str(world.station_a.pk)]
    assert options(response, "representative") == [str(world.rep_a.pk)]
    post(client, world.station_staff_a)
    petition = Petition.objects.get()
    assert petition.station == world.station_a
    assert petition.town == world.town_a
    assert access.petitions_for_user(world.station_staff_a).filter(pk=petition.pk).exists()


def test_county_staff_choose_any_station_and_representative(client, world):
    post(client, world.county, station=world.station_b.pk, representative=world.rep_b.pk)
    petition = Petition.objects.get()
    assert (petition.station, petition.representative, petition.town) == (
        world.station_b,
        world.rep_b,
        world.town_b,
    )


# --- the slip --------------------------------------------------------------------------------


def test_the_slip_prints_the_number_date_and_qr_of_the_tracking_link(client, world):
    key = str(uuid.uuid4())
    saved = post(client, world.county, submit_key=key)
    petition = Petition.objects.get()
    form = next(f for f in tags(saved, "form") if f.get("action") == SLIP_URL)
    assert form["method"] == "post"
    response = client.post(SLIP_URL, {"submit_key": key})
    assert response.status_code == 200
    text = page_text(response)
    assert settings.CONGRESS_NAME in text
    assert petition.tracking_no in text
    assert petition.received_on.isoformat() in text
    qr = next(i["src"] for i in tags(response, "img") if "slip-qr" in i.get("class", ""))
    assert client.get(qr).status_code == 200
    css = next(link["href"] for link in tags(response, "link") if "intake_slip" in link["href"])
    assert css.endswith("intake_slip.css")
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_slip_is_refused_by_get_and_for_a_wrong_or_foreign_key(client, world):
    key = str(uuid.uuid4())
    post(client, world.town_staff_a, submit_key=key)
    assert client.get(SLIP_URL).status_code == 405
    assert client.post(SLIP_URL, {"submit_key": "x"}).status_code == 404
    assert client.post(SLIP_URL, {"submit_key": str(uuid.uuid4())}).status_code == 404
    client.force_login(world.town_staff_b)
    assert client.post(SLIP_URL, {"submit_key": key}).status_code == 404


def test_the_slip_is_only_printed_right_after_saving(client, world):
    key = str(uuid.uuid4())
    post(client, world.county, submit_key=key)
    Petition.objects.update(created_at=timezone.now() - timedelta(hours=2))
    assert client.post(SLIP_URL, {"submit_key": key}).status_code == 404


# --- the date on the work page and the admin -------------------------------------------------


def test_an_earlier_date_received_shows_on_the_work_page_and_the_admin(client, world):
    earlier = timezone.localdate() - timedelta(days=6)
    post(client, world.county, received_on=earlier.isoformat())
    petition = Petition.objects.get()
    response = client.get(reverse("petitions:work_detail", args=[petition.pk]))
    assert earlier.isoformat() in page_text(response)
    client.force_login(make_user("root", superuser=True))
    response = client.get(admin_url("petitions.Petition", "change", petition.pk))
    with translation.override(settings.LANGUAGE_CODE):
        shown = formats.date_format(earlier)
    assert shown in page_text(response)


# --- constant queries ------------------------------------------------------------------------


def _form_queries(client, user) -> int:
    client.force_login(user)
    client.get(URL)  # sessions and caches warmed
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["county", "town_staff_a", "station_staff_a"])
def test_the_form_page_runs_the_same_queries_for_1_and_50_rows(client, world, who):
    user = getattr(world, who)
    make_village(world.town_a)
    _activity()
    one = _form_queries(client, user)
    for n in range(49):
        station = make_station(world.town_a, f"加站{n}")
        make_representative(f"加代表{n}", station=world.station_a)
        make_village(world.town_a, f"加村{n}")
        _activity(title=f"活动{n}", station=station)
    assert _form_queries(client, user) == one


# --- retention -------------------------------------------------------------------------------


def test_a_closed_concerns_scanned_letter_is_erased_after_the_retention_period(
    client, world, settings
):
    settings.PETITION_RETENTION_DAYS = 30
    client.force_login(world.county)
    client.post(URL, {**data(), "letter1": upload(PDF, "来信.pdf", "application/pdf")})
    petition = Petition.objects.get()
    assert len(stored_files()) == 1
    Petition.objects.filter(pk=petition.pk).update(
        step="closed", closed_at=timezone.now() - timedelta(days=31)
    )
    services.petitions_anonymise_expired()
    assert not ScannedLetter.objects.exists()
    assert stored_files() == []
    assert Petition.objects.filter(pk=petition.pk).exists()
