import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pervichka.core import dates
from pervichka.core.dates import SaneDateField
from pervichka.core.forms import BootstrapMixin, DateInput
from pervichka.core.money import AmountField
from pervichka.dues.enums import PaymentMethod
from pervichka.dues.project_choices import project_choices
from pervichka.people.enums import DuesCategory


class PaymentForm(BootstrapMixin, forms.Form):
    months = forms.MultipleChoiceField(label=_("Months"), widget=forms.CheckboxSelectMultiple)
    method = forms.ChoiceField(
        label=_("Method"), choices=PaymentMethod.choices, initial=PaymentMethod.CASH
    )
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=40, required=False)
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=80, required=False)
    paid_on = SaneDateField(kind=dates.RECORD, label=_("Paid on"), widget=DateInput())
    idempotency_key = forms.CharField(widget=forms.HiddenInput(), max_length=64)

    def __init__(self, *args, month_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["months"].choices = month_choices
        self.fields["paid_on"].initial = timezone.localdate()

    def clean_months(self):
        return [dt.date.fromisoformat(value) for value in self.cleaned_data["months"]]


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class SpendingForm(BootstrapMixin, forms.Form):
    primary = forms.ModelChoiceField(label=_("Primary organization"), queryset=None)
    amount = AmountField(label=_("Amount, ₸"))
    purpose = forms.CharField(
        label=_("What the money is for"), widget=forms.Textarea(attrs={"rows": 3})
    )
    project_ref = forms.CharField(
        label=_("Project (e.g. ТазаLike, Өрлеу)"), max_length=100, required=False
    )

    def __init__(self, *args, primaries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["primary"].queryset = primaries
        # The projects of the projects app (registered in its ready(): dues imports nothing
        # above it), instead of a name typed differently by every primary.
        choices = project_choices()
        if choices is not None:
            self.fields["project_ref"] = forms.ChoiceField(
                label=_("Project"),
                choices=[("", _("— no project —")), *choices],
                required=False,
            )
            self.fields["project_ref"].widget.attrs["class"] = "form-select"
        if primaries.count() == 1:
            self.fields["primary"].initial = primaries.first()


class DecisionForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason or comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReceiptForm(BootstrapMixin, forms.Form):
    receipt = forms.FileField(label=_("Receipt (photo or PDF)"))
    note = forms.CharField(label=_("Receipt details"), max_length=255, required=False)


class StatementForm(BootstrapMixin, forms.Form):
    district = forms.ModelChoiceField(label=_("District"), queryset=None)
    file = forms.FileField(
        label=_("Bank statement (XLSX or CSV)"),
        help_text=_("Columns: date, amount, reference, IIN."),
    )

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        if districts.count() == 1:
            self.fields["district"].initial = districts.first()
            self.fields["district"].widget = forms.HiddenInput()


class RateForm(BootstrapMixin, forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=DuesCategory.choices)
    amount = forms.DecimalField(
        label=_("Monthly amount, ₸"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    exempt = forms.BooleanField(label=_("Exempt from dues"), required=False)
    valid_from = forms.DateField(label=_("Applies from"), widget=DateInput())


class ShareForm(BootstrapMixin, forms.Form):
    percent = forms.DecimalField(
        label=_("Return share, %"), max_digits=5, decimal_places=1, min_value=0, max_value=100
    )
    valid_from = forms.DateField(label=_("Applies from"), widget=DateInput())
