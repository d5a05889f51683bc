"""The one-way dependencies of docs/architecture.md, checked on every import of the code.

users imports no other app; subscriptions knows nothing of content or analytics; content/ai
imports nothing else of content; content reaches analytics only through its services and
selectors; core imports no app, except its `seed_demo` command, which like huntaze/urls.py
puts every app together. Migrations are history and are left out."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "apps"


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, relative imports resolved to absolute names."""
    module = _module_of(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.add(name)
            # `from . import selectors` imports a module too.
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


COMPOSITION_ROOTS = ("apps.core.management",)


def _code(package: str) -> list[Path]:
    folder = ROOT.joinpath(*package.split("."))
    return [
        path
        for path in folder.rglob("*.py")
        if "migrations" not in path.parts
        and not any(_within(_module_of(path), root) for root in COMPOSITION_ROOTS)
    ]


def _violations(package: str, forbidden) -> list[str]:
    return sorted(
        f"{_module_of(path)} imports {name}"
        for path in _code(package)
        for name in _imports(path)
        if forbidden(name)
    )


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


@pytest.mark.parametrize(
    ("package", "others"),
    [
        ("apps.core", ("apps.users", "apps.content", "apps.subscriptions", "apps.analytics")),
        ("apps.users", ("apps.content", "apps.subscriptions", "apps.analytics")),
        ("apps.subscriptions", ("apps.content", "apps.analytics")),
    ],
)
def test_lower_layers_import_no_higher_app(package, others):
    assert _violations(package, lambda name: any(_within(name, o) for o in others)) == []


def test_the_ai_layer_imports_nothing_else_of_content():
    def outside_ai(name: str) -> bool:
        return _within(name, "apps.content") and not _within(name, "apps.content.ai")

    assert _violations("apps.content.ai", outside_ai) == []


def test_content_reaches_analytics_only_through_services_and_selectors():
    allowed = ("apps.analytics.services", "apps.analytics.selectors")

    def forbidden(name: str) -> bool:
        return (
            _within(name, "apps.analytics")
            and name != "apps.analytics"
            and not any(_within(name, a) for a in allowed)
        )

    assert _violations("apps.content", forbidden) == []


def test_the_checker_sees_relative_imports():
    # A guard on the guard: a relative import inside content/studio resolves to its target.
    views = APPS / "content" / "studio" / "views.py"
    assert "apps.content.library.selectors" in _imports(views)
    assert "apps.core.decorators" in _imports(views)
