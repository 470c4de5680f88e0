"""A URL that matches no pattern: the API's error shape under /api/, the usual page elsewhere."""

import pytest


@pytest.mark.django_db
def test_api_url_matching_no_pattern_answers_the_error_shape(client, learner):
    client.force_login(learner)

    response = client.get("/api/v1/attempts/null,null/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "message": "No such resource.", "extra": {}}


@pytest.mark.django_db
def test_page_url_matching_no_pattern_answers_the_not_found_page(client, learner):
    client.force_login(learner)

    response = client.get("/courses/x/exams/not-a-number/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
