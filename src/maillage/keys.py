"""Keys free in a project: the slug of a text, numbered when taken (« forum », « forum-2 »…).

One rule for the directory's entries, the programmes, the campaigns and the nodes a decision adds."""

from django.utils.text import slugify


def base_of(text: str, *, length: int = 90, default: str) -> str:
    return slugify(text)[:length].strip("-") or default


def numbered(base: str, taken) -> str:
    """``base``, or ``base-2``, ``base-3``… the first that ``taken`` does not hold."""
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


def free_key(queryset, text: str, *, length: int = 90, default: str) -> str:
    """A key for a new row of ``queryset`` (one project's rows): one query, for the keys that start alike."""
    base = base_of(text, length=length, default=default)
    return numbered(base, set(queryset.filter(key__startswith=base).values_list("key", flat=True)))
