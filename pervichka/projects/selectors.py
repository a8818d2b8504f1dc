"""Reads of the projects app, already limited to what the acting user may see: every read of
a unit's records starts from the model's `visible_to(user, perm)`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from pervichka.core.kpis import Period
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_at, scope_paths
from pervichka.dues.enums import SpendingStatus
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.models import OrgUnit
from pervichka.projects import parts
from pervichka.projects.enums import VOLUNTEER_ROLES, EventStatus, ProjectKind, ProjectKpi
from pervichka.projects.models import (
    Event,
    EventParticipant,
    EventPhoto,
    Participation,
    Project,
    ProjectTarget,
)


def projects_active() -> QuerySet[Project]:
    return Project.objects.filter(is_active=True)


def project_choices_for_dues() -> list[tuple[str, str]]:
    """(code, name) of the active projects: the dues spending form offers them
    (registered in ProjectsConfig.ready, dues.project_choices)."""
    return [(p.code, p.display_name) for p in projects_active().order_by("pk")]


def projects_with_events() -> QuerySet[Project]:
    """The active projects that hold events (the contest collects ideas instead)."""
    return projects_active().exclude(kind=ProjectKind.CONTEST)


def project_get(code: str) -> Project:
    return get_or_404(Project.objects.all(), code=code)


def catalog_project(code: str) -> Project:
    """A project of the catalog every installation starts with (data migration 0002)."""
    return Project.objects.get(code=code)


GIVING = Q(role__in=VOLUNTEER_ROLES)


def under(queryset: QuerySet, unit: OrgUnit | None) -> QuerySet:
    """The rows of a scoped queryset that belong to `unit`'s subtree (all when None)."""
    if unit is None:
        return queryset
    return queryset.filter(**{f"{queryset.model.scope_path}__startswith": unit.path})


def default_unit(user) -> OrgUnit | None:
    """The unit a page is about when it names none: the root of the user's scope when that
    scope is one subtree (a chair's primary, an administrator's district); else None, the
    whole scope."""
    paths = scope_paths(user, Perm.PROJECTS_VIEW)
    if paths and len(paths) == 1:
        return OrgUnit.objects.visible_to(user, Perm.PROJECTS_VIEW).filter(path=paths[0]).first()
    return None


def participations_visible(user, *, perm: Perm = Perm.PROJECTS_VIEW) -> QuerySet[Participation]:
    return Participation.objects.visible_to(user, perm).select_related("project", "primary")


def participation_get(user, project: Project, primary_id: object) -> Participation:
    """The current participation of a primary the user manages projects at (404 otherwise)."""
    return get_or_404(
        participations_visible(user, perm=Perm.PROJECTS_MANAGE).filter(left_on__isnull=True),
        project=project,
        primary_id=primary_id,
    )


def participating_primaries(
    user, project: Project, unit: OrgUnit | None = None
) -> QuerySet[Participation]:
    """The primaries taking part in the project now, in the user's scope (under `unit`)."""
    rows = participations_visible(user).filter(project=project, left_on__isnull=True)
    return under(rows, unit).order_by("primary__name")


def joined_primary_ids(user, project: Project, primaries: list[OrgUnit]) -> set[int]:
    """Which of `primaries` (that the user manages) take part in the project now."""
    return set(
        participations_visible(user, perm=Perm.PROJECTS_MANAGE)
        .filter(project=project, left_on__isnull=True, primary__in=primaries)
        .values_list("primary_id", flat=True)
    )


def own_primaries(user, unit: OrgUnit | None = None) -> list[OrgUnit]:
    """The primaries whose projects the user runs as one of the primary's own people (a chair,
    a youth worker of the primary), and the primary the page is about when the user may manage
    it: where the page offers to join or leave. A district's administrators manage every
    primary, so they get the buttons on a primary's view (?unit=) rather than a long list."""
    # The roots of the user's scope, not the subtree: a role held at the primary itself.
    paths = scope_paths(user, Perm.PROJECTS_MANAGE) or []
    units = OrgUnit.objects.filter(kind=OrgKind.PRIMARY, is_active=True, path__in=paths)
    if (
        unit is not None
        and unit.kind == OrgKind.PRIMARY
        and has_perm_at(user, Perm.PROJECTS_MANAGE, unit.path)
    ):
        units = units | OrgUnit.objects.filter(pk=unit.pk)
    return list(units.order_by("name"))


def events_visible(user, *, perm: Perm = Perm.PROJECTS_VIEW) -> QuerySet[Event]:
    return Event.objects.visible_to(user, perm).select_related(
        "project", "primary", "settlement", "spending"
    )


def event_get(user, pk: object, *, perm: Perm = Perm.PROJECTS_VIEW) -> Event:
    return get_or_404(events_visible(user, perm=perm), pk=pk)


def event_photo_get(user, event_pk: object, pk: object) -> EventPhoto:
    return get_or_404(
        EventPhoto.objects.visible_to(user, Perm.PROJECTS_VIEW), event_id=event_pk, pk=pk
    )


def event_participants(event: Event) -> QuerySet[EventParticipant]:
    """The people of an event the caller has already read (through `event_get`)."""
    return event.participants.select_related("person").order_by("person__surname", "person__name")


def event_volunteer_hours(participants: QuerySet[EventParticipant]) -> object:
    return participants.aggregate(hours=Sum("hours", filter=GIVING))["hours"]


def with_counts(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """Events with the number of their people and their volunteers' hours."""
    return queryset.annotate(
        n_people=Count("participants"),
        n_hours=Sum("participants__hours", filter=Q(participants__role__in=VOLUNTEER_ROLES)),
    ).order_by("-date", "-pk")


def events_held_public(project: Project) -> QuerySet[Event]:
    """What the portal shows of a project: its held events (no people, only the primary)."""
    return (
        Event.objects.filter(project=project, status=EventStatus.HELD)
        .select_related("primary", "settlement")
        .order_by("-date", "-pk")
    )


def public_figure(project: Project, year: int) -> int:
    """The number on the portal's card of a project: what its part counts, else the events
    held in the year."""
    part = parts.part_for(project.kind)
    if part is not None:
        return part.public_figure(project, year)
    return Event.objects.filter(project=project, status=EventStatus.HELD, date__year=year).count()


# --- progress against targets --------------------------------------------------------------


def kpi_actuals(project: Project, user, unit: OrgUnit | None, period: Period) -> dict[str, float]:
    """Each indicator of the project over the primaries the user sees (under `unit`) in the
    period: the events' own, and what the app working under the project's kind adds."""
    events = under(Event.objects.visible_to(user, Perm.PROJECTS_VIEW), unit).filter(
        project=project, date__gte=period.start, date__lte=period.end
    )
    held = events.filter(status=EventStatus.HELD)
    people = EventParticipant.objects.filter(event__in=held).aggregate(
        n=Count("pk"), hours=Sum("hours", filter=GIVING)
    )
    spent = held.filter(spending__status=SpendingStatus.APPROVED).aggregate(
        s=Sum("spending__amount")
    )["s"]
    result = {
        ProjectKpi.EVENTS_HELD: float(held.count()),
        ProjectKpi.PARTICIPANTS: float(people["n"] or 0),
        ProjectKpi.VOLUNTEER_HOURS: float(people["hours"] or 0),
        ProjectKpi.SPENT: float(spent or 0),
    }
    result.update(parts.actuals_of(project, user, unit, period))
    return result


@dataclass
class ProgressRow:
    kpi: str
    label: str
    actual: float
    target: float | None

    @property
    def percent(self) -> int | None:
        if not self.target:
            return None
        return round(100 * self.actual / self.target)


EVENT_KPIS = [
    ProjectKpi.EVENTS_HELD,
    ProjectKpi.PARTICIPANTS,
    ProjectKpi.VOLUNTEER_HOURS,
    ProjectKpi.SPENT,
]


def kpis_of(project: Project) -> list[str]:
    part = parts.part_for(project.kind)
    if part is None:
        return list(EVENT_KPIS)
    return [*part.kpis, *(EVENT_KPIS if part.with_event_kpis else [])]


def targets_of(project: Project, unit: OrgUnit, year: int, kpi: str | None = None) -> dict:
    """The targets set for the unit in the year: {kpi: target}."""
    rows = ProjectTarget.objects.filter(project=project, unit=unit, year=year)
    if kpi is not None:
        rows = rows.filter(kpi=kpi)
    return dict(rows.values_list("kpi", "target"))


def primary_targets(project: Project, year: int, kpi: str, unit_ids) -> dict[int, object]:
    """Each of the units' own target of one indicator in the year: {unit id: target}."""
    return dict(
        ProjectTarget.objects.filter(
            project=project, year=year, kpi=kpi, unit_id__in=list(unit_ids)
        ).values_list("unit_id", "target")
    )


def progress(project: Project, unit: OrgUnit | None, user, year: int) -> list[ProgressRow]:
    """The project's indicators in the year for `unit` (or the user's whole scope), with the
    unit's targets."""
    actual = kpi_actuals(project, user, unit, Period.year(year))
    targets = targets_of(project, unit, year) if unit is not None else {}
    return [
        ProgressRow(
            kpi=kpi,
            label=ProjectKpi(kpi).label,
            actual=actual.get(kpi, 0.0),
            target=float(targets[kpi]) if kpi in targets else None,
        )
        for kpi in kpis_of(project)
    ]


# --- volunteers -----------------------------------------------------------------------------


def volunteers(user, *, year: int | None = None, q: str = "") -> QuerySet:
    """People who volunteered or organized at held events in the user's scope, with their
    hours and those events (who only came as participants is not a volunteer)."""
    rows = EventParticipant.objects.visible_to(user, Perm.PROJECTS_VIEW).filter(
        GIVING, event__status=EventStatus.HELD
    )
    if year:
        rows = rows.filter(event__date__year=year)
    if q:
        rows = rows.filter(person__search_name__contains=q.strip().lower())
    return (
        rows.values("person_id", "person__surname", "person__name", "person__patronymic")
        .annotate(
            hours=Sum("hours"),
            events=Count("event", distinct=True),
            last=Max("event__date"),
        )
        .order_by("-hours", "person__surname", "person__name")
    )


def volunteer_history(user, person_id: int) -> QuerySet[EventParticipant]:
    return (
        EventParticipant.objects.visible_to(user, Perm.PROJECTS_VIEW)
        .select_related("event", "event__project", "event__primary")
        .filter(person_id=person_id)
        .order_by("-event__date")
    )


def current_year_default(year: object) -> int:
    try:
        value = int(year)
    except (TypeError, ValueError):
        return timezone.localdate().year
    return value if 2000 <= value <= 2100 else timezone.localdate().year


def month_counts(events: QuerySet[Event], year: int) -> list[int]:
    """Held events per month of the year, for the chart."""
    counts = [0] * 12
    for day in events.filter(status=EventStatus.HELD, date__year=year).values_list(
        "date", flat=True
    ):
        counts[day.month - 1] += 1
    return counts
