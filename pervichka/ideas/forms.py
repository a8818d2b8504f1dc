from django import forms
from django.utils.translation import gettext_lazy as _

from pervichka.core.forms import BootstrapMixin
from pervichka.ideas.enums import IdeaStatus
from pervichka.ideas.selectors import merge_choices, settlements_public
from pervichka.people.forms import PersonFieldsMixin


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
        self.fields["merge_into"].queryset = merge_choices(idea)


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
        self.fields["settlement"].queryset = settlements_public()
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


class ScoreForm(forms.Form):
    """A juror's scores: one whole number per criterion of the contest (`c<criterion id>`);
    the service checks the range."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[f"c{criterion.pk}"] = forms.IntegerField(label=str(criterion))
