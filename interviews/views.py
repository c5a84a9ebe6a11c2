from django.shortcuts import render

from articles.views import redirect_to_other_edition

from .models import Interview


def detail(request, slug):
    interview = Interview.objects.page_of(slug)
    if interview is None:
        return redirect_to_other_edition(Interview, slug)
    return render(request, Interview.detail_template, {"article": interview})
