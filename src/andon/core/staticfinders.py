"""Serve `plotly.min.js` from the installed plotly wheel as `plotly/plotly.min.js`.

The chart library is declared as a dependency and served by Andon itself: no CDN, no copy of a
3 MB file in the repository, and always the version that the Python side renders figures for.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

STATIC_NAME = "plotly/plotly.min.js"


def _bundle() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


class PlotlyFinder(BaseFinder):
    def check(self, **kwargs: Any) -> list[Any]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        if path == STATIC_NAME and _bundle().exists():
            found = str(_bundle())
            return [found] if find_all else found
        return [] if find_all else None

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        bundle = _bundle()
        storage = FileSystemStorage(location=str(bundle.parent))
        storage.prefix = "plotly"  # type: ignore[attr-defined]
        yield bundle.name, storage
