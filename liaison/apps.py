from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "liaison"
    verbose_name = _("Liaison stations and representatives")

    def ready(self):
        # Imported here, once the models are loaded (the modules below import them).
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from liaison import public_cache
        from liaison.models import (
            Deputy,
            DutyDay,
            DutyShift,
            Grid,
            Leader,
            Link,
            ProfessionalGroup,
            Representative,
            Station,
            StationMembership,
            StationRating,
            Theme,
            Town,
            Village,
            WorkingCommittee,
        )

        # The public pages served from the cache show these rows (the list is in
        # liaison/public_cache.py): any save or delete of one forgets every cached page.
        # Duty days cancelled by a queryset update send no signal: points/apps.py hears
        # those through their audit row.
        watched = (
            Town,
            Village,
            Station,
            Representative,
            StationMembership,
            StationRating,
            DutyDay,
            DutyShift,
            Grid,
            Deputy,
            Theme,
            # The five links on the representative's page (names, posts, groups).
            Leader,
            Link,
            ProfessionalGroup,
            WorkingCommittee,
        )
        for model in watched:
            for signal in (post_save, post_delete):
                signal.connect(
                    public_cache.public_pages_changed,
                    sender=model,
                    dispatch_uid=f"public-pages-{signal is post_save}-{model.__name__}",
                )
        # representative.stations.add(…) writes memberships without saving each one.
        m2m_changed.connect(
            public_cache.public_pages_changed,
            sender=Representative.stations.through,
            dispatch_uid="public-pages-m2m-stations",
        )
        # A grid's villages, representatives and deputies (liaison.grids.grid_save sets them).
        for through in (
            Grid.villages.through,
            Grid.representatives.through,
            Grid.deputies.through,
        ):
            m2m_changed.connect(
                public_cache.public_pages_changed,
                sender=through,
                dispatch_uid=f"public-pages-m2m-{through.__name__}",
            )
        # group.representatives.add(…) writes no group row.
        m2m_changed.connect(
            public_cache.public_pages_changed,
            sender=ProfessionalGroup.representatives.through,
            dispatch_uid="public-pages-m2m-professional-groups",
        )
