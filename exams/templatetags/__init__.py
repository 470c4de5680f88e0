"""Template tags of the exams pages."""
