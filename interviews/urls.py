from django.urls import path

from . import views

app_name = "interviews"

urlpatterns = [
    path("interviews/<str:slug>/", views.detail, name="detail"),
]
