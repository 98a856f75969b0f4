from django.urls import path

from liaison.two_factor import views

app_name = "two_factor"

urlpatterns = [
    path("", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("codes/", views.codes, name="codes"),
    path("manage/", views.manage, name="manage"),
]
