"""Steps of the loop in a browser, shared by the tests that drive it: sign in, use an
action's box on the work page, and carry an assigned concern to its close (the unit
accepts and reports, the representative records the citizen's rating)."""

from liaison.two_factor.services import must_use_second_factor
from petitions.models import Petition, Step
from tests.second_factor import TWO_FACTOR_URL, authenticator_for, code_from_secret, current_code

PASSWORD = "pw-for-tests-1"


def sign_in(context, live_server, user):
    """The password, then, for county staff and superusers, the code of their authenticator
    (set up beforehand, as if on their phone)."""
    context.clear_cookies()
    if must_use_second_factor(type(user)._default_manager.get(pk=user.pk)):
        authenticator_for(user)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    pass_second_factor(page, user)
    return page


def pass_second_factor(page, user):
    """After the password: if the portal asks for the second factor, give it: the current
    code of the user's authenticator or, on the set-up page, of the secret it shows (then
    on past the recovery codes)."""
    if TWO_FACTOR_URL not in page.url:
        return
    if "/enrol/" in page.url:
        page.fill(
            "input[name=code]", code_from_secret(page.locator("[data-testid=secret]").inner_text())
        )
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        page.click("a[data-continue]")
    else:
        page.fill("input[name=code]", current_code(user))
        page.click("main form button[type=submit]")
    page.wait_for_load_state()


def do(page, action, fill=None):
    """Open an action's box on the work page, fill it, confirm."""
    box = page.locator(f"details:has(form[action$='/do/{action}/'])")
    box.locator("summary").click()
    for selector, value in (fill or {}).items():
        field = box.locator(selector)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    box.locator("button[type=submit]").click()
    page.wait_for_load_state()


def accept_report_and_rate(context, live_server, world, petition):
    """From assigned to closed: the unit accepts and reports from /unit/, the representative
    records a satisfied rating from /me/tasks/. Returns the unit's and the representative's
    pages; checks the history is the whole loop."""
    unit = sign_in(context, live_server, world.unit_user)
    unit.goto(f"{live_server.url}/unit/")
    unit.click(f"a[href$='/work/petitions/{petition.pk}/']")
    do(unit, "accept")
    do(
        unit,
        "report",
        {"textarea[name=result]": "已修复路面并疏通排水沟。", "select[name=outcome]": "solved"},
    )
    assert Petition.objects.get(pk=petition.pk).step == Step.REPORTED

    rep = sign_in(context, live_server, world.rep_a_user)
    rep.goto(f"{live_server.url}/me/tasks/")
    rep.click(f"a[href$='/work/petitions/{petition.pk}/']")
    box = rep.locator("details:has(form[action$='/do/record_survey/'])")
    box.locator("summary").click()
    box.locator("input[name=rating][value=satisfied]").check()
    box.locator("button[type=submit]").click()
    rep.wait_for_load_state()

    petition.refresh_from_db()
    assert petition.step == Step.CLOSED
    assert [e.action for e in petition.events.all()] == [
        "receive",
        "collect",
        "assign",
        "accept",
        "report",
        "survey",
        "close",
    ]
    return unit, rep
