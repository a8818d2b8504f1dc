from django import forms
from django.utils.translation import gettext_lazy as _

from pervichka.core import dates
from pervichka.core.dates import SaneDateField
from pervichka.core.forms import BootstrapMixin, DateInput
from pervichka.core.iin import parse_iin
from pervichka.core.roles import Perm
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.selectors import org_units_visible


class DeputyForm(BootstrapMixin, forms.Form):
    iin = forms.CharField(
        label=_("IIN of the deputy"),
        max_length=12,
        help_text=_("The person must already be in the registry (as a member or a citizen)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    unit = forms.ModelChoiceField(label=_("Territory of the council"), queryset=None)
    council = forms.CharField(label=_("Council (maslikhat)"), max_length=255)
    term = forms.CharField(label=_("Term (convocation)"), max_length=50)
    term_start = SaneDateField(kind=dates.ANY, label=_("Term from"), widget=DateInput())
    term_end = SaneDateField(kind=dates.ANY, label=_("Term to"), required=False, widget=DateInput())
    constituency = forms.CharField(label=_("Constituency"), max_length=255, required=False)
    faction = forms.CharField(label=_("Faction"), max_length=100, initial="AMANAT")
    role_in_faction = forms.CharField(
        label=_("Role in the faction"), max_length=100, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = org_units_visible(user, perm=Perm.ORGS_MANAGE).filter(
            kind__in=[OrgKind.DISTRICT, OrgKind.REGION]
        )

    def clean_iin(self):
        iin = self.cleaned_data["iin"].strip()
        parse_iin(iin)
        return iin


class DeputyEditForm(DeputyForm):
    """The record's details; the person and the council's territory are not changed."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        del self.fields["iin"]
        del self.fields["unit"]


class PeriodForm(forms.Form):
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)
