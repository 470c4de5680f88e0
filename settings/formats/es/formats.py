DATETIME_FORMAT = r"j \d\e F \d\e Y \a \l\a\s H:i T"
