from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pervichka.core.forms import BootstrapMixin, DateInput
from pervichka.core.roles import Perm
from pervichka.orgs.models import Settlement
from pervichka.orgs.selectors import primaries_for, settlements_for
from pervichka.people.enums import ConsentMethod
from pervichka.people.forms import PersonFieldsMixin
from pervichka.projects.enums import (
    EventStatus,
    IdeaStatus,
    ParticipantRole,
    ProjectKind,
    ProjectKpi,
    SiteKind,
)
from pervichka.projects.models import Project
from pervichka.projects.services import EventData, PlantingData

COORD_ATTRS = {"inputmode": "decimal", "step": "0.000001"}


class CoordinatesMixin(forms.Form):
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        widget=forms.NumberInput(attrs={**COORD_ATTRS, "placeholder": "54.213"}),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        widget=forms.NumberInput(attrs={**COORD_ATTRS, "placeholder": "69.372"}),
        help_text=_("From a phone's map: press and hold the place, copy the two numbers."),
    )


class EventForm(BootstrapMixin, CoordinatesMixin):
    project = forms.ModelChoiceField(label=_("Project"), queryset=None)
    primary = forms.ModelChoiceField(label=_("Primary organization"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=255)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    settlement = forms.ModelChoiceField(label=_("Settlement"), queryset=None, required=False)
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    description = forms.CharField(
        label=_("What is planned"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    results = forms.CharField(
        label=_("Results"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What came of it: what was done, for how many people."),
    )

    field_order = ["project", "primary", "title", "date", "settlement", "place"]

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(is_active=True).exclude(
            kind=ProjectKind.CONTEST
        )
        self.fields["primary"].queryset = primaries_for(user, perm=Perm.PROJECTS_MANAGE)
        self.fields["settlement"].queryset = settlements_for(user, perm=Perm.PROJECTS_MANAGE)
        if editing:
            del self.fields["project"]
            del self.fields["primary"]
        else:
            self.fields["date"].initial = timezone.localdate()

    def event_data(self) -> EventData:
        d = self.cleaned_data
        return EventData(
            title=d["title"],
            date=d["date"],
            settlement=d.get("settlement"),
            place=d.get("place", ""),
            latitude=d.get("latitude"),
            longitude=d.get("longitude"),
            description=d.get("description", ""),
            results=d.get("results", ""),
        )


class EventStatusForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=EventStatus.choices)
    results = forms.CharField(
        label=_("Results"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ParticipantForm(BootstrapMixin, PersonFieldsMixin):
    """A participant: found by IIN when known, else registered with their consent."""

    role = forms.ChoiceField(
        label=_("Role"), choices=ParticipantRole.choices, initial=ParticipantRole.VOLUNTEER
    )
    hours = forms.DecimalField(
        label=_("Hours"), min_value=0, max_value=24, decimal_places=1, initial=0
    )
    consent_method = forms.ChoiceField(
        label=_("Consent to the processing of personal data"),
        choices=[("", _("— already on record —"))]
        + [c for c in ConsentMethod.choices if c[0] != ConsentMethod.IMPORTED],
        required=False,
    )

    field_order = ["iin", "surname", "name", "patronymic", "phone", "role", "hours"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["email"]


class FundsForm(BootstrapMixin, forms.Form):
    amount = forms.DecimalField(label=_("Amount, ₸"), min_value=1, max_digits=14, decimal_places=2)
    purpose = forms.CharField(label=_("What the money is for"), max_length=500)


class LinkSpendingForm(BootstrapMixin, forms.Form):
    spending = forms.ModelChoiceField(label=_("Spending request of the primary"), queryset=None)

    def __init__(self, *args, event, **kwargs):
        from pervichka.dues.enums import SpendingStatus
        from pervichka.dues.models import SpendingRequest

        super().__init__(*args, **kwargs)
        self.fields["spending"].queryset = SpendingRequest.objects.filter(
            primary=event.primary,
            status__in=[SpendingStatus.REQUESTED, SpendingStatus.APPROVED],
            event__isnull=True,
        )


class PhotoForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("Photo (JPG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png"}),
    )
    caption = forms.CharField(label=_("Caption"), max_length=255, required=False)


class PlantingForm(BootstrapMixin, CoordinatesMixin):
    primary = forms.ModelChoiceField(label=_("Primary organization"), queryset=None)
    planted_on = forms.DateField(label=_("Planted on"), widget=DateInput())
    settlement = forms.ModelChoiceField(label=_("Settlement"), queryset=None)
    site_kind = forms.ChoiceField(label=_("Kind of site"), choices=SiteKind.choices)
    species = forms.CharField(
        label=_("Species"),
        max_length=120,
        widget=forms.TextInput(attrs={"list": "species-list"}),
    )
    count = forms.IntegerField(label=_("Number planted"), min_value=1, max_value=100000)
    planted_by = forms.CharField(label=_("Who planted"), max_length=255)
    event = forms.ModelChoiceField(label=_("At the event"), queryset=None, required=False)

    field_order = ["primary", "planted_on", "settlement", "site_kind", "species", "count"]

    def __init__(self, *args, user, project, **kwargs):
        from pervichka.projects.selectors import events_visible

        super().__init__(*args, **kwargs)
        self.fields["primary"].queryset = primaries_for(user, perm=Perm.PROJECTS_MANAGE)
        self.fields["settlement"].queryset = settlements_for(user, perm=Perm.PROJECTS_MANAGE)
        self.fields["event"].queryset = events_visible(user, perm=Perm.PROJECTS_MANAGE).filter(
            project=project
        )[:200]
        self.fields["planted_on"].initial = timezone.localdate()

    def planting_data(self) -> PlantingData:
        d = self.cleaned_data
        return PlantingData(
            planted_on=d["planted_on"],
            settlement=d["settlement"],
            species=d["species"],
            count=d["count"],
            site_kind=d["site_kind"],
            planted_by=d["planted_by"],
            latitude=d.get("latitude"),
            longitude=d.get("longitude"),
            event=d.get("event"),
        )


class SurvivalCheckForm(BootstrapMixin, forms.Form):
    checked_on = forms.DateField(label=_("Checked on"), widget=DateInput())
    alive = forms.IntegerField(label=_("Alive"), min_value=0)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checked_on"].initial = timezone.localdate()


class TargetForm(BootstrapMixin, forms.Form):
    kpi = forms.ChoiceField(label=_("Indicator"), choices=ProjectKpi.choices)
    target = forms.DecimalField(label=_("Target"), min_value=0, max_digits=14, decimal_places=2)

    def __init__(self, *args, kpis=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kpis is not None:  # only the project's own indicators (no trees for a contest)
            self.fields["kpi"].choices = [(k, ProjectKpi(k).label) for k in kpis]


class ModerateForm(BootstrapMixin, forms.Form):
    to = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (IdeaStatus.PUBLISHED, IdeaStatus.PUBLISHED.label),
            (IdeaStatus.REJECTED, IdeaStatus.REJECTED.label),
            (IdeaStatus.MERGED, IdeaStatus.MERGED.label),
        ],
    )
    reason = forms.CharField(
        label=_("Reason (the author sees it)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    merge_into = forms.ModelChoiceField(label=_("Merge into"), queryset=None, required=False)

    def __init__(self, *args, idea, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merge_into"].queryset = idea.contest.ideas.filter(
            status=IdeaStatus.PUBLISHED
        ).exclude(pk=idea.pk)


class PublicIdeaForm(BootstrapMixin, PersonFieldsMixin):
    settlement = forms.ModelChoiceField(label=_("Your village or town"), queryset=None)
    title = forms.CharField(label=_("Title of the idea"), min_length=5, max_length=200)
    text = forms.CharField(
        label=_("The idea: what to do, for whom, what it needs"),
        min_length=30,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree to the processing of my personal data for the contest; my name and "
            "contacts are not published."
        ),
        error_messages={"required": _("Without your consent we cannot accept the idea.")},
    )
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput(), max_length=64)

    field_order = ["settlement", "title", "text", "surname", "name", "patronymic", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["settlement"].queryset = Settlement.objects.filter(
            is_active=True, district__is_active=True
        ).select_related("district")
        self.fields["phone"].required = True
        self.fields["phone"].help_text = _("We tell you by SMS when the idea is published.")
        del self.fields["iin"]
        self.fields["website"].widget.attrs["class"] = "form-control"

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class VotePhoneForm(BootstrapMixin, forms.Form):
    phone = forms.CharField(
        label=_("Your mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "placeholder": "+7 701 234 56 78"}),
        help_text=_("We send a code by SMS: one vote per phone number for each idea."),
    )


class VoteCodeForm(BootstrapMixin, forms.Form):
    token = forms.CharField(widget=forms.HiddenInput(), max_length=64)
    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        ),
    )
