import re

from django.core.cache import cache
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.utils.functional import cached_property

from articles.languages import edition_language
from articles.models import ContentVersion

PER_PAGE = 20
MAX_NUMBER = 100_000

# ASCII digits only: str.isdigit() also accepts "²" and "①", which int() then refuses (a 500).
_DIGITS = re.compile(r"[0-9]{1,12}")


def parse_number(value, minimum=1, maximum=MAX_NUMBER):
    """``value`` as an int in ``minimum``..``maximum`` if written in ASCII digits, else ``None``.

    The one parser for numbers read from a request (page numbers, edit tokens): anything else
    ("abc", "-1", "1.5", "²", "①", 10,000 digits) is ``None``, never an exception.
    """
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


def page_number(request):
    """The ``?page=`` of ``request`` (1 when absent), or ``None`` when it is not a page number."""
    return parse_number(request.GET.get("page", "1"))


# Readers' listings count exactly up to this many pieces; past it the total is an estimate kept
# for DEEP_COUNT_SECONDS ("page N of M" may be a page off for that long), so the first view after
# each change counts at most this many rows, not the whole archive.
EXACT_COUNT_UP_TO = 1000
DEEP_COUNT_SECONDS = 600


class VersionedCountPaginator(Paginator):
    """A paginator whose ``COUNT(*)`` is kept until the content changes: counting a deep
    archive on every request is what made listings grow with it.

    ``estimate_deep``: past ``EXACT_COUNT_UP_TO`` items the full count is kept for
    ``DEEP_COUNT_SECONDS`` whatever changes meanwhile (readers' listings; the admin and the
    sitemaps stay exact)."""

    def __init__(self, *args, count_key, estimate_deep=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key
        self.estimate_deep = estimate_deep

    @cached_property
    def count(self):
        if not self.estimate_deep:
            return ContentVersion.cached(f"count:{self.count_key}", self.object_list.count)
        # SELECT COUNT(*) FROM (… LIMIT n + 1): stops reading at the threshold.
        upto = EXACT_COUNT_UP_TO + 1
        shallow = ContentVersion.cached(
            f"count-upto:{self.count_key}", lambda: self.object_list[:upto].count()
        )
        if shallow < upto:
            return shallow
        key = f"deep-count:{edition_language()}:{self.count_key}"
        return cache.get_or_set(key, self.object_list.count, DEEP_COUNT_SECONDS)


def paginate(request, queryset, per_page=None, count_key=None):
    """The requested page of ``queryset``; anything but a valid page number is a 404.

    With ``count_key`` (a name for the queryset, unique per listing) the count is cached
    until the content changes, and estimated past ``EXACT_COUNT_UP_TO``."""
    per_page = per_page or PER_PAGE
    if count_key is None:
        paginator = Paginator(queryset, per_page, allow_empty_first_page=True)
    else:
        paginator = VersionedCountPaginator(
            queryset, per_page, allow_empty_first_page=True, count_key=count_key, estimate_deep=True
        )
    number = page_number(request)
    if number is None:
        raise Http404("No such page")
    try:
        return paginator.page(number)
    except InvalidPage as exc:
        raise Http404("No such page") from exc
