"""Concerns in the administration (issue #3, item 9): every page opens, nothing is edited
there, town staff see their town only, phones stay masked in lists, the buttons come from
the workflow table, and the list runs in constant queries."""

import io
from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from petitions import workflow
from petitions.models import (
    CalendarDay,
    Notification,
    PersonalDataView,
    Petition,
    PetitionEvent,
    Reception,
)
from tests.base import make_user, make_world, receive, to_step
from tests.helpers import admin_url, page_text, tags, tr
from tests.second_factor import SECOND_FACTOR

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
MASKED = "138****5678"

EDITABLE = [
    "petitions.Category",
    "liaison.HandlingUnit",
    "liaison.StaffScope",
    "petitions.CalendarDay",
]
READ_ONLY = [
    "petitions.Survey",
    "petitions.Reception",
    "petitions.Notification",
    "petitions.PersonalDataView",
    "petitions.Petition",
]


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def superuser():
    return make_user(superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def _town_staff_with_view_permission(world):
    user = world.town_staff_a
    user.user_permissions.add(
        Permission.objects.get(codename="view_petition", content_type__app_label="petitions")
    )
    return user


@pytest.fixture
def everything(world, superuser):
    """At least one row of every petitions model the administration shows."""
    petition, _ = receive(world, citizen_phone=PHONE, photos=[_jpeg()])
    to_step(world, petition, "supervising")
    workflow.petition_report(
        petition=petition,
        actor=world.unit_user,
        result="已修复。",
        outcome=Petition.Outcome.SOLVED,
        attachments=[SimpleUploadedFile("答复函.pdf", b"%PDF-1.4 test")],
    )
    workflow.petition_survey(petition=petition, rating="satisfied", comment="很好")
    walk_in, _ = receive(world)
    Reception.objects.create(
        petition=walk_in,
        station=world.station_a,
        representative=world.rep_a,
        smile=True,
        tea=True,
        recorded_by=world.rep_a_user,
    )
    CalendarDay.objects.get_or_create(
        date=date(2030, 10, 1), defaults={"kind": CalendarDay.Kind.HOLIDAY, "name": "国庆节"}
    )
    PersonalDataView.objects.create(user=superuser, petition=petition, where="test")
    assert Notification.objects.exists()
    return petition


# --- every page opens -----------------------------------------------------------------------


def test_it_registers_every_model_staff_work_with():
    registered = {model._meta.label for model in admin.site._registry}
    assert set(EDITABLE + READ_ONLY) <= registered
    assert "petitions.PetitionEvent" not in registered  # shown only inside its petition


@pytest.mark.parametrize("label", EDITABLE + READ_ONLY)
def test_it_opens_every_changelist(admin_client, everything, label):
    assert admin_client.get(admin_url(label, "changelist")).status_code == 200


@pytest.mark.parametrize("label", EDITABLE + READ_ONLY)
def test_it_opens_every_change_page(admin_client, everything, label):
    model = next(m for m in admin.site._registry if m._meta.label == label)
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the fixture made no {label}"
    assert admin_client.get(admin_url(label, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("label", EDITABLE)
def test_it_opens_the_add_page_of_reference_data(admin_client, label):
    assert admin_client.get(admin_url(label, "add")).status_code == 200


@pytest.mark.parametrize("label", READ_ONLY)
def test_it_lets_nobody_add_what_the_system_records(admin_client, label):
    assert admin_client.get(admin_url(label, "add")).status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "step__exact=reported",
        "overdue=yellow",
        "overdue=red",
        "overdue=late",
        "level__exact=county",
        "channel__exact=qr",
        "outcome__exact=solved",
        "received=2026",
        "received=2026-03",
        "received=nonsense",
    ],
)
def test_it_filters_the_petition_list(admin_client, everything, query):
    response = admin_client.get(admin_url("petitions.Petition", "changelist") + "?" + query)
    assert response.status_code == 200


def test_it_filters_by_town_unit_and_category(admin_client, world, everything):
    other, _ = receive(world, rep=world.rep_b)
    url = admin_url("petitions.Petition", "changelist")
    for params, expected in (
        ({"town__id__exact": world.town_b.pk}, other),
        ({"unit__id__exact": world.unit.pk}, everything),
        ({"category__id__exact": world.category.pk}, everything),
    ):
        response = admin_client.get(url, params)
        assert response.status_code == 200
        assert [p.pk for p in response.context["cl"].result_list] == [expected.pk], params


def test_it_filters_overdue_petitions_by_their_deadline(admin_client, world):
    late, _ = receive(world)
    to_step(world, late, "assigned")
    on_time, _ = receive(world)
    to_step(world, on_time, "assigned")
    # The deadline passes: the date moves, not the step (the data a clock would change).
    Petition.objects.filter(pk=late.pk).update(deadline=date(2020, 1, 1))
    response = admin_client.get(admin_url("petitions.Petition", "changelist"), {"overdue": "late"})
    assert [p.pk for p in response.context["cl"].result_list] == [late.pk]


# --- nothing is edited here -------------------------------------------------------------------


def test_it_shows_a_petition_read_only(admin_client, everything):
    url = admin_url("petitions.Petition", "change", everything.pk)
    response = admin_client.get(url)
    assert response.context["has_change_permission"] is False
    assert response.context["has_delete_permission"] is False
    html = response.content.decode()
    for name in ("step", "text", "unit", "deadline", "outcome"):
        assert f'name="{name}"' not in html
    assert tags(response, "textarea") == []


def test_it_refuses_to_change_or_delete_a_petition(admin_client, everything):
    before = Petition.objects.get(pk=everything.pk)
    events = PetitionEvent.objects.count()
    response = admin_client.post(
        admin_url("petitions.Petition", "change", everything.pk), {"step": "received", "text": "x"}
    )
    assert response.status_code == 403
    assert admin_client.get(
        admin_url("petitions.Petition", "delete", everything.pk)
    ).status_code == (403)
    assert admin_client.post(
        admin_url("petitions.Petition", "delete", everything.pk)
    ).status_code == (403)
    after = Petition.objects.get(pk=everything.pk)
    assert (after.step, after.text) == (before.step, before.text)
    assert PetitionEvent.objects.count() == events


def test_it_offers_no_bulk_action_that_could_change_a_step(rf, superuser):
    request = rf.get("/")
    request.user = superuser
    assert admin.site._registry[Petition].get_actions(request) == {}


def test_it_shows_the_history_read_only(admin_client, everything):
    response = admin_client.get(admin_url("petitions.Petition", "change", everything.pk))
    formsets = response.context["inline_admin_formsets"]
    history = next(f for f in formsets if f.opts.model is PetitionEvent)
    assert len(history.formset.forms) == everything.events.count()
    assert not history.has_add_permission
    assert not history.has_change_permission
    assert not history.has_delete_permission
    html = response.content.decode()
    assert 'name="events-0-note"' not in html
    assert 'name="events-0-DELETE"' not in html


def test_it_links_photos_and_attachments_to_the_checked_urls(admin_client, everything):
    response = admin_client.get(admin_url("petitions.Petition", "change", everything.pk))
    hrefs = [a.get("href") for a in tags(response, "a")]
    photo = everything.photos.get()
    attachment = everything.attachments.get()
    photo_url = reverse("petitions:work_photo", args=[everything.pk, photo.pk])
    attachment_url = reverse("petitions:work_attachment", args=[everything.pk, attachment.pk])
    assert photo_url in hrefs
    assert attachment_url in hrefs
    assert photo.image.url not in response.content.decode()
    assert admin_client.get(photo_url).status_code == 200
    assert admin_client.get(attachment_url).status_code == 200


def test_it_shows_county_staff_the_full_phone_and_records_it(client, world, everything):
    world.county.user_permissions.add(
        Permission.objects.get(codename="view_petition", content_type__app_label="petitions")
    )
    client.force_login(world.county)
    before = PersonalDataView.objects.filter(user=world.county).count()
    response = client.get(admin_url("petitions.Petition", "change", everything.pk))
    assert response.status_code == 200
    assert PHONE in page_text(response)
    views = PersonalDataView.objects.filter(user=world.county, petition=everything)
    assert views.count() == before + 1
    assert views.get().where == "admin"


def test_it_shows_town_staff_the_masked_phone_and_records_the_view(client, world, everything):
    client.force_login(_town_staff_with_view_permission(world))
    response = client.get(admin_url("petitions.Petition", "change", everything.pk))
    assert response.status_code == 200
    assert MASKED in page_text(response)
    assert PHONE not in response.content.decode()
    # Every view of a concern's personal data is recorded, masked or not.
    assert PersonalDataView.objects.filter(user=world.town_staff_a, where="admin").exists()


# --- scope -----------------------------------------------------------------------------------


def test_town_staff_see_only_their_towns_petitions(client, world):
    mine, _ = receive(world, rep=world.rep_a)
    theirs, _ = receive(world, rep=world.rep_b)
    client.force_login(_town_staff_with_view_permission(world))

    response = client.get(admin_url("petitions.Petition", "changelist"))

    assert response.status_code == 200
    assert [p.pk for p in response.context["cl"].result_list] == [mine.pk]
    assert theirs.tracking_no not in page_text(response)
    assert client.get(admin_url("petitions.Petition", "change", mine.pk)).status_code == 200
    assert client.get(admin_url("petitions.Petition", "change", theirs.pk)).status_code in (
        302,
        404,
    )


def test_staff_need_the_view_permission_as_well_as_a_scope(client, world):
    receive(world, rep=world.rep_a)
    client.force_login(world.town_staff_a)  # a scope, but no permission on concerns
    assert client.get(admin_url("petitions.Petition", "changelist")).status_code == 403


def test_staff_without_a_scope_see_no_petition(client, world):
    receive(world)
    user = make_user(staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_petition", content_type__app_label="petitions")
    )
    client.force_login(user)
    response = client.get(admin_url("petitions.Petition", "changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


def test_town_staff_see_only_their_towns_surveys(client, world):
    mine, _ = receive(world, rep=world.rep_a)
    theirs, _ = receive(world, rep=world.rep_b)
    for petition in (mine, theirs):
        to_step(world, petition, "closed")
    user = world.town_staff_a
    user.user_permissions.add(
        Permission.objects.get(codename="view_survey", content_type__app_label="petitions")
    )
    client.force_login(user)
    response = client.get(admin_url("petitions.Survey", "changelist"))
    assert [s.petition_id for s in response.context["cl"].result_list] == [mine.pk]


# --- search by masked phone --------------------------------------------------------------------


@pytest.mark.parametrize("term", ["5678", MASKED, f" {MASKED} "])
def test_it_finds_a_petition_by_masked_phone(admin_client, world, term):
    wanted, _ = receive(world, citizen_phone=PHONE)
    receive(world, citizen_phone="13912340000")
    receive(world)

    response = admin_client.get(admin_url("petitions.Petition", "changelist"), {"q": term})

    assert [p.pk for p in response.context["cl"].result_list] == [wanted.pk]
    html = response.content.decode()
    assert MASKED in html
    assert PHONE not in html


def test_the_masked_form_must_match_both_ends(admin_client, world):
    receive(world, citizen_phone=PHONE)
    response = admin_client.get(admin_url("petitions.Petition", "changelist"), {"q": "139****5678"})
    assert list(response.context["cl"].result_list) == []


def test_it_finds_a_petition_by_tracking_number_and_text(admin_client, world):
    wanted, _ = receive(world, text="桥梁护栏缺失，孩子上学很危险，请尽快处理。")
    receive(world)
    url = admin_url("petitions.Petition", "changelist")
    for term in (wanted.tracking_no, "桥梁护栏"):
        response = admin_client.get(url, {"q": term})
        assert [p.pk for p in response.context["cl"].result_list] == [wanted.pk], term


def test_the_list_never_shows_a_full_phone(admin_client, world):
    for _ in range(3):
        receive(world, citizen_phone=PHONE)
    response = admin_client.get(admin_url("petitions.Petition", "changelist"))
    html = response.content.decode()
    assert html.count(MASKED) == 3
    assert PHONE not in html
    assert not PersonalDataView.objects.exists()


# --- the buttons come from the workflow table ---------------------------------------------------


def _buttons(response):
    return [a["data-action"] for a in tags(response, "a") if a.get("data-action")]


@pytest.mark.parametrize("step", ["received", "collected", "assigned", "reported", "closed"])
def test_the_buttons_are_the_allowed_actions(admin_client, superuser, world, step):
    petition, _ = receive(world)
    to_step(world, petition, step)
    petition.refresh_from_db()

    response = admin_client.get(admin_url("petitions.Petition", "change", petition.pk))

    expected = [a.name for a in workflow.allowed_actions(petition, superuser)]
    assert _buttons(response) == expected
    if not expected:
        assert tr("Nothing for you to do on this concern now.") in page_text(response)


def test_town_staff_get_the_buttons_the_table_gives_them(client, world):
    county_level, _ = receive(world, rep=world.rep_a)
    to_step(world, county_level, "collected")  # collected at county level by county staff
    user = _town_staff_with_view_permission(world)
    client.force_login(user)

    response = client.get(admin_url("petitions.Petition", "change", county_level.pk))

    names = _buttons(response)
    assert names == [a.name for a in workflow.allowed_actions(county_level, user)]
    # 分级交办: a county-level concern is assigned by the county, not by the town.
    assert "assign" not in names
    assert "reject" in names


def test_each_button_opens_its_form_on_the_work_page(admin_client, world):
    petition, _ = receive(world)
    response = admin_client.get(admin_url("petitions.Petition", "change", petition.pk))
    links = {a["data-action"]: a["href"] for a in tags(response, "a") if a.get("data-action")}
    work_url = reverse("petitions:work_detail", args=[petition.pk])
    assert links["collect"] == f"{work_url}?action=collect#action-collect"

    page = admin_client.get(links["collect"].split("#")[0])

    assert page.status_code == 200
    details = {d["id"]: d for d in tags(page, "details") if d.get("id")}
    assert "open" in details["action-collect"]
    assert "open" not in details["action-reject"]


def test_the_work_page_still_guards_the_post(client, world):
    petition, _ = receive(world, rep=world.rep_a)
    to_step(world, petition, "collected")
    client.force_login(_town_staff_with_view_permission(world))
    response = client.post(
        reverse("petitions:work_action", args=[petition.pk, "assign"]),
        {"unit": world.unit.pk},
    )
    assert response.status_code == 403
    petition.refresh_from_db()
    assert petition.step == "collected"


# --- constant queries -----------------------------------------------------------------------------

# The session, the user, the roles (scope, representative, units), the choices of the town,
# unit and category filters, the first date the received filter offers, one count (not the
# unfiltered total beside it) and the page of rows (issue #12); the superuser's second factor.
PETITION_CHANGELIST_QUERIES = 11 + SECOND_FACTOR


@pytest.mark.parametrize("rows", [1, 100])
def test_it_lists_petitions_in_constant_queries(
    admin_client, world, django_assert_num_queries, rows
):
    for index in range(rows):
        petition, _ = receive(world, citizen_phone=PHONE)
        if index % 25 == 0:
            to_step(world, petition, "assigned")
    with django_assert_num_queries(PETITION_CHANGELIST_QUERIES):
        response = admin_client.get(admin_url("petitions.Petition", "changelist"))
    assert len(response.context["cl"].result_list) == rows
