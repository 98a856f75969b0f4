"""The representative's study pages on the phone (issue #11 item 6): their materials, one
material with its link and file, marking it read, and the file download's access."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext

from liaison.models import Representative
from points.models import PointEntry
from study.models import MaterialRead
from tests.base import make_world
from tests.helpers import page_text, tags, tr
from tests.study.helpers import level_material, make_material, station_material

pytestmark = pytest.mark.django_db

LIST = reverse("study:my_study")


def detail(m):
    return reverse("study:my_material", args=[m.pk])


def read_url(m):
    return reverse("study:my_material_read", args=[m.pk])


def file_url(m):
    return reverse("study:material_file", args=[m.pk])


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def rep_client(client, world):
    client.force_login(world.rep_a_user)
    return client


def pdf(name="消防法.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 study", content_type="application/pdf")


def test_it_lists_the_representatives_materials_newest_first_marked(rep_client, world):
    old = make_material(world.county, title="中华人民共和国消防法")
    new = make_material(world.county, title="中华人民共和国家庭教育促进法")
    rep_client.post(read_url(old))
    response = rep_client.get(LIST)
    assert response.status_code == 200
    assert [m.pk for m in response.context["page"].object_list] == [new.pk, old.pk]
    assert [m.is_read for m in response.context["page"].object_list] == [False, True]
    text = page_text(response)
    with translation.override(settings.LANGUAGE_CODE):
        read = pgettext("study material", "read")
    assert tr("unread") in text and read in text


def test_the_list_leaves_out_other_stations_levels_and_drafts(rep_client, world):
    station_material(world.county, world.station_b, title="乙站资料")
    level_material(world.county, level=Representative.Level.TOWNSHIP, title="乡镇代表资料")
    make_material(world.county, title="草稿", publish=False)
    mine = station_material(world.county, world.station_a, title="甲站资料")
    response = rep_client.get(LIST)
    assert [m.pk for m in response.context["page"].object_list] == [mine.pk]


@pytest.mark.parametrize("rows", [1, 50])
def test_the_list_costs_the_same_queries_for_1_or_50_materials(
    rep_client, world, rows, django_assert_num_queries
):
    for n in range(rows):
        m = make_material(world.county, title=f"资料{n}")
        if n % 2:
            rep_client.post(read_url(m))
    rep_client.get(LIST)  # warm the session
    # session, user, roles (scope, representative, places, units), unread notices, count, page
    with django_assert_num_queries(9):
        response = rep_client.get(LIST)
    assert len(response.context["page"].object_list) == min(rows, 20)


def test_the_material_page_shows_the_link_the_file_and_the_button(rep_client, world):
    m = make_material(world.county, summary="第一条 为了预防火灾……", file=pdf())
    response = rep_client.get(detail(m))
    assert response.status_code == 200
    links = {a.get("href"): a for a in tags(response, "a")}
    assert links["https://flk.npc.gov.cn/"]["rel"] == "noopener noreferrer"
    assert file_url(m) in links
    assert tr("Mark as read") in page_text(response)


def test_marking_read_earns_points_and_a_second_tap_changes_nothing(rep_client, world):
    m = make_material(world.county, title="中华人民共和国消防法")
    response = rep_client.post(read_url(m))
    assert response.status_code == 302 and response.url == detail(m)
    rep_client.post(read_url(m))
    assert MaterialRead.objects.filter(representative=world.rep_a).count() == 1
    entry = PointEntry.objects.get(representative=world.rep_a)
    assert entry.source == "study"
    page = rep_client.get(detail(m))
    assert read_url(m) not in {f.get("action") for f in tags(page, "form")}
    record = rep_client.get(reverse("points:my_points"))
    assert "《中华人民共和国消防法》" in page_text(record)
    assert "线上学：阅读学习资料" in page_text(record)


def test_reading_needs_a_post(rep_client, world):
    m = make_material(world.county)
    assert rep_client.get(read_url(m)).status_code == 405
    assert not MaterialRead.objects.exists()


@pytest.mark.parametrize("case", ["other_station", "draft", "other_level", "hostile"])
def test_a_material_outside_the_audience_is_404(rep_client, world, case):
    if case == "other_station":
        m = station_material(world.county, world.station_b)
    elif case == "draft":
        m = make_material(world.county, publish=False)
    elif case == "other_level":
        m = level_material(world.county, level=Representative.Level.NATIONAL)
    else:
        m = type("M", (), {"pk": 2**62})()
    assert rep_client.get(detail(m)).status_code == 404
    assert rep_client.post(read_url(m)).status_code == 404
    assert rep_client.get(file_url(m)).status_code == 404
    assert not MaterialRead.objects.exists()


def test_an_unpublished_material_is_gone_from_the_representative(rep_client, world):
    from study import services

    m = make_material(world.county)
    assert rep_client.get(detail(m)).status_code == 200
    services.material_unpublish(material=m, actor=world.county)
    assert rep_client.get(detail(m)).status_code == 404


def test_non_representatives_see_the_not_a_representative_page(client, world):
    client.force_login(world.unit_user)
    response = client.get(LIST)
    assert response.status_code == 200
    assert "not_a_representative.html" in [t.name for t in response.templates]
    m = make_material(world.county)
    assert client.post(read_url(m)).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    m = make_material(world.county, file=pdf())
    for url in (LIST, detail(m), file_url(m)):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- the file ------------------------------------------------------------------------------


def test_the_file_goes_to_the_audience_and_the_staff_only(client, world):
    m = station_material(world.county, world.station_a, file=pdf())
    client.force_login(world.rep_a_user)
    response = client.get(file_url(m))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 study"
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]
    for user, status in [
        (world.rep_b_user, 404),
        (world.town_staff_b, 404),
        (world.unit_user, 404),
        (world.town_staff_a, 200),
        (world.county, 200),
    ]:
        client.force_login(user)
        assert client.get(file_url(m)).status_code == status, user


def test_a_material_without_a_file_has_no_download(rep_client, world):
    m = make_material(world.county)
    assert rep_client.get(file_url(m)).status_code == 404
    assert rep_client.get(reverse("study:material_slides", args=[m.pk])).status_code == 404


def test_the_file_is_stored_outside_the_public_folders(world):
    m = make_material(world.county, file=pdf("../../etc/passwd.pdf"))
    assert m.file.name.startswith("study/")
    assert ".." not in m.file.name
