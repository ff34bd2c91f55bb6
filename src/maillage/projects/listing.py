"""Lists of projects (home, published plans): searched in the database and paginated, so that an
instance holding a whole country's network serves one page of them, never all of them."""

from django.core.paginator import Paginator

from maillage.french import normalise

PAGE_SIZE = 24


def searched(projects, query: str):
    """Projects whose title, subtitle or identifier hold every word of ``query`` (accents and case aside)."""
    for word in normalise(query).split()[:10]:
        projects = projects.filter(search_key__contains=word)
    return projects


def page_of(projects, request, size: int = PAGE_SIZE):
    """One page of ``projects`` (ordered by the caller), the page number read from ``?page=``."""
    return Paginator(projects, size).get_page(request.GET.get("page"))
