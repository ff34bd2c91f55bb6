from django.shortcuts import render

from .querying import GROUPS, clean_query, search


def search_page(request):
    """``/recherche/?q=…``: everything the visitor may read that matches, by group, each paginated."""
    query = clean_query(request.GET.get("q"))
    groups = []
    if query:
        pages = {group.key: request.GET.get(f"page-{group.key}") for group in GROUPS}
        groups = search(request.user, query, pages)
    context = {"query": query, "search_query": query, "groups": groups, "total": sum(group.count for group in groups)}
    return render(request, "search/results.html", context)
