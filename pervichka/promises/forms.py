from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pervichka.core import dates
from pervichka.core.dates import SaneDateField
from pervichka.core.forms import BootstrapMixin, DateInput
from pervichka.core.roles import Perm
from pervichka.deputies.selectors import deputies_visible
from pervichka.orgs.models import Settlement
from pervichka.orgs.selectors import districts_for
from pervichka.promises.enums import PromiseStatus, Theme
from pervichka.promises.services import PromiseData


class PromiseForm(BootstrapMixin, forms.Form):
    district = forms.ModelChoiceField(label=_("District"), queryset=None)
    number = forms.IntegerField(label=_("Number in the programme"), min_value=1)
    programme = forms.CharField(label=_("Programme"), max_length=100, initial="2021–2026")
    text = forms.CharField(label=_("Promise (Russian)"), widget=forms.Textarea(attrs={"rows": 3}))
    text_kk = forms.CharField(
        label=_("Promise (Kazakh)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    text_en = forms.CharField(
        label=_("Promise (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices)
    settlement = forms.ModelChoiceField(
        label=_("Settlement (empty: the whole district)"), queryset=None, required=False
    )
    responsible_deputy = forms.ModelChoiceField(
        label=_("Responsible deputy"), queryset=None, required=False
    )
    responsible_body = forms.CharField(label=_("Responsible body"), max_length=255, required=False)
    due_date = SaneDateField(kind=dates.ANY, label=_("Due"), widget=DateInput())
    is_public = forms.BooleanField(
        label=_("Shown on the public tracker"), required=False, initial=True
    )

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts_for(user, perm=Perm.PROMISES_MANAGE).order_by(
            "path"
        )
        self.fields["settlement"].queryset = Settlement.objects.visible_to(
            user, Perm.PROMISES_MANAGE
        ).filter(is_active=True)
        self.fields["responsible_deputy"].queryset = deputies_visible(user)
        if editing:
            del self.fields["district"]

    def promise_data(self) -> PromiseData:
        d = self.cleaned_data
        return PromiseData(
            number=d["number"],
            text=d["text"],
            text_kk=d["text_kk"],
            text_en=d["text_en"],
            theme=d["theme"],
            due_date=d["due_date"],
            settlement=d["settlement"],
            responsible_deputy=d["responsible_deputy"],
            responsible_body=d["responsible_body"],
            programme=d["programme"],
            is_public=d["is_public"],
        )


class ReportForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PromiseStatus.choices)
    date = SaneDateField(kind=dates.ANY, label=_("Date"), widget=DateInput())
    text = forms.CharField(
        label=_("What was done (the evidence people will read)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=_("Reason (for done late, partly done, not done)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    link = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    file = forms.FileField(label=_("Photo or document"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
