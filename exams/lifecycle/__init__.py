"""The attempt's lifecycle: the table of moves (`moves`), the engine that makes them
(`engine`), the history every move writes (`history`), and how an attempt ends (`closing`,
`grading`). Services call the engine; nothing else assigns `Attempt.status`."""
