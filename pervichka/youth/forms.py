from django import forms
from django.utils.translation import gettext_lazy as _

from pervichka.core import dates
from pervichka.core.dates import SaneDateField
from pervichka.core.forms import BootstrapMixin, DateInput
from pervichka.core.iin import parse_iin
from pervichka.core.roles import Perm
from pervichka.orgs.selectors import primaries_for, settlements_for
from pervichka.people.enums import ConsentMethod
from pervichka.people.services import PersonData
from pervichka.youth.enums import (
    CloseReason,
    Education,
    Need,
    PlacementKind,
    ReferralStatus,
    YouthStatus,
)


class FactsForm(BootstrapMixin, forms.Form):
    """The facts of a young person's situation; the status follows from them."""

    education = forms.ChoiceField(label=_("Education"), choices=Education.choices)
    graduated_year = forms.IntegerField(
        label=_("Year of graduation"), required=False, min_value=1950, max_value=2100
    )
    specialty = forms.CharField(label=_("Specialty"), max_length=255, required=False)
    skills = forms.CharField(
        label=_("Skills"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    employed = forms.BooleanField(label=_("Has a job"), required=False)
    employer = forms.CharField(label=_("Employer"), max_length=255, required=False)
    in_education = forms.BooleanField(label=_("Studies"), required=False)
    in_training = forms.BooleanField(label=_("In a training course"), required=False)
    military_service = forms.BooleanField(label=_("In military service"), required=False)
    parental_leave = forms.BooleanField(label=_("On parental leave"), required=False)
    registered_job_seeker = forms.BooleanField(
        label=_("Registered at the employment centre"), required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def facts(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name in FACT_FIELDS}


FACT_FIELDS = set(FactsForm.base_fields)


class YoungPersonForm(FactsForm):
    iin = forms.CharField(
        label=_("IIN"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    surname = forms.CharField(label=_("Surname"), max_length=100)
    name = forms.CharField(label=_("Name"), max_length=100)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    birth_date = SaneDateField(
        kind=dates.BIRTH,
        label=_("Date of birth (when there is no IIN)"),
        required=False,
        widget=DateInput(),
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    settlement = forms.ModelChoiceField(label=_("Settlement"), queryset=None, required=False)
    primary = forms.ModelChoiceField(
        label=_("Primary organization that looks after them"), queryset=None
    )
    consent_method = forms.ChoiceField(
        label=_("Consent to the processing of personal data"),
        choices=[("", _("— already on record —"))]
        + [c for c in ConsentMethod.choices if c[0] != ConsentMethod.IMPORTED],
        required=False,
    )

    field_order = [
        "iin",
        "surname",
        "name",
        "patronymic",
        "birth_date",
        "phone",
        "settlement",
        "primary",
        "consent_method",
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["primary"].queryset = primaries_for(user, perm=Perm.YOUTH_MANAGE)
        self.fields["settlement"].queryset = settlements_for(user)

    def clean_iin(self):
        iin = (self.cleaned_data.get("iin") or "").strip()
        if iin:
            parse_iin(iin)
        return iin

    def clean(self):
        data = super().clean()
        if not data.get("iin") and not data.get("birth_date"):
            self.add_error("birth_date", _("Without an IIN the date of birth is needed."))
        return data

    def person_data(self) -> PersonData:
        d = self.cleaned_data
        return PersonData(
            iin=d.get("iin") or None,
            surname=d["surname"],
            name=d["name"],
            patronymic=d.get("patronymic", ""),
            phone=d.get("phone", ""),
            settlement=d.get("settlement"),
            birth_date=d.get("birth_date"),
            consent_method=d.get("consent_method") or "",
        )


class CaseForm(BootstrapMixin, forms.Form):
    needs = forms.MultipleChoiceField(
        label=_("Needs"), choices=Need.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    assessment = forms.CharField(
        label=_("Needs assessment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    plan = forms.CharField(
        label=_("Plan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_followup = SaneDateField(
        kind=dates.EVENT, label=_("Next follow-up"), required=False, widget=DateInput()
    )
    worker = forms.ModelChoiceField(
        label=_("Case worker"),
        queryset=None,
        required=False,
        help_text=_("Empty: the one who opens the case."),
    )

    def __init__(self, *args, workers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if workers is None:
            del self.fields["worker"]
        else:
            self.fields["worker"].queryset = workers
            self.fields["worker"].label_from_instance = lambda u: u.get_full_name() or u.username


class NoteForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 2}))
    next_followup = SaneDateField(
        kind=dates.EVENT, label=_("Next follow-up"), required=False, widget=DateInput()
    )


class ReferralForm(BootstrapMixin, forms.Form):
    measure = forms.ModelChoiceField(label=_("Support measure"), queryset=None)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)
    override = forms.BooleanField(
        label=_("Refer even though the facts do not qualify"), required=False
    )

    def __init__(self, *args, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = measures


class ReferralMoveForm(BootstrapMixin, forms.Form):
    to = forms.ChoiceField(choices=ReferralStatus.choices)
    on = forms.DateField(required=False, widget=DateInput())
    reason = forms.CharField(required=False, max_length=255)


class PlacementForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PlacementKind.choices)
    started_on = SaneDateField(kind=dates.RECORD, label=_("From"), widget=DateInput())
    organization = forms.CharField(label=_("Employer or institution"), max_length=255)
    position = forms.CharField(label=_("Position or programme"), max_length=255, required=False)
    referral = forms.ModelChoiceField(
        label=_("Through the referral"), queryset=None, required=False
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referral"].queryset = case.referrals.select_related("measure")


class CheckForm(forms.Form):
    months = forms.TypedChoiceField(choices=[(3, "3"), (6, "6")], coerce=int)
    lasted = forms.TypedChoiceField(choices=[("1", "yes"), ("0", "no")], coerce=lambda v: v == "1")


class CloseForm(BootstrapMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Why the case is closed"), choices=CloseReason.choices)


class RegistryFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", ""), *YouthStatus.choices])
    neet = forms.BooleanField(required=False)
    settlement = forms.IntegerField(required=False)
    primary = forms.IntegerField(required=False)
    q = forms.CharField(required=False)
    page = forms.IntegerField(required=False, min_value=1)
