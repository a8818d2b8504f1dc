from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pervichka.core import dates
from pervichka.core.dates import SaneDateField
from pervichka.core.forms import BootstrapMixin, DateInput
from pervichka.core.roles import Perm
from pervichka.orgs.enums import PositionKind
from pervichka.people.selectors import persons_visible


class PositionForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Position"), choices=PositionKind.choices)
    person = forms.ModelChoiceField(label=_("Person"), queryset=None)
    start = SaneDateField(kind=dates.ANY, label=_("From"), widget=DateInput())

    def __init__(self, *args, user, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons_visible(user, perm=Perm.PEOPLE_VIEW).filter(
            unit__path__startswith=unit.path
        )
        self.fields["start"].initial = timezone.localdate()


class PositionEndForm(BootstrapMixin, forms.Form):
    end = SaneDateField(kind=dates.ANY, label=_("To"), widget=DateInput())
