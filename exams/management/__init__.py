"""Management commands of the exams app and the demo data they set up."""
