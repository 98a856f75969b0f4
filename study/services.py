"""Study rules that change data, and the one audience query (STYLE.md rules 3, 4, 9).

Every change is a function here, ``<entity>_<verb>(*, …)``, in one transaction that appends
its ``MaterialEvent``; views, the admin and the demo call them. Who may manage which
material (``staff_scope_q``) and which materials a representative may read
(``materials_for``) are decided here, once.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.models import Representative, Station, StationMembership
from liaison.roles import roles_for
from study.models import Material, MaterialEvent, MaterialRead
from study.signals import material_read as material_read_signal

# The fields staff set on a material (the form's and the admin's).
EDITABLE_FIELDS = (
    "title",
    "kind",
    "summary",
    "url",
    "lecture_date",
    "speaker",
    "audience",
    "level",
    "station",
)


@dataclass
class StudyError(Exception):
    """A refused change, with the message to show."""

    message: str

    def __str__(self) -> str:
        return self.message


# --- who reads what ------------------------------------------------------------------------


def audience_q(representative, prefix: str = "") -> Q:
    """The materials addressed to ``representative``: to all, to their level, or to a station
    they belong to. ``prefix`` when the material is reached through a relation."""
    # A subquery, not a list: the audience costs no query of its own.
    station_ids = StationMembership.objects.filter(representative=representative).values(
        "station_id"
    )
    return (
        Q(**{f"{prefix}audience": Material.Audience.ALL})
        | Q(
            **{f"{prefix}audience": Material.Audience.LEVEL, f"{prefix}level": representative.level}
        )
        | Q(
            **{
                f"{prefix}audience": Material.Audience.STATION,
                f"{prefix}station_id__in": station_ids,
            }
        )
    )


def materials_for(representative):
    """The published materials ``representative`` may read, newest first."""
    return Material.objects.filter(audience_q(representative), published_at__isnull=False).order_by(
        "-published_at", "-pk"
    )


def audience_of(material):
    """The active representatives a material is addressed to."""
    reps = Representative.objects.filter(is_active=True)
    if material.audience == Material.Audience.LEVEL:
        return reps.filter(level=material.level)
    if material.audience == Material.Audience.STATION:
        return reps.filter(memberships__station_id=material.station_id)
    return reps


# --- who manages what ----------------------------------------------------------------------


def may_manage_study(user) -> bool:
    """Congress staff (county, town or station) who sign in to the administration."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_staff
        and roles_for(user).is_staff_member
    )


def staff_scope_q(user) -> Q:
    """The materials ``user`` manages: county staff all of them; town staff those for their
    town's stations; station staff their station's. Nothing for anyone else."""
    roles = roles_for(user)
    if not may_manage_study(user):
        return Q(pk__in=[])
    if roles.county:
        return Q()
    if roles.town_id is not None:
        return Q(station__town_id=roles.town_id)
    return Q(station_id=roles.station_id)


def stations_for_staff(user):
    """The stations ``user`` may address a material to."""
    roles = roles_for(user)
    stations = Station.objects.filter(is_active=True).select_related("town")
    if not may_manage_study(user):
        return stations.none()
    if roles.county:
        return stations
    if roles.town_id is not None:
        return stations.filter(town_id=roles.town_id)
    return stations.filter(pk=roles.station_id)


def may_address_all(user) -> bool:
    """Only county staff publish to all representatives or to a level."""
    return may_manage_study(user) and roles_for(user).county


def _check_audience(*, actor, audience: str, level: str, station) -> None:
    if audience == Material.Audience.LEVEL and not level:
        raise StudyError(_("Choose the level the material is for."))
    if audience == Material.Audience.STATION:
        if station is None:
            raise StudyError(_("Choose the station the material is for."))
        if not stations_for_staff(actor).filter(pk=station.pk).exists():
            raise StudyError(_("You may only publish to your own stations."))
    elif not may_address_all(actor):
        raise StudyError(_("Only county staff publish to all representatives or to a level."))


def _normalised(fields: dict) -> dict:
    audience = fields.get("audience") or Material.Audience.ALL
    fields["audience"] = audience
    if audience != Material.Audience.LEVEL:
        fields["level"] = ""
    if audience != Material.Audience.STATION:
        fields["station"] = None
    if fields.get("kind") != Material.Kind.LECTURE:
        fields["lecture_date"], fields["speaker"] = None, ""
    for name in ("summary", "url", "speaker", "level"):
        fields[name] = fields.get(name) or ""
    return fields


def _event(material, kind, actor, note="") -> MaterialEvent:
    return MaterialEvent.objects.create(material=material, kind=kind, actor=actor, note=note)


def _attach(material, *, file=None, slides=None) -> list[str]:
    changed = []
    if file:
        material.file_name = file.name[-120:]
        material.file.save(file.name, file, save=False)
        changed += ["file", "file_name"]
    if slides:
        material.slides_name = slides.name[-120:]
        material.slides.save(slides.name, slides, save=False)
        changed += ["slides", "slides_name"]
    return changed


# --- changes -------------------------------------------------------------------------------


@transaction.atomic
def material_create(*, actor, file=None, slides=None, publish: bool = False, **fields) -> Material:
    """Create a material (a draft, or published at once) within the actor's reach."""
    fields = _normalised({name: fields.get(name) for name in EDITABLE_FIELDS})
    _check_audience(
        actor=actor, audience=fields["audience"], level=fields["level"], station=fields["station"]
    )
    if not fields["title"] or not fields["kind"]:
        raise StudyError(_("A material needs a title and a kind."))
    material = Material(created_by=actor, **fields)
    _attach(material, file=file, slides=slides)
    material.save()
    _event(material, MaterialEvent.Kind.CREATED, actor)
    if publish:
        material_publish(material=material, actor=actor)
    return material


@transaction.atomic
def material_edit(*, material, actor, file=None, slides=None, **fields) -> Material:
    """Change a material's text, links, files or audience; the event names what changed."""
    locked = Material.objects.select_for_update().get(pk=material.pk)
    fields = _normalised({name: fields.get(name) for name in EDITABLE_FIELDS})
    _check_audience(
        actor=actor, audience=fields["audience"], level=fields["level"], station=fields["station"]
    )
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, fields[name])
    changed += _attach(locked, file=file, slides=slides)
    if not changed:
        return locked
    locked.save(update_fields=changed)
    _event(locked, MaterialEvent.Kind.EDITED, actor, note=", ".join(changed))
    return locked


@transaction.atomic
def material_publish(*, material, actor) -> Material:
    """Publish a draft to its audience (compare-and-set: twice is once)."""
    now = timezone.now()
    if not Material.objects.filter(pk=material.pk, published_at__isnull=True).update(
        published_at=now
    ):
        raise StudyError(_("This material is already published."))
    material.published_at = now
    _event(material, MaterialEvent.Kind.PUBLISHED, actor)
    return material


@transaction.atomic
def material_unpublish(*, material, actor) -> Material:
    """Take a material back to draft; reads already made keep their points."""
    if not Material.objects.filter(pk=material.pk, published_at__isnull=False).update(
        published_at=None
    ):
        raise StudyError(_("This material is not published."))
    material.published_at = None
    _event(material, MaterialEvent.Kind.UNPUBLISHED, actor)
    return material


def material_read(*, material, representative) -> tuple[MaterialRead, bool]:
    """Mark ``material`` read by ``representative``: only a published material in their
    audience; a second read changes nothing. Returns (the read, whether it is new)."""
    with transaction.atomic():
        if not materials_for(representative).filter(pk=material.pk).exists():
            raise StudyError(_("This material is not for you, or no longer published."))
        existing = MaterialRead.objects.filter(
            material=material, representative=representative
        ).first()
        if existing is not None:
            return existing, False
        try:
            # Its own savepoint: two taps at once, the loser finds the winner's row.
            with transaction.atomic():
                read = MaterialRead.objects.create(material=material, representative=representative)
        except IntegrityError:
            return MaterialRead.objects.get(material=material, representative=representative), False
        read.material, read.representative = material, representative
        material_read_signal.send(sender=MaterialRead, read=read)
        return read, True
