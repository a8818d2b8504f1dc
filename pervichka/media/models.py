"""News of the primaries and the district, and the social-network work of each unit.

A news item belongs to a unit (a primary, or the district for its own official items) and is
scoped by that unit's path. Its text is sanitised and its cover re-encoded by the services
before it is stored (`media.sanitize`), so nothing stored needs cleaning when shown."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pervichka.core.i18n import pick_name
from pervichka.core.scoping import ScopedQuerySet
from pervichka.media.enums import NewsStatus, PhotoPeople, Platform


class NewsItem(models.Model):
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="news_items",
        verbose_name=_("organization"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    title = models.CharField(_("title (Russian)"), max_length=200)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    lead = models.CharField(_("lead (Russian)"), max_length=400)
    lead_kk = models.CharField(_("lead (Kazakh)"), max_length=400)
    lead_en = models.CharField(_("lead (English)"), max_length=400, blank=True)
    # Sanitised HTML (media.sanitize.clean_html): only the allowed tags are ever stored.
    body = models.TextField(_("text (Russian)"))
    body_kk = models.TextField(_("text (Kazakh)"))
    body_en = models.TextField(_("text (English)"), blank=True)
    # The cover, re-encoded without metadata, and its renditions (media.sanitize).
    cover = models.FileField(_("cover image"), upload_to="news/%Y/%m/", max_length=255, blank=True)
    cover_medium = models.FileField(upload_to="news/%Y/%m/", max_length=255, blank=True)
    cover_thumb = models.FileField(upload_to="news/%Y/%m/", max_length=255, blank=True)
    # The author's statement about the people in the cover (empty: not stated yet), the
    # persons it names, and when it was taken down because one of them withdrew consent.
    cover_people = models.CharField(
        _("people in the cover"), max_length=10, choices=PhotoPeople.choices, blank=True
    )
    cover_persons = models.ManyToManyField(
        "people.Person", blank=True, related_name="+", verbose_name=_("persons in the cover")
    )
    cover_taken_down_at = models.DateTimeField(_("cover taken down"), null=True, blank=True)
    projects = models.ManyToManyField(
        "projects.Project", blank=True, related_name="news_items", verbose_name=_("projects")
    )
    event = models.ForeignKey(
        "projects.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news_items",
        verbose_name=_("event"),
    )
    # A link to any other page of the branch (a promise, a field reception): generic, so that
    # media needs no link to those apps.
    related_url = models.URLField(_("related link"), blank=True, max_length=500)
    status = models.CharField(
        _("status"), max_length=12, choices=NewsStatus.choices, default=NewsStatus.DRAFT
    )
    status_note = models.TextField(_("moderator's note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    due_on = models.DateField(_("moderation due"), null=True, blank=True)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    # The API's Idempotency-Key of the request that created the draft: a retry gets it back.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    history = HistoricalRecords(excluded_fields=["idempotency_key"])

    scope_path = "unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "published_at"], name="news_status_published")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="news_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        return pick_name(self.title, self.title_kk, self.title_en)

    @property
    def display_lead(self) -> str:
        return pick_name(self.lead, self.lead_kk, self.lead_en)

    @property
    def display_body(self) -> str:
        return pick_name(self.body, self.body_kk, self.body_en)

    @property
    def cover_shown(self) -> bool:
        """A cover readers may see: there is one, the author said who is in it (a cover
        replaced on a published item waits for its statement) and it was not taken down."""
        return bool(self.cover) and bool(self.cover_people) and self.cover_taken_down_at is None


class NewsPhoto(models.Model):
    """A photo of a news item's gallery: re-encoded without metadata into the same
    renditions as the cover (`media.sanitize.image_renditions`), with a caption, a place in
    the order, and the author's statement about the people in it. A photo showing a person
    who withdrew consent is taken down (hidden everywhere), not deleted."""

    news_item = models.ForeignKey(
        NewsItem, on_delete=models.CASCADE, related_name="photos", verbose_name=_("news item")
    )
    position = models.PositiveSmallIntegerField(_("place in the gallery"), default=0)
    caption = models.CharField(_("caption (Russian)"), max_length=300, blank=True)
    caption_kk = models.CharField(_("caption (Kazakh)"), max_length=300, blank=True)
    image = models.FileField(upload_to="news/%Y/%m/", max_length=255)
    image_medium = models.FileField(upload_to="news/%Y/%m/", max_length=255)
    image_thumb = models.FileField(upload_to="news/%Y/%m/", max_length=255)
    people = models.CharField(
        _("people in the photo"), max_length=10, choices=PhotoPeople.choices, blank=True
    )
    persons = models.ManyToManyField(
        "people.Person", blank=True, related_name="+", verbose_name=_("persons in the photo")
    )
    taken_down_at = models.DateTimeField(_("taken down"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "news_item__unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.caption or f"{self.news_item_id}/{self.pk}"

    @property
    def display_caption(self) -> str:
        return pick_name(self.caption, self.caption_kk, "")


class SocialAccount(models.Model):
    """An account of a primary or the district on a social network."""

    unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="social_accounts",
        verbose_name=_("organization"),
    )
    platform = models.CharField(_("platform"), max_length=12, choices=Platform.choices)
    url = models.URLField(_("address"), max_length=300)

    scope_path = "unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("social account")
        verbose_name_plural = _("social accounts")
        ordering = ["platform", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "url"], name="social_account_unit_url")
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()}: {self.url}"


class MessageKit(models.Model):
    """The district's message of the week: a text in Russian and Kazakh, a picture and the
    hashtags it suggests, which its primaries post in their own accounts. A primary's use of
    it is a post of the post log tied to the kit (`SocialPost.kit`)."""

    district = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="message_kits",
        verbose_name=_("district"),
    )
    # The Monday of the week the message is for: one message a week per district.
    week = models.DateField(_("week"))
    title = models.CharField(_("topic"), max_length=200)
    text = models.TextField(_("text (Russian)"), max_length=5000)
    text_kk = models.TextField(_("text (Kazakh)"), max_length=5000)
    hashtags = models.CharField(_("suggested hashtags"), max_length=300, blank=True)
    # Re-encoded without metadata (media.sanitize.image_renditions), like a news cover.
    picture = models.FileField(_("picture"), upload_to="kits/%Y/%m/", max_length=255, blank=True)
    picture_thumb = models.FileField(upload_to="kits/%Y/%m/", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    scope_path = "district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("message of the week")
        verbose_name_plural = _("messages of the week")
        ordering = ["-week", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["district", "week"], name="message_kit_district_week")
        ]

    def __str__(self) -> str:
        return self.title


class SocialPost(models.Model):
    """A post made on a social network, with its reach after 24 hours and after 7 days."""

    unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="social_posts",
        verbose_name=_("organization"),
    )
    platform = models.CharField(_("platform"), max_length=12, choices=Platform.choices)
    # Normalised (scheme, host and path, no query or fragment): unique, so a post is logged once.
    url = models.URLField(_("link to the post"), max_length=500, unique=True)
    posted_on = models.DateField(_("posted on"))
    news_item = models.ForeignKey(
        NewsItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
        verbose_name=_("news item"),
    )
    # Set when the post carries the district's message of the week: the kit's pick-up.
    kit = models.ForeignKey(
        MessageKit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posts",
        verbose_name=_("message of the week"),
    )
    reach_24h = models.PositiveIntegerField(_("reach after 24 hours"), null=True, blank=True)
    reach_7d = models.PositiveIntegerField(_("reach after 7 days"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    scope_path = "unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("social post")
        verbose_name_plural = _("social posts")
        ordering = ["-posted_on", "-pk"]

    def __str__(self) -> str:
        return self.url


class TelegramPost(models.Model):
    """One sending of a published news item to a Telegram channel through the Bot API, with
    its result: the message's link, or the last error (retried by `media.telegram_retry`)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    news_item = models.ForeignKey(
        NewsItem,
        on_delete=models.CASCADE,
        related_name="telegram_posts",
        verbose_name=_("news item"),
    )
    chat = models.CharField(_("channel"), max_length=100)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    message_link = models.URLField(blank=True, max_length=300)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    scope_path = "news_item__unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("Telegram post")
        verbose_name_plural = _("Telegram posts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["news_item", "chat"], name="telegram_post_item_chat")
        ]

    def __str__(self) -> str:
        return f"{self.chat}: {self.news_item_id}"


class ExchangeRate(models.Model):
    """The National Bank of Kazakhstan's official rate of a currency on a date: tenge for
    `quant` units, as the bank publishes it."""

    on_date = models.DateField(_("date"))
    currency = models.CharField(_("currency"), max_length=3)
    rate = models.DecimalField(_("rate"), max_digits=12, decimal_places=4)
    quant = models.PositiveIntegerField(default=1)
    fetched_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["-on_date", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["on_date", "currency"], name="rate_date_currency")
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.rate} ({self.on_date})"


class Partner(models.Model):
    """A partner of the district (a newspaper, a akimat's site, a fund): a link the portal
    shows in its Partners block, in the district's order. Deactivated, not deleted."""

    district = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="media_partners",
        verbose_name=_("district"),
    )
    name = models.CharField(_("name (Russian)"), max_length=200)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    # http(s) only (media.services.partner_url): a javascript: link never reaches a page.
    url = models.URLField(_("link"), max_length=500)
    position = models.PositiveSmallIntegerField(_("order on the portal"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    scope_path = "district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["district", "position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return pick_name(self.name, self.name_kk)


class PartnerNews(models.Model):
    """A news item of a partner: a title and a link to the partner's own page, shown on the
    portal from its date until `shown_until`."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="news", verbose_name=_("partner")
    )
    title = models.CharField(_("title (Russian)"), max_length=300)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300)
    url = models.URLField(_("link"), max_length=500)
    on_date = models.DateField(_("date"))
    shown_until = models.DateField(_("shown until"))
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "partner__district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner news")
        verbose_name_plural = _("partner news")
        ordering = ["-on_date", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        return pick_name(self.title, self.title_kk)
