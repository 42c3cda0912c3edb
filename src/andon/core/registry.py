"""What each app adds to the whole: menu entries, capabilities, its API router and its URLs.

An app says so in its own `registry.py`, which core's AppConfig.ready imports for every installed
app, so adding an app touches only its folder and the `INSTALLED_APPS` line, never a central list.
Core knows nothing of roles or of any app: it keeps what the apps registered, in the order of
`INSTALLED_APPS`, and hands it to the code that builds the menu (accounts), the URLconf and the API.
(This module is core's own `registry.py`: core's few entries are registered in its AppConfig.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from importlib import import_module
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# The menu follows the work: plan it, run it, watch it, improve it; then master data and admin.
SECTIONS: tuple[str, ...] = ("Plan", "Run", "Watch", "Improve", "Master data", "Admin")


@dataclass(frozen=True)
class NavEntry:
    """One menu entry: a URL name and the capability a user needs to see it."""

    label: str
    url_name: str
    capability: str = "view"


@dataclass(frozen=True)
class NavSection:
    label: str
    entries: tuple[NavEntry, ...]


@dataclass(frozen=True)
class UrlMount:
    """An app's URLconf included under `prefix` (may be "")."""

    prefix: str
    module: str


@dataclass
class _Registry:
    # (section, order, sequence, entries): sorted by order, then by when they were registered.
    navigation: list[tuple[str, int, int, tuple[NavEntry, ...]]] = field(default_factory=list)
    capabilities: dict[str, frozenset[str]] = field(default_factory=dict)
    routers: list[Any] = field(default_factory=list)
    urls: list[UrlMount] = field(default_factory=list)
    capability_check: Callable[[Any, str], bool] | None = None
    discovered: bool = False


_registry = _Registry()


def register_navigation(section: str, entries: Iterable[NavEntry], order: int) -> None:
    """Add `entries` to a menu section at position `order` (entries keep the order given).

    Entries of several apps share a section, so the position is a number: an app's entries sit
    between its neighbours' without any app knowing the others.
    """
    if section not in SECTIONS:
        raise ImproperlyConfigured(f"unknown menu section {section!r}; one of {SECTIONS}")
    _registry.navigation.append((section, order, len(_registry.navigation), tuple(entries)))


def register_capabilities(table: Mapping[str, Iterable[str]]) -> None:
    """Declare capabilities (`<area>.<verb>` -> the role names holding it); each once only."""
    for name, roles in table.items():
        if name in _registry.capabilities:
            raise ImproperlyConfigured(f"capability {name!r} is declared twice")
        _registry.capabilities[name] = frozenset(roles)


def register_api(router: Any) -> None:
    """Mount a Ninja router (or the dotted path of a module with a `router`) under /api/v1/.

    A path keeps the API's schemas and services unimported until the URLconf is loaded, so a
    command such as `andon migrate` does not pay for them.
    """
    _registry.routers.append(router)


def register_urls(prefix: str, module: str) -> None:
    """Include the URLconf `module` under `prefix`; includes keep the INSTALLED_APPS order."""
    _registry.urls.append(UrlMount(prefix, module))


def register_capability_check(check: Callable[[Any, str], bool]) -> None:
    """The one function answering "may this user do that?" (accounts registers it).

    Core's shared pages (lists with a "New" button) ask through here, so core needs no roles.
    """
    _registry.capability_check = check


def autodiscover() -> None:
    """Import every installed app's `registry.py` once (core's AppConfig.ready calls this)."""
    if _registry.discovered:
        return
    _registry.discovered = True
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("registry")


def navigation() -> tuple[NavSection, ...]:
    """Every registered menu entry, by section, in menu order (no filtering by user)."""
    autodiscover()
    sections = []
    for label in SECTIONS:
        groups = sorted(
            (order, sequence, entries)
            for section, order, sequence, entries in _registry.navigation
            if section == label
        )
        entries = tuple(entry for _, _, group in groups for entry in group)
        if entries:
            sections.append(NavSection(label, entries))
    return tuple(sections)


def capabilities() -> Mapping[str, frozenset[str]]:
    """Every declared capability -> the roles holding it."""
    autodiscover()
    return _registry.capabilities


def user_can(user: Any, capability: str) -> bool:
    """Whether `user` holds `capability`, asked of the check accounts registered."""
    autodiscover()
    if _registry.capability_check is None:
        raise ImproperlyConfigured("no installed app registered a capability check")
    return _registry.capability_check(user, capability)


def api_routers() -> list[Any]:
    """The registered routers, module paths resolved to each module's `router`."""
    autodiscover()
    return [
        import_module(router).router if isinstance(router, str) else router
        for router in _registry.routers
    ]


def url_mounts() -> list[UrlMount]:
    autodiscover()
    return list(_registry.urls)


@contextmanager
def scratch() -> Iterator[None]:
    """For tests: registrations made inside are forgotten on the way out."""
    global _registry
    autodiscover()
    saved = _registry
    _registry = replace(
        saved,
        navigation=list(saved.navigation),
        capabilities=dict(saved.capabilities),
        routers=list(saved.routers),
        urls=list(saved.urls),
    )
    try:
        yield
    finally:
        _registry = saved
