from django.shortcuts import get_object_or_404, render

from .models import Interview


def detail(request, slug):
    interview = get_object_or_404(Interview.objects.published().for_detail(), slug=slug)
    return render(request, Interview.detail_template, {"article": interview})
