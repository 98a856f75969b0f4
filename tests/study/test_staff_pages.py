"""Staff's study pages (issue #11 item 6): the materials with their readers and share of
the audience, creating and editing within one's reach, publishing, the readers page, the
collective study sessions, and the link on the administration's index."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from liaison.models import Activity, Representative
from points.models import Attendance
from study import services
from study.models import Material, MaterialEvent
from tests.base import make_representative, make_station, make_world
from tests.helpers import page_text, tr
from tests.study.helpers import make_material, station_material

pytestmark = pytest.mark.django_db

LIST = reverse("study:staff_materials")
NEW = reverse("study:staff_material_new")
COLLECTIVE = reverse("study:staff_collective_study")


def page(m):
    return reverse("study:staff_material", args=[m.pk])


def edit(m):
    return reverse("study:staff_material_edit", args=[m.pk])


@pytest.fixture
def world():
    return make_world()


def form_data(**over):
    data = {
        "title": "中华人民共和国退役军人保障法",
        "kind": "law",
        "summary": "",
        "url": "https://flk.npc.gov.cn/",
        "audience": "all",
        "level": "",
        "station": "",
        "publish": "on",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


# --- the list ------------------------------------------------------------------------------


def test_county_staff_see_readers_and_the_share_of_the_audience(client, world):
    m = make_material(world.county)
    services.material_read(material=m, representative=world.rep_a)
    client.force_login(world.county)
    response = client.get(LIST)
    assert response.status_code == 200
    row = response.context["page"].object_list[0]
    assert (row.reader_count, row.audience_size, row.read_share) == (1, 2, 0.5)
    assert "50%" in page_text(response)


def test_town_staff_see_only_their_towns_materials(client, world):
    a = station_material(world.county, world.station_a, title="甲站资料")
    station_material(world.county, world.station_b, title="乙站资料")
    make_material(world.county, title="全体资料")
    client.force_login(world.town_staff_a)
    response = client.get(LIST)
    assert [m.pk for m in response.context["page"].object_list] == [a.pk]


@pytest.mark.parametrize("rows", [1, 50])
def test_the_list_costs_the_same_queries_for_1_or_50_materials(
    client, world, rows, django_assert_num_queries
):
    for n in range(rows):
        if n % 3 == 0:
            make_material(world.county, title=f"资料{n}")
        elif n % 3 == 1:
            station_material(world.county, world.station_a if n % 2 else world.station_b)
        else:
            make_material(
                world.county,
                audience=Material.Audience.LEVEL,
                level=Representative.Level.TOWNSHIP,
            )
    client.force_login(world.town_staff_a)
    client.get(LIST)
    client.force_login(world.county)
    client.get(LIST)
    # session, user, roles, admin's apps list, count, page, three audience counts, second factor
    with django_assert_num_queries(13):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == min(rows, 50)


@pytest.mark.parametrize("who", ["rep_a_user", "unit_user", "legal"])
def test_others_signed_in_get_404(client, world, who):
    from tests.base import make_staff

    user = (
        make_staff(level="legal", station=world.station_a)
        if who == "legal"
        else getattr(world, who)
    )
    client.force_login(user)
    m = make_material(world.county)
    for url in (LIST, NEW, page(m), edit(m), COLLECTIVE):
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in (LIST, NEW, COLLECTIVE):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- creating and editing ------------------------------------------------------------------


def test_county_staff_publish_a_law_to_everyone(client, world):
    client.force_login(world.county)
    response = client.post(NEW, form_data())
    m = Material.objects.get()
    assert response.status_code == 302 and response.url == page(m)
    assert m.is_published and m.created_by == world.county
    assert list(m.events.values_list("kind", flat=True)) == ["created", "published"]


def test_a_draft_is_not_published(client, world):
    client.force_login(world.county)
    client.post(NEW, form_data(publish=None))
    assert not Material.objects.get().is_published


def test_town_staff_publish_to_their_station_with_a_file(client, world):
    client.force_login(world.town_staff_a)
    upload = SimpleUploadedFile("讲稿.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = client.post(
        NEW,
        form_data(
            kind="lecture",
            title="人大讲堂第一期",
            audience="station",
            station=world.station_a.pk,
            url="",
            lecture_date="2026-03-15",
            speaker="王老师",
            slides=upload,
        ),
    )
    assert response.status_code == 302
    m = Material.objects.get()
    assert (m.station, m.speaker, m.slides_name) == (world.station_a, "王老师", "讲稿.pdf")


@pytest.mark.parametrize(
    "over, message",
    [
        ({"title": ""}, "This field is required."),
        ({"url": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"url": "ftp://flk.npc.gov.cn/"}, "Enter a valid URL."),
        ({"audience": "level"}, "Choose the level the material is for."),
        ({"audience": "station"}, "Choose the station the material is for."),
        ({"url": ""}, "Give a link, a file or a summary to read."),
    ],
)
def test_bad_input_is_refused_in_chinese_with_nothing_saved(client, world, over, message):
    client.force_login(world.county)
    response = client.post(NEW, form_data(**over))
    assert response.status_code == 400
    assert tr(message) in page_text(response)
    assert not Material.objects.exists()


def test_town_staff_cannot_publish_to_all_or_another_town(client, world):
    client.force_login(world.town_staff_a)
    assert client.post(NEW, form_data()).status_code == 400
    response = client.post(NEW, form_data(audience="station", station=world.station_b.pk))
    assert response.status_code == 400
    assert not Material.objects.exists()


@pytest.mark.parametrize(
    "name, size", [("x.exe", 10), ("x.html", 10), ("big.pdf", 2 * 1024 * 1024 + 1)]
)
@override_settings(STUDY_MATERIAL_MAX_BYTES=2 * 1024 * 1024)
def test_a_wrong_or_large_file_is_refused(client, world, name, size):
    client.force_login(world.county)
    upload = SimpleUploadedFile(name, b"x" * size)
    response = client.post(NEW, form_data(file=upload))
    assert response.status_code == 400
    assert not Material.objects.exists()


def test_staff_edit_a_material_and_the_event_names_the_change(client, world):
    m = station_material(world.town_staff_a, world.station_a)
    client.force_login(world.town_staff_a)
    assert client.get(edit(m)).status_code == 200
    response = client.post(
        edit(m),
        form_data(title="消防法（修正）", audience="station", station=world.station_a.pk),
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.title == "消防法（修正）"
    assert m.events.filter(kind=MaterialEvent.Kind.EDITED).get().note == "title"


def test_town_staff_of_another_town_cannot_open_or_edit(client, world):
    m = station_material(world.county, world.station_a)
    client.force_login(world.town_staff_b)
    for url in (page(m), edit(m)):
        assert client.get(url).status_code == 404
    assert client.post(edit(m), form_data(title="改")).status_code == 404
    publish = reverse("study:staff_material_unpublish", args=[m.pk])
    assert client.post(publish).status_code == 404
    m.refresh_from_db()
    assert m.is_published and m.title == "中华人民共和国消防法"


# --- the readers page, publish, unpublish --------------------------------------------------


def test_the_readers_page_lists_readers_and_history(client, world):
    m = make_material(world.county)
    services.material_read(material=m, representative=world.rep_b)
    client.force_login(world.county)
    response = client.get(page(m))
    assert response.status_code == 200
    text = page_text(response)
    assert world.rep_b.name in text and world.rep_a.name not in text
    assert "1 / 2" in text


@pytest.mark.parametrize("rows", [1, 50])
def test_the_readers_page_costs_the_same_for_1_or_50_readers(
    client, world, rows, django_assert_num_queries
):
    station = world.station_a
    m = station_material(world.county, station)
    for _ in range(rows - 1):
        rep = make_representative(station=station)
        services.material_read(material=m, representative=rep)
    services.material_read(material=m, representative=world.rep_a)
    client.force_login(world.county)
    client.get(page(m))
    with django_assert_num_queries(15):
        client.get(page(m))


def test_publish_and_unpublish_are_posts_and_audited(client, world):
    m = make_material(world.county, publish=False)
    client.force_login(world.county)
    publish = reverse("study:staff_material_publish", args=[m.pk])
    unpublish = reverse("study:staff_material_unpublish", args=[m.pk])
    assert client.get(publish).status_code == 405
    assert client.post(publish).status_code == 302
    assert client.post(publish).status_code == 302  # twice: a message, no second event
    m.refresh_from_db()
    assert m.is_published
    client.post(unpublish)
    m.refresh_from_db()
    assert not m.is_published
    assert list(m.events.values_list("kind", flat=True)) == ["created", "published", "unpublished"]


# --- collective study ----------------------------------------------------------------------


def test_the_collective_study_page_counts_attendance_in_scope(client, world):
    central = make_station(town=world.town_a, kind="central", name="甲镇中心站")
    reps = [make_representative(station=central) for _ in range(3)]
    a = Activity.objects.create(
        kind=Activity.Kind.COLLECTIVE_STUDY,
        title="十一月集体学习",
        date=date(2026, 11, 20),
        station=central,
    )
    for rep, status in zip(reps, ["present", "present", "absent"], strict=True):
        Attendance.objects.create(activity=a, representative=rep, status=status)
    Activity.objects.create(
        kind=Activity.Kind.COLLECTIVE_STUDY,
        title="乙镇学习",
        date=date(2026, 11, 21),
        station=world.station_b,
    )
    Activity.objects.create(kind=Activity.Kind.SESSION, title="人代会", date=date(2026, 1, 5))
    client.force_login(world.town_staff_a)
    response = client.get(COLLECTIVE)
    rows = list(response.context["page"].object_list)
    assert [(r.title, r.present, r.members) for r in rows] == [("十一月集体学习", 2, 3)]
    assert "2 / 3" in page_text(response)
    client.force_login(world.county)
    assert len(client.get(COLLECTIVE).context["page"].object_list) == 2


# --- the administration's index ------------------------------------------------------------


def test_the_admin_index_links_the_study_pages_for_staff(client, world):
    client.force_login(world.town_staff_a)
    response = client.get(reverse("admin:index"))
    assert LIST in response.content.decode()
    assert COLLECTIVE in response.content.decode()


def test_the_representatives_task_list_links_my_study(client, world):
    client.force_login(world.rep_a_user)
    response = client.get(reverse("petitions:my_tasks"))
    assert reverse("study:my_study") in response.content.decode()
