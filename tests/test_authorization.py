"""Every URL and every API operation is listed here with who may reach it, and the chair of
primary B (the outsider) is shown to get 404 on primary A's objects and to find none of
primary A's data in lists. A new URL or operation that is not listed fails this test, so
nobody can add an endpoint without deciding its access rule."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from config.api import api
from pervichka.accounts.services import api_token_create
from pervichka.appeals import services as appeals
from pervichka.appeals.models import FieldReception, ReceptionOffice
from pervichka.core.iin import mask_iin
from pervichka.dues import services as dues
from pervichka.dues.models import DuesRate
from pervichka.dues.statements import statement_import
from pervichka.orgs.services import position_assign
from pervichka.people.importing import member_import_check
from pervichka.people.services import PersonData
from tests.people.test_import import row, xlsx

OUR_NAMESPACES = {
    "core", "accounts", "orgs", "people", "appeals", "public", "dues", "youth", "projects",
    "greening", "ideas", "deputies", "promises", "training", "rating", "privacy",
    "media", "outreach",
}  # fmt: skip

# Pages about one object of primary A: the outsider must get 404.
OBJECT_PAGES = {
    "people:detail": lambda c: [c["member"].pk],
    "people:edit": lambda c: [c["member"].pk],
    "people:archive": lambda c: [c["member"].pk],
    "people:history": lambda c: [c["member"].person_id],
    "people:import_report": lambda c: [c["job"].token],
    "people:import_decide": lambda c: [c["job"].token],
    "people:import_refused": lambda c: [c["job"].token],
    "people:transfer_decide": lambda c: [c["transfer"].pk, "approve"],
    "people:consent_add": lambda c: [c["member"].person_id],
    "people:consent_withdraw": lambda c: [c["consent"].pk],
    "people:consent_document": lambda c: [c["consent"].pk],
    "privacy:subject": lambda c: [c["member"].person_id],
    "privacy:subject_export": lambda c: [c["member"].person_id, "xlsx"],
    "privacy:subject_anonymise": lambda c: [c["member"].person_id],
    "privacy:breach": lambda c: [c["breach"].pk],
    "outreach:segment": lambda c: [c["segment"].pk],
    "outreach:meeting": lambda c: [c["meeting"].pk],
    "outreach:question_to_appeal": lambda c: [c["meeting"].pk, c["question"].pk],
    "outreach:person_categories": lambda c: [c["member"].person_id],
    "outreach:mailing": lambda c: [c["mailing"].pk],
    "outreach:mailing_log": lambda c: [c["mailing"].pk],
    "outreach:reception_poster": lambda c: [c["reception"].pk, c["tree"].primary_a.pk],
    "orgs:detail": lambda c: [c["tree"].primary_a.pk],
    "orgs:position_end": lambda c: [c["position"].pk],
    "accounts:token_revoke": lambda c: [c["token"].pk],
    "appeals:detail": lambda c: [c["appeal"].pk],
    "appeals:act": lambda c: [c["appeal"].pk, "start"],
    "appeals:coupon": lambda c: [c["appeal"].pk],
    "appeals:attachments_add": lambda c: [c["appeal"].pk],
    "appeals:attachment": lambda c: [c["appeal"].pk, c["attachment"].token],
    "appeals:reception": lambda c: [c["reception"].pk],
    "appeals:reception_edit": lambda c: [c["reception"].pk],
    "appeals:office_edit": lambda c: [c["office"].pk],
    "dues:primary": lambda c: [c["tree"].primary_a.pk],
    "dues:fund": lambda c: [c["tree"].primary_a.pk],
    "dues:member": lambda c: [c["member"].pk],
    "dues:pay": lambda c: [c["member"].pk],
    "dues:payment_reverse": lambda c: [c["payment"].pk],
    "dues:spending": lambda c: [c["spending"].pk],
    "dues:spending_decide": lambda c: [c["spending"].pk, "approve"],
    "dues:spending_receipt": lambda c: [c["spending"].pk],
    "dues:spending_receipt_file": lambda c: [c["spending"].pk],
    "dues:statement": lambda c: [c["statement"].pk],
    "youth:person": lambda c: [c["young"].pk],
    "youth:case_open": lambda c: [c["young"].pk],
    "youth:case": lambda c: [c["case"].pk],
    "youth:case_act": lambda c: [c["case"].pk, "note"],
    "projects:event": lambda c: [c["event"].pk],
    "projects:event_act": lambda c: [c["event"].pk, "status"],
    "projects:event_photo": lambda c: [c["event"].pk, c["photo"].pk],
    "greening:planting": lambda c: [c["planting"].pk],
    "projects:volunteer": lambda c: [c["member"].person_id],
    "projects:target_set": lambda c: ["tazalike", c["tree"].primary_a.pk],
    "ideas:idea": lambda c: [c["idea"].pk],
    "ideas:shortlist": lambda c: [c["idea"].contest_id],
    "projects:participation_join": lambda c: ["socium", c["tree"].primary_a.pk],
    "projects:participation_leave": lambda c: ["tazalike", c["tree"].primary_a.pk],
    "deputies:detail": lambda c: [c["deputy"].pk],
    "deputies:edit": lambda c: [c["deputy"].pk],
    "promises:detail": lambda c: [c["promise"].pk],
    "promises:edit": lambda c: [c["promise"].pk],
    "promises:link": lambda c: [c["promise"].pk],
    "promises:evidence": lambda c: [c["promise"].pk, c["evidence"].pk],
    "training:cohort": lambda c: [c["cohort"].pk],
    "training:cohort_act": lambda c: [c["cohort"].pk, "chairs"],
    "training:cohort_trainers": lambda c: [c["cohort"].pk],
    "training:attendance": lambda c: [c["session"].pk],
    "training:certificate": lambda c: [c["enrolment"].certificate_code],
    # POST only: the outsider names no district of theirs, and none of A's.
    "rating:compute": lambda c: [],
    "rating:run": lambda c: [c["rating"].pk],
    "rating:run_act": lambda c: [c["rating"].pk, "recompute"],
    "rating:score": lambda c: [c["rating_score"].pk],
    "rating:object": lambda c: [c["rating_score"].pk],
    "rating:objection": lambda c: [c["objection"].pk],
    "rating:objection_file": lambda c: [c["objection"].pk],
    "rating:adopt": lambda c: [c["methodology"].pk],
    "media:item": lambda c: [c["news"].pk],
    "media:edit": lambda c: [c["news"].pk],
    "media:act": lambda c: [c["news"].pk, "submit"],
    "media:cover": lambda c: [c["news"].pk, "medium"],
    "media:telegram": lambda c: [c["news"].pk],
    "media:kit": lambda c: [c["kit"].pk],
    "media:kit_picture": lambda c: [c["kit"].pk, "full"],
    "media:kit_use": lambda c: [c["kit"].pk, c["tree"].primary_a.pk],
    "media:partner": lambda c: [c["partner"].pk],
    "media:partner_active": lambda c: [c["partner"].pk],
    "media:partner_news_add": lambda c: [c["partner"].pk],
    "media:partner_news_remove": lambda c: [c["partner_news"].pk],
    "media:cover_people": lambda c: [c["news"].pk],
    "media:photo_add": lambda c: [c["news"].pk],
    "media:photo_edit": lambda c: [c["news"].pk, c["news_photo"].pk],
    "media:photo_remove": lambda c: [c["news"].pk, c["news_photo"].pk],
    "media:photo_image": lambda c: [c["news"].pk, c["news_photo"].pk, "thumb"],
    "rating:methodology_edit": lambda c: [c["methodology"].pk],
    "rating:methodology_approve": lambda c: [c["methodology"].pk],
    "rating:audit": lambda c: [c["rating"].pk],
    "rating:audit_decide": lambda c: [c["audit_item"].pk],
}
# Pages that list or create within the user's own scope: the outsider sees none of A's data
# (or gets 404 where the page is not for a chair at all, like registering appeals).
SCOPED_PAGES = {
    "site:home", "site:report", "people:list", "people:export", "people:add", "people:import",
    "people:import_template", "people:transfers", "people:access_log", "orgs:tree",
    "accounts:tokens", "accounts:password_change",
    "appeals:list", "appeals:export", "appeals:new", "appeals:person_lookup",
    "appeals:overdue", "appeals:receptions", "appeals:reception_new", "appeals:office_new",
    "dues:district", "dues:spending_list", "dues:spending_new", "dues:statements",
    "dues:rates", "youth:registry", "youth:new", "youth:followups", "youth:dashboard",
    "projects:catalog", "projects:project", "projects:events", "projects:event_new",
    "greening:plantings", "greening:planting_new", "projects:volunteers", "ideas:ideas",
    "deputies:list", "deputies:new", "promises:list", "promises:new", "training:home",
    "training:cohort_new", "training:coverage", "training:material", "rating:home",
    "training:courses", "training:course_new", "training:course_edit",
    "rating:rollup", "privacy:subjects", "privacy:breaches",
    "media:news", "media:queue", "media:new", "media:posts",
    "media:kits", "media:kit_new", "media:reach_import", "media:partners", "media:partner_new",
    "outreach:segments", "outreach:segment_new", "outreach:meetings", "outreach:meeting_new",
    "outreach:mailings", "outreach:mailing_new",
    "outreach:receptions",
}  # fmt: skip
# The election programme is the district's, and every chair in the district reads it (only
# reads: reporting, editing and linking stay 404 for them, tests/promises). Primary B's chair
# is no outsider to it, so on these pages and operations the outsider is the chair of a
# primary in another district.
# The same holds for the district's rating: every chair of the district reads its bands.
# So does the district's message of the week: every primary of the district reads it (and
# marks only its own use of it: media:kit_use stays 404 for primary B).
PROGRAMME_PAGES = {
    "promises:detail", "promises:evidence", "promises:list", "rating:run", "media:kit",
    "media:kit_picture",
}  # fmt: skip
PROGRAMME_API = {
    ("/api/v1/promises", "get"), ("/api/v1/promises/{promise_id}", "get"),
    ("/api/v1/rating/runs", "get"), ("/api/v1/rating/runs/{run_id}", "get"),
    ("/api/v1/rating/methodologies/{methodology_id}", "get"),
}  # fmt: skip
# The methodology is read by every chair: nothing of primary A's is in it.
PUBLIC_TO_CHAIRS = {"rating:methodology"}
# Scoped pages that take arguments that are not objects of primary A.
SCOPED_ARGS = {
    "projects:project": ["tazalike"],
    "training:material": [1],
    "training:course_edit": [1],
}
# Pages anyone may open: they show no personal data (tests/appeals/test_public.py).
PUBLIC_PAGES = {
    "accounts:login", "accounts:logout", "site:healthz", "site:readyz", "site:metrics",
    "public:home", "public:submit",
    "public:track", "public:track_code", "public:coupon", "public:track_rate",
    "public:track_reopen", "public:receptions", "public:projects", "public:project",
    "public:ideas", "public:idea_submit", "public:idea", "public:idea_vote",
    "public:idea_vote_confirm", "public:shortlist", "public:promises", "public:promise",
    "public:promise_evidence", "public:verify_certificate",
    "public:news", "public:news_search", "public:news_archive", "public:news_item",
    "public:news_cover", "public:news_photo", "public:news_rss", "public:news_atom",
    "public:primaries", "public:primary", "public:sitemap",
    # Telegram's webhook: no user at all; the secret token guards it (tests/appeals/test_bot.py).
    "public:telegram_webhook",
    "outreach:sms_inbound",  # the SMS gateway's, with its secret (tests/outreach)
}  # fmt: skip


def our_url_names():
    names = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and namespace in OUR_NAMESPACES and p.name:
                names.add(f"{namespace}:{p.name}")

    walk(get_resolver().url_patterns, None)
    return names


def test_every_page_has_an_access_rule():
    unlisted = our_url_names() - set(OBJECT_PAGES) - SCOPED_PAGES - PUBLIC_PAGES - PUBLIC_TO_CHAIRS
    assert not unlisted, f"add these URLs to tests/test_authorization.py: {sorted(unlisted)}"


@pytest.fixture
def chair_c(tree):
    """The chair of a primary in another district."""
    from pervichka.core.roles import Role
    from tests.factories import UserFactory, grant

    return grant(UserFactory(username="chair_c"), Role.CHAIR, tree.primary_c)


@pytest.fixture
def cast(tree, chair_a, member_a, district_admin):
    """Primary A's objects of every kind: what the chair of primary B must never reach."""
    position = position_assign(
        actor=district_admin,
        org_unit=tree.primary_a,
        person=member_a.person,
        kind="secretary",
        start=member_a.joined,
    )
    job = member_import_check(actor=chair_a, upload=xlsx([row()]))
    token, _raw = api_token_create(actor=chair_a, name="a")
    categories = {c.code: c for c in appeals.categories_ensure(district=tree.district)}
    office = ReceptionOffice.objects.create(
        unit=tree.district, name="Приёмная", address="x", hours="9-18"
    )
    reception = FieldReception.objects.create(
        unit=tree.district, settlement=tree.village, place="Клуб", starts_at=timezone.now()
    )
    appeal = appeals.appeal_register(
        actor=district_admin,
        district=tree.district,
        confirm_duplicate=True,
        data=PersonData(iin=member_a.person.iin, surname="Ахметова", name="Айгерим"),
        intake=appeals.Intake(
            channel="walk_in",
            category=categories["roads"],
            text="Ахметова просит дорогу",
            reception_office=office,
        ),
    )
    appeal = appeals.appeal_assign(actor=district_admin, appeal=appeal, unit=tree.primary_a)
    [attachment] = appeals.attachments_add(
        actor=district_admin, appeal=appeal, uploads=[SimpleUploadedFile("a.pdf", b"%PDF-1.4")]
    )
    # Dues of primary A: a payment, a spending request, a bank statement of the district.
    for category, amount in (
        ("working", 500),
        ("pensioner", 200),
        ("student", 100),
        ("unemployed", 100),
    ):
        DuesRate.objects.create(
            district=tree.district, category=category, amount=amount, valid_from=dt.date(2020, 1, 1)
        )
    payment = dues.payment_record(
        actor=chair_a,
        membership=member_a,
        data=dues.PaymentInput(
            months=[dt.date(2026, 1, 1), dt.date(2026, 2, 1)],
            method="cash",
            paid_on=dt.date(2026, 3, 1),
            receipt_number="1",
        ),
    )
    spending = dues.spending_request(
        actor=chair_a, primary=tree.primary_a, amount=Decimal("10"), purpose="Ахметова: саженцы"
    )
    statement = statement_import(
        actor=district_admin,
        district=tree.district,
        name="s.csv",
        content=f"Date,Amount,Reference,IIN\n2026-03-01,500,R1,{member_a.person.iin}\n".encode(),
    )
    # A young person of primary A with an open case.
    from pervichka.youth import services as youth

    young = youth.young_person_register(
        actor=district_admin,
        primary=tree.primary_a,
        facts={},
        data=PersonData(
            surname="Ахметова",
            name="Молодая",
            birth_date=dt.date(2004, 1, 1),
            consent_method="paper",
        ),
    )
    case = youth.case_open(actor=district_admin, yp=young, needs=["employment"])
    # Projects of primary A: a held event with Ахметова volunteering, its photo, a planting;
    # an idea of the district's contest from Ахметова (the outsider is no juror).
    from pervichka.greening import services as greening
    from pervichka.ideas import services as ideas
    from pervichka.projects import services as projects
    from pervichka.projects.models import Project

    event = projects.event_create(
        actor=chair_a,
        project=Project.objects.get(code="tazalike"),
        primary=tree.primary_a,
        data=projects.EventData(title="Ахметова: посадка берёз", date=dt.date(2026, 5, 5)),
    )
    event = projects.event_set_status(actor=chair_a, event=event, status="held")
    projects.participant_add(
        actor=chair_a, event=event, role="volunteer", hours=3, person=member_a.person
    )
    photo = projects.photo_add(
        actor=chair_a,
        event=event,
        upload=SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32),
    )
    planting = greening.planting_create(
        actor=chair_a,
        project=Project.objects.get(code="tazalike"),
        primary=tree.primary_a,
        data=greening.PlantingData(
            planted_on=dt.date(2026, 5, 5),
            settlement=tree.village,
            species="берёза",
            count=20,
            site_kind="street",
            planted_by="Ахметова и волонтёры",
        ),
    )
    idea, _new = ideas.idea_submit_public(
        settlement=tree.village,
        data=PersonData(
            surname="Ахметова", name="Айгерим", phone="+77011110000", consent_method="electronic"
        ),
        title="Ахметова: фонари на остановках",
        text="Поставить фонари на солнечных батареях на всех остановках села.",
        idempotency_key="cast-idea-0001",
    )
    idea = ideas.idea_moderate(actor=district_admin, idea=idea, to="published")
    # The district's deputy, a promise with evidence, a cohort where Ахметова got her
    # certificate.
    from pervichka.deputies import services as deputies
    from pervichka.promises import services as promises
    from pervichka.training import services as training
    from pervichka.training.models import Course

    deputy = deputies.deputy_register(
        actor=district_admin,
        person=member_a.person,
        unit=tree.district,
        council="Маслихат",
        term="VIII",
        term_start=dt.date(2023, 3, 29),
    )
    promise = promises.promise_create(
        actor=district_admin,
        district=tree.district,
        data=promises.PromiseData(
            number=1, text="Ахметова: дорога", theme="roads", due_date=dt.date(2030, 1, 1)
        ),
    )
    evidence = promises.promise_report(
        actor=district_admin,
        promise=promise,
        status="in_progress",
        date=dt.date(2026, 1, 10),
        text="Начали",
        upload=SimpleUploadedFile("e.pdf", b"%PDF-1.4 evidence"),
    )
    course = Course.objects.create(code="c", name="Курс", required_for_chairs=True)
    cohort = training.cohort_create(
        actor=district_admin,
        course=course,
        unit=tree.district,
        name="Поток",
        starts_on=timezone.localdate() - dt.timedelta(days=5),
        ends_on=timezone.localdate() + dt.timedelta(days=5),
    )
    session = training.session_add(
        actor=district_admin,
        cohort=cohort,
        starts_at=timezone.now() - dt.timedelta(days=1),
        hours=Decimal(2),
    )
    enrolment = training.enrol(actor=district_admin, cohort=cohort, person=member_a.person)
    training.attendance_mark(actor=district_admin, session=session, present={enrolment.pk})
    enrolment = training.assess(actor=district_admin, enrolment=enrolment, score=90)
    # The district's rating of a closed quarter, under the district's own methodology, and
    # an objection of primary A's chair with its evidence.
    from pervichka.rating import services as rating
    from pervichka.rating.models import Methodology
    from tests.rating.conftest import quarter_before_last

    methodology = rating.methodology_adopt(
        actor=district_admin,
        unit=tree.district,
        source=Methodology.objects.get(code="default", version=2),
        weights={},
        rationale="Как у партии",
    )
    period = rating.period_ensure(kind="quarter", start=quarter_before_last())
    rating_run = rating.rating_compute(actor=district_admin, district=tree.district, period=period)
    rating_score = rating_run.scores.get(primary=tree.primary_a)
    objection = rating.objection_raise(
        actor=chair_a,
        score=rating_score,
        indicator=rating_score.lines.first().indicator,
        text="Ахметова: было больше",
        upload=SimpleUploadedFile("o.pdf", b"%PDF-1.4 objection"),
    )
    # A record of primary A drawn for the district's audit.
    from pervichka.rating.models import AuditItem

    audit_item = AuditItem.objects.create(
        district=tree.district, period=period, primary=tree.primary_a,
        kpi="events_with_evidence", app_label="projects", model="event", record_pk=999999,
        label="Субботник",
    )  # fmt: skip
    # A request from another district to use Ахметова's record, which primary A keeps.
    # The consent the young person gave to youth work (the register, issue 13), and a
    # breach recorded by the district.
    from pervichka.people.models import Consent, PersonTransferRequest
    from pervichka.privacy import services as privacy

    consent = Consent.objects.get(person=young.person, purpose="youth")
    breach = privacy.breach_register(
        actor=district_admin,
        unit=tree.district,
        detected_at=timezone.now() - dt.timedelta(hours=1),
        description="Ахметова: список потерян",
        people_affected=3,
        measures="",
        responsible=district_admin,
    )
    transfer = PersonTransferRequest.objects.create(
        person=member_a.person,
        from_unit=tree.primary_a,
        to_unit=tree.primary_c,
        requested_by=district_admin,
        purpose="event participant",
    )
    # A draft of primary A's correspondent (the chair here), with a cover and a post logged.
    from pervichka.media import services as media
    from tests.media.conftest import jpeg_upload, news_data

    SMALL = (320, 240)  # the renditions of a phone-sized photo cost half of this fixture

    news = media.news_create(
        actor=chair_a,
        unit=tree.primary_a,
        data=news_data("Ахметова"),
        cover=jpeg_upload(size=SMALL),
    )
    # The district's message of the week, which primary A posted.
    kit = media.kit_create(
        actor=district_admin,
        district=tree.district,
        data=media.KitData(
            week=dt.date(2026, 12, 7), title="Неделя чистоты", text="Текст", text_kk="Мәтін"
        ),
        picture=jpeg_upload(size=SMALL),
    )
    media.kit_use(
        actor=chair_a,
        kit=kit,
        primary=tree.primary_a,
        platform="instagram",
        url="https://instagram.com/p/ahmetova-kit",
        posted_on=dt.date(2026, 12, 7),
    )
    # The district's partner and its news.
    partner = media.partner_save(
        actor=district_admin,
        district=tree.district,
        data=media.PartnerData(
            name="Ахметова: газета", name_kk="Ахметова: газет", url="https://akzhar.kz/"
        ),
    )
    partner_news = media.partner_news_add(
        actor=district_admin,
        partner=partner,
        data=media.PartnerNewsData(
            title="Ахметова: мост",
            title_kk="Ахметова: көпір",
            url="https://akzhar.kz/most",
            on_date=dt.date(2026, 12, 7),
        ),
    )
    news_photo = media.photo_add(
        actor=chair_a, item=news, upload=jpeg_upload(size=SMALL), caption="Ахметова на субботнике"
    )
    # Primary A's segment of pensioners and a held meeting with a resident's question.
    from pervichka.outreach import services as outreach
    from pervichka.outreach.models import Meeting, Segment

    segment = outreach.segment_save(
        actor=chair_a,
        segment=Segment(unit=tree.primary_a, name="Ахметова: пенсионеры", categories=["pensioner"]),
    )
    meeting = outreach.meeting_save(
        actor=chair_a,
        meeting=Meeting(
            unit=tree.primary_a,
            kind="meeting",
            topic="Ахметова: встреча",
            settlement=tree.village,
            held_on=dt.date(2026, 12, 1),
            people_reached=10,
        ),
    )
    question = outreach.question_add(
        actor=chair_a,
        meeting=meeting,
        text="Ахметова спрашивает о дороге",
        surname="Ахметова",
        name="Айгерим",
        consent=True,
    )
    # Primary A's mailing to that segment, a draft.
    from pervichka.outreach import mailings
    from pervichka.outreach.models import Mailing

    mailing = mailings.mailing_save(
        actor=chair_a,
        mailing=Mailing(
            unit=tree.primary_a,
            segment=segment,
            channel="sms",
            title="Ахметова: рассылка",
            text_ru="Ахметова приглашает",
        ),
    )
    return {
        "mailing": mailing,
        "segment": segment,
        "meeting": meeting,
        "question": question,
        "news": news,
        "kit": kit,
        "partner": partner,
        "partner_news": partner_news,
        "news_photo": news_photo,
        "methodology": methodology,
        "rating": rating_run,
        "rating_score": rating_score,
        "objection": objection,
        "audit_item": audit_item,
        "transfer": transfer,
        "consent": consent,
        "breach": breach,
        "deputy": deputy,
        "promise": promise,
        "evidence": evidence,
        "cohort": cohort,
        "session": session,
        "enrolment": enrolment,
        "event": event,
        "photo": photo,
        "planting": planting,
        "idea": idea,
        "young": young,
        "case": case,
        "payment": payment,
        "spending": spending,
        "statement": statement,
        "tree": tree,
        "member": member_a,
        "job": job,
        "position": position,
        "token": token,
        "appeal": appeal,
        "attachment": attachment,
        "office": office,
        "reception": reception,
    }


def unchanged(cast):
    cast["member"].refresh_from_db()
    assert cast["member"].person.surname == "Ахметова"
    assert cast["member"].status == "active"
    cast["appeal"].refresh_from_db()
    assert cast["appeal"].status == "assigned"
    cast["payment"].refresh_from_db()
    assert not cast["payment"].is_reversed
    cast["spending"].refresh_from_db()
    assert cast["spending"].status == "requested"
    assert not cast["case"].notes.exists()
    cast["event"].refresh_from_db()
    assert cast["event"].status == "held"
    cast["audit_item"].refresh_from_db()
    assert cast["audit_item"].status == "pending"
    assert cast["event"].participants.count() == 1
    assert not cast["planting"].checks.exists()
    cast["idea"].refresh_from_db()
    assert cast["idea"].status == "published"
    assert not cast["idea"].scores.exists()
    cast["promise"].refresh_from_db()
    assert cast["promise"].status == "in_progress"
    assert cast["promise"].updates.count() == 1
    assert cast["cohort"].enrolments.count() == 1
    assert cast["cohort"].sessions.count() == 1
    cast["objection"].refresh_from_db()
    assert cast["objection"].status == "open"
    from pervichka.rating.models import RatingRun

    assert RatingRun.objects.count() == 1
    cast["transfer"].refresh_from_db()
    assert cast["transfer"].status == "pending"
    cast["consent"].refresh_from_db()
    assert cast["consent"].withdrawn_at is None
    cast["breach"].refresh_from_db()
    assert cast["breach"].status == "open"
    cast["member"].person.refresh_from_db()
    assert cast["member"].person.iin
    cast["segment"].refresh_from_db()
    assert cast["segment"].name == "Ахметова: пенсионеры"
    cast["meeting"].refresh_from_db()
    assert cast["meeting"].topic == "Ахметова: встреча"
    cast["mailing"].refresh_from_db()
    assert cast["mailing"].status == "draft"
    assert cast["mailing"].title == "Ахметова: рассылка"
    cast["question"].refresh_from_db()
    assert cast["question"].appeal_id is None
    assert cast["meeting"].questions.count() == 1
    from pervichka.outreach.models import Meeting as OutreachMeeting

    assert OutreachMeeting.objects.count() == 1
    cast["news"].refresh_from_db()
    assert cast["news"].status == "draft"
    assert cast["news"].title == "Ахметова: субботник"
    assert list(cast["kit"].posts.values_list("unit_id", flat=True)) == [cast["tree"].primary_a.pk]
    assert cast["news"].cover_people == ""
    cast["partner"].refresh_from_db()
    assert (cast["partner"].name, cast["partner"].is_active) == ("Ахметова: газета", True)
    assert list(cast["partner"].news.values_list("pk", flat=True)) == [cast["partner_news"].pk]
    cast["news_photo"].refresh_from_db()
    assert (cast["news_photo"].caption, cast["news_photo"].people) == ("Ахметова на субботнике", "")
    assert cast["news"].photos.count() == 1


@pytest.mark.parametrize("name", sorted(OBJECT_PAGES))
@pytest.mark.parametrize("method", ["get", "post"])
def test_outsider_gets_404_on_object_pages(cast, login, chair_b, chair_c, name, method):
    url = reverse(name, args=OBJECT_PAGES[name](cast))
    outsider = chair_c if name in PROGRAMME_PAGES else chair_b
    response = getattr(login(outsider), method)(url)
    assert response.status_code in (404, 405)
    if response.status_code == 405:
        assert method == "get"  # a POST-only URL; its POST is checked in the other case
    unchanged(cast)


@pytest.mark.parametrize("name", sorted(SCOPED_PAGES))
def test_outsider_finds_none_of_primary_a_in_scoped_pages(cast, login, chair_b, chair_c, name):
    # The lookup is asked for A's member by IIN; other pages need no parameters.
    params = {"iin": cast["member"].person.iin} if name == "appeals:person_lookup" else {}
    outsider = chair_c if name in PROGRAMME_PAGES else chair_b
    response = login(outsider).get(reverse(name, args=SCOPED_ARGS.get(name, [])), params)
    assert response.status_code in (200, 404)
    assert "Ахметова".encode() not in response.content
    # The IIN as lists show it (masked) and whole; its last four digits alone are any number
    # a page may hold (a sum, a year: "1200" once failed this on an events page).
    iin = cast["member"].person.iin
    assert mask_iin(iin).encode() not in response.content
    assert iin.encode() not in response.content
    assert cast["appeal"].number.encode() not in response.content


def api_operations():
    spec = api.get_openapi_schema()
    return sorted((path, method) for path, ops in spec["paths"].items() for method in ops)


API_OBJECT_OPERATIONS = {
    "/api/v1/org-units/{unit_id}": lambda c: {"unit_id": c["tree"].primary_a.pk},
    "/api/v1/persons/{person_id}": lambda c: {"person_id": c["member"].person_id},
    "/api/v1/persons/{person_id}/consents": lambda c: {"person_id": c["member"].person_id},
    "/api/v1/memberships/{membership_id}": lambda c: {"membership_id": c["member"].pk},
    "/api/v1/memberships/{membership_id}/archive": lambda c: {"membership_id": c["member"].pk},
    "/api/v1/appeals/{appeal_id}": lambda c: {"appeal_id": c["appeal"].pk},
    "/api/v1/appeals/{appeal_id}/transitions": lambda c: {"appeal_id": c["appeal"].pk},
    "/api/v1/dues/payments/{payment_id}/reverse": lambda c: {"payment_id": c["payment"].pk},
    "/api/v1/dues/spending/{spending_id}": lambda c: {"spending_id": c["spending"].pk},
    "/api/v1/dues/spending/{spending_id}/{decision}": lambda c: {
        "spending_id": c["spending"].pk,
        "decision": "approve",
    },
    "/api/v1/youth/people/{young_person_id}": lambda c: {"young_person_id": c["young"].pk},
    "/api/v1/youth/people/{young_person_id}/eligibility": lambda c: {
        "young_person_id": c["young"].pk
    },
    "/api/v1/youth/people/{young_person_id}/cases": lambda c: {"young_person_id": c["young"].pk},
    "/api/v1/youth/cases/{case_id}": lambda c: {"case_id": c["case"].pk},
    "/api/v1/youth/cases/{case_id}/referrals": lambda c: {"case_id": c["case"].pk},
    "/api/v1/youth/cases/{case_id}/placements": lambda c: {"case_id": c["case"].pk},
    "/api/v1/youth/cases/{case_id}/referrals/{referral_id}/move": lambda c: {
        "case_id": c["case"].pk,
        "referral_id": 1,
    },
    "/api/v1/youth/cases/{case_id}/close": lambda c: {"case_id": c["case"].pk},
    "/api/v1/youth/cases/{case_id}/placements/{placement_id}/check": lambda c: {
        "case_id": c["case"].pk,
        "placement_id": 1,
    },
    "/api/v1/projects/{code}/progress/{unit_id}": lambda c: {
        "code": "tazalike",
        "unit_id": c["tree"].primary_a.pk,
    },
    "/api/v1/projects/events/{event_id}": lambda c: {"event_id": c["event"].pk},
    "/api/v1/projects/events/{event_id}/status": lambda c: {"event_id": c["event"].pk},
    "/api/v1/projects/events/{event_id}/participants": lambda c: {"event_id": c["event"].pk},
    "/api/v1/projects/events/{event_id}/spending": lambda c: {"event_id": c["event"].pk},
    "/api/v1/projects/plantings/{planting_id}/checks": lambda c: {"planting_id": c["planting"].pk},
    "/api/v1/projects/ideas/{idea_id}/moderation": lambda c: {"idea_id": c["idea"].pk},
    "/api/v1/projects/ideas/{idea_id}/scores": lambda c: {"idea_id": c["idea"].pk},
    "/api/v1/projects/contests/{contest_id}/ranking": lambda c: {
        "contest_id": c["idea"].contest_id
    },
    "/api/v1/projects/{code}/participations": lambda c: {"code": "socium"},
    "/api/v1/projects/{code}/participations/{primary_id}/leave": lambda c: {
        "code": "tazalike",
        "primary_id": c["tree"].primary_a.pk,
    },
    "/api/v1/deputies/{deputy_id}": lambda c: {"deputy_id": c["deputy"].pk},
    "/api/v1/deputies/{deputy_id}/figures": lambda c: {"deputy_id": c["deputy"].pk},
    "/api/v1/promises/{promise_id}": lambda c: {"promise_id": c["promise"].pk},
    "/api/v1/promises/{promise_id}/updates": lambda c: {"promise_id": c["promise"].pk},
    "/api/v1/training/cohorts/{cohort_id}": lambda c: {"cohort_id": c["cohort"].pk},
    "/api/v1/training/cohorts/{cohort_id}/enrolments": lambda c: {"cohort_id": c["cohort"].pk},
    "/api/v1/training/cohorts/{cohort_id}/enrolments/{enrolment_id}/assessment": lambda c: {
        "cohort_id": c["cohort"].pk,
        "enrolment_id": c["enrolment"].pk,
    },
    "/api/v1/training/coverage/{unit_id}": lambda c: {"unit_id": c["tree"].district.pk},
    "/api/v1/rating/methodologies/{methodology_id}": lambda c: {
        "methodology_id": c["methodology"].pk
    },
    "/api/v1/rating/runs/{run_id}": lambda c: {"run_id": c["rating"].pk},
    "/api/v1/rating/scores/{score_id}": lambda c: {"score_id": c["rating_score"].pk},
    "/api/v1/media/news/{news_id}": lambda c: {"news_id": c["news"].pk},
    "/api/v1/media/news/{news_id}/actions": lambda c: {"news_id": c["news"].pk},
    "/api/v1/outreach/persons/{person_id}/categories": lambda c: {
        "person_id": c["member"].person_id
    },
    "/api/v1/outreach/segments/{segment_id}": lambda c: {"segment_id": c["segment"].pk},
    "/api/v1/outreach/segments/{segment_id}/count": lambda c: {"segment_id": c["segment"].pk},
    "/api/v1/outreach/segments/{segment_id}/sample": lambda c: {"segment_id": c["segment"].pk},
    "/api/v1/outreach/meetings/{meeting_id}": lambda c: {"meeting_id": c["meeting"].pk},
    "/api/v1/outreach/meetings/{meeting_id}/questions": lambda c: {"meeting_id": c["meeting"].pk},
}
API_BODIES = {
    "/api/v1/persons/{person_id}": {"surname": "Взлом"},
    "/api/v1/memberships/{membership_id}": {"card_number": "X"},
    "/api/v1/memberships/{membership_id}/archive": {"left": "2025-01-01", "reason": "moved"},
    "/api/v1/org-units/{unit_id}": {"name": "Взлом"},
    "/api/v1/appeals/{appeal_id}/transitions": {"action": "start"},
    "/api/v1/dues/payments/{payment_id}/reverse": {"reason": "взлом"},
    "/api/v1/dues/spending/{spending_id}/{decision}": {"reason": ""},
    "/api/v1/youth/people/{young_person_id}/cases": {"needs": ["employment"]},
    "/api/v1/youth/cases/{case_id}/referrals": {"measure_id": 1},
    "/api/v1/youth/cases/{case_id}/placements": {
        "kind": "work",
        "started_on": "2026-01-01",
        "organization": "x",
    },
    "/api/v1/youth/cases/{case_id}/referrals/{referral_id}/move": {"to": "accepted"},
    "/api/v1/youth/cases/{case_id}/close": {"reason": "placed"},
    "/api/v1/youth/cases/{case_id}/placements/{placement_id}/check": {
        "months": 3,
        "lasted": True,
    },
    "/api/v1/projects/events/{event_id}/status": {"status": "cancelled"},
    "/api/v1/projects/events/{event_id}/participants": {
        "person_id": 1,
        "role": "volunteer",
        "hours": "1",
    },
    "/api/v1/projects/events/{event_id}/spending": {"spending_id": 1},
    "/api/v1/projects/plantings/{planting_id}/checks": {"checked_on": "2026-06-01", "alive": 1},
    "/api/v1/projects/ideas/{idea_id}/moderation": {"to": "rejected", "reason": "взлом"},
    "/api/v1/projects/ideas/{idea_id}/scores": {"scores": {"1": 1}},
    # A primary the outsider cannot see (tests/projects checks primary A's own id).
    "/api/v1/projects/{code}/participations": {"primary_id": 2_000_000_000},
    "/api/v1/promises/{promise_id}/updates": {
        "status": "not_done",
        "date": "2026-02-01",
        "text": "взлом",
        "reason": "взлом",
    },
    "/api/v1/training/cohorts/{cohort_id}/enrolments": {"person_id": 1},
    "/api/v1/training/cohorts/{cohort_id}/enrolments/{enrolment_id}/assessment": {"score": 1},
    "/api/v1/media/news/{news_id}": {"title": "Взлом"},
    "/api/v1/media/news/{news_id}/actions": {"action": "submit"},
    "/api/v1/outreach/meetings/{meeting_id}/questions": {"text": "Ахметова: взлом"},
}
API_LISTS = {
    ("/api/v1/org-units", "get"), ("/api/v1/org-units/tree", "get"),
    ("/api/v1/persons", "get"), ("/api/v1/memberships", "get"), ("/api/v1/appeals", "get"),
    ("/api/v1/dues/payments", "get"), ("/api/v1/dues/ledger", "get"),
    ("/api/v1/dues/funds", "get"), ("/api/v1/dues/spending", "get"),
    ("/api/v1/youth/people", "get"), ("/api/v1/youth/cases", "get"),
    ("/api/v1/projects", "get"), ("/api/v1/projects/events", "get"),
    ("/api/v1/projects/plantings", "get"), ("/api/v1/projects/volunteers", "get"),
    ("/api/v1/projects/ideas", "get"),
    ("/api/v1/deputies", "get"), ("/api/v1/promises", "get"),
    ("/api/v1/training/courses", "get"), ("/api/v1/training/cohorts", "get"),
    ("/api/v1/rating/methodologies", "get"), ("/api/v1/rating/runs", "get"),
    ("/api/v1/media/news", "get"), ("/api/v1/media/queue", "get"),
    ("/api/v1/outreach/segments", "get"), ("/api/v1/outreach/meetings", "get"),
}  # fmt: skip
# Creation: the outsider names primary A (or a unit above it) as the place to create in.
API_CREATES = {
    "/api/v1/org-units": lambda c: {"parent_id": c["tree"].primary_a.pk, "name": "X"},
    "/api/v1/persons": lambda c: {
        "unit_id": c["tree"].primary_a.pk,
        "surname": "X",
        "name": "Y",
        "consent_method": "paper",
    },
    "/api/v1/memberships": lambda c: {
        "primary_id": c["tree"].primary_a.pk,
        "joined": "2025-01-01",
        "person": {"iin": "900101300126", "surname": "X", "name": "Y", "consent_method": "paper"},
    },
    "/api/v1/appeals": lambda c: {
        "district_id": c["tree"].district.pk,
        "channel": "phone",
        "category_id": c["appeal"].category_id,
        "text": "x",
        "citizen": {"surname": "X", "name": "Y", "consent_method": "paper"},
    },
    "/api/v1/dues/payments": lambda c: {
        "membership_id": c["member"].pk,
        "months": ["2026-03-01"],
        "method": "cash",
        "paid_on": "2026-03-01",
        "receipt_number": "X",
    },
    "/api/v1/dues/spending": lambda c: {
        "primary_id": c["tree"].primary_a.pk,
        "amount": "1",
        "purpose": "x",
    },
    "/api/v1/youth/people": lambda c: {
        "primary_id": c["tree"].primary_a.pk,
        "surname": "X",
        "name": "Y",
        "birth_date": "2004-01-01",
        "consent_method": "paper",
    },
    "/api/v1/projects/events": lambda c: {
        "project": "socium",
        "primary_id": c["tree"].primary_a.pk,
        "title": "X",
        "date": "2026-01-01",
    },
    "/api/v1/promises": lambda c: {
        "district_id": c["tree"].district.pk,
        "number": 99,
        "text": "x",
        "theme": "roads",
        "due_date": "2027-01-01",
    },
    "/api/v1/outreach/meetings": lambda c: {
        "unit_id": c["tree"].primary_a.pk,
        "kind": "visit",
        "topic": "Ахметова: взлом",
        "settlement_id": c["tree"].village.pk,
        "planned_for": "2026-12-20",
    },
    "/api/v1/projects/plantings": lambda c: {
        "primary_id": c["tree"].primary_a.pk,
        "planted_on": "2026-05-01",
        "settlement_id": c["tree"].village.pk,
        "species": "x",
        "count": 1,
        "site_kind": "yard",
        "planted_by": "x",
    },
    "/api/v1/media/news": lambda c: {
        "unit_id": c["tree"].primary_a.pk,
        "title": "X",
        "title_kk": "X",
        "lead": "x",
        "lead_kk": "x",
        "body": "x",
        "body_kk": "x",
    },
}
# Public operations: no login; they show no personal data (tests/appeals/test_public.py).
API_PUBLIC = {
    ("/api/v1/public/appeals", "post"), ("/api/v1/public/appeals/{code}", "get"),
    ("/api/v1/public/ideas", "post"), ("/api/v1/public/ideas/{code}", "get"),
    ("/api/v1/public/ideas/{code}/vote-code", "post"), ("/api/v1/public/ideas/votes", "post"),
    ("/api/v1/public/promises", "get"), ("/api/v1/public/promises/totals", "get"),
    ("/api/v1/public/promises/{promise_id}", "get"), ("/api/v1/public/certificates/{code}", "get"),
    ("/api/v1/public/news", "get"), ("/api/v1/public/news/{news_id}", "get"),
}  # fmt: skip


def test_every_api_operation_has_an_access_rule():
    listed = (
        {(p, m) for p in API_OBJECT_OPERATIONS for m in ("get", "patch", "post", "put")}
        | API_LISTS
        | API_PUBLIC
        | {(p, "post") for p in API_CREATES}
    )
    unlisted = [op for op in api_operations() if op not in listed]
    assert not unlisted, f"add these operations to tests/test_authorization.py: {unlisted}"


@pytest.mark.parametrize(("path", "method"), sorted(set(api_operations()) - API_PUBLIC))
def test_outsider_gets_404_or_nothing_from_every_api_operation(
    cast, login, chair_b, chair_c, path, method
):
    client = login(chair_c if (path, method) in PROGRAMME_API else chair_b)
    if path in API_OBJECT_OPERATIONS:
        url = path.format(**API_OBJECT_OPERATIONS[path](cast))
        response = getattr(client, method)(
            url, API_BODIES.get(path, {}), content_type="application/json"
        )
        assert response.status_code == 404
    elif (path, method) in API_LISTS:
        response = client.get(path)
        assert response.status_code == 200
        text = json.dumps(response.json(), ensure_ascii=False)
        assert "Ахметова" not in text
        assert "ППО Талшик" not in text
        assert cast["appeal"].number not in text
    else:
        response = client.post(path, API_CREATES[path](cast), content_type="application/json")
        assert response.status_code == 404
    unchanged(cast)


def test_public_tracking_of_primary_a_appeal_shows_no_personal_data(cast, client):
    body = client.get(f"/api/v1/public/appeals/{cast['appeal'].tracking_code}").json()
    text = json.dumps(body, ensure_ascii=False)
    assert body["number"] == cast["appeal"].number
    assert "Ахметова" not in text
    assert "дорогу" not in text
