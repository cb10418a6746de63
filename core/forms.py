from django.forms.renderers import TemplatesSetting


class NhsukFormRenderer(TemplatesSetting):
    """Renders every form and field with NHS.UK design-system markup."""

    form_template_name = "forms/nhsuk_form.html"
    field_template_name = "forms/nhsuk_field.html"
