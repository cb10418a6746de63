import pytest

from accounts.tests.factories import UserFactory
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_timeout_warning_lets_a_person_stay_signed_in(page, live_server, settings):
    user = UserFactory()
    page.clock.install()
    sign_in(page, live_server.url, user)
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    assert not dialog.is_visible()

    # Two minutes before the idle limit the warning opens.
    page.clock.run_for((settings.SESSION_IDLE_TIMEOUT_MINUTES - 2) * 60 * 1000 + 1000)
    dialog.wait_for()
    assert "minutes" in dialog.inner_text()
    with page.expect_response("**/profile/session/extend/") as extended:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert extended.value.json()["seconds_left"] > (settings.SESSION_IDLE_TIMEOUT_MINUTES - 1) * 60
    dialog.wait_for(state="hidden")
    page.get_by_role("heading", name=f"Hello, {user.display_name}").wait_for()
