from django.urls import path, register_converter

from articles import views
from articles.discovery import archive
from articles.discovery.feeds import feed_urls
from articles.publishing import preview, preview_links

register_converter(archive.YearConverter, "yyyy")
register_converter(archive.MonthConverter, "mm")

app_name = "articles"

urlpatterns = [
    path("articles/", views.article_list, name="list"),
    path("search/", views.search, name="search"),
    path("articles/<str:slug>/", views.detail, name="detail"),
    path("regions/", views.regions, name="regions"),
    path("regions/<str:slug>/", views.region, name="region"),
    path("topics/", views.topics, name="topics"),
    path("topics/<str:slug>/", views.topic, name="topic"),
    path("programmes/<str:slug>/", views.programme, name="programme"),
    path("projects/<str:slug>/", views.project, name="project"),
    path("funders/<str:slug>/", views.funder, name="funder"),
    path("people/<str:slug>/", views.person, name="person"),
    path("preview/<int:pk>/", preview.preview, name="preview"),  # staff only, never cached
    # Outsiders' previews: the token is the key (articles/publishing/preview_links.py).
    path("preview/<str:token>/", preview_links.preview_link, name="preview_link"),
    # Date archive
    path("archive/", archive.index, name="archive"),
    path("archive/<yyyy:year>/", archive.year, name="archive_year"),
    path("archive/<yyyy:year>/<mm:month>/", archive.month, name="archive_month"),
]

urlpatterns += feed_urls()  # RSS and Atom: /feed/, /regions/<slug>/feed/atom/, …
