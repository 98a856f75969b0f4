"""The five links' rules (五联系机制): making and ending links, logging contacts, and the
coverage staff read (who has no link, which links saw no contact this quarter).

Every change is one function here, in one transaction, appending a ``LinkAudit`` row. A
logged contact is announced by ``contact_logged`` (sent inside the transaction): the points
app, a floor above, listens and scores a representative's contact with the people.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Exists, FilteredRelation, Max, OuterRef, Q
from django.dispatch import Signal
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.models import (
    ContactLog,
    Leader,
    Link,
    LinkAudit,
    LinkKind,
    ProfessionalGroup,
    Representative,
    Town,
    WorkingCommittee,
)
from liaison.models.links import LINK_ENDS
from liaison.public_cache import public_pages_changed
from liaison.roles import Roles, roles_for

# Sent with ``contact`` (a ContactLog) once it is written, inside the same transaction.
contact_logged = Signal()

CONTENT_MAX = 2000


class LinkError(Exception):
    """A link or a contact refused, with a message for the page."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- scope --------------------------------------------------------------------------------


def _rep_scope_q(roles: Roles, prefix: str = "") -> Q | None:
    """The representatives a staff member's scope covers (None: all of them)."""
    if roles.county:
        return None
    if roles.town_id is not None:
        return Q(**{f"{prefix}memberships__station__town_id": roles.town_id})
    if roles.station_id is not None:
        return Q(**{f"{prefix}memberships__station_id": roles.station_id})
    return Q(pk__in=[])


def links_in_scope(user):
    """The links a user may read: county staff all; town staff those to their town or to a
    representative seated in it; station staff those of their station's representatives; a
    leader their own; anyone else none."""
    roles = roles_for(user)
    links = Link.objects.all()
    if roles.county:
        return links
    q = Q(pk__in=[])
    if roles.town_id is not None:
        q |= Q(to_town_id=roles.town_id)
    rep_q = _rep_scope_q(roles) if roles.is_staff_member else None
    if rep_q is not None and roles.is_staff_member:
        reps = Representative.objects.filter(rep_q).values("pk")
        q |= Q(to_representative__in=reps) | Q(from_representative__in=reps)
    leader = leader_for(user)
    if leader is not None:
        q |= Q(from_leader=leader) | Q(to_leader=leader)
    return links.filter(q)


def leader_for(user) -> Leader | None:
    """The user's active leader record, or None."""
    if user is None or not user.is_authenticated:
        return None
    cached = getattr(user, "_leader", False)
    if cached is False:
        cached = Leader.objects.filter(user=user, is_active=True).first()
        user._leader = cached
    return cached


def may_read_links(user) -> bool:
    """Congress staff in the administration (county, town or station) read the links."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_staff
        and roles_for(user).is_staff_member
    )


def may_manage_links(user) -> bool:
    """County staff make and end links and log contacts on any of them."""
    return may_read_links(user) and roles_for(user).county


def may_log_on(user, link: Link) -> bool:
    """County staff on any current link; a leader on their own current links."""
    if link.ended_on is not None or link.kind == LinkKind.REPRESENTATIVE_PEOPLE:
        return False
    if may_manage_links(user):
        return True
    leader = leader_for(user)
    return leader is not None and leader.pk in (link.from_leader_id, link.to_leader_id)


def get_link_for_user(user, pk) -> Link:
    """A link the user may read, with its ends; 404 otherwise, whatever the id."""
    link = links_in_scope(user).select_related(*END_RELATIONS).filter(pk=pk).first()
    if link is None or not (may_read_links(user) or leader_for(user) is not None):
        raise Http404
    return link


END_RELATIONS = (
    "from_leader",
    "from_committee",
    "from_representative",
    "to_town",
    "to_leader",
    "to_representative",
    "to_group",
)


def links_with_last_contact(links):
    """A list's read: the ends joined, the last contact's date annotated (one query)."""
    return links.select_related(*END_RELATIONS).annotate(last_contact=Max("contacts__date"))


# --- changes ------------------------------------------------------------------------------


def _audit(link: Link, action: str, actor, *, contact=None, note: str = "") -> LinkAudit:
    return LinkAudit.objects.create(
        link=link, action=action, actor=actor, contact=contact, note=note[:200]
    )


def _check_ends(kind: str, ends: dict) -> None:
    """The ends given are the kind's, and each is of the standing the seed names."""
    wanted = {end for end in LINK_ENDS[kind] if end}
    given = {name for name, value in ends.items() if value is not None}
    if given != wanted:
        raise LinkError(_("This kind of link needs exactly its two ends."))
    leader = ends.get("from_leader")
    if leader is not None and not leader.is_active:
        raise LinkError(_("This leader is no longer active."))
    chairpersons = (LinkKind.DIRECTOR_TOWN, LinkKind.DIRECTOR_MEMBER)
    if kind in chairpersons and not leader.is_chairpersons_meeting:
        raise LinkError(_("Only a member of the chairpersons' meeting can hold this link."))
    if kind == LinkKind.DIRECTOR_MEMBER:
        member = ends["to_leader"]
        if member.post != Leader.Post.MEMBER or not member.is_active:
            raise LinkError(_("The other end must be an active standing committee member."))
    if kind == LinkKind.MEMBER_REPRESENTATIVE and not ends["to_representative"].is_active:
        raise LinkError(_("This representative is no longer active."))


def link_check(*, kind: str, started_on: date | None, ends: dict) -> None:
    """Raise LinkError unless a link of ``kind`` between ``ends`` may start on
    ``started_on`` (the admin's form asks before it saves)."""
    if kind not in LinkKind.values:
        raise LinkError(_("Unknown kind of link."))
    _check_ends(kind, ends)
    if started_on is not None and started_on > timezone.localdate():
        raise LinkError(_("A link cannot start in the future."))
    if ends.get("from_leader") is not None and ends.get("from_leader") == ends.get("to_leader"):
        raise LinkError(_("A leader cannot be linked to themselves."))


@transaction.atomic
def link_create(
    *,
    kind: str,
    started_on: date,
    actor,
    from_leader: Leader | None = None,
    from_committee: WorkingCommittee | None = None,
    from_representative: Representative | None = None,
    to_town: Town | None = None,
    to_leader: Leader | None = None,
    to_representative: Representative | None = None,
    to_group: ProfessionalGroup | None = None,
) -> Link:
    """Link two ends with a link of ``kind`` from ``started_on``."""
    ends = {
        "from_leader": from_leader,
        "from_committee": from_committee,
        "from_representative": from_representative,
        "to_town": to_town,
        "to_leader": to_leader,
        "to_representative": to_representative,
        "to_group": to_group,
    }
    link_check(kind=kind, started_on=started_on, ends=ends)
    try:
        with transaction.atomic():
            link = Link.objects.create(kind=kind, started_on=started_on, created_by=actor, **ends)
    except IntegrityError:
        raise LinkError(_("These two are already linked.")) from None
    _audit(link, LinkAudit.Action.CREATED, actor, note=str(link))
    return link


@transaction.atomic
def link_end(*, link: Link, ended_on: date, actor) -> bool:
    """End a current link on ``ended_on``; its contact log stays. False if already ended."""
    if ended_on > timezone.localdate():
        raise LinkError(_("A link cannot end in the future."))
    if ended_on < link.started_on:
        raise LinkError(_("A link cannot end before it began."))
    # Compare-and-set: two people ending the same link end it once.
    if not Link.objects.filter(pk=link.pk, ended_on__isnull=True).update(ended_on=ended_on):
        return False
    link.ended_on = ended_on
    public_pages_changed()  # an update sends no post_save: the representative's page
    _audit(link, LinkAudit.Action.ENDED, actor, note=f"{ended_on:%Y-%m-%d}")
    return True


def _check_contact(*, link: Link, on: date, way: str, content: str) -> None:
    if on > timezone.localdate():
        raise LinkError(_("The date of a contact cannot be in the future."))
    # The fifth kind's link is only the anchor of the log (models/links.py): the
    # representative's tie to the people is older than its first row.
    if link.kind != LinkKind.REPRESENTATIVE_PEOPLE and on < link.started_on:
        raise LinkError(_("The date of a contact cannot be before the link began."))
    if link.ended_on is not None and on > link.ended_on:
        raise LinkError(_("This link has ended: no contact after its end can be logged."))
    if way not in ContactLog.Way.values:
        raise LinkError(_("Choose how the contact was made."))
    if not content.strip():
        raise LinkError(_("Say what the contact was about."))
    if len(content) > CONTENT_MAX:
        raise LinkError(_("The content is too long."))


@transaction.atomic
def contact_log(
    *, link: Link, date: date, way: str, content: str, follow_up: str = "", actor
) -> ContactLog:
    """Log a contact made along ``link``."""
    # Locked, so that a contact is never logged on a link being ended at the same moment.
    link = Link.objects.select_for_update().get(pk=link.pk)
    _check_contact(link=link, on=date, way=way, content=content)
    contact = ContactLog.objects.create(
        link=link,
        date=date,
        way=way,
        content=content.strip(),
        follow_up=follow_up.strip()[:CONTENT_MAX],
        logged_by=actor,
    )
    _audit(link, LinkAudit.Action.CONTACT_LOGGED, actor, contact=contact)
    contact.link = link
    contact_logged.send(sender=ContactLog, contact=contact)
    return contact


def _people_link(representative: Representative, on: date, actor) -> Link:
    """The representative's anchor link with the people, made on their first contact."""
    link = Link.objects.filter(
        kind=LinkKind.REPRESENTATIVE_PEOPLE,
        from_representative=representative,
        ended_on__isnull=True,
    ).first()
    if link is not None:
        return link
    try:
        with transaction.atomic():
            link = Link.objects.create(
                kind=LinkKind.REPRESENTATIVE_PEOPLE,
                from_representative=representative,
                started_on=min(on, timezone.localdate()),
                created_by=actor,
            )
    except IntegrityError:  # their first two contacts logged at the same moment
        return Link.objects.get(
            kind=LinkKind.REPRESENTATIVE_PEOPLE,
            from_representative=representative,
            ended_on__isnull=True,
        )
    _audit(link, LinkAudit.Action.CREATED, actor, note=str(representative))
    return link


@transaction.atomic
def people_contact_log(
    *, representative: Representative, date: date, way: str, content: str, follow_up: str, actor
) -> ContactLog:
    """Log a representative's own contact with the people (代表联系人民群众)."""
    if not representative.is_active:
        raise LinkError(_("This representative is no longer active."))
    if date > timezone.localdate():  # checked before the anchor link is made
        raise LinkError(_("The date of a contact cannot be in the future."))
    link = _people_link(representative, date, actor)
    return contact_log(
        link=link, date=date, way=way, content=content, follow_up=follow_up, actor=actor
    )


# --- coverage -----------------------------------------------------------------------------


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """The first and last day of a quarter."""
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


def current_quarter(today: date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1


@dataclass
class KindCoverage:
    kind: str
    label: object
    unlinked_label: object
    unlinked: list = field(default_factory=list)
    not_contacted: list = field(default_factory=list)


UNLINKED_LABELS = {
    LinkKind.DIRECTOR_TOWN: gettext_lazy("Towns with no chairpersons' meeting member"),
    LinkKind.DIRECTOR_MEMBER: gettext_lazy(
        "Standing committee members with no chairpersons' meeting member"
    ),
    LinkKind.MEMBER_REPRESENTATIVE: gettext_lazy(
        "County representatives with no standing committee member"
    ),
    LinkKind.COMMITTEE_GROUP: gettext_lazy(
        "Professional-group representatives with no working committee"
    ),
    LinkKind.REPRESENTATIVE_PEOPLE: gettext_lazy(
        "Representatives with neither a station seat nor a grid"
    ),
}


def coverage(*, year: int, quarter: int, user=None) -> list[KindCoverage]:
    """Per kind: the ends that should be linked and are not, and the current links with no
    contact in the quarter. Eight queries whatever the number of rows. ``user`` narrows it to
    a town's or station's representatives and town (county staff, or None: everything)."""
    first, last = quarter_bounds(year, quarter)
    roles = roles_for(user) if user is not None else Roles(county=True)
    rep_q = _rep_scope_q(roles)
    narrowed = not roles.county
    current = Q(ended_on__isnull=True) | Q(ended_on__gte=first)
    current_links = Link.objects.filter(current, started_on__lte=last)
    active_reps = Representative.objects.active()
    if rep_q is not None:
        active_reps = active_reps.filter(rep_q)

    result = {
        kind: KindCoverage(kind, label, UNLINKED_LABELS[kind]) for kind, label in LinkKind.choices
    }
    open_links = Link.objects.filter(ended_on__isnull=True)

    # 1. Towns without a chairpersons' meeting member.
    towns = Town.objects.exclude(
        Exists(open_links.filter(kind=LinkKind.DIRECTOR_TOWN, to_town=OuterRef("pk")))
    )
    if not roles.county:
        towns = towns.filter(pk=roles.town_id) if roles.town_id else towns.none()
    result[LinkKind.DIRECTOR_TOWN].unlinked = [t.name for t in towns.order_by("order", "pk")]

    if not narrowed:
        # 2. Standing committee members without a chairpersons' meeting member.
        members = Leader.objects.filter(post=Leader.Post.MEMBER, is_active=True).exclude(
            Exists(open_links.filter(kind=LinkKind.DIRECTOR_MEMBER, to_leader=OuterRef("pk")))
        )
        result[LinkKind.DIRECTOR_MEMBER].unlinked = [m.name for m in members]
        # 4. Representatives of professional groups no working committee is linked to.
        grouped = (
            active_reps.filter(professional_groups__isnull=False)
            .exclude(
                professional_groups__in=open_links.filter(kind=LinkKind.COMMITTEE_GROUP).values(
                    "to_group"
                )
            )
            .distinct()
        )
        result[LinkKind.COMMITTEE_GROUP].unlinked = [r.name for r in grouped]

    # 3. County representatives without a standing committee member.
    county_reps = active_reps.filter(level=Representative.Level.COUNTY).exclude(
        Exists(
            open_links.filter(kind=LinkKind.MEMBER_REPRESENTATIVE, to_representative=OuterRef("pk"))
        )
    )
    result[LinkKind.MEMBER_REPRESENTATIVE].unlinked = [r.name for r in county_reps.distinct()]

    # 5. Representatives with no station seat and no active grid: nobody's people.
    alone = active_reps.filter(memberships__isnull=True).exclude(grids__is_active=True)
    result[LinkKind.REPRESENTATIVE_PEOPLE].unlinked = [r.name for r in alone.distinct()]

    # Links of the first four kinds with no contact in the quarter (one query).
    in_quarter = ContactLog.objects.filter(link=OuterRef("pk"), date__range=(first, last))
    quiet = links_with_last_contact(
        current_links.exclude(kind=LinkKind.REPRESENTATIVE_PEOPLE).exclude(Exists(in_quarter))
    ).order_by("kind", "pk")
    if not roles.county:
        quiet = quiet.filter(pk__in=links_in_scope(user).values("pk"))
    for link in quiet:
        result[link.kind].not_contacted.append(
            {"from": link.from_end, "to": link.to_end, "last": link.last_contact, "link": link}
        )

    # The fifth kind: representatives linked to the people (a station seat or a grid) who
    # logged no contact with them in the quarter.
    linked_reps = active_reps.filter(Q(memberships__isnull=False) | Q(grids__is_active=True))
    people_contacts = ContactLog.objects.filter(
        link__kind=LinkKind.REPRESENTATIVE_PEOPLE, link__from_representative=OuterRef("pk")
    )
    quiet_reps = (
        Representative.objects.filter(pk__in=linked_reps.values("pk"))
        .exclude(Exists(people_contacts.filter(date__range=(first, last))))
        .annotate(
            last_contact=Max(
                "people_links__contacts__date",
            )
        )
        .order_by("name", "pk")
    )
    for rep in quiet_reps:
        result[LinkKind.REPRESENTATIVE_PEOPLE].not_contacted.append(
            {"from": rep, "to": None, "last": rep.last_contact, "link": None}
        )
    kinds = list(result.values())
    if narrowed:
        # Town and station staff see the kinds their representatives and town are in.
        kinds = [
            k for k in kinds if k.kind not in (LinkKind.DIRECTOR_MEMBER, LinkKind.COMMITTEE_GROUP)
        ]
    return kinds


# --- the representative's public page ----------------------------------------------------


def representative_links(rep: Representative) -> dict:
    """Who a representative is linked to, for their public page: the standing committee's
    members linked to them, their professional groups and the working committees linked to
    each group. Names and posts only. Two queries."""
    leaders = [
        link.from_leader
        for link in Link.objects.filter(
            kind=LinkKind.MEMBER_REPRESENTATIVE,
            to_representative=rep,
            ended_on__isnull=True,
            from_leader__is_active=True,
        )
        .select_related("from_leader")
        .order_by("from_leader__order", "from_leader__name", "pk")
    ]
    # The groups and their current committees in one LEFT JOIN (a group with none is kept).
    rows = (
        ProfessionalGroup.objects.filter(representatives=rep)
        .annotate(
            current=FilteredRelation(
                "links", condition=Q(links__kind=LinkKind.COMMITTEE_GROUP, links__ended_on=None)
            )
        )
        .order_by("name", "pk", "current__from_committee__order")
        .values_list("pk", "name", "current__from_committee__name")
    )
    groups: dict[int, dict] = {}
    for pk, name, committee in rows:
        group = groups.setdefault(pk, {"name": name, "committees": []})
        if committee:
            group["committees"].append(committee)
    return {"leaders": leaders, "groups": list(groups.values())}
