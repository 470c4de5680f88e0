"""A NUL character in the address is refused before any query (PostgreSQL: a 500 otherwise)."""

import pytest

COURSE = "course-v1:Test+Exams+2026"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/courses/a%00b/exams/", 404, "not_found"),
        ("/api/v1/courses/a%00b/reports/", 404, "not_found"),
        (f"/api/v1/courses/{COURSE}/attempts/?q=a%00b", 400, "invalid_input"),
        (f"/api/v1/courses/{COURSE}/attempts/?a%00=b", 400, "invalid_input"),
    ],
)
def test_api_answers_its_error_shape(client, course, instructor, url, status, code):
    client.force_login(instructor)

    response = client.get(url)

    assert response.status_code == status
    assert response.json()["code"] == code


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/courses/a%00b/", 404),
        ("/courses/a%00b/instructor/data-download/", 404),
        ("/proctoring/simulated/software/a%00b/", 404),
        (f"/courses/{COURSE}/instructor/?q=a%00b", 400),
    ],
)
def test_pages_answer_a_short_text(client, course, instructor, url, status):
    client.force_login(instructor)

    response = client.get(url)

    assert response.status_code == status
    assert response["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.django_db
def test_an_address_without_nul_goes_through(client, course, instructor):
    client.force_login(instructor)

    response = client.get(f"/api/v1/courses/{course.course_id}/attempts/?q=ab")

    assert response.status_code == 200
