from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.utils.functional import cached_property

from articles.models import ContentVersion

PER_PAGE = 20


class VersionedCountPaginator(Paginator):
    """A paginator whose ``COUNT(*)`` is kept until the content changes: counting a deep
    archive on every request is what made listings grow with it."""

    def __init__(self, *args, count_key, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        return ContentVersion.cached(f"count:{self.count_key}", self.object_list.count)


def paginate(request, queryset, per_page=PER_PAGE, count_key=None):
    """The requested page of ``queryset``; anything but a valid page number is a 404.

    With ``count_key`` (a name for the queryset, unique per listing) the count is cached
    until the content changes."""
    if count_key is None:
        paginator = Paginator(queryset, per_page, allow_empty_first_page=True)
    else:
        paginator = VersionedCountPaginator(
            queryset, per_page, allow_empty_first_page=True, count_key=count_key
        )
    number = request.GET.get("page", "1")
    if not number.isdigit():  # rejects "abc", "-1", "1.5", "last"
        raise Http404("No such page")
    try:
        return paginator.page(int(number))
    except (InvalidPage, OverflowError) as exc:
        raise Http404("No such page") from exc
