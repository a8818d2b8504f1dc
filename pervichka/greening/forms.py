from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pervichka.core import dates
from pervichka.core.dates import SaneDateField
from pervichka.core.forms import BootstrapMixin, DateInput
from pervichka.core.roles import Perm
from pervichka.greening.enums import SiteKind
from pervichka.greening.selectors import event_choices
from pervichka.greening.services import PlantingData
from pervichka.orgs.selectors import primaries_for, settlements_for
from pervichka.projects.forms import CoordinatesMixin


class PlantingForm(BootstrapMixin, CoordinatesMixin):
    primary = forms.ModelChoiceField(label=_("Primary organization"), queryset=None)
    planted_on = SaneDateField(kind=dates.RECORD, label=_("Planted on"), widget=DateInput())
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
        super().__init__(*args, **kwargs)
        self.fields["primary"].queryset = primaries_for(user, perm=Perm.PROJECTS_MANAGE)
        self.fields["settlement"].queryset = settlements_for(user, perm=Perm.PROJECTS_MANAGE)
        self.fields["event"].queryset = event_choices(user, project)[:200]
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
    checked_on = SaneDateField(kind=dates.RECORD, label=_("Checked on"), widget=DateInput())
    alive = forms.IntegerField(label=_("Alive"), min_value=0)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checked_on"].initial = timezone.localdate()
