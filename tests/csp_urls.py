"""The site's URLs plus one view that fails, to see the policy on a server error."""

from django.urls import path

from kazcms.urls import urlpatterns as site_urlpatterns


def fails(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("fails/", fails), *site_urlpatterns]
