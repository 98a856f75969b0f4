"""The mediation pages (issue #11 item 2): the open button on the concern's work page, one
mediation with its forms, the list, the signed scan; each scoped (out of scope is 404),
parties' names masked for all but county and town staff, bad input answered in Chinese."""

import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mediation import services
from mediation.models import Mediation
from petitions.models import Petition
from tests.base import make_user, receive
from tests.helpers import page_text, tr
from tests.mediation.helpers import make_mediation_world, open_mediation

pytestmark = pytest.mark.django_db


@pytest.fixture
def mw():
    return make_mediation_world()


@pytest.fixture
def mediation(mw):
    return open_mediation(mw)


def _detail(mediation):
    return reverse("mediation:detail", args=[mediation.pk])


# --- opening from the work page ----------------------------------------------------------------


def test_the_work_page_offers_to_open_a_mediation_of_a_dispute(client, mw):
    client.force_login(mw.world.town_staff_a)
    response = client.get(reverse("petitions:work_detail", args=[mw.petition.pk]))
    assert reverse("mediation:open", args=[mw.petition.pk]) in response.content.decode()
    response = client.post(reverse("mediation:open", args=[mw.petition.pk]))
    mediation = Mediation.objects.get(petition=mw.petition)
    assert response.status_code == 302 and response["Location"] == _detail(mediation)
    page = client.get(reverse("petitions:work_detail", args=[mw.petition.pk])).content.decode()
    assert _detail(mediation) in page
    assert reverse("mediation:open", args=[mw.petition.pk]) not in page


def test_a_second_open_is_answered_in_chinese(client, mw, mediation):
    client.force_login(mw.world.county)
    response = client.post(reverse("mediation:open", args=[mw.petition.pk]))
    assert response.status_code == 409
    assert "该诉求的调解已经开启" in page_text(response)
    assert Mediation.objects.count() == 1


def test_no_button_on_another_category_nor_for_station_staff(client, mw):
    petition, _ = receive(mw.world, category=mw.world.category)
    client.force_login(mw.world.county)
    page = client.get(reverse("petitions:work_detail", args=[petition.pk])).content.decode()
    assert reverse("mediation:open", args=[petition.pk]) not in page
    client.force_login(mw.world.station_staff_a)
    page = client.get(reverse("petitions:work_detail", args=[mw.petition.pk])).content.decode()
    assert reverse("mediation:open", args=[mw.petition.pk]) not in page
    response = client.post(reverse("mediation:open", args=[mw.petition.pk]))
    assert response.status_code == 403
    assert not Mediation.objects.exists()


def test_opening_a_concern_out_of_scope_is_404(client, mw):
    client.force_login(mw.world.town_staff_b)
    assert client.post(reverse("mediation:open", args=[mw.petition.pk])).status_code == 404
    assert client.get(reverse("mediation:open", args=[mw.petition.pk])).status_code == 405


# --- seeing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["county", "town_staff_a", "station_staff_a", "rep_a_user", "legal_a"]
)
def test_those_in_scope_see_the_mediation(client, mw, mediation, who):
    user = getattr(mw, who, None) or getattr(mw.world, who)
    client.force_login(user)
    response = client.get(_detail(mediation))
    assert response.status_code == 200
    assert mw.petition.tracking_no in page_text(response)


@pytest.mark.parametrize("who", ["town_staff_b", "rep_b_user", "legal_b", "unit_user", "nobody"])
def test_those_out_of_scope_get_404(client, mw, mediation, who):
    user = (
        make_user("nobody") if who == "nobody" else getattr(mw, who, None) or getattr(mw.world, who)
    )
    client.force_login(user)
    assert client.get(_detail(mediation)).status_code == 404
    post = client.post(
        reverse("mediation:session_add", args=[mediation.pk]),
        {"held_on": timezone.localdate().isoformat(), "place": "站"},
    )
    assert post.status_code == 404
    assert not mediation.sessions.exists()


def test_a_hostile_id_is_404_and_an_anonymous_visitor_signs_in(client, mw, mediation):
    client.force_login(mw.world.county)
    assert client.get(reverse("mediation:detail", args=[mediation.pk + 999])).status_code == 404
    client.logout()
    response = client.get(_detail(mediation))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("who", ["county", "town_staff_a"])
def test_county_and_town_staff_see_the_parties_names(client, mw, mediation, who):
    client.force_login(getattr(mw.world, who))
    text = page_text(client.get(_detail(mediation)))
    assert "张三丰" in text and "李四" in text


@pytest.mark.parametrize("who", ["station_staff_a", "rep_a_user", "legal_a"])
def test_everyone_else_sees_the_names_masked(client, mw, mediation, who):
    client.force_login(getattr(mw, who, None) or getattr(mw.world, who))
    page = client.get(_detail(mediation)).content.decode()
    assert "张**" in page and "李*" in page
    assert "张三丰" not in page and "李四" not in page


def test_the_concerns_representative_reads_without_acting(client, mw):
    mediation = services.mediation_open(petition=mw.petition, actor=mw.world.county)
    services.mediator_set(
        mediation=mediation, representatives=[], legal_worker=mw.legal_a, actor=mw.world.county
    )
    client.force_login(mw.world.rep_a_user)
    response = client.get(_detail(mediation))
    assert response.status_code == 200
    assert reverse("mediation:session_add", args=[mediation.pk]) not in response.content.decode()
    response = client.post(
        reverse("mediation:session_add", args=[mediation.pk]),
        {"held_on": timezone.localdate().isoformat(), "place": "站"},
    )
    assert response.status_code == 403
    assert not mediation.sessions.exists()


# --- acting -------------------------------------------------------------------------------------


def test_a_mediator_records_a_session_and_closes_with_success(client, mw, mediation):
    client.force_login(mw.world.rep_a_user)
    response = client.post(
        reverse("mediation:session_add", args=[mediation.pk]),
        {
            "held_on": timezone.localdate().isoformat(),
            "place": "杏坪镇人大代表联络站",
            "representatives": [mw.world.rep_a.pk],
            "others": "双方当事人",
            "note": "双方陈述意见",
        },
    )
    assert response.status_code == 302
    scan = SimpleUploadedFile("协议.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = client.post(
        reverse("mediation:close", args=[mediation.pk]),
        {"outcome": "success", "agreement": "以界桩为界。", "scan": scan},
    )
    assert response.status_code == 302
    mediation.refresh_from_db()
    assert mediation.outcome == "success" and mediation.sessions.count() == 1
    text = page_text(client.get(_detail(mediation)))
    assert "以界桩为界" in text and tr("agreement reached (调解成功)") in text
    scan_url = reverse("mediation:scan", args=[mediation.pk])
    download = client.get(scan_url)
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    client.force_login(mw.world.town_staff_b)
    assert client.get(scan_url).status_code == 404


def test_no_scan_is_404(client, mw, mediation):
    client.force_login(mw.world.county)
    assert client.get(reverse("mediation:scan", args=[mediation.pk])).status_code == 404


@pytest.mark.parametrize(
    "data, message",
    [
        ({"outcome": "success", "agreement": ""}, "请填写达成的调解协议内容"),
        ({"outcome": "maybe"}, "选择一个有效的选项"),
        (
            {
                "outcome": "failed",
                "scan": SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-msdownload"),
            },
            "请以 PDF、OFD、JPEG 或 PNG 格式上传",
        ),
    ],
)
def test_a_bad_close_is_answered_in_chinese_and_saves_nothing(client, mw, mediation, data, message):
    client.force_login(mw.legal_a)
    response = client.post(reverse("mediation:close", args=[mediation.pk]), data)
    assert response.status_code == 400
    assert message in page_text(response)
    mediation.refresh_from_db()
    assert mediation.is_open and not mediation.events.filter(kind="closed").exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"held_on": "", "place": "站"}, "这个字段是必填项"),
        ({"held_on": "2026-13-40", "place": "站"}, "输入一个有效的日期"),
        ({"held_on": "FUTURE", "place": "站"}, "调解尚未进行"),
        ({"held_on": "TODAY", "place": ""}, "这个字段是必填项"),
    ],
)
def test_a_bad_session_is_answered_in_chinese(client, mw, mediation, data, message):
    today = timezone.localdate()
    data = dict(data)
    data["held_on"] = {"TODAY": today, "FUTURE": today + timedelta(days=3)}.get(
        data["held_on"], data["held_on"]
    )
    client.force_login(mw.world.rep_a_user)
    response = client.post(reverse("mediation:session_add", args=[mediation.pk]), data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert not mediation.sessions.exists()


def test_town_staff_add_a_party_and_set_the_mediators(client, mw, mediation):
    client.force_login(mw.world.town_staff_a)
    response = client.post(
        reverse("mediation:party_add", args=[mediation.pk]),
        {"name": "王五", "role": "other", "note": ""},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("mediation:mediators", args=[mediation.pk]),
        {"representatives": [mw.world.rep_a.pk], "legal_worker": ""},
    )
    assert response.status_code == 302
    mediation.refresh_from_db()
    assert mediation.parties.count() == 3 and mediation.legal_worker is None
    response = client.post(
        reverse("mediation:mediators", args=[mediation.pk]),
        {"representatives": [], "legal_worker": ""},
    )
    assert response.status_code == 400
    assert "请至少选择一名代表或一名法律工作者" in page_text(response)


def test_a_mediator_may_not_add_a_party(client, mw, mediation):
    client.force_login(mw.world.rep_a_user)
    assert (
        reverse("mediation:party_add", args=[mediation.pk])
        not in client.get(_detail(mediation)).content.decode()
    )
    response = client.post(
        reverse("mediation:party_add", args=[mediation.pk]), {"name": "王五", "role": "other"}
    )
    assert response.status_code == 403
    assert "只有县、镇人大工作人员可以修改此项" in page_text(response)
    assert mediation.parties.count() == 2


def test_the_detail_page_runs_a_fixed_number_of_queries(
    client, mw, mediation, django_assert_max_num_queries
):
    client.force_login(mw.world.county)
    with django_assert_max_num_queries(30):
        assert client.get(_detail(mediation)).status_code == 200


# --- the list -----------------------------------------------------------------------------------


def _many(mw, n):
    """``n`` more mediations of town A's disputes, mediated by rep A."""
    w = mw.world
    petitions = Petition.objects.bulk_create(
        [
            Petition(
                tracking_no=f"ZS-T-{i:05d}",
                token_hash=uuid.uuid4().hex + uuid.uuid4().hex,
                channel=Petition.Channel.QR,
                text="纠纷",
                representative=w.rep_a,
                station=w.station_a,
                town=w.town_a,
                category=mw.dispute,
            )
            for i in range(n)
        ]
    )
    mediations = Mediation.objects.bulk_create(
        [
            Mediation(
                petition=p,
                town=w.town_a,
                station=w.station_a,
                opened_by=w.county,
                legal_worker=mw.legal_a,
            )
            for p in petitions
        ]
    )
    through = Mediation.representatives.through
    through.objects.bulk_create(
        [through(mediation_id=m.pk, representative_id=w.rep_a.pk) for m in mediations]
    )


@pytest.mark.parametrize("who", ["county", "town_staff_a", "rep_a_user", "legal_a"])
def test_the_list_runs_the_same_queries_for_1_and_50_rows(
    client, mw, mediation, django_assert_num_queries, who
):
    user = getattr(mw, who, None) or getattr(mw.world, who)
    client.force_login(user)
    url = reverse("mediation:list")
    client.get(url)  # the session warms up
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert mw.petition.tracking_no in page_text(response)
    _many(mw, 50)
    with django_assert_num_queries(len(one)):
        response = client.get(url)
    assert page_text(response).count("ZS-T-") == 30  # a page


def test_the_list_filters_by_town_station_and_status(client, mw, mediation):
    client.force_login(mw.world.county)
    url = reverse("mediation:list")
    assert mw.petition.tracking_no in page_text(client.get(url, {"town": mw.world.town_a.pk}))
    assert mw.petition.tracking_no not in page_text(
        client.get(url, {"station": mw.world.station_b.pk})
    )
    assert mw.petition.tracking_no not in page_text(client.get(url, {"status": "closed"}))
    assert client.get(url, {"town": "x", "status": "nonsense"}).status_code == 200


def test_the_list_hides_other_towns_and_refuses_anyone_without_a_role(client, mw, mediation):
    client.force_login(mw.world.town_staff_b)
    assert mw.petition.tracking_no not in page_text(client.get(reverse("mediation:list")))
    client.force_login(make_user("nobody"))
    assert client.get(reverse("mediation:list")).status_code == 404


def test_no_public_page_shows_a_party(client, mw, mediation):
    """The station's and the representative's public pages, and the mediation's own for an
    anonymous visitor (sent to sign in), never name a party."""
    for url in (
        mw.world.station_a.get_absolute_url(),
        mw.world.rep_a.get_absolute_url(),
        _detail(mediation),
        reverse("mediation:list"),
    ):
        page = client.get(url).content.decode()
        assert "张三丰" not in page and "张**" not in page
