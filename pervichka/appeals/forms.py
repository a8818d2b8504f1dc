from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pervichka.accounts.selectors import users_with_perm_in
from pervichka.appeals import selectors
from pervichka.appeals.enums import (
    DEFAULT_CATEGORIES,
    Channel,
    FieldReceptionStatus,
    Outcome,
    Satisfaction,
    Status,
)
from pervichka.appeals.models import Category, FieldReception, ReceptionOffice
from pervichka.appeals.services import Intake, PublicAppeal
from pervichka.core import dates
from pervichka.core.dates import SaneDateField
from pervichka.core.forms import (
    BootstrapMixin,
    DateInput,
    DateTimeInput,
    MultipleFileField,
)
from pervichka.core.i18n import pick_name
from pervichka.core.roles import Perm
from pervichka.orgs.models import Settlement
from pervichka.people.enums import ConsentMethod
from pervichka.people.forms import PersonFieldsMixin


class IntakeForm(BootstrapMixin, PersonFieldsMixin):
    """An operator registers an appeal brought by a citizen."""

    district = forms.ModelChoiceField(label=_("Branch"), queryset=None)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[c for c in Channel.choices if c[0] != Channel.WEB]
    )
    reception_office = forms.ModelChoiceField(
        label=_("Reception office"), queryset=None, required=False
    )
    field_reception = forms.ModelChoiceField(
        label=_("Field reception"), queryset=None, required=False
    )
    received_at = forms.DateTimeField(label=_("Received"), widget=DateTimeInput())
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    settlement = forms.ModelChoiceField(label=_("Settlement"), queryset=None, required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=None)
    text = forms.CharField(label=_("Text of the appeal"), widget=forms.Textarea(attrs={"rows": 6}))
    attachments = MultipleFileField(
        label=_("Files and photos"),
        help_text=_("JPG, PNG, PDF, Word, Excel; up to 5 files of 10 MB."),
    )
    consent_method = forms.ChoiceField(
        label=_("Consent to the processing of personal data"),
        choices=[("", _("— already on record —"))]
        + [c for c in ConsentMethod.choices if c[0] != ConsentMethod.IMPORTED],
        required=False,
    )
    confirm_duplicate = forms.BooleanField(
        label=_("This is a new appeal, not a duplicate of the similar ones shown"),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        districts = selectors.districts_for(user)
        self.fields["district"].queryset = districts
        district = self._district(districts)
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["reception_office"].queryset = (
            ReceptionOffice.objects.filter(is_active=True, unit__path__startswith=district.path)
            if district
            else ReceptionOffice.objects.none()
        )
        self.fields["field_reception"].queryset = (
            FieldReception.objects.filter(unit__path__startswith=district.path)
            .exclude(status=FieldReceptionStatus.CANCELLED)
            .select_related("settlement")
            if district
            else FieldReception.objects.none()
        )
        self.fields["settlement"].queryset = (
            Settlement.objects.filter(district=district, is_active=True)
            if district
            else Settlement.objects.none()
        )
        self.fields["category"].queryset = (
            selectors.categories_for(district) if district else Category.objects.none()
        )
        if districts.count() == 1:
            self.fields["district"].initial = district
            self.fields["district"].widget = forms.HiddenInput()

    def _district(self, districts):
        raw = self.data.get("district") if self.is_bound else None
        if raw:
            found = districts.filter(pk=raw).first() if str(raw).isdigit() else None
            if found:
                return found
        return districts.first()

    def intake(self) -> Intake:
        d = self.cleaned_data
        return Intake(
            channel=d["channel"],
            category=d["category"],
            text=d["text"],
            settlement=d.get("settlement"),
            reception_office=d.get("reception_office"),
            field_reception=d.get("field_reception"),
            received_at=d["received_at"],
            contact_phone=d.get("phone", ""),
            contact_email=d.get("email", ""),
        )


class PublicAppealForm(BootstrapMixin, PersonFieldsMixin):
    """The citizen's own form on the portal: few fields, consent, a honeypot."""

    settlement = forms.ModelChoiceField(label=_("Your village or town"), queryset=None)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    category = forms.ChoiceField(label=_("What is it about"))
    text = forms.CharField(
        label=_("Your appeal"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    photos = MultipleFileField(
        label=_("Photos or documents (optional)"), help_text=_("Up to 3 files: JPG, PNG or PDF.")
    )
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data to answer this appeal."),
        error_messages={"required": _("Without your consent we cannot register the appeal.")},
    )
    # Bots fill every field; people never see this one.
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput(), max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["settlement"].queryset = selectors.settlements_public()
        self.fields["phone"].required = True
        self.fields["phone"].help_text = _("We send the registration number and the answer here.")
        self.fields["iin"].help_text = _("Optional: helps us find your earlier appeals.")
        # No topic is chosen for the citizen: an untouched first choice misfiled appeals.
        self.fields["category"].choices = [
            ("", _("— choose the topic —")),
            *list(self._category_choices()),
        ]
        self.fields["settlement"].empty_label = _("— choose your village or town —")
        self.fields["website"].widget.attrs["class"] = "form-control"

    @staticmethod
    def _category_choices():
        return [(code, pick_name(ru, kk, en)) for code, ru, kk, en in DEFAULT_CATEGORIES]

    def public_appeal(self) -> PublicAppeal | None:
        """What the citizen sent, parsed; None when the form does not validate."""
        if not self.is_valid():
            return None
        d = self.cleaned_data
        return PublicAppeal(
            settlement=d["settlement"],
            category=d["category"],
            text=d["text"],
            person=self.person_data(""),
            consent=d["consent"],
        )


class AssignForm(BootstrapMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Organization"), queryset=None)
    person = forms.ModelChoiceField(
        label=_("Person (deputy, official)"), queryset=None, required=False
    )
    user = forms.ModelChoiceField(label=_("User who works on it"), queryset=None, required=False)
    reason = forms.CharField(label=_("Comment"), required=False, max_length=500)

    def __init__(self, *args, user, appeal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.units_for_assignment(user, appeal)
        self.fields["person"].queryset = selectors.officials_in(appeal.district)
        self.fields["user"].queryset = users_with_perm_in(Perm.APPEALS_MANAGE, appeal.district)


class ExtendForm(BootstrapMixin, forms.Form):
    until = SaneDateField(kind=dates.ANY, label=_("New deadline"), widget=DateInput())
    reason = forms.CharField(label=_("Reasoned decision"), widget=forms.Textarea(attrs={"rows": 2}))


class RedirectForm(BootstrapMixin, forms.Form):
    to = forms.CharField(label=_("Sent to (organization)"), max_length=255)
    reason = forms.CharField(
        label=_("Why it is outside the branch's competence"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnswerForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 5}))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    publish = forms.BooleanField(
        label=_("Show the answer on the tracking page"), required=False, initial=True
    )


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class RateForm(BootstrapMixin, forms.Form):
    satisfaction = forms.ChoiceField(label=_("The citizen is"), choices=Satisfaction.choices)


class CitizenRateForm(forms.Form):
    satisfaction = forms.ChoiceField(choices=Satisfaction.choices, widget=forms.RadioSelect)


class CitizenReopenForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("What is still not solved?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class TrackForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "placeholder": "XXXX-XXXX-XXXX",
                "autocapitalize": "characters",
            }
        ),
    )


class AppealFilterForm(forms.Form):
    queue = forms.ChoiceField(
        required=False,
        choices=[("", ""), ("mine", ""), ("overdue", ""), ("due_soon", ""), ("week", "")],
    )
    q = forms.CharField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", ""), *Status.choices])
    category = forms.IntegerField(required=False)
    settlement = forms.IntegerField(required=False)
    unit = forms.IntegerField(required=False)
    channel = forms.ChoiceField(required=False, choices=[("", ""), *Channel.choices])
    received_from = forms.DateField(required=False)
    received_to = forms.DateField(required=False)
    page = forms.IntegerField(required=False, min_value=1)


class FieldReceptionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = FieldReception
        fields = [
            "starts_at",
            "settlement",
            "place",
            "hosts",
            "hosts_note",
            "description",
            "status",
            "is_public",
        ]
        widgets = {"starts_at": DateTimeInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["settlement"].queryset = Settlement.objects.filter(district=district)
        self.fields["hosts"].queryset = selectors.officials_in(district)
        self.fields["hosts"].required = False


class ReceptionOfficeForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ReceptionOffice
        fields = [
            "name",
            "name_kk",
            "name_en",
            "settlement",
            "address",
            "hours",
            "phone",
            "is_active",
        ]

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["settlement"].queryset = Settlement.objects.filter(district=district)
