from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from accounts.models import User
from programmes.forms import add_service_errors


def person(request: HttpRequest) -> User:
    """The signed-in person (every view using this is behind @login_required)."""
    return cast(User, request.user)


def form_saved(request: HttpRequest, form: forms.BaseForm,
               save: Callable[[dict[str, Any]], tuple[str, HttpResponse]]) -> HttpResponse | None:
    """A posted form, saved: when it is valid, `save(cleaned_data)` calls the
    service (which audits) and returns the message to show and the page to
    go to (a redirect), and that redirect is the answer. None when there is
    nothing to save (not a POST), the form is invalid or the service refuses
    (its ValidationError goes on the form): the view shows the form again,
    with its NHS.UK error summary."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        message, response = save(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, message)
    return response
