"""A citizen posts a concern from a representative's or a station's page, without an
account; bad input is refused with a message and leaves nothing behind."""

import re
import uuid

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from liaison.models import RetiredQrToken, StationMembership
from petitions.models import Category, Petition
from petitions.tracking import hash_token
from tests.base import make_representative, make_station, make_town, make_village
from tests.helpers import decode_qr, page_text, stored_files, tags, tr
from tests.petitions.citizen_helpers import (
    GOOD_TEXT,
    category,
    form_data,
    rep_at_one_station,
    rep_url,
    station_url,
    submit,
    tracking_path,
)

pytestmark = pytest.mark.django_db


def options_of(response, name, *, selected=False) -> list[str]:
    """The option values of the ``<select name=name>`` of a page (only the selected ones
    with ``selected``)."""
    html = response.content.decode()
    block = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return [o.get("value") for o in tags(block, "option") if not selected or "selected" in o]


NO_CONSENT = (
    "You gave your name or mobile: tick the box to agree to the notice above, or leave them empty."
)


def assert_nothing_created():
    assert Petition.objects.count() == 0
    assert stored_files() == []


# --- the pages that lead to the form ---------------------------------------------------------


def test_it_offers_a_post_a_concern_button_on_a_representatives_page(client):
    rep, _station = rep_at_one_station()
    response = client.get(rep.get_absolute_url())
    assert rep_url(rep) in [a.get("href") for a in tags(response, "a")]
    assert tr("Post a concern") in page_text(response)


@pytest.mark.parametrize("page", ["slug", "qr"])
def test_it_offers_a_post_a_concern_button_on_a_stations_page(client, page):
    station = make_station()
    url = station.get_absolute_url() if page == "slug" else station.get_qr_path()
    response = client.get(url)
    assert station_url(station) in [a.get("href") for a in tags(response, "a")]


def test_it_shows_the_form_with_one_photo_input_per_photo(client):
    rep, _station = rep_at_one_station()
    response = client.get(rep_url(rep))
    assert response.status_code == 200
    inputs = {i.get("name"): i for i in tags(response, "input")}
    photos = [inputs.get(f"photo{n}") for n in range(1, settings.PETITION_MAX_PHOTOS + 1)]
    assert all(p is not None for p in photos)
    for photo in photos:
        assert photo["type"] == "file"
        assert photo["accept"] == "image/*"
        # WeChat's picker breaks on `multiple`.
        assert "multiple" not in photo
    assert "photo7" not in inputs
    assert inputs["consent"]["type"] == "checkbox"
    uuid.UUID(inputs["submit_key"]["value"])
    assert tags(response, "form")[0]["enctype"] == "multipart/form-data"


def test_it_draws_a_fresh_key_each_time_and_lets_no_cache_keep_the_form(client):
    rep, _station = rep_at_one_station()
    first, second = client.get(rep_url(rep)), client.get(rep_url(rep))

    def key(response):
        return next(i["value"] for i in tags(response, "input") if i.get("name") == "submit_key")

    assert key(first) != key(second)
    # A shared cache holding this page would give every visitor the same petition.
    assert "no-store" in first["Cache-Control"]
    assert "private" in first["Cache-Control"]


def test_it_tells_a_citizen_without_a_phone_that_only_the_link_shows_the_result(client):
    rep, _station = rep_at_one_station()
    text = page_text(client.get(rep_url(rep)))
    assert (
        tr(
            "Without a number nobody can call you back: only the tracking link you get "
            "after sending will show you the result."
        )
        in text
    )
    with translation.override(settings.LANGUAGE_CODE):
        notice = translation.ngettext(
            "Your name and phone are erased %(days)s day after the concern is closed "
            "(Personal Information Protection Law).",
            "Your name and phone are erased %(days)s days after the concern is closed "
            "(Personal Information Protection Law).",
            settings.PETITION_RETENTION_DAYS,
        ) % {"days": settings.PETITION_RETENTION_DAYS}
    assert notice in text


def test_it_offers_only_active_categories(client):
    rep, _station = rep_at_one_station()
    retired = Category.objects.create(name="已停用分类", is_active=False)
    options = options_of(client.get(rep_url(rep)), "category")
    assert str(category().pk) in options
    assert str(retired.pk) not in options


def test_it_offers_the_villages_of_the_representatives_towns(client):
    rep, station = rep_at_one_station()
    own = make_village(town=station.town, name="本镇村")
    other = make_village(town=make_town(), name="外镇村")
    options = options_of(client.get(rep_url(rep)), "village")
    assert str(own.pk) in options
    assert str(other.pk) not in options


def test_it_offers_every_village_when_the_representative_has_no_station(client):
    rep = make_representative()
    villages = [make_village(), make_village()]
    options = options_of(client.get(rep_url(rep)), "village")
    assert all(str(v.pk) in options for v in villages)


def test_it_answers_404_for_an_unknown_code_and_410_for_a_replaced_one(client):
    assert client.get(rep_url(make_representative()).replace("/r/", "/r/x")).status_code == 404
    RetiredQrToken.objects.create(token="A" * 32, kind=RetiredQrToken.Kind.REPRESENTATIVE)
    url = reverse("petitions:concern_to_representative", args=["A" * 32])
    assert client.get(url).status_code == 410
    assert client.post(url, form_data()).status_code == 410
    assert Petition.objects.count() == 0


# --- a good concern ------------------------------------------------------------------------


def test_it_receives_a_concern_from_a_representatives_qr_page(client):
    rep, station = rep_at_one_station()
    village = make_village(town=station.town)
    response, petition, token = submit(
        client, rep_url(rep), village=village.pk, name="王小明", mobile="13800138000"
    )

    assert response.status_code == 200
    petition.refresh_from_db()
    assert petition.channel == Petition.Channel.QR
    assert petition.representative == rep
    # The representative sits at one station: the concern is that station's as well.
    assert petition.station == station
    assert petition.village == village
    assert petition.town == station.town
    assert petition.text == GOOD_TEXT
    assert petition.citizen_name == "王小明"
    assert petition.citizen_phone == "13800138000"
    assert petition.consent_at is not None
    assert petition.step == "received"
    assert petition.token_hash == hash_token(token)
    assert len(token) >= 22  # at least 128 bits, URL-safe


def test_it_leaves_the_station_open_for_a_representative_of_two_stations(client):
    rep, _station = rep_at_one_station()
    StationMembership.objects.create(station=make_station(), representative=rep)
    _response, petition, _token = submit(client, rep_url(rep))
    assert petition.representative == rep
    assert petition.station is None


def test_it_receives_a_concern_from_a_stations_page(client):
    station = make_station()
    _response, petition, _token = submit(client, station_url(station))
    petition.refresh_from_db()
    assert petition.channel == Petition.Channel.STATION_PAGE
    assert petition.station == station
    assert petition.representative is None
    assert petition.town == station.town


def test_it_accepts_an_anonymous_concern_and_a_phone_written_with_spaces(client):
    rep, _station = rep_at_one_station()
    _r, anonymous, _t = submit(client, rep_url(rep))
    assert anonymous.citizen_name == ""
    assert anonymous.citizen_phone == ""
    _r, spaced, _t = submit(client, rep_url(rep), mobile="+86 138-0013 8000")
    assert spaced.citizen_phone == "13800138000"


def test_it_accepts_exactly_the_longest_text(client):
    rep, _station = rep_at_one_station()
    _r, petition, _t = submit(client, rep_url(rep), text="路" * settings.PETITION_TEXT_MAX)
    assert len(petition.text) == settings.PETITION_TEXT_MAX


# --- 码上说 in three taps: only the text is asked for -------------------------------------------


def test_the_text_is_the_only_field_the_form_requires(client):
    rep, _station = rep_at_one_station()
    response = client.get(rep_url(rep))
    controls = tags(response, "input") + tags(response, "select") + tags(response, "textarea")
    required = [c.get("name") for c in controls if "required" in c]
    assert required == ["text"]
    text = page_text(response)
    # The text box comes first, the optional kind after it.
    assert text.index(tr("Your concern")) < text.index(tr("Kind of concern"))
    assert tr("Not sure? Leave it: the staff will choose it.") in text


def test_it_receives_a_concern_with_nothing_but_its_text(client):
    rep, _station = rep_at_one_station()
    response = client.post(rep_url(rep), {"text": GOOD_TEXT, "submit_key": str(uuid.uuid4())})

    assert response.status_code == 200
    petition = Petition.objects.get()
    assert petition.text == GOOD_TEXT
    assert petition.category is None
    assert not petition.is_accusation
    assert petition.citizen_name == petition.citizen_phone == ""
    # Nothing personal was given, so nothing was consented to.
    assert petition.consent_at is None
    assert petition.tracking_no in page_text(response)


def test_a_citizen_who_chooses_an_accusation_still_files_one(client):
    rep, _station = rep_at_one_station()
    accusation = Category.objects.get(is_accusation=True)  # from the default data
    _r, petition, _t = submit(client, rep_url(rep), category=accusation.pk, consent=None)
    assert petition.category == accusation
    assert petition.is_accusation


def test_the_consent_box_is_asked_only_of_a_citizen_who_gives_a_name_or_mobile(client):
    rep, _station = rep_at_one_station()
    text = page_text(client.get(rep_url(rep)))
    assert tr("Needed only if you give your name or mobile.") in text
    # The notice stays above the button for whoever reads it.
    assert text.index(tr("Your personal data")) < text.index(tr("Send my concern"))

    _r, ticked, _t = submit(client, rep_url(rep), name="王小明", mobile="13800138000")
    assert ticked.consent_at is not None
    assert ticked.citizen_name == "王小明"


def test_a_name_without_consent_is_refused_and_nothing_written_is_lost(client):
    rep, station = rep_at_one_station()
    village = make_village(town=station.town)
    data = form_data(
        consent=None,
        name="王小明",
        mobile="13800138000",
        category=category().pk,
        village=village.pk,
    )
    response = client.post(rep_url(rep), data)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["consent"]
    text = page_text(response)
    assert tr(NO_CONSENT) in text
    assert tr("Your concern has not been sent yet.") in text
    values = {i.get("name"): i.get("value") for i in tags(response, "input")}
    assert values["name"] == "王小明"
    assert values["mobile"] == "13800138000"
    assert values["submit_key"] == data["submit_key"]
    assert GOOD_TEXT in text
    assert options_of(response, "category", selected=True) == [str(category().pk)]
    assert options_of(response, "village", selected=True) == [str(village.pk)]
    assert_nothing_created()

    # Ticked on the second try, the same form goes through.
    _r, petition, _t = submit(client, rep_url(rep), **{**data, "consent": "on"})
    assert petition.citizen_name == "王小明"
    assert petition.village == village


def test_it_shows_the_tracking_number_link_and_qr_on_success(client):
    rep, _station = rep_at_one_station()
    response, petition, token = submit(client, rep_url(rep))
    link = settings.SITE_URL + tracking_path(token)
    text = page_text(response)

    assert petition.tracking_no in text
    assert petition.tracking_no.startswith(f"{settings.TRACKING_PREFIX}-")
    assert link in text
    assert link in [a.get("href") for a in tags(response, "a")]
    qr_src = reverse("petitions:track_qr", args=[token])
    assert qr_src in [i.get("src") for i in tags(response, "img")]
    assert tr("Save your private tracking link now") in text
    assert tr("You left no phone number: only this link will show you the result.") in text
    # The page carries the secret: no cache keeps it.
    assert "no-store" in response["Cache-Control"]

    qr = client.get(qr_src)
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/png"
    assert decode_qr(qr.content) == [link]
    assert client.get(tracking_path(token)).status_code == 200


def test_it_does_not_repeat_the_no_phone_warning_to_a_citizen_who_left_one(client):
    rep, _station = rep_at_one_station()
    response, _p, _t = submit(client, rep_url(rep), mobile="13800138000", name="王小明")
    text = page_text(response)
    assert tr("You left no phone number: only this link will show you the result.") not in text
    # Nor does the page repeat the personal data.
    assert "13800138000" not in text
    assert "王小明" not in text


def test_it_serves_a_tracking_qr_only_for_a_valid_token(client):
    assert client.get(reverse("petitions:track_qr", args=["B" * 32])).status_code == 404


def test_a_replayed_form_makes_one_petition_and_shows_the_same_link(client):
    rep, _station = rep_at_one_station()
    data = form_data()
    first = client.post(rep_url(rep), data)
    second = client.post(rep_url(rep), data)

    assert Petition.objects.count() == 1
    assert first.context["petition"].pk == second.context["petition"].pk
    assert first.context["token"] == second.context["token"]
    assert tr("This concern was already received") in page_text(second)


def test_the_same_key_from_the_station_page_still_makes_one_petition(client):
    rep, station = rep_at_one_station()
    data = form_data()
    client.post(rep_url(rep), data)
    client.post(station_url(station), data)
    assert Petition.objects.count() == 1


# --- bad input: a message, and nothing created -------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"text": ""}, "text", "Describe your concern."),
        ({"text": "   \n  "}, "text", "Describe your concern."),
        ({"mobile": "12345"}, "mobile", "Enter a valid mainland China mobile number (11 digits)."),
        (
            {"mobile": "23800138000"},
            "mobile",
            "Enter a valid mainland China mobile number (11 digits).",
        ),
        (
            {"consent": None, "name": "王小明"},
            "consent",
            NO_CONSENT,
        ),
        (
            {"consent": None, "mobile": "13800138000"},
            "consent",
            NO_CONSENT,
        ),
        # A mistyped mobile is still personal data: both problems are told at once.
        ({"consent": None, "mobile": "12345"}, "consent", NO_CONSENT),
    ],
    ids=[
        "empty text",
        "blank text",
        "short phone",
        "bad phone",
        "name without consent",
        "mobile without consent",
        "bad mobile without consent",
    ],
)
def test_it_refuses_bad_input_with_a_message(client, overrides, field, message):
    rep, _station = rep_at_one_station()
    response = client.post(rep_url(rep), form_data(**overrides))

    assert response.status_code == 400
    assert field in response.context["form"].errors
    text = page_text(response)
    assert tr(message) in text
    assert tr("Your concern has not been sent yet.") in text
    assert_nothing_created()


@pytest.mark.parametrize("length", [settings.PETITION_TEXT_MAX + 1, settings.PETITION_TEXT_MIN - 1])
def test_it_refuses_a_text_of_the_wrong_length(client, length):
    rep, _station = rep_at_one_station()
    response = client.post(rep_url(rep), form_data(text="路" * length))

    assert response.status_code == 400
    assert "text" in response.context["form"].errors
    with translation.override(settings.LANGUAGE_CODE):
        expected = str(response.context["form"].errors["text"][0])
    assert str(length) in expected
    assert expected in page_text(response)
    assert_nothing_created()


def test_it_keeps_what_the_citizen_wrote_when_it_refuses_the_form(client):
    rep, _station = rep_at_one_station()
    data = form_data(mobile="123", name="王小明")
    response = client.post(rep_url(rep), data)
    assert response.status_code == 400
    assert GOOD_TEXT in page_text(response)
    # The same key comes back, so the corrected form still cannot make two petitions.
    key = next(i["value"] for i in tags(response, "input") if i.get("name") == "submit_key")
    assert key == data["submit_key"]


@pytest.mark.parametrize("key", [None, "", "not-a-uuid", "' OR 1=1 --"])
def test_it_refuses_a_form_without_a_valid_key_and_offers_a_fresh_one(client, key):
    rep, _station = rep_at_one_station()
    response = client.post(rep_url(rep), form_data(submit_key=key))

    assert response.status_code == 400
    assert tr("This form has expired. Please check it and send it again.") in page_text(response)
    fresh = next(i["value"] for i in tags(response, "input") if i.get("name") == "submit_key")
    uuid.UUID(fresh)
    assert_nothing_created()


def test_it_refuses_an_inactive_category_and_a_village_of_another_town(client):
    rep, _station = rep_at_one_station()
    retired = Category.objects.create(name="已停用", is_active=False)
    elsewhere = make_village(town=make_town())
    response = client.post(rep_url(rep), form_data(category=retired.pk, village=elsewhere.pk))
    assert response.status_code == 400
    assert {"category", "village"} <= set(response.context["form"].errors)
    assert_nothing_created()


@pytest.mark.parametrize(
    "overrides",
    [
        {"category": "999999999999999999999999"},
        {"village": "-1"},
        {"text": "正常的文字\x00带空字符"},
        {"name": "名" * 500},
        {"mobile": "1" * 500},
        {"consent": "<script>"},
    ],
)
def test_hostile_input_gets_a_400_never_a_500(client, overrides):
    rep, _station = rep_at_one_station()
    response = client.post(rep_url(rep), form_data(**overrides))
    assert response.status_code in (200, 400)
    if response.status_code == 200:  # "<script>" is a ticked box to Django: that is fine
        assert Petition.objects.count() == 1
    else:
        assert_nothing_created()


def test_it_refuses_a_post_without_the_csrf_token(client):
    rep, _station = rep_at_one_station()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(rep_url(rep), form_data()).status_code == 403
    assert_nothing_created()


def test_it_refuses_a_body_too_large_to_parse_with_a_message(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    rep, _station = rep_at_one_station()
    response = client.post(rep_url(rep), form_data(text="路" * 1500))
    assert response.status_code == 400
    assert tr("Your concern could not be read") in page_text(response)
    assert_nothing_created()


def test_it_refuses_a_broken_multipart_body_with_a_message(client):
    rep, _station = rep_at_one_station()
    response = client.generic(
        "POST",
        rep_url(rep),
        b'--xyz\r\nContent-Disposition: form-data; name="text"\r\n\r\n',
        content_type="multipart/form-data; boundary=",
    )
    assert response.status_code == 400
    assert_nothing_created()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "😀" * 40 + "<script>", "姓名请不要超过30个字。"),
        ("mobile", "abc" + "1" * 30, "请输入有效的中国大陆手机号码（11位）。"),
        (
            "text",
            "村口道路破损严重\x00雨天积水难以通行。",
            "诉求内容中含有无法保存的字符，请重新填写。",
        ),
    ],
    ids=["long name", "long mobile", "null character"],
)
def test_it_answers_overlong_or_unkeepable_input_in_its_own_words(client, field, value, message):
    rep, _station = rep_at_one_station()
    response = client.post(rep_url(rep), form_data(**{field: value}))

    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert errors == [message]  # one message, in the portal's words, not Django's stock ones
    assert_nothing_created()
