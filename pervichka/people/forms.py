from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pervichka.core import dates
from pervichka.core.dates import SaneDateField
from pervichka.core.forms import BootstrapMixin, DateInput
from pervichka.core.iin import parse_iin
from pervichka.core.roles import Perm
from pervichka.orgs.selectors import primaries_for, settlements_for
from pervichka.people.enums import ConsentMethod, DuesCategory, LeaveReason, MembershipStatus
from pervichka.people.services import PersonData


class PersonFieldsMixin(forms.Form):
    """The person's fields of a form that brings someone in (an appeal, an event's
    participant, an idea's author): what `people.services.person_find_or_create` takes."""

    iin = forms.CharField(
        label=_("IIN"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    surname = forms.CharField(label=_("Surname"), max_length=100)
    name = forms.CharField(label=_("Name"), max_length=100)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "placeholder": "+7 701 234 56 78"}),
    )
    email = forms.EmailField(label=_("Email"), required=False)

    def clean_iin(self):
        iin = (self.cleaned_data.get("iin") or "").strip()
        if iin:
            parse_iin(iin)
        return iin

    def person_data(self, consent_method: str) -> PersonData:
        d = self.cleaned_data
        return PersonData(
            iin=d.get("iin") or None,
            surname=d["surname"],
            name=d["name"],
            patronymic=d.get("patronymic", ""),
            phone=d.get("phone", ""),
            email=d.get("email", ""),
            settlement=d.get("settlement"),
            address=d.get("address", ""),
            consent_method=consent_method,
        )


class MemberForm(BootstrapMixin, forms.Form):
    """A member as a chair types them in: the person, then the membership."""

    iin = forms.CharField(
        label=_("IIN"),
        max_length=12,
        min_length=1,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*"}
        ),
        help_text=_("12 digits; the date of birth and sex are taken from it."),
    )
    surname = forms.CharField(label=_("Surname"), max_length=100)
    name = forms.CharField(label=_("Name"), max_length=100)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "placeholder": "+7 701 234 56 78"}),
    )
    email = forms.EmailField(label=_("Email"), required=False)
    settlement = forms.ModelChoiceField(label=_("Settlement"), queryset=None, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    primary = forms.ModelChoiceField(label=_("Primary organization"), queryset=None)
    joined = SaneDateField(kind=dates.MEMBERSHIP, label=_("Joined"), widget=DateInput())
    card_number = forms.CharField(label=_("Party card number"), max_length=20, required=False)
    dues_category = forms.ChoiceField(
        label=_("Dues category"), choices=DuesCategory.choices, initial=DuesCategory.WORKING
    )
    consent_method = forms.ChoiceField(
        label=_("Consent to the processing of personal data"),
        choices=[("", _("— not given —"))]
        + [c for c in ConsentMethod.choices if c[0] != ConsentMethod.IMPORTED],
        required=False,
    )

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["primary"].queryset = primaries_for(user, perm=Perm.MEMBERS_MANAGE)
        self.fields["settlement"].queryset = settlements_for(user)
        if not editing:
            self.fields["consent_method"].required = True
            self.fields["consent_method"].error_messages["required"] = _(
                "Consent to the processing of personal data is required."
            )
            self.fields["joined"].initial = timezone.localdate()
            primaries = self.fields["primary"].queryset
            if primaries.count() == 1:
                self.fields["primary"].initial = primaries.first()
        else:
            self.fields["consent_method"].help_text = _(
                "Leave as is unless the person gave consent again."
            )

    def clean_iin(self):
        iin = self.cleaned_data["iin"].strip()
        parse_iin(iin)
        return iin

    def person_data(self) -> PersonData:
        data = self.cleaned_data
        return PersonData(
            iin=data["iin"],
            surname=data["surname"],
            name=data["name"],
            patronymic=data["patronymic"],
            phone=data["phone"],
            email=data["email"],
            settlement=data["settlement"],
            address=data["address"],
            consent_method=data.get("consent_method") or "",
        )


class MemberEditForm(MemberForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (MembershipStatus.ACTIVE, MembershipStatus.ACTIVE.label),
            (MembershipStatus.SUSPENDED, MembershipStatus.SUSPENDED.label),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, editing=True, **kwargs)


class ArchiveForm(BootstrapMixin, forms.Form):
    left = SaneDateField(kind=dates.MEMBERSHIP, label=_("Left on"), widget=DateInput())
    leave_reason = forms.ChoiceField(label=_("Reason"), choices=LeaveReason.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left"].initial = timezone.localdate()


class MemberFilterForm(forms.Form):
    q = forms.CharField(required=False)
    primary = forms.IntegerField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", ""), *MembershipStatus.choices])
    page = forms.IntegerField(required=False, min_value=1)


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("File (XLSX or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    default_primary = forms.ModelChoiceField(
        label=_("Primary organization for rows that do not name one"),
        queryset=None,
        required=False,
    )
    consent_confirmed = forms.BooleanField(
        label=_(
            "I confirm that every person in the file gave consent to the processing of "
            "personal data."
        ),
        error_messages={"required": _("Without consent the members cannot be imported.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        primaries = primaries_for(user, perm=Perm.MEMBERS_MANAGE)
        self.fields["default_primary"].queryset = primaries
        # A chair of one primary imports into it: it is chosen already.
        only = list(primaries[:2])
        if len(only) == 1:
            self.fields["default_primary"].initial = only[0].pk
            self.fields["default_primary"].label = _("Primary organization")


class ImportMappingForm(forms.Form):
    """What each column of the file holds: a select per column, and the header row."""

    header_row = forms.IntegerField(label=_("Header row"), min_value=1, max_value=20)

    def __init__(self, *args, headers: list[str], mapping: list[str], choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"col{index}"] = forms.ChoiceField(
                label=header or _("Column %(n)d") % {"n": index + 1},
                choices=choices,
                required=False,
                initial=mapping[index] if index < len(mapping) else "",
            )

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(f"col{i}") or "" for i in range(len(self.headers))]
