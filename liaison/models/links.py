"""The five links (五联系机制): who in the county congress keeps in touch with whom, and the
log of those contacts.

The seed names five kinds: 主任会议成员 ↔ 镇(街)人大; 主任会议成员 ↔ 常委会委员;
常委会组成人员 ↔ 代表; 工作委员会 ↔ 专业小组代表; 代表 ↔ 人民群众. The first four are stored
as ``Link`` rows with typed ends (a foreign key per kind of end, so the database keeps every
end real and a CheckConstraint per kind says which ends a link of that kind has).

The fifth, 代表 ↔ 人民群众, is not a list of pairs: a representative's people are the
villages of the stations they sit in and of the grids they look after, and those are
already data (``StationMembership``, ``Grid``). Storing a copy of them as links would go
stale the day a grid changes. So a representative with a station seat or an active grid
*is* linked, and the fifth kind's ``Link`` row is only the anchor of that representative's
own contact log: one open row per representative (``from_representative`` set, no other
end), made by ``liaison.links`` on their first contact with the people. The log then has
one shape for all five kinds (``ContactLog.link``) and points read one source.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from liaison.models.append_only import AppendOnlyModel
from liaison.models.places import Representative, Station, Town


class Leader(models.Model):
    """A member of the standing committee's leadership or a standing committee member
    (常委会组成人员). Many are representatives too; one with a user account sees and logs
    their own links at /me/links/."""

    class Post(models.TextChoices):
        DIRECTOR = "director", _("director (主任)")
        VICE_DIRECTOR = "vice_director", _("vice-director (副主任)")
        SECRETARY_GENERAL = "secretary", _("secretary-general (秘书长)")
        MEMBER = "member", _("standing committee member (常委会委员)")

    # The chairpersons' meeting (主任会议, 地方组织法 Art. 52): the director, the
    # vice-directors and the secretary-general.
    CHAIRPERSONS_MEETING_POSTS = (Post.DIRECTOR, Post.VICE_DIRECTOR, Post.SECRETARY_GENERAL)

    name = models.CharField(_("full name"), max_length=30)
    post = models.CharField(_("post"), max_length=14, choices=Post.choices)
    is_chairpersons_meeting = models.BooleanField(
        _("member of the chairpersons' meeting (主任会议成员)"),
        default=False,
        editable=False,
        help_text=_("Follows from the post."),
    )
    representative = models.OneToOneField(
        Representative,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leader",
        verbose_name=_("representative"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leader",
        verbose_name=_("user account"),
    )
    order = models.PositiveSmallIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name", "pk"]
        verbose_name = _("congress leader (常委会组成人员)")
        verbose_name_plural = _("congress leaders (常委会组成人员)")
        constraints = [
            # The flag is the post, said once more so that lists can filter on it.
            models.CheckConstraint(
                condition=Q(
                    is_chairpersons_meeting=True,
                    post__in=["director", "vice_director", "secretary"],
                )
                | Q(is_chairpersons_meeting=False, post="member"),
                name="leader_chairpersons_meeting_follows_post",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.get_post_display()})"

    def save(self, *args, **kwargs):
        self.is_chairpersons_meeting = self.post in self.CHAIRPERSONS_MEETING_POSTS
        if kwargs.get("update_fields") is not None and "post" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "is_chairpersons_meeting"}
        super().save(*args, **kwargs)


class WorkingCommittee(models.Model):
    """A working committee of the standing committee (工作委员会), e.g. 法制工作委员会."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    members = models.ManyToManyField(
        Leader, related_name="committees", verbose_name=_("members"), blank=True
    )
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["order", "name", "pk"]
        verbose_name = _("working committee (工作委员会)")
        verbose_name_plural = _("working committees (工作委员会)")

    def __str__(self) -> str:
        return self.name


class ProfessionalGroup(models.Model):
    """A professional group of representatives (专业小组), matching a professional station's
    sector: 康养产业, 卫生健康, 农业农村 (让专业人说专业话)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    sector = models.CharField(_("sector"), max_length=12, choices=Station.Sector.choices)
    representatives = models.ManyToManyField(
        Representative,
        related_name="professional_groups",
        verbose_name=_("representatives"),
        blank=True,
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("professional group (专业小组)")
        verbose_name_plural = _("professional groups (专业小组)")

    def __str__(self) -> str:
        return self.name


class LinkKind(models.TextChoices):
    DIRECTOR_TOWN = "director_town", _("主任会议成员 ↔ 镇(街)人大")
    DIRECTOR_MEMBER = "director_member", _("主任会议成员 ↔ 常委会委员")
    MEMBER_REPRESENTATIVE = "member_representative", _("常委会组成人员 ↔ 代表")
    COMMITTEE_GROUP = "committee_group", _("工作委员会 ↔ 专业小组代表")
    REPRESENTATIVE_PEOPLE = "representative_people", _("代表 ↔ 人民群众")


# Which ends a link of each kind has (every other end is empty): the CheckConstraint, the
# services and the pages all read this one table.
LINK_ENDS = {
    LinkKind.DIRECTOR_TOWN: ("from_leader", "to_town"),
    LinkKind.DIRECTOR_MEMBER: ("from_leader", "to_leader"),
    LinkKind.MEMBER_REPRESENTATIVE: ("from_leader", "to_representative"),
    LinkKind.COMMITTEE_GROUP: ("from_committee", "to_group"),
    LinkKind.REPRESENTATIVE_PEOPLE: ("from_representative", None),
}
END_FIELDS = (
    "from_leader",
    "from_committee",
    "from_representative",
    "to_town",
    "to_leader",
    "to_representative",
    "to_group",
)


def _ends_q(kind: str) -> Q:
    """The ends of ``kind`` set, every other end empty."""
    used = {end for end in LINK_ENDS[kind] if end}
    return Q(kind=kind, **{f"{end}__isnull": end not in used for end in END_FIELDS})


class Link(models.Model):
    """One standing link of the five kinds (see the module's docstring for the fifth). A
    link is never deleted: it ends (``ended_on``), and its contact log stays."""

    Kind = LinkKind

    kind = models.CharField(_("kind"), max_length=24, choices=LinkKind.choices)
    from_leader = models.ForeignKey(
        Leader,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="links_from",
        verbose_name=_("leader"),
    )
    from_committee = models.ForeignKey(
        WorkingCommittee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="links",
        verbose_name=_("working committee"),
    )
    from_representative = models.ForeignKey(
        Representative,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people_links",
        verbose_name=_("representative"),
    )
    to_town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="links",
        verbose_name=_("town congress"),
    )
    to_leader = models.ForeignKey(
        Leader,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="links_to",
        verbose_name=_("standing committee member"),
    )
    to_representative = models.ForeignKey(
        Representative,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leader_links",
        verbose_name=_("linked representative"),
    )
    to_group = models.ForeignKey(
        ProfessionalGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="links",
        verbose_name=_("professional group"),
    )
    started_on = models.DateField(_("linked since"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("link (五联系)")
        verbose_name_plural = _("links (五联系)")
        constraints = [
            # Each kind has exactly its two ends (the fifth: the representative alone).
            models.CheckConstraint(
                condition=_ends_q(LinkKind.DIRECTOR_TOWN)
                | _ends_q(LinkKind.DIRECTOR_MEMBER)
                | _ends_q(LinkKind.MEMBER_REPRESENTATIVE)
                | _ends_q(LinkKind.COMMITTEE_GROUP)
                | _ends_q(LinkKind.REPRESENTATIVE_PEOPLE),
                name="link_ends_follow_kind",
            ),
            models.CheckConstraint(
                condition=~Q(from_leader=models.F("to_leader")), name="link_not_to_oneself"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="link_ends_after_it_starts",
            ),
            # One current link per pair (an ended one may be followed by a new one).
            *[
                models.UniqueConstraint(
                    fields=[end for end in LINK_ENDS[kind] if end],
                    condition=Q(kind=kind, ended_on__isnull=True),
                    name=f"link_one_current_{kind}",
                )
                for kind in LinkKind.values
            ],
        ]
        indexes = [
            # The coverage page and the representative's page: the current links to them.
            models.Index(
                fields=["to_representative"],
                condition=Q(ended_on__isnull=True),
                name="link_current_to_rep_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_end} ↔ {self.to_end or self.get_kind_display()}"

    @property
    def from_end(self):
        return self.from_leader or self.from_committee or self.from_representative

    @property
    def to_end(self):
        return self.to_town or self.to_leader or self.to_representative or self.to_group

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class ContactLog(AppendOnlyModel):
    """One contact made along a link: when, how, what was said, what follows. Append-only:
    a correction is a new row that says so."""

    class Way(models.TextChoices):
        SYMPOSIUM = "symposium", _("symposium (座谈)")
        VISIT = "visit", _("visit (走访)")
        PHONE = "phone", _("phone call (电话)")
        WECHAT = "wechat", _("WeChat (微信)")
        MEETING = "meeting", _("meeting (会议)")
        OTHER = "other", _("other")

    link = models.ForeignKey(
        Link, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("link")
    )
    date = models.DateField(_("date"))
    way = models.CharField(_("way"), max_length=10, choices=Way.choices)
    content = models.TextField(_("content"))
    follow_up = models.TextField(_("follow-up"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("contact log entry")
        verbose_name_plural = _("contact log")
        # The last contact of each link, and the contacts of a quarter.
        indexes = [models.Index(fields=["link", "date"], name="contact_link_date_idx")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_way_display()}"


class LinkAudit(AppendOnlyModel):
    """Who created or ended a link, or logged a contact, and when."""

    class Action(models.TextChoices):
        CREATED = "created", _("link created")
        ENDED = "ended", _("link ended")
        CONTACT_LOGGED = "contact", _("contact logged")

    link = models.ForeignKey(
        Link, on_delete=models.PROTECT, related_name="audits", verbose_name=_("link")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    contact = models.ForeignKey(
        ContactLog,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact log entry"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("link audit record")
        verbose_name_plural = _("link audit records")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.created_at:%Y-%m-%d %H:%M}"
