"""One rule for every mobile number the portal shows, a representative's or a citizen's
(issue 13, item 1; ``liaison/privacy.py``): in full to county staff, each view recorded;
masked (138****1234) to everyone else, on every page, list, change page, export and notice.

The sweep logs in as town staff, station staff, a representative and a unit, opens every
admin page and every work page it can reach, and finds no full number of anyone else.
"""

import io
import zipfile

import pytest
from django.contrib import admin
from django.urls import get_resolver, reverse

from liaison.models import MobileView, Representative
from liaison.privacy import mask_phone, may_see_full_phone, phone_for_viewer
from liaison.roles import Roles
from petitions import services, workflow
from petitions.models import Notification, PersonalDataView, Petition, Reception
from tests.base import make_representative, make_world, receive, to_step, town_staff_group
from tests.helpers import admin_url, page_text
from tests.liaison.grid_helpers import make_deputy, make_grid

pytestmark = pytest.mark.django_db

# Every number distinct, so that a full number found names whose it is.
REP_A, REP_B, REP_C = "13900000001", "13900000002", "13900000003"
DEPUTY = "13600000001"  # a 议政代表's (issue #11): shown to nobody in full
CITIZEN_ASSIGNED, CITIZEN_B, CITIZEN_NEW, CITIZEN_CLOSED, CITIZEN_WALK_IN = (
    "13700000001",
    "13700000002",
    "13700000003",
    "13700000004",
    "13700000005",
)
EVERY_NUMBER = [
    REP_A,
    REP_B,
    REP_C,
    CITIZEN_ASSIGNED,
    CITIZEN_B,
    CITIZEN_NEW,
    CITIZEN_CLOSED,
    CITIZEN_WALK_IN,
    DEPUTY,
]
# Change pages opened per model: a few rows of reference data tell as much as all of them;
# every row of the models that hold or point to a person's number.
ROWS_PER_MODEL = 3
EVERY_ROW = {Representative, Petition, Reception, MobileView, PersonalDataView}
# Admin pages that change something when opened, or stream files, are not shown pages.
SKIPPED_URL_NAMES = {"logout", "notices_mark_read", None}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(mailoutbox, django_capture_on_commit_callbacks):
    """The world, every representative and citizen with a number of their own, and concerns
    at each stage: with the unit, in town B, just received, closed (and rated)."""
    world = make_world(clerks=True)
    for rep, number in ((world.rep_a, REP_A), (world.rep_b, REP_B)):
        rep.mobile = number
        rep.save(update_fields=["mobile"])
    make_representative("丙代表", station=world.station_a, mobile=REP_C)
    for user in (world.rep_a_user, world.unit_user, world.town_staff_a, world.station_staff_a):
        user.email = f"{user.username}@example.cn"
        user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        assigned, _ = receive(world, citizen_name="张一", citizen_phone=CITIZEN_ASSIGNED)
        to_step(world, assigned, "supervising")
        in_b, _ = receive(world, rep=world.rep_b, citizen_name="张二", citizen_phone=CITIZEN_B)
        workflow.petition_collect(
            petition=in_b,
            actor=world.county,
            category=world.category,
            level=Petition.Level.COUNTY,
            town=world.town_b,
        )
        workflow.petition_assign(petition=in_b, actor=world.county, unit=world.other_unit)
        receive(world, citizen_name="张三", citizen_phone=CITIZEN_NEW)
        closed, _ = receive(world, citizen_name="张四", citizen_phone=CITIZEN_CLOSED)
        to_step(world, closed, "closed")
        workflow.petition_remind(petition=assigned, actor=world.county, note="请尽快办理")
        services.reception_record(
            representative=world.rep_a,
            station=world.station_a,
            actor=world.rep_a_user,
            text="来站反映：小区路灯不亮已有一个月。",
            citizen_name="张五",
            citizen_phone=CITIZEN_WALK_IN,
            consent=True,
            checklist=["smile", "tea"],
        )
    # A grid looked after by rep_a and a 议政代表 with a mobile (issue #11).
    world.grid = make_grid(
        world.town_a,
        station=world.station_a,
        representatives=[world.rep_a],
        deputies=[make_deputy(world.town_a, mobile=DEPUTY)],
    )
    # County staff have looked at a representative's number: the record is a page too.
    MobileView.objects.create(user=world.county, representative=world.rep_b, where="test")
    world.mailoutbox = mailoutbox
    return world


ROLES = ["town staff", "station staff", "representative", "unit"]


def _persona(world, role):
    """Who must never see a full number: ``(user, their own numbers)``. Station staff, the
    representative and the unit are given the town staff's admin group as well: whoever
    lets them in, the admin masks what they see."""
    user, own = {
        "town staff": (world.town_clerk_a, set()),
        "station staff": (world.station_staff_a, set()),
        "representative": (world.rep_a_user, {REP_A}),
        "unit": (world.unit_user, set()),
    }[role]
    if not user.groups.exists():
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(town_staff_group())
    return user, own


def _masked_on(world, role) -> dict[str, str]:
    """Pages where the sweep must have found a number, masked: proof that it reached them."""
    concern = Petition.objects.get(citizen_phone=CITIZEN_ASSIGNED)
    pages = {reverse("petitions:work_detail", args=[concern.pk]): CITIZEN_ASSIGNED}
    if role in ("town staff", "station staff"):
        pages[admin_url(Representative, "change", world.rep_a.pk)] = REP_A
        pages[admin_url(Petition, "change", concern.pk)] = CITIZEN_ASSIGNED
    if role == "town staff":
        pages[admin_url(Representative, "change", world.rep_b.pk)] = REP_B
    return pages


def _text(response) -> str:
    """What a response shows, whatever its kind: a page, a CSV, a workbook."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # a workbook: its sheets are XML inside a zip file
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return "".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())
    return content.decode("utf-8", "replace")


def _admin_urls():
    """Every admin changelist, and the change page of the rows the world has (a few of each
    model, every one of those that hold or point to a number)."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        urls.append(admin_url(model, "changelist"))
        pks = model._default_manager.order_by("pk").values_list("pk", flat=True)
        for pk in pks if model in EVERY_ROW else pks[:ROWS_PER_MODEL]:
            urls.append(admin_url(model, "change", pk))
    return urls


def _work_urls(world, user):
    """Every page of the site that takes no argument, every concern's work page, the user's
    notices, the public pages of every representative and station, the QR card sheets and
    the statistics exports."""
    urls = []
    for pattern in _flat_patterns(get_resolver().url_patterns):
        if pattern.name in SKIPPED_URL_NAMES or pattern.pattern.regex.groups:
            continue
        if "admin" in pattern.prefix:
            continue
        urls.append("/" + pattern.prefix + str(pattern.pattern))
    for pk in Petition.objects.values_list("pk", flat=True):
        urls.append(reverse("petitions:work_detail", args=[pk]))
    for pk in Notification.objects.filter(recipient=user).values_list("pk", flat=True):
        urls.append(reverse("petitions:notice", args=[pk]))
    for rep in Representative.objects.all():
        urls.append(rep.get_absolute_url())
        urls.append(reverse("liaison:qr_cards") + f"?representative={rep.pk}")
    for station in (world.station_a, world.station_b):
        urls.append(station.get_absolute_url())
        urls.append(reverse("liaison:qr_cards") + f"?station={station.pk}")
    urls.append(reverse("liaison:my_page"))
    urls.append(world.grid.get_absolute_url())
    return urls


def _flat_patterns(patterns, prefix=""):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _flat_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            pattern.prefix = prefix
            yield pattern


@pytest.mark.parametrize("role", ROLES)
def test_nobody_but_county_staff_is_shown_anyone_elses_full_mobile(client, world, role):
    """The acceptance test of issue 13, item 1."""
    user, own = _persona(world, role)
    client.force_login(user)
    forbidden = [n for n in EVERY_NUMBER if n not in own]
    shown = {}
    for url in _admin_urls() + _work_urls(world, user):
        response = client.get(url)
        text = _text(response)
        leaked = [n for n in forbidden if n in text]
        assert not leaked, f"{role} sees {leaked} at {url}"
        if response.status_code == 200:
            shown[url] = text
    assert len(shown) > 20, f"{role} opened only {len(shown)} pages"
    for url, number in _masked_on(world, role).items():
        assert mask_phone(number) in shown[url], url
    # Nobody but county staff was shown a representative's full number.
    assert list(MobileView.objects.values_list("user", flat=True)) == [world.county.pk]


def test_no_email_carries_a_full_mobile(world):
    assert world.mailoutbox
    for mail in world.mailoutbox:
        for number in EVERY_NUMBER:
            assert number not in mail.subject + mail.body


def test_county_staff_see_and_edit_a_representatives_mobile_and_each_view_is_recorded(
    client, world
):
    client.force_login(world.county_clerk)
    url = admin_url("liaison.Representative", "change", world.rep_a.pk)
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form["mobile"].value() == REP_A
    assert f'value="{REP_A}"' in response.content.decode()
    (view,) = MobileView.objects.filter(user=world.county_clerk)
    assert (view.user, view.representative, view.where) == (
        world.county_clerk,
        world.rep_a,
        "admin change page",
    )
    client.get(url)
    assert MobileView.objects.filter(user=world.county_clerk).count() == 2

    data = _form_data(response)
    data["mobile"] = "13911112222"
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    world.rep_a.refresh_from_db()
    assert world.rep_a.mobile == "13911112222"


def test_town_staff_see_the_mobile_masked_where_the_field_would_be(client, world):
    client.force_login(world.town_clerk_a)
    response = client.get(admin_url("liaison.Representative", "change", world.rep_a.pk))
    assert response.status_code == 200
    assert "mobile" not in response.context["adminform"].form.fields
    assert mask_phone(REP_A) in page_text(response)
    fields = [f for _name, opts in response.context["adminform"].fieldsets for f in opts["fields"]]
    assert fields.index("masked_mobile_field") == fields.index("bio") + 1
    assert not MobileView.objects.filter(user=world.town_clerk_a).exists()


def test_county_staff_see_a_citizens_full_mobile_and_the_view_is_recorded(client, world):
    concern = Petition.objects.get(citizen_phone=CITIZEN_ASSIGNED)
    client.force_login(world.county)
    before = PersonalDataView.objects.filter(user=world.county).count()
    response = client.get(reverse("petitions:work_detail", args=[concern.pk]))
    assert CITIZEN_ASSIGNED in page_text(response)
    assert PersonalDataView.objects.filter(user=world.county).count() == before + 1


def test_the_rule_is_written_once():
    county, town = Roles(county=True), Roles(town_id=1)
    assert may_see_full_phone(county) and not may_see_full_phone(town)
    seen = []
    assert phone_for_viewer(county, REP_A, record=lambda: seen.append(1)) == REP_A
    assert seen == [1]
    assert phone_for_viewer(town, REP_A, record=lambda: seen.append(2)) == "139****0001"
    assert phone_for_viewer(county, "", record=lambda: seen.append(3)) == ""
    assert seen == [1]


def _form_data(response) -> dict:
    """What a browser sends back from an admin change form, unchanged."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if not value and value != 0:  # left empty (an empty file field too)
            continue
        if value is True:
            value = "on"
        data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for sub in formset.forms:
            for name in sub.fields:
                value = sub[name].value()
                if value is None or value is False:
                    continue
                data[sub.add_prefix(name)] = "on" if value is True else value
    data["_save"] = "1"
    return data


def test_county_staff_read_who_was_shown_a_representatives_mobile(client, world):
    url = admin_url(MobileView, "changelist")
    client.force_login(world.county_clerk)
    response = client.get(url)
    assert response.status_code == 200
    assert [v.representative for v in response.context["cl"].result_list] == [world.rep_b]
    client.force_login(world.town_clerk_a)
    assert client.get(url).status_code == 403
