"""Forms of subject requests and the breach register."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pervichka.core.forms import BootstrapMixin, DateTimeInput
from pervichka.core.iin import parse_iin


class SubjectSearchForm(BootstrapMixin, forms.Form):
    iin = forms.CharField(
        label=_("IIN"),
        max_length=12,
        min_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_iin(self):
        iin = self.cleaned_data["iin"].strip()
        parse_iin(iin)
        return iin


class BreachForm(BootstrapMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Organization"), queryset=None)
    detected_at = forms.DateTimeField(label=_("Detected"), widget=DateTimeInput())
    description = forms.CharField(
        label=pgettext_lazy("breach", "What happened"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    people_affected = forms.IntegerField(
        label=_("How many people"), min_value=0, max_value=100_000_000
    )
    measures = forms.CharField(
        label=_("Measures taken"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    responsible = forms.ModelChoiceField(label=_("Responsible person"), queryset=None)

    def __init__(self, *args, units, responsibles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["responsible"].queryset = responsibles


class BreachNotificationForm(BootstrapMixin, forms.Form):
    notified_at = forms.DateTimeField(label=_("Notified"), widget=DateTimeInput())
    how = forms.CharField(label=_("How and to whom"), max_length=500)
    reference = forms.CharField(label=_("Outgoing number"), max_length=100, required=False)
