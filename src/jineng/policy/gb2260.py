"""GB/T 2260 administrative division codes, read from the table python-stdnum ships (stdnum/cn/loc.dat).

Only divisions in force are returned: entries like ``[1986-2016]许昌县`` are historical.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

_ENTRY = re.compile(r"^\s+(\d{4}) county=\"(.*)\"$")
_PROVINCE = re.compile(r"^(\d{2}) province=\"(.*)\"$")
_PART = re.compile(r"^(?:\[(\d{4})?-(\d{4})?\])?(.+)$")


@cache
def current_divisions() -> dict[str, str]:
    """code → name of every division whose latest entry is still in force."""
    text = resources.files("stdnum.cn").joinpath("loc.dat").read_text(encoding="utf-8")
    result: dict[str, str] = {}
    province = ""
    for line in text.splitlines():
        if match := _PROVINCE.match(line):
            province = match.group(1)
            continue
        match = _ENTRY.match(line)
        if not match or not province:
            continue
        code = province + match.group(1)
        for part in match.group(2).split(","):
            parsed = _PART.match(part.strip())
            if parsed and parsed.group(2) is None:
                result[code] = parsed.group(3)
    return result


def code_for(name: str, *, within: str) -> str:
    """The code of the division called ``name`` under the prefix ``within`` (e.g. "4101")."""
    matches = [code for code, n in current_divisions().items() if n == name and code.startswith(within)]
    if len(matches) != 1:
        raise LookupError(f"GB/T 2260 中 {within}… 下名为 {name} 的区划有 {len(matches)} 个")
    return matches[0]


def name_for(code: str) -> str | None:
    return current_divisions().get(code)
