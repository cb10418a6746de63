"""Facilitators' dates use the NHS.UK date input (day, month and year boxes),
never the browser's picker; a date that is not real is reported in the error
summary, linked to the day box, with what was typed kept."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import PeerGroup
from groups.tests.test_views_manage import form_data

pytestmark = pytest.mark.django_db


def test_the_create_form_has_day_month_and_year_boxes(client, facilitator):
    client.force_login(facilitator)
    page = client.get(reverse("groups:create")).text
    assert 'type="date"' not in page
    for part in ("day", "month", "year"):
        assert f'name="first_date_{part}"' in page
        assert f'name="until_{part}"' in page
    assert 'class="nhsuk-date-input"' in page
    assert '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Date of the first session</legend>' in page
    assert 'inputmode="numeric"' in page


def test_a_group_is_created_from_the_three_boxes(client, facilitator):
    client.force_login(facilitator)
    first = timezone.localdate() + timedelta(days=10)
    data = form_data(first_date=None)
    data.update(first_date_day=str(first.day), first_date_month=str(first.month), first_date_year=str(first.year))
    response = client.post(reverse("groups:create"), data)
    assert response.status_code == 302
    assert PeerGroup.objects.get().schedule.first_date == first


@pytest.mark.parametrize(("day", "month", "year"),
                         [("31", "2", "2030"), ("aa", "3", "2030"), ("1", "3", "30"), ("", "3", "")])
def test_a_date_that_is_not_real_is_in_the_error_summary_and_kept(client, facilitator, day, month, year):
    client.force_login(facilitator)
    data = form_data(first_date=None)
    data.update(first_date_day=day, first_date_month=month, first_date_year=year)
    response = client.post(reverse("groups:create"), data)
    page = response.text
    assert response.status_code == 200
    assert "There is a problem" in page
    assert '<a href="#id_first_date_0">Date of the first session must be a real date</a>' in page
    boxes = 'type="text" inputmode="numeric" autocomplete="off"'
    assert f'name="first_date_month" {boxes} maxlength="2" value="{month}"' in page
    assert "nhsuk-input--error" in page
    assert not PeerGroup.objects.exists()


def test_an_edit_shows_the_saved_date_in_the_boxes(client, facilitator):
    client.force_login(facilitator)
    first = timezone.localdate() + timedelta(days=10)
    client.post(reverse("groups:create"), form_data(first_date=first.isoformat()))
    page = client.get(reverse("groups:edit", args=[PeerGroup.objects.get().code])).text
    boxes = 'type="text" inputmode="numeric" autocomplete="off"'
    assert f'name="first_date_year" {boxes} maxlength="4" value="{first.year}"' in page
