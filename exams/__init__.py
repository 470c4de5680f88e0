"""Exams: courses, exams and questions, attempts, timing, allowances and the attempt lifecycle."""
