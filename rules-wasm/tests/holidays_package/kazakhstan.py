"""Kazakhstan's working days by the PyPI package `holidays`, for the cross-check test
`tests/calendar_holidays_package.rs` (run: python3 tests/holidays_package/kazakhstan.py 2024 2027).

Prints one JSON object: the package version and, per year, the Monday-Friday dates that are
not working days and the Saturdays/Sundays that are (decreed working weekend days).
"""

import datetime
import json
import sys

import holidays


def year_days(calendar, year):
    days_off, worked_weekends = [], []
    day = datetime.date(year, 1, 1)
    while day.year == year:
        weekend = day.weekday() >= 5
        working = calendar.is_working_day(day)
        if weekend and working:
            worked_weekends.append(day.isoformat())
        elif not weekend and not working:
            days_off.append(day.isoformat())
        day += datetime.timedelta(days=1)
    return {"daysOff": days_off, "workedWeekends": worked_weekends}


def main():
    first, last = int(sys.argv[1]), int(sys.argv[2])
    years = range(first, last + 1)
    calendar = holidays.country_holidays("KZ", years=years)
    answer = {
        "version": holidays.__version__,
        "years": {str(year): year_days(calendar, year) for year in years},
    }
    json.dump(answer, sys.stdout, indent=1)


main()
