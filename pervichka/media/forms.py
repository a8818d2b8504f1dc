from django import forms
from django.utils.translation import gettext_lazy as _

from pervichka.core.forms import BootstrapMixin, DateInput, DateTimeInput
from pervichka.core.iin import mask_iin
from pervichka.media.enums import PhotoPeople, Platform


class NewsForm(BootstrapMixin, forms.Form):
    unit = forms.ModelChoiceField(queryset=None, label=_("Organization"))
    title = forms.CharField(label=_("Title (Russian)"), max_length=200)
    title_kk = forms.CharField(label=_("Title (Kazakh)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    lead = forms.CharField(
        label=_("Lead (Russian)"), max_length=400, widget=forms.Textarea(attrs={"rows": 2})
    )
    lead_kk = forms.CharField(
        label=_("Lead (Kazakh)"), max_length=400, widget=forms.Textarea(attrs={"rows": 2})
    )
    lead_en = forms.CharField(
        label=_("Lead (English)"),
        max_length=400,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    body = forms.CharField(
        label=_("Text (Russian)"), widget=forms.Textarea(attrs={"rows": 8}), max_length=50_000
    )
    body_kk = forms.CharField(
        label=_("Text (Kazakh)"), widget=forms.Textarea(attrs={"rows": 8}), max_length=50_000
    )
    body_en = forms.CharField(
        label=_("Text (English)"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=50_000,
        required=False,
    )
    cover = forms.FileField(label=_("Cover image (JPG or PNG)"), required=False)
    projects = forms.ModelMultipleChoiceField(
        queryset=None, label=_("Projects"), required=False, widget=forms.CheckboxSelectMultiple
    )
    event = forms.ModelChoiceField(queryset=None, label=_("Event"), required=False)
    related_url = forms.URLField(
        label=_("Related link (a promise, a field reception)"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )

    def __init__(self, *args, units, projects, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["projects"].queryset = projects
        self.fields["event"].queryset = events
        self.fields["projects"].widget.attrs = {}


class ActForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("Note to the author"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    publish_at = forms.DateTimeField(label=_("Publish at"), required=False, widget=DateTimeInput())


class PostForm(BootstrapMixin, forms.Form):
    unit = forms.ModelChoiceField(queryset=None, label=_("Organization"))
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    url = forms.URLField(label=_("Link to the post"), max_length=500, assume_scheme="https")
    posted_on = forms.DateField(label=_("Posted on"), widget=DateInput())
    reach_24h = forms.IntegerField(
        label=_("Reach after 24 hours"), required=False, min_value=0, max_value=100_000_000
    )
    reach_7d = forms.IntegerField(
        label=_("Reach after 7 days"), required=False, min_value=0, max_value=100_000_000
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class AccountForm(BootstrapMixin, forms.Form):
    unit = forms.ModelChoiceField(queryset=None, label=_("Organization"))
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    url = forms.URLField(label=_("Address of the account"), max_length=300, assume_scheme="https")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class KitForm(BootstrapMixin, forms.Form):
    district = forms.ModelChoiceField(queryset=None, label=_("District"))
    week = forms.DateField(
        label=_("Week (any day of it)"),
        widget=DateInput(),
        help_text=_("The message is for the week from Monday to Sunday."),
    )
    title = forms.CharField(label=_("Topic"), max_length=200)
    text = forms.CharField(
        label=_("Text (Russian)"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    text_kk = forms.CharField(
        label=_("Text (Kazakh)"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    hashtags = forms.CharField(
        label=_("Suggested hashtags"),
        max_length=300,
        required=False,
        help_text=_("Separated by spaces, for example #Amanat #Akzhar."),
    )
    picture = forms.FileField(label=_("Picture (JPG or PNG)"), required=False)

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts


class KitUseForm(BootstrapMixin, forms.Form):
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    url = forms.URLField(label=_("Link to the post"), max_length=500, assume_scheme="https")
    posted_on = forms.DateField(label=_("Posted on"), widget=DateInput())


class ReachImportForm(BootstrapMixin, forms.Form):
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    which = forms.ChoiceField(
        label=_("The reach it holds"),
        choices=[("24h", _("after 24 hours")), ("7d", _("after 7 days"))],
        initial="7d",
    )
    file = forms.FileField(label=_("CSV file exported from the platform's statistics"))


class PersonChoice(forms.ModelMultipleChoiceField):
    """Persons by name and masked IIN: enough to tell namesakes apart, nothing more."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} ({mask_iin(obj.iin)})"


class PhotoPeopleForm(BootstrapMixin, forms.Form):
    """The statement about the people in a picture (the cover or a gallery photo)."""

    people = forms.ChoiceField(
        label=_("People in the photo"),
        choices=[("", _("— not stated yet —")), *PhotoPeople.choices],
        required=False,
    )
    persons = PersonChoice(
        queryset=None,
        label=_("Who is in it (persons with consent to the publication of photos on file)"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persons"].queryset = persons


class PhotoForm(PhotoPeopleForm):
    caption = forms.CharField(label=_("Caption (Russian)"), max_length=300, required=False)
    caption_kk = forms.CharField(label=_("Caption (Kazakh)"), max_length=300, required=False)
    position = forms.IntegerField(
        label=_("Place in the gallery"), min_value=0, max_value=1000, required=False
    )

    field_order = ["caption", "caption_kk", "position", "people", "persons"]


class PhotoAddForm(PhotoForm):
    upload = forms.FileField(label=_("Photo (JPG or PNG)"))

    field_order = ["upload", "caption", "caption_kk", "people", "persons"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["position"]


class PartnerForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name (Russian)"), max_length=200)
    name_kk = forms.CharField(label=_("Name (Kazakh)"), max_length=200)
    url = forms.URLField(label=_("Link (http or https)"), max_length=500, assume_scheme="https")
    position = forms.IntegerField(
        label=_("Order on the portal"), min_value=0, max_value=999, initial=0
    )


class PartnerNewForm(PartnerForm):
    district = forms.ModelChoiceField(queryset=None, label=_("District"))
    field_order = ["district"]

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts


class PartnerNewsForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title (Russian)"), max_length=300)
    title_kk = forms.CharField(label=_("Title (Kazakh)"), max_length=300)
    url = forms.URLField(label=_("Link (http or https)"), max_length=500, assume_scheme="https")
    on_date = forms.DateField(label=_("Date"), widget=DateInput())
    days = forms.IntegerField(label=_("Shown for, days"), min_value=1, max_value=366, initial=14)
