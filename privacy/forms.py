from django import forms


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that this deletes my account and everything it holds, and that it cannot be undone",
        error_messages={"required": "Tick the box to confirm that you want to delete your account"},
    )
