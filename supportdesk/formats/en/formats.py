"""Django's English formats, with the time zone named wherever a date and time are shown by
the default formats (the admin's lists and read-only fields): "Jan. 1, 2026, 3 a.m. MSK"."""

DATETIME_FORMAT = "N j, Y, P T"
SHORT_DATETIME_FORMAT = "m/d/Y P T"
