"""Issue 14 of the audit (finding 14): what the code imports at runtime is what ``pip install maillage``
installs, and nothing is declared that the runtime never uses."""

import ast
import functools
import re
import sys
import tomllib
from importlib.metadata import packages_distributions, requires
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
PYPROJECT = PACKAGE.parent.parent / "pyproject.toml"
NOT_RUNTIME = {"tests", "browser_tests", "growth_tests", "testing"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def declared(extra: str | None = None) -> set[str]:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    listed = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return {_name(requirement) for requirement in listed}


def runtime_imports() -> dict[str, set[str]]:
    """Top-level third-party modules imported by the package outside its tests → the files importing them."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if NOT_RUNTIME & set(relative.parts) or path.name == "conftest.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "maillage":
                    found.setdefault(top, set()).add(str(relative))
    return found


@functools.cache
def _distributions() -> dict:
    return packages_distributions()


def distribution(module: str) -> str:
    return _distributions()[module][0].lower().replace("_", "-")


def test_finding_14_every_module_imported_at_runtime_is_a_runtime_dependency():
    runtime = declared()
    missing = {
        module: sorted(files) for module, files in runtime_imports().items() if distribution(module) not in runtime
    }
    assert missing == {}, "imported at runtime but not in [project.dependencies]"
    assert "pypdf" in runtime  # the PDF annex assembles its chunks with it


def test_finding_14_no_runtime_dependency_goes_unused():
    """Each runtime dependency is imported by the package, or named in its settings (an app, a backend)."""
    settings_text = (PACKAGE / "settings.py").read_text()
    imported = {distribution(module) for module in runtime_imports()}
    named = {distribution(module) for module in _distributions() if f'"{module}' in settings_text}
    # Loaded by Django's own backends: psycopg by the PostgreSQL one (a postgres:// DATABASE_URL), redis by
    # the Redis cache when the settings name it (REDIS_URL).
    loaded = {"psycopg"} | ({"redis"} if "backends.redis.RedisCache" in settings_text else set())
    unused = declared() - imported - named - loaded
    assert unused == set()
    assert "nh3" not in declared()  # no user HTML or Markdown is ever rendered as HTML: every text is escaped


def test_finding_14_libraries_used_by_tests_only_are_development_extras():
    runtime, dev = declared(), declared("dev")
    assert "weasyprint" not in runtime and "weasyprint" in dev  # it draws PDF fixtures of the import tests
    assert "hypothesis" in dev


def test_installed_apps_come_from_declared_distributions():
    """django-axes and django-csp are apps: a missing one would fail at start, not at import."""
    from django.conf import settings

    runtime = declared()
    reachable = set(runtime)
    for name in list(runtime):
        reachable |= {_name(requirement) for requirement in (requires(name) or []) if "extra ==" not in requirement}
    for app in settings.INSTALLED_APPS:
        top = app.split(".")[0]
        if top in ("django", "maillage"):
            continue
        assert distribution(top) in reachable, app
