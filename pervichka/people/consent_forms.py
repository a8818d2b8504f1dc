"""Forms of the consent register on the member card."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pervichka.core.forms import BootstrapMixin
from pervichka.core.uploads import validate_upload
from pervichka.people.enums import ConsentChannel, ConsentPurpose


class ConsentForm(BootstrapMixin, forms.Form):
    """A consent brought on paper, by SMS code or through Telegram, typed in on the card."""

    purpose = forms.ChoiceField(
        label=pgettext_lazy("consent", "Purpose"), choices=ConsentPurpose.choices
    )
    channel = forms.ChoiceField(
        label=_("How given"),
        choices=[c for c in ConsentChannel.choices if c[0] != ConsentChannel.IMPORTED],
    )
    document_ref = forms.CharField(
        label=_("Document number or note"), max_length=200, required=False
    )
    document = forms.FileField(label=_("Scan of the signed consent"), required=False)
    representative = forms.CharField(
        label=_("For a person under 18: the parent or legal representative who gave it"),
        max_length=200,
        required=False,
    )

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload:
            validate_upload(upload)
        return upload


class WithdrawForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("How and why the consent was withdrawn"),
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. written statement of 7 Dec")}),
    )
