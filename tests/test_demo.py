"""The demo district (`manage.py seed_demo`), seeded once for this class and read by each
test inside its own savepoint (Django's `setUpTestData`): the seed takes about forty seconds,
and seven tests each seeding it cost CI minutes on every run. Tests that run the seed a second
time (nothing may be added) do it inside their savepoint, rolled back after them."""

import io
import re
import shutil
import tempfile
from decimal import Decimal

import time_machine
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from pervichka.accounts.models import RoleAssignment, User
from pervichka.appeals.models import FieldReception
from pervichka.core.calendar import calendar
from pervichka.core.iin import is_valid_iin
from pervichka.core.roles import Role
from pervichka.devdata.demo.orgs import DISTRICT
from pervichka.media.enums import NewsStatus
from pervichka.media.models import NewsItem, Partner, PartnerNews
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.models import OrgUnit
from pervichka.people.models import Membership, Person
from pervichka.projects.models import Event
from pervichka.promises.models import PromiseUpdate
from pervichka.rating.models import Objection, RatingRun, Score
from pervichka.training.models import Module, Session
from tests import clock


def _counts() -> dict[str, int]:
    """How many rows of each kind the demo has: a second run must add none."""
    models = (OrgUnit, Person, Membership, User, RoleAssignment, Partner, PartnerNews)
    return {model.__name__: model.objects.count() for model in models}


class TestTheDemo(TestCase):
    @classmethod
    def setUpClass(cls):
        cls._media_root = tempfile.mkdtemp(prefix="pervichka-demo-media-")
        # As every test (tests/conftest.py): media in a temporary folder, MD5 password hashes.
        cls._media = override_settings(
            MEDIA_ROOT=cls._media_root,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        )
        cls._media.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._media.disable()
        shutil.rmtree(cls._media_root, ignore_errors=True)

    @classmethod
    def setUpTestData(cls):
        with time_machine.travel(clock.NOW, tick=True):
            call_command("seed_demo", stdout=io.StringIO())

    def test_the_district_is_built_once_and_a_second_run_adds_nothing(self):
        counts = _counts()
        call_command("seed_demo", stdout=io.StringIO())
        assert _counts() == counts

        district = OrgUnit.objects.get(kind=OrgKind.DISTRICT, code="AKZ")
        assert district.name == "Акжарский районный филиал"
        assert district.address.startswith("с. Талшик")
        primaries = OrgUnit.objects.filter(kind=OrgKind.PRIMARY)
        assert 13 <= primaries.filter(path__startswith=district.path).count() <= 17
        # A second district with two primaries: scope is seen to stop at a district's border.
        other = OrgUnit.objects.get(kind=OrgKind.DISTRICT, code="TAY")
        assert primaries.filter(path__startswith=other.path).count() == 2
        for primary in primaries:
            assert 80 <= Membership.objects.filter(primary=primary).count() <= 120
        iins = Person.objects.filter(iin__isnull=False).values_list("iin", flat=True)
        assert all(is_valid_iin(iin) for iin in iins)
        assert set(RoleAssignment.objects.values_list("role", flat=True)) == set(Role.values)
        assert User.objects.get(username="chair").check_password("pervichka-demo")

        from pervichka.appeals.models import Appeal

        statuses = set(Appeal.objects.values_list("status", flat=True))
        assert 250 <= Appeal.objects.count() <= 350
        assert statuses == {
            "registered",
            "assigned",
            "in_progress",
            "answered",
            "closed",
            "redirected",
            "returned",
            "reopened",
        }
        assert any(a.is_overdue for a in Appeal.objects.all())

    def test_a_year_of_dues_that_balance(self):
        from django.db.models import Sum

        from pervichka.dues.models import Account, Entry, Payment, SpendingRequest

        assert Payment.objects.count() > 1000
        assert Entry.objects.aggregate(s=Sum("amount"))["s"] == 0
        for account in Account.objects.all():
            assert account.balance == (account.entries.aggregate(s=Sum("amount"))["s"] or 0)
            if account.kind == "fund":
                assert account.balance <= 0
        statuses = set(SpendingRequest.objects.values_list("status", flat=True))
        assert statuses == {"approved", "requested", "refused"}

    def test_young_people_with_cases_in_every_state(self):
        from pervichka.youth.models import Case, Placement, Referral, YoungPerson

        assert 140 <= YoungPerson.objects.count() <= 160
        assert set(Case.objects.values_list("status", flat=True)) == {"open", "closed"}
        assert set(Referral.objects.values_list("status", flat=True)) == {
            "referred",
            "accepted",
            "started",
            "completed",
            "refused",
        }
        assert Placement.objects.filter(lasted_3m__isnull=False).exists()

    def test_projects_promises_deputies_and_the_school(self):
        from pervichka.deputies.models import Deputy
        from pervichka.greening.models import Planting, SurvivalCheck
        from pervichka.ideas.models import Idea, Vote
        from pervichka.projects.models import Event
        from pervichka.promises.models import Promise
        from pervichka.training.models import Cohort, Course, Enrolment

        assert Event.objects.filter(status="held").count() >= 40
        assert Planting.objects.exists()
        assert SurvivalCheck.objects.exists()
        assert Idea.objects.count() == 60
        assert set(Idea.objects.values_list("status", flat=True)) == {
            "submitted",
            "published",
            "rejected",
            "merged",
        }
        assert Vote.objects.exists()
        assert Deputy.objects.count() == 6
        assert Promise.objects.count() == 40
        assert set(Promise.objects.values_list("status", flat=True)) == {
            "not_started",
            "in_progress",
            "done",
            "done_late",
            "partly_done",
            "not_done",
        }
        assert (
            not Promise.objects.exclude(status="not_started").filter(updates__isnull=True).exists()
        )
        assert Course.objects.count() == 2
        assert Cohort.objects.count() == 3
        assert Enrolment.objects.filter(status="completed", certificate_code__isnull=False).exists()
        assert Enrolment.objects.filter(status="failed").exists()

    def test_right_patronymics_no_holiday_events_and_no_placeholder_links(self):
        wrong = re.compile(r"Павел|Михаилов|ийев|ийов|ейов|\s(ұлы|қызы)$|ьов")
        patronymics = set(Person.objects.values_list("patronymic", flat=True))
        assert [p for p in patronymics if wrong.search(p)] == []
        assert any(p.endswith("ұлы") for p in patronymics)

        cal = calendar()
        receptions = [timezone.localtime(r.starts_at).date() for r in FieldReception.objects.all()]
        sessions = [timezone.localtime(s.starts_at).date() for s in Session.objects.all()]
        assert receptions
        assert sessions
        assert [d for d in receptions + sessions if not cal.is_working_day(d)] == []
        events = Event.objects.values_list("date", flat=True)
        assert [d for d in events if d.weekday() < 5 and not cal.is_working_day(d)] == []

        placeholder = re.compile(r"example\.(com|org|net|kz)")
        texts = [
            *PromiseUpdate.objects.values_list("link", flat=True),
            *Module.objects.values_list("material_url", flat=True),
            *User.objects.values_list("email", flat=True),
        ]
        assert [t for t in texts if placeholder.search(t or "")] == []

    def test_a_year_of_news_from_every_primary_in_every_state(self):
        district = OrgUnit.objects.get(kind="district", code=DISTRICT[3])
        primaries = OrgUnit.objects.filter(kind="primary", path__startswith=district.path)
        news = NewsItem.objects.filter(unit__path__startswith=district.path)
        assert {n.unit_id for n in news} == {*primaries.values_list("pk", flat=True), district.pk}
        assert set(news.values_list("status", flat=True)) == set(NewsStatus.values)
        published = news.filter(status=NewsStatus.PUBLISHED)
        assert len(published.dates("published_at", "month")) >= 12
        for primary in primaries:
            assert published.filter(unit=primary).count() >= 9
        # Every item went through the services: its history starts with its creation.
        assert all(n.history.earliest().history_type == "+" for n in news[:20])

    def test_four_quarters_objections_and_points_adding_up_for_every_primary(self):
        runs = RatingRun.objects.all()
        assert runs.values("period").distinct().count() == 4
        assert runs.filter(status="final").count() == 3
        latest = runs.order_by("-period__start", "-version").first()
        assert (latest.version, latest.status) == (2, "provisional")
        assert sorted(Objection.objects.values_list("status", flat=True)) == ["rejected", "upheld"]
        scores = Score.objects.prefetch_related("lines")
        assert scores.count() == 5 * latest.scores.count()
        unrated = [
            (str(s.run.period), s.primary_id, s.no_rating_reason) for s in scores if s.total is None
        ]
        assert unrated == []
        for score in scores:
            assert sum((line.points for line in score.lines.all()), Decimal(0)) == score.total
        upheld = Objection.objects.get(status="upheld")
        line = latest.scores.get(primary=upheld.score.primary).lines.get(
            indicator__kpi="volunteer_hours"
        )
        assert line.corrected
        assert line.raw == upheld.accepted_value
        # Run again: nothing is added.
        call_command("seed_demo", stdout=io.StringIO())
        assert RatingRun.objects.count() == runs.count()

    def test_the_districts_partners_with_news_and_the_portal_shows_them(self):
        from pervichka.devdata.demo.media import PARTNER_NEWS, PARTNERS

        district = OrgUnit.objects.get(kind="district", code=DISTRICT[3])
        partners = Partner.objects.filter(district=district)
        assert partners.count() == len(PARTNERS)
        assert partners.filter(is_active=False).count() == 1
        assert PartnerNews.objects.filter(partner__district=district).count() == len(PARTNER_NEWS)
        # Written through the services: each partner has its history.
        assert all(p.history.exists() for p in partners)

        self.client.cookies["pervichka_language"] = "ru"
        html = self.client.get("/portal/").content.decode()
        shown, gone = partners.filter(is_active=True), partners.get(is_active=False)
        for partner in shown:
            assert f'data-partner="{partner.pk}"' in html
            assert f'href="{partner.url}"' in html
        assert f'data-partner="{gone.pk}"' not in html
        # The news still within their days on the portal are there; the old harvest's is not.
        assert "Открыт новый мост через Ишим" in html
        assert "Итоги уборочной страды" not in html
        self.client.cookies["pervichka_language"] = "kk"
        assert "Есіл арқылы жаңа көпір ашылды" in self.client.get("/portal/").content.decode()
