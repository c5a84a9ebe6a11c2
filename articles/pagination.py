from django.core.paginator import InvalidPage, Paginator
from django.http import Http404

PER_PAGE = 20


def paginate(request, queryset, per_page=PER_PAGE):
    """The requested page of ``queryset``; anything but a valid page number is a 404."""
    paginator = Paginator(queryset, per_page, allow_empty_first_page=True)
    number = request.GET.get("page", "1")
    if not number.isdigit():  # rejects "abc", "-1", "1.5", "last"
        raise Http404("No such page")
    try:
        return paginator.page(int(number))
    except (InvalidPage, OverflowError) as exc:
        raise Http404("No such page") from exc
