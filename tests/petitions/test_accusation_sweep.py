"""The accusation sweep (issue 9, item 4; 信访工作条例 Art. 30), on the demo county.

A citizen accuses 柞水县交通运输局 (login ``danwei``) and the representative 柳春和 (login
``daibiao``) through 柳春和's own QR code, choosing the accusation category, with a photo.
County staff (``xianrenda``) collect it on the work page, naming both; it cannot be assigned
to the accused unit; it goes to another unit, which acknowledges it and reports a result with
attachments; the citizen rates it. After every step, the accused, and a county staff member
who is also a member of the accused unit, walk every place a concern can show: the work
home and the lists it leads to, the notices, their own pages and points, the
administration's lists (searched by the tracking number and by words of the text) and change
page, the work page, photo and attachment addresses, the statistics and their exports, the
representative's and the station's public pages. Nowhere may the tracking number, the
tracking link's token or a phrase of the text appear; no notice, e-mail or points entry of
theirs may refer to it.

County staff hear of every accusation on receipt, before anyone knows whom it accuses: the
county clerk in the accused unit is swept from the moment the collector names it, and the
one notice (and e-mail) of the receipt is the only one they ever had, gone from their list.
"""

import csv
import html
import io
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, quote_plus

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from liaison.models import HandlingUnit, Representative, StaffScope
from petitions.models import Category, Notification, PersonalDataView, Petition
from points.models import PointEntry
from tests.base import county_staff_group
from tests.helpers import admin_url, jpeg_bytes, tr, upload
from tests.petitions.citizen_helpers import rep_url, submit

pytestmark = pytest.mark.django_db

User = get_user_model()

TEXT = "检举县交通运输局路政股长在青岗坪桥梁验收中收受施工方礼金两万元，代表柳某知情不报。"
# Words a search would use, and a phrase no other concern of the demo has.
WORDS = "青岗坪桥梁验收"
PHRASE = "收受施工方礼金两万元"
ACCUSED_UNIT = "柞水县交通运输局"
HANDLING_UNIT = "柞水县水利局"


@dataclass
class Sweep:
    petition: Petition
    token: str
    county: object
    accused_unit: HandlingUnit
    accused_rep: Representative
    handler: object
    # The logins the accusation names, and when each is swept from (a step name).
    accused: dict = field(default_factory=dict)
    # The last notice written before the collector named the accused.
    named_after_pk: int = 0

    def clients(self, since_collect: bool):
        for name, (user, from_collect) in self.accused.items():
            if since_collect or not from_collect:
                client = Client()
                client.force_login(user)
                yield name, user, client


def _setup(on_commit) -> Sweep:
    county = User.objects.get(username="xianrenda")
    danwei = User.objects.get(username="danwei")
    daibiao = User.objects.get(username="daibiao")
    accused_unit = HandlingUnit.objects.get(name=ACCUSED_UNIT)
    assert danwei in accused_unit.members.all()
    accused_rep = Representative.objects.get(user=daibiao)
    handling_unit = HandlingUnit.objects.get(name=HANDLING_UNIT)
    handler = User.objects.create_user("shuili", password="pw-for-tests-1")
    handling_unit.members.add(handler)
    # Two roles at once: county staff who also belong to the accused unit.
    clerk = User.objects.create_user(
        "county-in-transport", password="pw-for-tests-1", is_staff=True, email="clerk@example.cn"
    )
    clerk.groups.add(county_staff_group())
    StaffScope.objects.create(user=clerk, level=StaffScope.Level.COUNTY)
    accused_unit.members.add(clerk)
    for user, email in ((danwei, "danwei@example.cn"), (daibiao, "daibiao@example.cn")):
        user.email = email
        user.save(update_fields=["email"])
    accusation = Category.objects.get(is_accusation=True)

    with on_commit(execute=True):
        response, petition, token = submit(
            Client(),
            rep_url(accused_rep),
            category=accusation.pk,
            text=TEXT,
            name="王某",
            mobile="13912345678",
            photo1=upload(jpeg_bytes()),
        )
    assert response.status_code == 200, response.content.decode()[:500]
    assert petition.photos.count() == 1
    return Sweep(
        petition=petition,
        token=token,
        county=county,
        accused_unit=accused_unit,
        accused_rep=accused_rep,
        handler=handler,
        accused={
            "danwei": (danwei, False),
            "daibiao": (daibiao, False),
            "county staff in the accused unit": (clerk, True),
        },
    )


def _act(client, petition, action, data=None, on_commit=None):
    url = reverse("petitions:work_action", args=[petition.pk, action])
    with on_commit(execute=True):
        response = client.post(url, data or {})
    assert response.status_code == 302, (action, response.content.decode()[:3000])
    petition.refresh_from_db()
    return response


def _xlsx_text(content: bytes) -> str:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(
        str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
    )


def _traces(s: Sweep, body: str) -> list[str]:
    return [t for t in (s.petition.tracking_no, s.token, PHRASE, WORDS) if t in body]


def _without_echoes(body: str, url: str) -> str:
    """The page without the attributes that repeat what the address asked for (the search
    box, the filters' links, the sign-in page's ``next``): a search's own words are no
    trace. What the search found is checked on the list's rows."""
    if "?" not in url:
        return body
    asked = [v for _k, v in parse_qsl(url.split("?", 1)[1]) if v]
    spellings = {form for v in asked for form in (v, quote(v), quote_plus(v), quote(url, safe=""))}
    return re.sub(
        r'(value|href|action)="([^"]*)"',
        lambda m: "" if any(a in html.unescape(m.group(2)) for a in spellings) else m.group(0),
        body,
    )


def _pages(s: Sweep) -> list[str]:
    """Every page a concern may show in, for anyone."""
    rep = s.accused_rep
    petitions = admin_url(Petition, "changelist")
    pages = [
        reverse("petitions:work_home"),
        reverse("petitions:unit_list"),
        *(reverse("petitions:unit_list") + f"?show={f}" for f in ("all", "open", "finished")),
        reverse("petitions:my_tasks"),
        reverse("petitions:notices"),
        reverse("liaison:my_page"),
        reverse("points:my_points"),
        petitions,
        f"{petitions}?q={s.petition.tracking_no}",
        f"{petitions}?q={WORDS}",
        f"{petitions}?q={PHRASE}",
        f"{petitions}?step={s.petition.step}",
        f"{petitions}?unit__id__exact={s.petition.unit_id or ''}",
        admin_url(Petition, "change", s.petition.pk),
        admin_url(Petition, "history", s.petition.pk),
        *(
            admin_url(model, "changelist") + query
            for model in (
                "petitions.Notification",
                "petitions.Survey",
                "petitions.Reception",
                "petitions.PersonalDataView",
                "points.PointEntry",
            )
            for query in ("", f"?q={s.petition.tracking_no}")
        ),
        reverse("liaison:home"),
        reverse("liaison:representative_detail", args=[rep.qr_token]),
        *(
            reverse("liaison:station_detail", args=[m.station.slug])
            for m in rep.memberships.select_related("station")
        ),
    ]
    return pages


def _closed_doors(s: Sweep) -> list[str]:
    """The concern's own addresses: 404 for the accused."""
    p = s.petition
    return [
        reverse("petitions:work_detail", args=[p.pk]),
        *(reverse("petitions:work_photo", args=[p.pk, ph.pk]) for ph in p.photos.all()),
        *(reverse("petitions:work_attachment", args=[p.pk, a.pk]) for a in p.attachments.all()),
    ]


def _walk(s: Sweep, *, step: str, since_collect: bool) -> None:
    found = []
    for name, user, client in s.clients(since_collect):
        for url in _pages(s):
            response = client.get(url, follow=True)
            assert response.status_code in (200, 404), (name, url, response.status_code)
            body = _without_echoes(response.content.decode(), url)
            if _traces(s, body):
                found.append((step, name, url, _traces(s, body)))
            if url.startswith(admin_url(Petition, "changelist")) and "cl" in (
                response.context or {}
            ):
                listed = {o.pk for o in response.context["cl"].result_list}
                if s.petition.pk in listed:
                    found.append((step, name, url, "listed"))
        for url in _closed_doors(s):
            response = client.get(url)
            if response.status_code != 404:
                found.append((step, name, url, response.status_code))
        for action in ("collect", "assign", "note", "report", "return", "accept"):
            response = client.post(reverse("petitions:work_action", args=[s.petition.pk, action]))
            if response.status_code != 404:
                found.append((step, name, f"POST {action}", response.status_code))
        # The statistics: closed to them, or not counting it.
        stats_urls = [
            reverse("petitions:staff_statistics"),
            reverse("petitions:staff_statistics_csv"),
            reverse("petitions:staff_statistics_xlsx"),
        ]
        responses = [client.get(url) for url in stats_urls]
        if user.is_staff:
            assert [r.status_code for r in responses] == [200, 200, 200]
            mine = responses[0].context["stats"].total
            county = Client()
            county.force_login(s.county)
            everyone = county.get(stats_urls[0]).context["stats"].total
            if mine != everyone - 1:
                found.append((step, name, "statistics", (mine, everyone)))
            csv_text = responses[1].content.decode("utf-8-sig")
            assert list(csv.reader(io.StringIO(csv_text)))
            for body in (responses[0].content.decode(), csv_text, _xlsx_text(responses[2].content)):
                if _traces(s, body):
                    found.append((step, name, "statistics export", _traces(s, body)))
        else:
            if [r.status_code for r in responses] != [404, 404, 404]:
                found.append((step, name, "statistics", [r.status_code for r in responses]))
        # Their notices: none about it (a receipt notice older than the naming is gone).
        rows = Notification.objects.filter(recipient=user, petition=s.petition)
        if s.accused[name][1]:
            rows = rows.filter(pk__gt=s.named_after_pk)
        if rows.exists():
            found.append((step, name, "notices", "a notice refers to it"))
        if PersonalDataView.objects.filter(user=user, petition=s.petition).exists():
            found.append((step, name, "personal data views", "recorded"))
        if PointEntry.objects.filter(
            representative__user=user, description__contains=s.petition.tracking_no
        ).exists():
            found.append((step, name, "points", "an entry refers to it"))
    assert found == [], "\n".join(map(repr, found))


def _mail_and_notices(s: Sweep, collected_after_pk: int) -> None:
    """No notice was ever written to the accused after the collector named them, none at
    all to the unit and the representative; no e-mail to them; no e-mail of anyone's
    carries the text."""
    for name, (user, from_collect) in s.accused.items():
        rows = Notification.objects.filter(recipient=user, petition=s.petition)
        if from_collect:
            rows = rows.filter(pk__gt=collected_after_pk)
        assert not rows.exists(), name
        to_them = [m for m in mail.outbox if user.email in m.to]
        if from_collect:
            # The receipt's, sent to every county staff member before anyone knew.
            assert len(to_them) <= 1, name
        else:
            assert to_them == [], name
    for message in mail.outbox:
        assert PHRASE not in message.body and WORDS not in message.body
        assert s.token not in message.body


def test_the_accused_find_no_trace_of_the_accusation_anywhere(
    demo, django_capture_on_commit_callbacks
):
    on_commit = django_capture_on_commit_callbacks
    s = _setup(on_commit)
    p = s.petition
    assert p.is_accusation and p.representative == s.accused_rep
    _walk(s, step="received", since_collect=False)

    # Collected on the work page by county staff, naming both.
    county = Client()
    county.force_login(s.county)
    s.named_after_pk = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
    _act(
        county,
        p,
        "collect",
        {
            "category": p.category_id,
            "level": "county",
            "town": p.town_id,
            "accused_unit": s.accused_unit.pk,
            "accused_representative": s.accused_rep.pk,
        },
        on_commit,
    )
    assert (p.step, p.accused_unit, p.accused_representative) == (
        "collected",
        s.accused_unit,
        s.accused_rep,
    )
    _walk(s, step="collected", since_collect=True)

    # The assign form does not offer the accused unit, and refuses it when sent.
    page = county.get(reverse("petitions:work_detail", args=[p.pk])).content.decode()
    assign_form = re.search(r'<form[^>]*action="[^"]*/do/assign/".*?</form>', page, re.S).group(0)
    assert f'value="{s.accused_unit.pk}"' not in assign_form
    refused = county.post(
        reverse("petitions:work_action", args=[p.pk, "assign"]), {"unit": s.accused_unit.pk}
    )
    assert refused.status_code == 400
    assert tr("An accusation may never be assigned to the unit it accuses.") in (
        refused.content.decode()
    )
    p.refresh_from_db()
    assert p.step == "collected"

    handling_unit = HandlingUnit.objects.get(name=HANDLING_UNIT)
    _act(county, p, "assign", {"unit": handling_unit.pk}, on_commit)
    assert p.unit == handling_unit
    _walk(s, step="assigned", since_collect=True)

    handler = Client()
    handler.force_login(s.handler)
    _act(handler, p, "accept", on_commit=on_commit)
    _act(county, p, "note", {"note": "请严格保密，依规核查。"}, on_commit)
    _act(county, p, "remind", {"note": "请按期反馈。"}, on_commit)
    _walk(s, step="supervising", since_collect=True)
    # The same pages do show it to those who may see it: the sweep looks where it would be.
    assert p.tracking_no in handler.get(reverse("petitions:unit_list")).content.decode()
    listed = county.get(admin_url(Petition, "changelist"), {"q": WORDS}).context["cl"]
    assert [o.pk for o in listed.result_list] == [p.pk]
    assert PHRASE in county.get(reverse("petitions:work_detail", args=[p.pk])).content.decode()

    _act(
        handler,
        p,
        "report",
        {
            "result": "经核查，相关情况已移交纪检监察机关处理。",
            "outcome": Petition.Outcome.REFERRED,
            "attachment1": upload(
                b"%PDF-1.4 report", name="report.pdf", content_type="application/pdf"
            ),
            "attachment2": upload(jpeg_bytes(), name="scene.jpg"),
            "public2": "on",
        },
        on_commit,
    )
    assert p.step == "reported" and p.attachments.count() == 2
    _walk(s, step="reported", since_collect=True)

    with on_commit(execute=True):
        rated = Client().post(
            reverse("petitions:track_survey", args=[s.token]), {"rating": "satisfied"}
        )
    assert rated.status_code == 302
    p.refresh_from_db()
    assert p.step == "closed"
    _walk(s, step="closed", since_collect=True)

    _mail_and_notices(s, s.named_after_pk)
    # 柳春和 received it through his own QR code, yet earns nothing from it.
    assert not PointEntry.objects.filter(
        representative=s.accused_rep, source=PointEntry.Source.PETITION, source_id=p.pk
    ).exists()
    # Other county staff did hear of it, and its handler: the sweep is not empty by accident.
    assert Notification.objects.filter(petition=p, recipient=s.county).exists()
    assert Notification.objects.filter(petition=p, recipient=s.handler).exists()
