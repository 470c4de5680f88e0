"""Date formats per language: Django's own, with the time zone named in date-times."""
