from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pervichka.core import dates
from pervichka.core.dates import SaneDateField
from pervichka.core.forms import BootstrapMixin, DateInput
from pervichka.core.money import AmountField
from pervichka.core.roles import Perm
from pervichka.dues.enums import SpendingStatus
from pervichka.dues.selectors import spending_visible
from pervichka.orgs.selectors import primaries_for, settlements_for
from pervichka.people.enums import ConsentMethod
from pervichka.people.forms import PersonFieldsMixin
from pervichka.projects.enums import EventStatus, ParticipantRole, ProjectKpi
from pervichka.projects.selectors import projects_with_events
from pervichka.projects.services import EventData

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
    date = SaneDateField(kind=dates.EVENT, label=_("Date"), widget=DateInput())
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
        self.fields["project"].queryset = projects_with_events()
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
    amount = AmountField(label=_("Amount, ₸"))
    purpose = forms.CharField(label=_("What the money is for"), max_length=500)


class LinkSpendingForm(BootstrapMixin, forms.Form):
    spending = forms.ModelChoiceField(label=_("Spending request of the primary"), queryset=None)

    def __init__(self, *args, event, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Read through dues' scoped selector: the link needs the right to see the fund.
        self.fields["spending"].queryset = spending_visible(user).filter(
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


class TargetForm(BootstrapMixin, forms.Form):
    kpi = forms.ChoiceField(label=_("Indicator"), choices=ProjectKpi.choices)
    target = forms.DecimalField(label=_("Target"), min_value=0, max_digits=14, decimal_places=2)

    def __init__(self, *args, kpis=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kpis is not None:  # only the project's own indicators (no trees for a contest)
            self.fields["kpi"].choices = [(k, ProjectKpi(k).label) for k in kpis]
