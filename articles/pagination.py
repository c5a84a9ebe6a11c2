import re

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.utils.functional import cached_property

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
    number = page_number(request)
    if number is None:
        raise Http404("No such page")
    try:
        return paginator.page(number)
    except InvalidPage as exc:
        raise Http404("No such page") from exc
