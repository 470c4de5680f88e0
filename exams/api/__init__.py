"""The exams app's REST API: thin views that call one service or selector each."""
