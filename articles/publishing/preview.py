"""Staff preview: any piece exactly as readers will see it, with a banner and noindex.

Only users who may see the piece in the newsroom get it; everyone else gets the same 404 as
for a piece that does not exist. The piece-type contract (``piece_model``,
``detail_template``) finds the piece's own class and template, so interviews preview with
their dialogue without articles importing them.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache

from articles.models import Article
from articles.publishing import rules


@never_cache
def preview(request, pk):
    piece = Article.objects.filter(pk=pk).only("pk", "piece_type", "created_by").first()
    if piece is None or not rules.can_view(request.user, piece):
        raise Http404("No such piece.")
    model = piece.piece_model
    piece = model._default_manager.for_detail().get(pk=pk)
    # In the piece's own language, whichever edition's address was asked for.
    with translation.override(piece.language):
        response = render(request, model.detail_template, {"article": piece, "is_preview": True})
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
