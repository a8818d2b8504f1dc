from django import forms
from django.utils.translation import gettext_lazy as _

from pervichka.core import dates
from pervichka.core.dates import SaneDateField
from pervichka.core.forms import BootstrapMixin, DateInput, DateTimeInput
from pervichka.core.iin import parse_iin
from pervichka.core.roles import Perm
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.selectors import org_units_visible
from pervichka.training.models import Course, Module
from pervichka.training.selectors import trainer_candidates, trainer_name


class TrainerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return trainer_name(obj)


class CohortForm(BootstrapMixin, forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=Course.objects.filter(is_active=True)
    )
    unit = forms.ModelChoiceField(label=_("Organizer"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=255)
    starts_on = SaneDateField(kind=dates.EVENT, label=_("Starts"), widget=DateInput())
    ends_on = SaneDateField(kind=dates.EVENT, label=_("Ends"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    trainers = TrainerChoiceField(
        label=_("Trainers"),
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Trainers or administrators of the organizer (or above it)."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = org_units_visible(user, perm=Perm.TRAINING_MANAGE).exclude(
            kind=OrgKind.PRIMARY
        )
        self.fields["trainers"].queryset = trainer_candidates(user)
        if not self.is_bound:
            self.fields["trainers"].initial = [user.pk]


class TrainersForm(BootstrapMixin, forms.Form):
    trainers = TrainerChoiceField(
        label=_("Trainers"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Trainers or administrators of the organizer (or above it)."),
    )

    def __init__(self, *args, user, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainers"].queryset = trainer_candidates(user)
        if not self.is_bound:
            self.fields["trainers"].initial = list(cohort.trainers.values_list("pk", flat=True))


class SessionForm(BootstrapMixin, forms.Form):
    module = forms.ModelChoiceField(label=_("Module"), queryset=None, required=False)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    hours = forms.DecimalField(label=_("Hours"), min_value=0.5, max_value=12, decimal_places=1)
    place = forms.CharField(label=_("Place"), max_length=255, required=False)

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = cohort.course.modules.all()


class EnrolForm(BootstrapMixin, forms.Form):
    iin = forms.CharField(
        label=_("IIN"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_iin(self):
        iin = self.cleaned_data["iin"].strip()
        parse_iin(iin)
        return iin


class CertificateForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=_("Certificate code"), max_length=20)


class CourseForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "code",
            "name",
            "name_kk",
            "name_en",
            "description",
            "description_kk",
            "description_en",
            "pass_mark",
            "min_attendance",
            "required_for_chairs",
            "is_active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "description_kk": forms.Textarea(attrs={"rows": 2}),
            "description_en": forms.Textarea(attrs={"rows": 2}),
        }


class ModuleForm(BootstrapMixin, forms.ModelForm):
    # Declared here so that a link typed without a scheme is read as https.
    material_url = forms.URLField(
        label=_("materials (link)"), required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = Module
        fields = ["order", "name", "name_kk", "name_en", "hours", "material_url"]


# A course's modules on the same page: the existing ones and two empty rows for new ones
# (files are uploaded in the administration; a link to materials is given here).
ModuleFormSet = forms.inlineformset_factory(
    Course, Module, form=ModuleForm, extra=2, can_delete=False
)
