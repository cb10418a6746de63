from datetime import datetime
from zoneinfo import ZoneInfo

from rooms.display import at, when

LONDON = ZoneInfo("Europe/London")


def test_times_read_the_nhs_way():
    start = datetime(2026, 3, 3, 12, 45, tzinfo=LONDON)
    end = datetime(2026, 3, 3, 14, 0, tzinfo=LONDON)
    assert when(start, end) == "Tuesday 3 March 2026, 12:45pm to 2pm"


def test_midday_and_summer_time():
    assert at(datetime(2026, 7, 1, 11, 0, tzinfo=ZoneInfo("UTC"))) == "Wednesday 1 July 2026 at midday"
