"""Routes of the study pages."""

from django.urls import path

from study.views import representative, staff

app_name = "study"
urlpatterns = [
    path("me/study/", representative.my_study, name="my_study"),
    path("me/study/<int:pk>/", representative.my_material, name="my_material"),
    path("me/study/<int:pk>/read/", representative.my_material_read, name="my_material_read"),
    path("study/<int:pk>/file/", representative.material_file, name="material_file"),
    path(
        "study/<int:pk>/slides/",
        representative.material_file,
        {"which": "slides"},
        name="material_slides",
    ),
    path("staff/study/", staff.staff_materials, name="staff_materials"),
    path("staff/study/new/", staff.staff_material_new, name="staff_material_new"),
    path("staff/study/<int:pk>/", staff.staff_material, name="staff_material"),
    path("staff/study/<int:pk>/edit/", staff.staff_material_edit, name="staff_material_edit"),
    path(
        "staff/study/<int:pk>/publish/", staff.staff_material_publish, name="staff_material_publish"
    ),
    path(
        "staff/study/<int:pk>/unpublish/",
        staff.staff_material_unpublish,
        name="staff_material_unpublish",
    ),
    path("staff/study/collective/", staff.staff_collective_study, name="staff_collective_study"),
]
