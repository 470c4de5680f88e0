"""Allowances: extra time (minutes or a multiplier) and review exceptions for one learner, on
one exam or every timed exam of a course. `inputs` parses a value for its kind, `selectors`
reads the course's allowances and resolves the exams chosen, `services` (one grant),
`batch` (many learners and exams) and `csv_upload` (a checked file, all or nothing) write,
and `api`, `pages` (with `forms`) and `admin` are the doors. The model is exams.models'
(the lifecycle reads it for every attempt's allowed time)."""
