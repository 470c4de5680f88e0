"""URLs of the exams app's pages."""

from django.urls import path

from exams import views

app_name = "exams"

urlpatterns = [
    path("", views.home, name="home"),
    path("courses/<str:course_id>/", views.course_home, name="course"),
    path("courses/<str:course_id>/exams/<int:exam_id>/", views.exam_page, name="exam"),
    path("courses/<str:course_id>/progress/", views.progress, name="progress"),
]
