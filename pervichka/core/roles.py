"""Roles and the permissions they grant over the subtree of the org unit they are held at.

Pure data: the assignment model lives in `accounts`, the one function that turns
assignments into a scope lives in `core.scoping`. A later app adds its permissions here
and grants them to roles, so the authorization matrix stays in one readable table.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Perm(StrEnum):
    ORGS_VIEW = "orgs.view"
    ORGS_MANAGE = "orgs.manage"
    MEMBERS_VIEW = "members.view"
    MEMBERS_MANAGE = "members.manage"
    PEOPLE_VIEW = "people.view"
    PEOPLE_PII = "people.pii"
    PEOPLE_MANAGE = "people.manage"
    PEOPLE_HISTORY = "people.history"
    # The access log: who saw unmasked IINs and phones and who exported personal data.
    ACCESS_LOG_VIEW = "people.access_log"
    ACCOUNTS_MANAGE = "accounts.manage"
    APPEALS_VIEW = "appeals.view"
    # The citizen's name, contacts and the text of the appeal: personal data.
    APPEALS_PII = "appeals.pii"
    APPEALS_MANAGE = "appeals.manage"
    # Reception offices, field receptions, categories, deadline rules of a district.
    APPEALS_ADMIN = "appeals.admin"
    DUES_VIEW = "dues.view"
    # Record and reverse payments, ask to spend from a primary's fund.
    DUES_RECORD = "dues.record"
    # Approve or refuse spending from project funds (the district).
    DUES_APPROVE = "dues.approve"
    # Dues rates and the return share of a district.
    DUES_ADMIN = "dues.admin"
    # Young people's cases: personal and sensitive, for youth workers, the chair of the
    # young person's primary and the district's administrators only.
    YOUTH_VIEW = "youth.view"
    YOUTH_MANAGE = "youth.manage"
    # Party projects: events, volunteers, plantings, the ideas on the contest's list.
    PROJECTS_VIEW = "projects.view"
    # Hold events, record participants and plantings and their survival checks (a primary).
    PROJECTS_MANAGE = "projects.manage"
    # The catalog, targets and contests of a district; moderation of ideas (the district).
    PROJECTS_ADMIN = "projects.admin"
    # Score published ideas on the contest's criteria (the jury; authors stay anonymous).
    IDEAS_JURY = "ideas.jury"
    # The election programme's promises of a district and the evidence of their execution.
    PROMISES_VIEW = "promises.view"
    PROMISES_MANAGE = "promises.manage"
    # The School of political management: courses, cohorts, attendance, assessment.
    TRAINING_VIEW = "training.view"
    TRAINING_MANAGE = "training.manage"
    # The rating of primary chairs: a chair reads their own breakdown and the district's
    # bands; objects to the provisional rating of their primary; the district computes and
    # publishes it, and its commission decides objections.
    RATING_VIEW = "rating.view"
    RATING_OBJECT = "rating.object"
    RATING_MANAGE = "rating.manage"
    RATING_DECIDE = "rating.decide"
    # Work with the categories of citizens: segments and lists of whom a unit serves, the
    # meetings and door-to-door visits it plans and holds (names and counts, no contacts).
    OUTREACH_VIEW = "outreach.view"
    OUTREACH_MANAGE = "outreach.manage"
    # Subject requests (issue 13): find a person by IIN, download everything held about
    # them. Anonymising also needs PEOPLE_MANAGE where the person is kept.
    PRIVACY_SUBJECTS = "privacy.subjects"
    # The register of personal data breaches and their notification to the authorised body.
    PRIVACY_BREACHES = "privacy.breaches"
    # News of the primaries and the district (media): read the unit's items, write them
    # (a correspondent, the chair), moderate and publish them (the district's press secretary).
    MEDIA_VIEW = "media.view"
    MEDIA_WRITE = "media.write"
    MEDIA_MODERATE = "media.moderate"


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator (district or region)")
    CHAIR = "chair", _("Primary chair")
    OPERATOR = "operator", _("Reception operator")
    YOUTH_WORKER = "youth_worker", _("Youth worker")
    TRAINER = "trainer", _("Trainer")
    DEPUTY = "deputy", _("Deputy")
    AUDITOR = "auditor", _("Auditor (read only)")
    TREASURER = "treasurer", _("Treasurer")
    JUROR = "juror", _("Jury member (ideas contest)")
    CORRESPONDENT = "correspondent", _("Correspondent (news of a primary)")
    PRESS_SECRETARY = "press_secretary", _("Press secretary (district)")


P = Perm
_PEOPLE = {P.PEOPLE_VIEW, P.PEOPLE_PII, P.PEOPLE_MANAGE}
_APPEALS_WORK = {P.APPEALS_VIEW, P.APPEALS_PII, P.APPEALS_MANAGE}
_DUES_WORK = {P.DUES_VIEW, P.DUES_RECORD}
ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.ADMIN: frozenset(Perm),
    # A chair keeps the primary's members and answers the appeals assigned to the primary.
    Role.CHAIR: frozenset(
        {P.ORGS_VIEW, P.MEMBERS_VIEW, P.MEMBERS_MANAGE, P.PEOPLE_HISTORY}
        | _PEOPLE
        | _APPEALS_WORK
        | _DUES_WORK
        | {P.YOUTH_VIEW, P.YOUTH_MANAGE}
        | {P.PROJECTS_VIEW, P.PROJECTS_MANAGE}
        | {P.PROMISES_VIEW, P.TRAINING_VIEW}
        | {P.RATING_VIEW, P.RATING_OBJECT}
        | {P.OUTREACH_VIEW, P.OUTREACH_MANAGE}
        | {P.MEDIA_VIEW, P.MEDIA_WRITE}
    ),
    # A treasurer (of a primary or the district) records dues and keeps the fund's papers.
    Role.TREASURER: frozenset(
        {P.ORGS_VIEW, P.MEMBERS_VIEW, P.PEOPLE_VIEW, P.PROJECTS_VIEW} | _DUES_WORK
    ),
    # An operator registers appeals and runs the reception offices and field receptions.
    # ... and registers the questions raised at the primaries' meetings as appeals.
    Role.OPERATOR: frozenset(
        {P.ORGS_VIEW, P.APPEALS_ADMIN, P.OUTREACH_VIEW} | _PEOPLE | _APPEALS_WORK
    ),
    # Youth workers run Өрлеу and bring volunteers: they hold events too.
    Role.YOUTH_WORKER: frozenset(
        {P.ORGS_VIEW, P.YOUTH_VIEW, P.YOUTH_MANAGE, P.PROJECTS_VIEW, P.PROJECTS_MANAGE} | _PEOPLE
    ),
    # A trainer runs the School's cohorts: enrols chairs, marks attendance, assesses.
    Role.TRAINER: frozenset(
        {P.ORGS_VIEW, P.MEMBERS_VIEW, P.PEOPLE_VIEW, P.TRAINING_VIEW, P.TRAINING_MANAGE}
    ),
    # A deputy receives citizens at field receptions and answers what is assigned to them.
    # ... and reports the execution of the promises they answer for.
    Role.DEPUTY: frozenset(
        {P.ORGS_VIEW, P.PEOPLE_VIEW, P.PROJECTS_VIEW, P.PROMISES_VIEW, P.PROMISES_MANAGE}
        | _APPEALS_WORK
    ),
    # A juror sees the published ideas of the contest and scores them; nothing else.
    Role.JUROR: frozenset({P.IDEAS_JURY}),
    # A correspondent writes the news of their primary and submits it; nothing else.
    Role.CORRESPONDENT: frozenset({P.ORGS_VIEW, P.MEDIA_VIEW, P.MEDIA_WRITE}),
    # The district's press secretary moderates and publishes the news of its primaries and
    # writes the district's own official items.
    Role.PRESS_SECRETARY: frozenset({P.ORGS_VIEW, P.MEDIA_VIEW, P.MEDIA_WRITE, P.MEDIA_MODERATE}),
    # An auditor reads everything in the subtree but personal data stays masked.
    Role.AUDITOR: frozenset(
        {
            P.ORGS_VIEW,
            P.MEMBERS_VIEW,
            P.PEOPLE_VIEW,
            P.PEOPLE_HISTORY,
            P.ACCESS_LOG_VIEW,
            P.APPEALS_VIEW,
            P.DUES_VIEW,
            P.PROJECTS_VIEW,
            P.PROMISES_VIEW,
            P.TRAINING_VIEW,
            P.RATING_VIEW,
            P.OUTREACH_VIEW,
            P.PRIVACY_SUBJECTS,
            P.MEDIA_VIEW,
        }
    ),
}

# Which kinds of org unit a role may be held at (a chair chairs a primary, and so on).
ROLE_UNIT_KINDS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({"party", "region", "district"}),
    Role.CHAIR: frozenset({"primary"}),
    Role.OPERATOR: frozenset({"region", "district", "primary"}),
    Role.YOUTH_WORKER: frozenset({"region", "district", "primary"}),
    Role.TRAINER: frozenset({"party", "region", "district"}),
    Role.DEPUTY: frozenset({"region", "district", "primary"}),
    Role.AUDITOR: frozenset({"party", "region", "district", "primary"}),
    Role.TREASURER: frozenset({"district", "primary"}),
    Role.JUROR: frozenset({"party", "region", "district"}),
    Role.CORRESPONDENT: frozenset({"primary"}),
    Role.PRESS_SECRETARY: frozenset({"region", "district"}),
}
