from django import forms

from notifications.models import Preference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["reminder_24h", "reminder_1h"]
        help_texts = {
            "reminder_24h": "An email at the same time on the day before the session.",
            "reminder_1h": "An email an hour before the session starts, with the link to join.",
        }
