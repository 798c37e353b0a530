"""Parsing of the plan pages' input (no logic: the services decide)."""

from __future__ import annotations

from django import forms

from timbalans.plans.models import ActionPlan, FollowUp, Measure


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PlanCreateForm(forms.Form):
    unit_id = forms.CharField(label="Enhet", required=False, max_length=50)
    as_of = forms.DateField(label="Baslinje per", widget=DateInput())
    owner = forms.CharField(label="Ansvarig", required=False, max_length=200)


class CasePlansForm(forms.Form):
    unit_id = forms.CharField(label="Enhet", max_length=50)
    as_of = forms.DateField(label="Baslinje per", widget=DateInput())
    owner = forms.CharField(label="Ansvarig", required=False, max_length=200)


class PlanForm(forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = ["title", "owner", "period_start", "period_end", "status", "summary"]
        labels = {"title": "Rubrik", "status": "Status"}
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 10}),
        }


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = [
            "name",
            "description",
            "start_date",
            "effect_current_low",
            "effect_current_high",
            "effect_full_low",
            "effect_full_high",
            "effect_text",
            "opportunities",
            "risks",
            "target_value",
            "responsible",
        ]
        labels = {
            "effect_current_low": "Effekt innevarande år, från (kr)",
            "effect_current_high": "Effekt innevarande år, till (kr)",
            "effect_full_low": "Effekt helår, från (kr)",
            "effect_full_high": "Effekt helår, till (kr)",
            "target_value": "Mål för nyckeltalet",
        }
        widgets = {
            "start_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 8}),
            "effect_text": forms.Textarea(attrs={"rows": 3}),
            "opportunities": forms.Textarea(attrs={"rows": 4}),
            "risks": forms.Textarea(attrs={"rows": 4}),
        }


class FollowUpForm(forms.Form):
    date = forms.DateField(label="Datum", widget=DateInput())
    status = forms.ChoiceField(label="Status", choices=FollowUp.Status.choices)
    comment = forms.CharField(
        label="Kommentar", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
