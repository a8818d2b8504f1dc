from django import forms
from django.utils.translation import gettext_lazy as _

from pervichka.core.forms import BootstrapMixin
from pervichka.outreach.enums import RECORDED, CategorySource, CitizenCategory
from pervichka.outreach.models import Mailing, Meeting, Segment


class SegmentForm(BootstrapMixin, forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("categories (any of them)"),
        choices=CitizenCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Segment
        fields = ["unit", "name", "categories", "settlements", "membership", "age_min", "age_max"]
        widgets = {"settlements": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, units=None, settlements=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["settlements"].queryset = settlements
        self.fields["settlements"].required = False
        self.fields["settlements"].help_text = _("None chosen: every village of the unit.")
        if units is not None and units.count() == 1:
            self.fields["unit"].initial = units.first()


class MeetingForm(BootstrapMixin, forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("categories met"),
        choices=CitizenCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Meeting
        fields = [
            "unit",
            "kind",
            "topic",
            "settlement",
            "planned_for",
            "held_on",
            "categories",
            "people_reached",
            "who_went",
            "notes",
        ]
        widgets = {
            "planned_for": forms.DateInput(attrs={"type": "date"}),
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, units=None, settlements=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["settlement"].queryset = settlements
        if units is not None and units.count() == 1:
            self.fields["unit"].initial = units.first()


class QuestionForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("question"), widget=forms.Textarea(attrs={"rows": 2}))
    surname = forms.CharField(label=_("surname"), max_length=100, required=False)
    name = forms.CharField(label=_("first name"), max_length=100, required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    consent = forms.BooleanField(
        label=_("the resident agreed that their name and phone are kept to answer them"),
        required=False,
    )


class CategoryForm(BootstrapMixin, forms.Form):
    category = forms.ChoiceField(
        label=_("category"), choices=[(c.value, c.label) for c in RECORDED]
    )
    source = forms.ChoiceField(label=_("source"), choices=CategorySource.choices)
    noted_on = forms.DateField(label=_("noted on"), widget=forms.DateInput(attrs={"type": "date"}))


class ToAppealForm(BootstrapMixin, forms.Form):
    category = forms.ModelChoiceField(label=_("category"), queryset=None)
    confirm_duplicate = forms.BooleanField(
        label=_("it is a new appeal, not a repeat"), required=False
    )

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


class MailingForm(BootstrapMixin, forms.ModelForm):
    scheduled_for = forms.DateTimeField(
        label=_("send at (empty: as soon as it may go)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    class Meta:
        model = Mailing
        fields = ["unit", "title", "segment", "channel", "text_ru", "text_kk", "scheduled_for"]
        widgets = {
            "text_ru": forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
            "text_kk": forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
        }

    def __init__(self, *args, units=None, segments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["segment"].queryset = segments
        self.fields["text_kk"].help_text = _("Empty: Kazakh speakers get the Russian text.")
        if units is not None and units.count() == 1:
            self.fields["unit"].initial = units.first()


class MailingPolicyForm(BootstrapMixin, forms.Form):
    approval_above = forms.IntegerField(
        label=_("approval needed above this many recipients"), min_value=0, max_value=1_000_000
    )


class ListOptOutForm(BootstrapMixin, forms.Form):
    segment = forms.ModelChoiceField(label=_("list"), queryset=None)

    def __init__(self, *args, segments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = segments
