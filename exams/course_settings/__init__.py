"""Course and exam settings (the "Studio" part): proctoring switches, provider, exam type and
timing. `inputs` turns what a door received into typed changes, `services` applies them, and
`api`, `pages` (with `forms`) are the doors."""
