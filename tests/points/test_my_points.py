"""A representative's "My points" (issue #4, item 5): the year's total per category with caps
applied, progress toward each cap, rank among the same level, grade, the entries and their
status, the claim form, the appeal, and evidence that only its owner and staff may open."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from liaison.models import Activity, Representative, StaffScope
from points import services
from points.models import Appeal, Attendance, PointEntry, Publication, ReportRun
from tests.base import make_representative, make_station, make_user
from tests.helpers import (
    gps_jpeg,
    in_site_language,
    jpeg_bytes,
    page_text,
    parse,
    stored_files,
    tags,
    tr,
    upload,
)

pytestmark = pytest.mark.django_db

COUNTY = Representative.Level.COUNTY
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def this_year() -> int:
    return timezone.localdate().year


def jan(year=None, day=1) -> date:
    return date(year or this_year(), 1, day)


def rep_with_user(name=None, level=COUNTY):
    user = make_user()
    rep = make_representative(name=name, station=make_station(), level=level, user=user)
    return rep, user


def approved(rep, code, n=1, on=None, **fields):
    """``n`` approved items of rule ``code`` for ``rep``, as staff would enter them."""
    on = on or jan()
    rule = services.rule_for(code, on.year)
    return [
        services.point_entry_create(
            representative=rep,
            rule=rule,
            on=on + timedelta(days=i % 20),
            status=PointEntry.Status.APPROVED,
            **fields,
        )
        for i in range(n)
    ]


def claimed(rep, code="deed", on=None, evidence=None, description="调解邻里纠纷一起"):
    """A pending claim made through the service, evidence included."""
    on = on or timezone.localdate()
    evidence = evidence or upload(jpeg_bytes())
    from points.representative_forms import clean_evidence

    return services.point_entry_claim(
        representative=rep,
        rule=services.rule_for(code, on.year),
        on=on,
        quantity=1,
        description=description,
        evidence=clean_evidence(evidence.read()),
        actor=rep.user,
    )


def publish(year, user):
    """``year`` published, as staff leave it after the year-end reports."""
    run = ReportRun.objects.create(
        year=year, status=ReportRun.Status.DONE, total=0, done=0, finished_at=timezone.now()
    )
    return Publication.objects.create(year=year, run=run, published_by=user)


def rejected(rep, staff, reason="材料不能证明本人参与"):
    entry = claimed(rep)
    services.point_entry_reject(entry=entry, actor=staff, reason=reason)
    entry.refresh_from_db()
    return entry


@pytest.fixture
def rep_and_user():
    return rep_with_user("柳测试")


@pytest.fixture
def rep(rep_and_user):
    return rep_and_user[0]


@pytest.fixture
def rep_client(client, rep_and_user):
    client.force_login(rep_and_user[1])
    return client


@pytest.fixture
def reviewer():
    """County congress staff who review entries (town staff: tests/points/test_admin_scope.py)."""
    user = make_user(staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_pointentry"))
    StaffScope.objects.create(user=user, level=StaffScope.Level.COUNTY)
    return user


def my_points(client, **params):
    return client.get(reverse("points:my_points"), params)


# --- the year's figures ---------------------------------------------------------------------


def test_it_shows_the_total_per_category_with_the_caps_applied(rep_client, rep):
    approved(rep, "session")  # 15
    approved(rep, "meeting", 6)  # 2 + 5 × 2 = 12, capped at 10
    approved(rep, "absence")  # −5, never capped
    approved(rep, "training")  # 3
    approved(rep, "duty", 7)  # 4 + 6 × 2 = 16, capped at 12
    approved(rep, "deed")  # 5
    claimed(rep, "report")  # pending: not counted yet

    response = my_points(rep_client)

    assert response.status_code == 200
    summary = response.context["summary"]
    by_category = {value: points for value, _label, points in summary["by_category"]}
    assert by_category == {
        "meetings": Decimal(20),
        "training": Decimal(3),
        "inspection": 0,
        "proposals": 0,
        "voters": Decimal(12),
        "deeds": Decimal(5),
        "reporting": 0,
    }
    assert summary["total"] == Decimal(40)
    assert summary["grade"] == "不合格"  # the shipped bands: below 45
    text = page_text(response)
    assert tr("Points per category") in text
    assert in_site_language(services.Category.MEETINGS.label) in text
    assert "不合格" in text
    assert rep.name in text


def test_each_capped_rule_has_a_progress_bar_toward_its_cap(rep_client, rep):
    approved(rep, "meeting", 6)
    approved(rep, "duty", 2)

    response = my_points(rep_client)

    bars = {row["rule"].code: (row["points"], row["cap"]) for row in response.context["progress"]}
    assert bars["meeting"] == (Decimal(10), Decimal(10))
    assert bars["duty"] == (Decimal(6), Decimal(12))
    assert bars["proposal"] == (0, Decimal(12))
    assert "absence" not in bars  # a deduction has no cap to fill
    progress = tags(response, "progress")
    assert len(progress) == len(bars)
    assert {"value": "6.0", "max": "12.0"}.items() <= next(
        p for p in progress if p["max"] == "12.0" and p["value"] == "6.0"
    ).items()
    assert any(p["value"] == "10.0" and "cap-bar-full" in p["class"] for p in progress)


def test_it_ranks_among_representatives_of_the_same_level_with_ties(client):
    first, first_user = rep_with_user()
    tied_a, tied_a_user = rep_with_user()
    tied_b, _ = rep_with_user()
    nothing, nothing_user = rep_with_user()
    township, _ = rep_with_user(level=Representative.Level.TOWNSHIP)
    approved(first, "session")  # 15
    approved(tied_a, "inspection")  # 6
    approved(tied_b, "deed")  # 5 + 1 = 6
    approved(tied_b, "concern")
    approved(township, "session")  # another level: not in the county ranking
    approved(township, "inspection", 3)

    expected = {first_user: (1, 4), tied_a_user: (2, 4), nothing_user: (4, 4)}
    for user, (rank, total) in expected.items():
        client.force_login(user)
        response = my_points(client)
        assert (response.context["summary"]["rank"], response.context["summary"]["rank_of"]) == (
            rank,
            total,
        )
        assert tr("No. %(rank)s of %(total)s") % {"rank": rank, "total": total} in page_text(
            response
        )


def withdrawn(rep) -> PointEntry:
    """An attendance entry whose attendance was then deleted: kept, withdrawn."""
    activity = Activity.objects.create(
        kind=Activity.Kind.STANDING_MEETING, title="常委会第八次会议", date=jan(day=5)
    )
    attendance = Attendance.objects.create(
        activity=activity, representative=rep, status=Attendance.Status.PRESENT
    )
    entry = services.attendance_sync(attendance=attendance)
    attendance.delete()
    entry.refresh_from_db()
    assert entry.status == PointEntry.Status.WITHDRAWN
    return entry


def test_it_lists_the_years_entries_with_status_reason_and_points(rep_client, rep, reviewer):
    approved(rep, "session", description="县第十九届人大第五次会议")
    claimed(rep, "report", description="向选民述职一次")
    rejected(rep, reviewer, reason="照片看不出活动内容")
    gone = withdrawn(rep)

    response = my_points(rep_client)

    text = page_text(response)
    assert "县第十九届人大第五次会议" in text
    assert "向选民述职一次" in text
    for status in PointEntry.Status:
        assert in_site_language(status.label) in text
    assert tr("Reason for rejection:") in text
    assert "照片看不出活动内容" in text
    assert len(response.context["rows"]) == 4
    # A withdrawn entry is listed as such, with no points, and adds nothing to the total.
    html = response.content.decode()
    row = html[html.index(f'id="entry-{gone.pk}"') :]
    row = row[: row.index("</li>")]
    assert in_site_language(PointEntry.Status.WITHDRAWN.label) in row
    assert tr("%(points)s points") % {"points": "0"} not in row
    assert gone.points == 0
    assert response.context["summary"]["total"] == 15  # the session's, as before


def test_the_year_switcher_shows_last_year(rep_client, rep):
    last = this_year() - 1
    approved(rep, "session", on=date(last, 3, 1), description="去年的大会")
    approved(rep, "training", description="今年的讲堂")

    this = page_text(my_points(rep_client))
    assert "今年的讲堂" in this and "去年的大会" not in this

    response = my_points(rep_client, year=last)
    assert response.context["year"] == last
    assert response.context["summary"]["total"] == Decimal(15)
    assert "去年的大会" in page_text(response) and "今年的讲堂" not in page_text(response)
    hrefs = [a["href"] for a in tags(response, "a")]
    assert reverse("points:my_points") in hrefs

    # Out of range or not a number: this year.
    for bad in ("1999", str(this_year() + 1), "abc"):
        assert my_points(rep_client, year=bad).context["year"] == this_year()


def test_it_shows_a_friendly_page_to_anyone_who_is_not_an_active_representative(client, rep):
    message = tr(
        "These pages are for people's congress representatives. Your account is not "
        "linked to an active representative."
    )
    client.force_login(make_user())
    response = my_points(client)
    assert response.status_code == 200
    assert message in page_text(response)
    assert client.post(reverse("points:claim"), {}).status_code == 403
    rep.is_active = False
    rep.save(update_fields=["is_active"])
    client.force_login(rep.user)
    assert message in page_text(my_points(client))


def test_it_asks_anonymous_visitors_to_sign_in(client):
    response = my_points(client)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_task_list_my_page_and_header_link_to_it(rep_client):
    url = reverse("points:my_points")
    for name in ("petitions:my_tasks", "liaison:my_page"):
        hrefs = [a["href"] for a in tags(rep_client.get(reverse(name)), "a")]
        # The header's link, and the page's own.
        assert hrefs.count(url) == 2, name


ENTRIES = [1, 50]
# session + user (2), roles (scope, representative, memberships, units: 4), the summary
# (rules, category caps, counts of the year, the same level, the grade bands: 5), whether the
# year has been published, which closes it to claims (1), the entries with their rule and
# appeal (1), the unread notices in the header (1).
MY_POINTS_QUERIES = 2 + 4 + 5 + 1 + 1 + 1


@pytest.mark.parametrize("count", ENTRIES)
def test_it_runs_a_fixed_number_of_queries(
    rep_client, rep, reviewer, count, django_assert_num_queries
):
    others = [rep_with_user()[0] for _ in range(3)]
    for other in others:
        approved(other, "meeting", 2)
    approved(rep, "meeting", count - 1)
    rejected(rep, reviewer)
    services.point_entry_appeal(
        entry=PointEntry.objects.get(status="rejected"), actor=rep.user, text="有照片为证"
    )
    with django_assert_num_queries(MY_POINTS_QUERIES):
        response = my_points(rep_client)
    assert len(response.context["rows"]) == count


# --- claims -----------------------------------------------------------------------------------


def claim_data(**overrides):
    data = {
        "year": str(this_year()),
        "rule": "deed",
        "on": timezone.localdate().isoformat(),
        "quantity": "1",
        "description": "帮助村民调解土地纠纷",
        "evidence": upload(jpeg_bytes()),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post_claim(client, **overrides):
    return client.post(reverse("points:claim"), claim_data(**overrides))


def test_a_claim_with_a_photo_is_sent_for_review(rep_client, rep):
    response = post_claim(rep_client, evidence=upload(gps_jpeg()))

    assert response.status_code == 302
    # The form posts to "#claim"; the redirect names the top so the browser does not carry
    # that fragment over and scroll past the message.
    assert response["Location"] == reverse("points:my_points") + "#top"
    entry = PointEntry.objects.get(representative=rep)
    assert entry.rule.code == "deed"
    assert entry.status == PointEntry.Status.PENDING
    assert entry.source == PointEntry.Source.CLAIM
    assert entry.created_by == rep.user
    assert entry.description == "帮助村民调解土地纠纷"
    assert entry.evidence.name.endswith(".jpg")
    # Re-encoded without its metadata: no GPS, no camera make.
    with Image.open(entry.evidence.path) as image:
        assert not image.getexif()
    page = page_text(rep_client.get(response["Location"]))
    assert tr("Your claim has been sent; staff will review it.") in page
    assert in_site_language(PointEntry.Status.PENDING.label) in page


def test_a_claim_with_a_pdf_keeps_the_document(rep_client, rep):
    response = post_claim(
        rep_client, rule="report", evidence=upload(PDF, "述职报告.pdf", "application/pdf")
    )
    assert response.status_code == 302
    entry = PointEntry.objects.get(representative=rep)
    assert entry.evidence.name.endswith(".pdf")
    with entry.evidence.open("rb") as handle:
        assert handle.read() == PDF


def test_a_claim_for_last_year_goes_to_last_years_page(rep_client, rep):
    last = this_year() - 1
    response = post_claim(rep_client, year=str(last), on=date(last, 12, 30).isoformat())
    assert response.status_code == 302
    assert response["Location"] == reverse("points:my_points") + f"?year={last}#top"
    assert PointEntry.objects.get(representative=rep).year == last


def test_the_claim_form_offers_only_claimable_rules(rep_client):
    response = my_points(rep_client)
    offered = {value for value, _label in response.context["claim_form"].fields["rule"].choices}
    assert offered == {"", "proposal", "cosign", "deed", "report"}


INVALID_CLAIMS = {
    "a rule the system counts": (
        {"rule": "session"},
        "This item cannot be claimed; it is counted by the system or by staff.",
    ),
    "an unknown rule": (
        {"rule": "nope"},
        "This item cannot be claimed; it is counted by the system or by staff.",
    ),
    "no evidence where it is required": (
        {"evidence": None},
        "Attach evidence (a photo, a document) for this item.",
    ),
    "a date in the future": (
        {"on": (timezone.localdate() + timedelta(days=1)).isoformat()},
        "Claim items of this year or last year, not in the future.",
    ),
    "a web page called .pdf": (
        {"evidence": upload(b"<html><script>alert(1)</script></html>", "x.pdf", "application/pdf")},
        "Attach a photo (JPEG, PNG or WebP) or a PDF document.",
    ),
    "a PDF header without a PDF": (
        {"evidence": upload(b"%PDF-1.4\n<html></html>", "x.pdf", "application/pdf")},
        "Attach a photo (JPEG, PNG or WebP) or a PDF document.",
    ),
    "a text file called .jpg": (
        {"evidence": upload(b"just some text, not an image", "x.jpg")},
        "Attach a photo (JPEG, PNG or WebP) or a PDF document.",
    ),
}


@pytest.mark.parametrize("case", INVALID_CLAIMS)
def test_an_invalid_claim_is_refused_with_a_clear_message_and_nothing_saved(rep_client, rep, case):
    overrides, message = INVALID_CLAIMS[case]
    # SimpleUploadedFile is read once: build the upload afresh for each run.
    overrides = {
        k: (upload(v.read(), v.name, v.content_type) if hasattr(v, "read") else v)
        for k, v in overrides.items()
    }
    response = post_claim(rep_client, **overrides)

    assert response.status_code == 400
    assert tr(message) in page_text(response)
    assert not PointEntry.objects.exists()
    assert stored_files() == []


def test_an_oversized_evidence_file_is_refused_before_it_is_read(rep_client, settings):
    settings.POINTS_EVIDENCE_MAX_BYTES = 1024 * 1024
    response = post_claim(rep_client, evidence=upload(PDF + b" " * (1024 * 1024), "a.pdf"))
    assert response.status_code == 400
    assert tr("The evidence may be at most %(mb)d MB.") % {"mb": 1} in page_text(response)
    assert not PointEntry.objects.exists()


def test_a_claim_without_a_description_or_with_a_bad_quantity_is_refused(rep_client):
    for overrides in ({"description": "  "}, {"quantity": "0"}, {"quantity": "x"}):
        response = post_claim(rep_client, **overrides)
        assert response.status_code == 400, overrides
    assert not PointEntry.objects.exists()


def test_a_claim_of_more_items_than_a_claim_may_count_is_refused(rep_client, rep):
    page = my_points(rep_client)
    quantity = [i for i in tags(page, "input") if i.get("name") == "quantity"][0]
    assert quantity["max"] == str(services.MAX_ITEMS_PER_CLAIM)

    response = post_claim(rep_client, quantity=str(services.MAX_ITEMS_PER_CLAIM + 1))
    assert response.status_code == 400
    message = tr("The quantity may be at most %(limit_value)s.")
    assert message % {"limit_value": services.MAX_ITEMS_PER_CLAIM} in page_text(response)
    assert not PointEntry.objects.exists()

    response = post_claim(rep_client, quantity=str(services.MAX_ITEMS_PER_CLAIM))
    assert response.status_code == 302
    assert PointEntry.objects.get(representative=rep).quantity == services.MAX_ITEMS_PER_CLAIM


@pytest.mark.parametrize(
    "on",
    [date(1, 1, 1), date(1999, 6, 1), lambda: date(this_year() - 2, 12, 31), date(9999, 12, 31)],
    ids=["the year 1", "1999", "the year before last", "the year 9999"],
)
def test_a_claim_dated_out_of_range_is_answered_about_the_date(rep_client, on):
    on = on() if callable(on) else on
    response = post_claim(rep_client, on=on.isoformat())

    assert response.status_code == 400
    text = page_text(response)
    assert tr("Claim items of this year or last year, not in the future.") in text
    assert "on" in response.context["claim_form"].errors
    assert tr("This item cannot be claimed; it is counted by the system or by staff.") not in text
    assert not PointEntry.objects.exists()


@pytest.mark.parametrize(
    "description",
    ["\u200b", "\u200b\u200c\u200d\u2060\ufeff", " \ufeff \u200b\n\u2060 "],
    ids=["a zero-width space", "every zero-width character", "with spaces and a newline"],
)
def test_a_description_of_invisible_characters_is_blank(rep_client, description):
    response = post_claim(rep_client, description=description)

    assert response.status_code == 400
    assert "description" in response.context["claim_form"].errors
    assert tr("This field is required.") in page_text(response)
    assert not PointEntry.objects.exists()


def test_invisible_characters_around_a_description_are_dropped(rep_client, rep):
    response = post_claim(rep_client, description="\ufeff\u200b帮助村民调解土地纠纷\u2060")
    assert response.status_code == 302
    assert PointEntry.objects.get(representative=rep).description == "帮助村民调解土地纠纷"


def published_message(year):
    message = "The points of %(year)s have been published; no entries can be added to that year."
    return tr(message) % {"year": year}


def test_a_published_year_offers_no_claim_form(rep_client, reviewer):
    last = this_year() - 1
    publish(last, reviewer)

    response = my_points(rep_client, year=last)
    assert response.status_code == 200
    assert response.context["claim_form"] is None
    assert not any(f["action"].startswith(reverse("points:claim")) for f in tags(response, "form"))
    assert published_message(last) in page_text(response)

    # This year is still open.
    response = my_points(rep_client)
    assert response.context["claim_form"] is not None
    assert published_message(last) not in page_text(response)


def test_a_claim_dated_in_a_published_year_is_refused(rep_client, reviewer):
    last = this_year() - 1
    publish(last, reviewer)
    on = date(last, 12, 30).isoformat()

    # From this year's page, dated last December: the form says why, in view.
    response = post_claim(rep_client, on=on)
    assert response.status_code == 400
    assert published_message(last) in page_text(response)
    assert response.context["claim_form"].non_field_errors()

    # From last year's page loaded before the publication: the note says why.
    response = post_claim(rep_client, year=str(last), on=on)
    assert response.status_code == 400
    assert response.context["claim_form"] is None
    assert published_message(last) in page_text(response)
    assert any(t.get("id") == "claim" for t in tags(response, "section"))
    assert not PointEntry.objects.exists()


def test_a_refused_claim_brings_its_form_into_view(rep_client):
    """On a phone the form is far down the page: it posts to a fragment of its own section,
    so the page that shows the errors opens there."""
    response = post_claim(rep_client, description="")

    assert response.status_code == 400
    (form,) = [f for f in tags(response, "form") if f["action"].startswith(reverse("points:claim"))]
    assert form["action"] == reverse("points:claim") + "#claim"
    assert [t for t in parse(response).tags if t[1].get("id") == "claim"]


def test_a_refused_appeal_brings_its_form_into_view(rep_client, rep, reviewer):
    entry = rejected(rep, reviewer)
    response = post_appeal(rep_client, entry, text="\u200b")

    assert response.status_code == 400
    assert not Appeal.objects.exists()
    assert any(f["action"] == appeal_action(entry) for f in tags(response, "form"))
    (details,) = [t for t in tags(response, "details") if t.get("id") == f"appeal-{entry.pk}"]
    assert "open" in details
    assert tr("This field is required.") in page_text(response)


# --- appeals ----------------------------------------------------------------------------------


def post_appeal(client, entry, text="活动签到表可以证明"):
    return client.post(reverse("points:appeal", args=[entry.pk]), {f"{entry.pk}-text": text})


def appeal_action(entry):
    return reverse("points:appeal", args=[entry.pk]) + f"#appeal-{entry.pk}"


def test_a_rejected_entry_can_be_appealed_once(rep_client, rep, reviewer):
    entry = rejected(rep, reviewer)
    page = my_points(rep_client)
    assert any(f["action"] == appeal_action(entry) for f in tags(page, "form"))

    response = post_appeal(rep_client, entry)
    assert response.status_code == 302
    assert response["Location"] == reverse("points:my_points") + "#top"
    appeal = Appeal.objects.get(entry=entry)
    assert appeal.text == "活动签到表可以证明"
    assert appeal.status == Appeal.Status.OPEN
    page = my_points(rep_client)
    assert "活动签到表可以证明" in page_text(page)
    # Once appealed, the form is gone.
    assert not any(f["action"] == appeal_action(entry) for f in tags(page, "form"))

    again = post_appeal(rep_client, entry, "再申诉一次")
    assert again.status_code == 400
    assert tr("This item has already been appealed once.") in page_text(again)
    assert Appeal.objects.filter(entry=entry).count() == 1


def test_the_answer_to_an_appeal_is_shown(rep_client, rep, reviewer):
    entry = rejected(rep, reviewer)
    post_appeal(rep_client, entry)
    services.appeal_answer(
        appeal=entry.appeal, actor=reviewer, uphold=True, answer="经核实，予以认定。"
    )
    text = page_text(my_points(rep_client))
    assert "经核实，予以认定。" in text
    assert in_site_language(Appeal.Status.UPHELD.label) in text


def test_only_a_rejected_entry_can_be_appealed(rep_client, rep):
    entry = claimed(rep)
    response = post_appeal(rep_client, entry)
    assert response.status_code == 400
    assert tr("Only a rejected item can be appealed.") in page_text(response)
    assert not Appeal.objects.exists()


def test_an_empty_appeal_is_refused(rep_client, rep, reviewer):
    entry = rejected(rep, reviewer)
    response = post_appeal(rep_client, entry, text="")
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_another_representatives_entry_cannot_be_appealed(rep_client, reviewer):
    other, _ = rep_with_user()
    entry = rejected(other, reviewer)
    assert post_appeal(rep_client, entry).status_code == 404
    assert rep_client.post(reverse("points:appeal", args=[999999]), {}).status_code == 404
    assert not Appeal.objects.exists()


def test_a_get_on_the_claim_or_appeal_address_goes_to_the_points_page(
    client, rep_and_user, reviewer
):
    """A sign-in after the session expired returns to ?next=/me/points/claim/ with a GET:
    the representative lands on their points page, not on a blank 405."""
    rep, user = rep_and_user
    entry = rejected(rep, reviewer)
    addresses = [reverse("points:claim"), reverse("points:appeal", args=[entry.pk])]
    for url in addresses:
        assert client.get(url)["Location"].startswith(reverse("login"))  # signed out: sign in
    client.force_login(user)
    for url in addresses:
        for method in (client.get, client.head):
            response = method(url)
            assert response.status_code == 302, (url, method)
            assert response["Location"] == reverse("points:my_points")
        assert client.put(url).status_code == 405
        assert client.delete(url).status_code == 405
    assert client.get(reverse("points:claim"), follow=True).status_code == 200
    assert not Appeal.objects.exists() and PointEntry.objects.count() == 1


# --- evidence ---------------------------------------------------------------------------------


def evidence_url(entry):
    return reverse("points:evidence", args=[entry.pk])


def test_the_owner_and_reviewing_staff_may_open_the_evidence(client, rep, reviewer):
    entry = claimed(rep)
    for user in (rep.user, reviewer, make_user(superuser=True)):
        client.force_login(user)
        response = client.get(evidence_url(entry))
        assert response.status_code == 200, user
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_a_pdf_is_downloaded_not_shown_in_the_portal(client, rep):
    entry = claimed(rep, "report", evidence=upload(PDF, "a.pdf", "application/pdf"))
    client.force_login(rep.user)
    response = client.get(evidence_url(entry))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")


def test_nobody_else_may_open_the_evidence(client, rep):
    entry = claimed(rep)
    other_rep, other_user = rep_with_user()
    staff_without_permission = make_user(staff=True)
    for user in (other_user, staff_without_permission, make_user()):
        client.force_login(user)
        assert client.get(evidence_url(entry)).status_code == 404, user
    client.logout()
    assert client.get(evidence_url(entry)).status_code == 302  # to the login page
    # An entry without evidence, or no entry at all.
    bare = approved(rep, "session")[0]
    client.force_login(rep.user)
    assert client.get(evidence_url(bare)).status_code == 404
    assert client.get(reverse("points:evidence", args=[999999])).status_code == 404


def test_the_evidence_is_never_under_a_public_media_url(rep_client, rep):
    entry = claimed(rep)
    html = my_points(rep_client).content.decode()
    assert evidence_url(entry) in html
    assert entry.evidence.name not in html
    assert "/media/" not in html
