"""The instructor pages of a course: the Special Exam dashboard (attempts, chart), allowances,
course and exam settings. Server-rendered forms that call the same services and selectors as
the staff API; static/exams/dashboard.js only adds confirmation dialogs and local times."""
