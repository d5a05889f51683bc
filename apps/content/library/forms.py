import datetime
import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.forms import LongSelect
from apps.users.models import time_zone_choices

from ..models import ContentItem
from .services import SCHEDULE_MAX_AHEAD


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("All types")), *ContentItem.Kind.choices],
        widget=LongSelect,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *ContentItem.Status.choices],
        widget=LongSelect,
    )


class ContentItemForm(forms.ModelForm):
    class Meta:
        model = ContentItem
        fields = ("kind", "title", "body")
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}


class ScheduleForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label=_("Publish at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=time_zone_choices, widget=LongSelect
    )

    @staticmethod
    def initial_for(item: ContentItem, *, default_zone: str) -> dict:
        """The form as the creator left it: the time in the zone they scheduled in."""
        zone = item.scheduled_time_zone or default_zone
        when = item.scheduled_for
        if when is not None:
            try:
                when = timezone.localtime(when, zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                zone = "UTC"
                when = when.astimezone(datetime.UTC).replace(tzinfo=None)
        return {"time_zone": zone, "scheduled_for": when}

    def clean(self):
        cleaned = super().clean()
        when, zone = cleaned.get("scheduled_for"), cleaned.get("time_zone")
        if when and zone:
            naive = timezone.make_naive(when) if timezone.is_aware(when) else when
            # A coarse check before the zone is attached: dates near year 9999 cannot be
            # converted. The service makes the exact check against the same limit.
            latest = timezone.now().replace(tzinfo=None) + SCHEDULE_MAX_AHEAD
            if naive > latest + datetime.timedelta(days=1):
                self.add_error("scheduled_for", _("Pick a time within the next two years."))
                return cleaned
            cleaned["scheduled_for"] = naive.replace(tzinfo=zoneinfo.ZoneInfo(zone))
        return cleaned
