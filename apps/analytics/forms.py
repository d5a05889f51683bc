from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AlertRule


class AlertRulesForm(forms.Form):
    """One threshold and an on/off switch per figure that can alert."""

    def __init__(self, *args, rules: dict[str, AlertRule], **kwargs):
        super().__init__(*args, **kwargs)
        for metric, label in AlertRule.Metric.choices:
            rule = rules.get(metric)
            self.fields[f"{metric}_enabled"] = forms.BooleanField(
                label=_("Alert on “%(figure)s”") % {"figure": label},
                required=False,
                initial=rule.enabled if rule else False,
            )
            self.fields[f"{metric}_threshold"] = forms.DecimalField(
                label=_("Alert when above"),
                min_value=Decimal(0),
                max_digits=12,
                decimal_places=2,
                required=False,
                initial=rule.threshold if rule else None,
            )

    def clean(self):
        data = super().clean()
        for metric, _label in AlertRule.Metric.choices:
            if data.get(f"{metric}_enabled") and data.get(f"{metric}_threshold") is None:
                self.add_error(f"{metric}_threshold", _("Give a threshold to alert on."))
        return data

    def rows(self):
        for metric, label in AlertRule.Metric.choices:
            yield label, self[f"{metric}_enabled"], self[f"{metric}_threshold"]
