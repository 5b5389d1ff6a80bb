"""Third-party browser assets: exactly the files the pages load, from the npm packages installed at set-up.

Listing whole package folders (echarts/dist is 46 MB of builds the pages never load) made every
collectstatic compress them all, and made WhiteNoise scan them each time a middleware chain is built
(every test client). The pages load only what is named here; bureau networks have no internet, so
nothing else is fetched from outside either.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage

# URL prefix under STATIC_URL → (folder under node_modules, files served from it)
VENDOR: dict[str, tuple[str, tuple[str, ...]]] = {
    "vendor/htmx": ("htmx.org/dist", ("htmx.min.js",)),
    "vendor/echarts": ("echarts/dist", ("echarts.min.js",)),
}


def _storages() -> Iterator[tuple[str, FileSystemStorage, tuple[str, ...]]]:
    root = Path(settings.BASE_DIR) / "node_modules"
    for prefix, (folder, names) in VENDOR.items():
        storage = FileSystemStorage(location=root / folder)
        storage.prefix = prefix  # type: ignore[attr-defined]  # read by collectstatic, as for STATICFILES_DIRS
        yield prefix, storage, names


class VendorFinder(BaseFinder):
    def check(self, **kwargs: Any) -> list[CheckMessage]:
        missing = [
            f"{prefix}/{name}"
            for prefix, storage, names in _storages()
            for name in names
            if not storage.exists(name)
        ]
        if missing:
            return [
                Error(
                    f"缺少前端依赖文件 {'、'.join(missing)}：请运行 npm ci（make install）", id="jineng.E002"
                )
            ]
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:  # str, or a list with find_all
        found: list[str] = []
        for prefix, storage, names in _storages():
            name = path.removeprefix(prefix + "/")
            if name != path and name in names and storage.exists(name):
                found.append(storage.path(name))
                if not find_all:
                    return found[0]
        return found if find_all else ""

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for _prefix, storage, names in _storages():
            for name in names:
                if storage.exists(name):
                    yield name, storage
