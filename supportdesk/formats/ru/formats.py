"""Django's Russian formats, with the time zone named wherever a date and time are shown
by the default formats (the admin's lists and read-only fields): "1 января 2026 г. 3:00 MSK"."""

DATETIME_FORMAT = "j E Y г. G:i T"
SHORT_DATETIME_FORMAT = "d.m.Y H:i T"
