"""The photo picker the rich-text editor opens from its figure dialog ("Browse…").

django-prose-editor speaks CKEditor's file-browser protocol: it opens this page in a window
with ``?CKEditorFuncNum=N``, and the page calls ``window.opener.CKEDITOR.tools.callFunction(N,
url, {id, alternative_text, caption})`` (static/articles/photo_picker.js). The id carries the
photo and its placement (``articles.photos.inline.reference``).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.template.response import TemplateResponse

from articles.discovery.search.index import clean_text
from articles.models import Photo
from articles.pagination import paginate, parse_number
from articles.photos import inline, renditions

PER_PAGE = 24


def picker_view(model_admin):
    """The view for ``PhotoAdmin.get_urls()``: recent photos first, searchable."""

    def view(request):
        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        query = clean_text(request.GET.get("q", ""))[:200]  # no NUL: PostgreSQL refuses it
        photos = Photo.objects.select_related("credit_person").order_by("-uploaded_at", "-pk")
        if query:
            photos = photos.filter(
                Q(caption__icontains=query)
                | Q(alt_text__icontains=query)
                | Q(credit_text__icontains=query)
                | Q(credit_person__name__icontains=query)
                | Q(original_filename__icontains=query)
            )
        page = paginate(request, photos, per_page=PER_PAGE)
        # The editor numbers its callbacks -1, -2, …: a number, or no callback at all.
        callback = request.GET.get("CKEditorFuncNum", "")
        if parse_number(callback.removeprefix("-"), minimum=0, maximum=10**9) is None:
            callback = ""
        context = {
            **model_admin.admin_site.each_context(request),
            "title": "Choose a photo",
            "is_popup": True,
            "opts": Photo._meta,
            "page": page,
            "query": query,
            "callback": callback,
            "choices": [
                {
                    "photo": photo,
                    "thumb": photo.thumb_url,
                    "src": renditions.url_of(photo, "full", 800) or photo.image.url,
                    "placements": [
                        (inline.reference(photo.pk, key), label)
                        for key, (label, _) in inline.PLACEMENTS.items()
                    ],
                }
                for photo in page.object_list
            ],
        }
        return TemplateResponse(request, "admin/articles/photo/pick.html", context)

    return view
