"""The five links' pages (五联系机制). Thin: the access helpers and the rules are in
liaison/links.py.

- staff (in the administration's frame): the links by kind with their last contact, a
  link's contact log with the form to log one, the quarter's coverage. Congress staff read
  the links of their scope; county staff log contacts (and manage links in the admin).
- a leader with an account: their own links and a form to log a contact (phone first).
- a representative: their own contacts with the people (代表联系人民群众), phone first.
"""

from functools import wraps

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from liaison import links as rules
from liaison.link_forms import ContactForm, KindFilterForm, LeaderContactForm, QuarterForm
from liaison.models import ContactLog, LinkKind
from liaison.roles import representative_for

LINKS_PER_PAGE = 50
CONTACTS_PER_PAGE = 20


def staff_reader(view):
    """Signed-in congress staff only: others are sent to sign in, or get 404."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not rules.may_read_links(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _admin_context(request, title):
    return {**admin.site.each_context(request), "title": title}


@staff_reader
@require_GET
def staff_links(request):
    """The current links in the user's scope, by kind, with their last contact."""
    form = KindFilterForm(request.GET or None)
    links = rules.links_in_scope(request.user).filter(ended_on__isnull=True)
    links = links.exclude(kind=LinkKind.REPRESENTATIVE_PEOPLE)
    if form.is_valid() and form.cleaned_data["kind"]:
        links = links.filter(kind=form.cleaned_data["kind"])
    links = rules.links_with_last_contact(links).order_by("kind", "pk")
    page = Paginator(links, LINKS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        **_admin_context(request, _("The five links")),
        "form": form,
        "page": page,
        "kind": form.cleaned_data.get("kind", "") if form.is_bound else "",
        "may_manage": rules.may_manage_links(request.user),
    }
    return render(request, "liaison/links_staff.html", context)


def _log_from_form(request, form, link):
    """Log the form's contact on ``link``; True when saved, else the error is on the form."""
    d = form.cleaned_data
    try:
        rules.contact_log(
            link=link,
            date=d["date"],
            way=d["way"],
            content=d["content"],
            follow_up=d["follow_up"],
            actor=request.user,
        )
    except rules.LinkError as error:
        form.add_error(None, error.message)
        return False
    messages.success(request, _("Contact logged."))
    return True


@staff_reader
@require_http_methods(["GET", "POST"])
@never_cache
def staff_link_detail(request, pk):
    """A link's contact log, newest first, and (county staff) the form to log a contact."""
    link = rules.get_link_for_user(request.user, pk)
    may_log = rules.may_log_on(request.user, link)
    status = 200
    form = ContactForm() if may_log else None
    if request.method == "POST":
        if not may_log:
            raise Http404
        form = ContactForm(request.POST)
        if form.is_valid() and _log_from_form(request, form, link):
            return redirect("liaison:staff_link_detail", pk=link.pk)
        status = 400
    contacts = ContactLog.objects.filter(link=link).select_related("logged_by")
    page = Paginator(contacts, CONTACTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        **_admin_context(request, str(link)),
        "link": link,
        "form": form,
        "page": page,
    }
    return render(request, "liaison/links_staff_detail.html", context, status=status)


@staff_reader
@require_GET
def staff_coverage(request):
    """The quarter's coverage: who has no link, which links saw no contact."""
    year, quarter = rules.current_quarter()
    form = QuarterForm(request.GET or None, initial={"year": year, "quarter": quarter})
    if form.is_bound and form.is_valid():
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    first, last = rules.quarter_bounds(year, quarter)
    context = {
        **_admin_context(request, _("Coverage of the five links")),
        "form": form,
        "year": year,
        "quarter": quarter,
        "first": first,
        "last": last,
        "kinds": rules.coverage(year=year, quarter=quarter, user=request.user),
    }
    return render(request, "liaison/links_coverage.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def my_links(request):
    """A leader's own links with their last contact, and the form to log one."""
    leader = rules.leader_for(request.user)
    if leader is None:
        raise Http404
    own = rules.links_in_scope(request.user).filter(
        Q(from_leader=leader) | Q(to_leader=leader), ended_on__isnull=True
    )
    loggable = own.select_related(*rules.END_RELATIONS).order_by("kind", "pk")
    status = 200
    form = LeaderContactForm(links=loggable, leader=leader)
    if request.method == "POST":
        form = LeaderContactForm(request.POST, links=loggable, leader=leader)
        if form.is_valid() and _log_from_form(request, form, form.cleaned_data["link"]):
            return redirect("liaison:my_links")
        status = 400
    links = rules.links_with_last_contact(own).order_by("kind", "pk")
    page = Paginator(links, LINKS_PER_PAGE).get_page(request.GET.get("page"))
    recent = (
        ContactLog.objects.filter(link__in=own)
        .select_related(*[f"link__{end}" for end in rules.END_RELATIONS])
        .order_by("-date", "-pk")[:CONTACTS_PER_PAGE]
    )
    context = {"leader": leader, "form": form, "page": page, "recent": recent}
    return render(request, "liaison/links_mine.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def my_contacts(request):
    """A representative's own contacts with the people, and the form to log one."""
    rep = representative_for(request.user)
    if rep is None:
        raise Http404
    status = 200
    form = ContactForm()
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                rules.people_contact_log(
                    representative=rep,
                    date=d["date"],
                    way=d["way"],
                    content=d["content"],
                    follow_up=d["follow_up"],
                    actor=request.user,
                )
            except rules.LinkError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Contact logged."))
                return redirect("liaison:my_contacts")
        status = 400
    contacts = ContactLog.objects.filter(
        link__kind=LinkKind.REPRESENTATIVE_PEOPLE, link__from_representative=rep
    ).order_by("-date", "-pk")
    page = Paginator(contacts, CONTACTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"rep": rep, "form": form, "page": page}
    return render(request, "liaison/links_contacts.html", context, status=status)
