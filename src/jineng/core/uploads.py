"""Every uploaded spreadsheet goes through here, and is checked before any parser sees it.

A .xlsx is a zip of XML parts, and the parsers believe what the parts say. calamine allocates the
whole rectangle from A1 to the furthest cell (one cell at XFD1048576: hundreds of GB, the process
aborts), openpyxl pads every row to the width the sheet's <dimension> declares, and a member that
inflates a thousandfold takes the memory with it. So, before a parser runs, the file is walked here
holding one chunk at a time:

1. its size, and that it is a zip at all (an old .xls or a CSV is named as such);
2. the zip directory, inflating nothing: the members, their declared uncompressed total, each
   member's compression ratio; no encryption, no method but stored and deflate, no name twice;
3. every member inflated in chunks against the size it declares: one that inflates past it is
   refused the moment it does, so the totals the parsers meet are the totals checked here;
4. while inflating, each worksheet's XML is scanned: every <dimension ref> (openpyxl pads to it),
   and the furthest row and column a parser could place a cell at, with or without r="", against
   the row, column and cell limits; the shared strings and the other parts' elements are counted,
   a DTD is refused (entities would let a parser see cells the bytes do not show), and a part
   that is not UTF-8 is refused (the byte scan reads ASCII markup).

Only then is the sheet parsed; what the parser can build is bounded by the limits. The limits are
settings (JINENG_UPLOAD_*), each message names the one that was passed.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from itertools import islice
from typing import Any, Protocol
from xml.etree import ElementTree

from django.conf import settings
from openpyxl import load_workbook

from jineng.core.errors import Refusal

# Not settings: what no genuine workbook comes near. Excel itself writes a dozen members, its XML
# inflates 5-20 fold; a zero-filled member inflates 1000 fold.
MAX_MEMBERS = 1000
MAX_RATIO = 100
RATIO_FROM = 1_000_000  # a small member may compress well: its ratio is not looked at
CHUNK = 1 << 20
_MB = 1_000_000


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_uncompressed: int
    max_rows: int
    max_columns: int
    max_cells: int  # rows × columns of the rectangle from A1 that a parser builds

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=settings.JINENG_UPLOAD_MAX_BYTES,
            max_uncompressed=settings.JINENG_UPLOAD_MAX_UNCOMPRESSED,
            max_rows=settings.JINENG_UPLOAD_MAX_ROWS,
            max_columns=settings.JINENG_UPLOAD_MAX_COLUMNS,
            max_cells=settings.JINENG_UPLOAD_MAX_CELLS,
        )

    def sheet_text(self) -> str:
        return f"最多 {self.max_rows} 行、{self.max_columns} 列、共 {self.max_cells} 个单元格"

    def fits(self, rows: int, columns: int) -> bool:
        return rows <= self.max_rows and columns <= self.max_columns and rows * columns <= self.max_cells


class _Upload(Protocol):
    @property
    def size(self) -> int | None: ...

    def read(self, size: int = ...) -> bytes: ...


def upload_bytes(upload: _Upload, *, what: str = "文件", limits: Limits | None = None) -> bytes:
    """An uploaded file's bytes, its size checked before it is read into memory."""
    limits = limits or Limits.from_settings()
    if upload.size is not None and upload.size > limits.max_bytes:
        raise Refusal(_too_big(upload.size, limits), field=what)
    content = upload.read(limits.max_bytes + 1)
    if len(content) > limits.max_bytes:
        raise Refusal(_too_big(len(content), limits), field=what)
    return content


def _too_big(size: int, limits: Limits) -> str:
    return f"文件大小 {_mb(size)} MB 超过上限 {_mb(limits.max_bytes)} MB"


def _mb(size: int) -> str:
    return f"{size / _MB:.1f}".removesuffix(".0")


# --- cell references -----------------------------------------------------------------------------------


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_REF = re.compile(r"\$?([A-Za-z]{1,7})\$?([0-9]{1,9})")


def _ref(text: str) -> tuple[int, int] | None:
    """(row, column) of "XFD1048576"; None if it is not a cell reference."""
    match = _REF.fullmatch(text.strip())
    if match is None:
        return None
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)), column


def _range_text(rows: int, columns: int) -> str:
    return f"A1:{column_letters(max(columns, 1))}{max(rows, 1)}"


# --- the walk ------------------------------------------------------------------------------------------


class _Unreadable(Exception):
    """The file is not a workbook a parser could read: the caller's own message is shown."""


@dataclass
class _Extent:
    rows: int = 0
    columns: int = 0

    def add(self, row: int, column: int) -> None:
        self.rows = max(self.rows, row)
        self.columns = max(self.columns, column)


# Two passes with a literal start find only what needs a closer look: a <c> or <row> that is not in
# the plain form (r="" first, double quotes) or whose reference lies outside the block A1:Z9999,
# which the limits allow anyway. A 10,000-row roster has a few dozen such tags.
_NAME_CHAR = rb"[\w.:\x80-\xff-]"


@dataclass(frozen=True)
class _Flags:
    cells: re.Pattern[bytes]
    rows: re.Pattern[bytes]
    block_rows: int
    block_columns: int

    @classmethod
    def for_limits(cls, limits: Limits) -> _Flags:
        columns = min(26, limits.max_columns)
        digits = len(str(min(9999, limits.max_rows) + 1)) - 1  # rows below 10**digits pass unexamined
        letter = rb"[A-%s]" % chr(64 + columns).encode()
        number = rb"[1-9][0-9]{0,%d}" % (digits - 1) if digits else rb"(?!)"
        return cls(
            cells=re.compile(rb'<c(?!%s)(?! r="%s%s")' % (_NAME_CHAR, letter, number)),
            rows=re.compile(rb'<row(?!%s)(?! r="%s")' % (_NAME_CHAR, number)),
            block_rows=10**digits - 1,
            block_columns=columns,
        )


_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3}[1-9][0-9]{0,6})"')
_PLAIN_ROW = re.compile(rb'<row r="([1-9][0-9]{0,6})"')
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\s[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_ENCODING = re.compile(rb"^<\?xml[^>]*?\bencoding\s*=\s*[\"']([^\"']*)[\"']")
_SI_LONGER = re.compile(rb"<si" + _NAME_CHAR)
_SI_PREFIXED = re.compile(rb":si[\s/>]")


class _Scan:
    """One XML part's bytes, fed chunk by chunk; each chunk is taken up to its last "<" so that no
    tag is cut (text cannot hold "<"; a run of more than CHUNK bytes without one is taken whole).

    Any part is scanned as a sheet could be (openpyxl reads as a worksheet whatever a workbook's
    <sheet> points at); a part that is not a worksheet also has its elements and shared strings
    counted: styles and string tables become parser objects."""

    def __init__(self, name: str, limits: Limits, flags: _Flags) -> None:
        self.name = name
        self.limits = limits
        self.flags = flags
        self.carry = b""
        self.head = True  # before <sheetData>: where a DTD and the <dimension> are
        self.first = True
        self.extent = _Extent()  # of the cells and rows looked at closely
        self.plain = True  # every <c> and <row> in the plain form: the fast bound holds
        self.elements = 0
        self.strings = 0

    def feed(self, chunk: bytes, *, last: bool = False) -> None:
        data = self.carry + chunk if self.carry else chunk
        cut = data.rfind(b"<")
        if not last and cut <= 0 and len(data) <= CHUNK:
            self.carry = data
            return
        if last or cut <= 0:
            cut = len(data)
        self.carry = data[cut:]
        if self.first:
            self.first = False
            _check_encoding(data[:64], self.name)
            if data.find(b"<!DOCTYPE", 0, cut) >= 0:  # only the prolog may hold one
                raise Refusal(f"文件中 {self.name} 含有 DTD 声明，不予读取（.xlsx 文件不使用 DTD）")
        self.take(data, cut)

    def take(self, data: bytes, end: int) -> None:
        if self.head:
            body = data.find(b"sheetData", 0, end)
            head_end = end if body < 0 else body
            for match in _DIMENSION.finditer(data, 0, head_end):
                _check_dimension(match.group(1).decode("ascii", "replace"), self.limits)
            self.head = body < 0
        if self.plain and _PREFIXED.search(data, 0, end):
            self.plain = False
        extent = self.extent
        for match in self.flags.cells.finditer(data, 0, end):
            cell = _PLAIN_CELL.match(data, match.start(), end)
            where = _ref(cell.group(1).decode()) if cell else None
            if where is None:
                self.plain = False
            else:
                extent.add(*where)
        for match in self.flags.rows.finditer(data, 0, end):
            row = _PLAIN_ROW.match(data, match.start(), end)
            if row is None:
                self.plain = False
            else:
                extent.add(int(row.group(1)), 0)

    def bound(self) -> _Extent:
        """Rows and columns no parser places a cell beyond, when every tag is plain: what was looked
        at, and the block A1:Z9999 that unexamined references lie in."""
        return _Extent(
            max(self.extent.rows, self.flags.block_rows),
            max(self.extent.columns, self.flags.block_columns),
        )


class _CountingScan(_Scan):
    def take(self, data: bytes, end: int) -> None:
        super().take(data, end)
        self.elements += (
            data.count(b"<", 0, end)
            - data.count(b"</", 0, end)
            - data.count(b"<?", 0, end)
            - data.count(b"<!", 0, end)
        )
        part = data[:end]
        self.strings += part.count(b"<si") - len(_SI_LONGER.findall(part)) + len(_SI_PREFIXED.findall(part))


def _check_encoding(head: bytes, name: str) -> None:
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:4]:
        raise Refusal(f"文件中 {name} 不是 UTF-8 编码，无法读取")
    match = _ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
    if match and match.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8", b"us-ascii", b"ascii"):
        raise Refusal(f"文件中 {name} 不是 UTF-8 编码，无法读取")


def _check_dimension(ref: str, limits: Limits) -> None:
    corners = [_ref(corner) for corner in ref.split(":")]
    if not ref or None in corners:
        return  # a reference no parser can use: ignored by both
    rows = max(corner[0] for corner in corners if corner)
    columns = max(corner[1] for corner in corners if corner)
    if not limits.fits(rows, columns):
        raise Refusal(f"文件声明的表格范围 {ref} 超过上限（{limits.sheet_text()}）")


class _Exact:
    """The furthest cell as a parser places it, read with expat: a reference where there is one,
    else the next column (the next row for a <row>). For sheets the fast scan cannot bound."""

    def __init__(self, limits: Limits) -> None:
        import pyexpat

        self.limits = limits
        self.extent = _Extent()
        self.row = 0
        self.column = 0
        self.parser = pyexpat.ParserCreate()
        self.parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartElementHandler = self.start
        self.error = pyexpat.ExpatError

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if local not in ("c", "row", "dimension"):
            return
        refs = [v for k, v in attrs.items() if k == "r" or k.endswith(":r")]
        if local == "dimension":
            _check_dimension(attrs.get("ref", ""), self.limits)
        elif local == "row":
            numbers = [int(v) if v.strip().isdigit() else None for v in refs]
            if None in numbers:
                raise _Unreadable
            self.row = max([n for n in numbers if n is not None] or [self.row + 1])
            self.column = 0
            self.extent.add(self.row, 0)
        else:
            places = [_ref(v) for v in refs]
            if None in places:
                raise _Unreadable
            if places:
                for row, column in (p for p in places if p):
                    self.extent.add(row, column)
                    self.column = column
            else:
                self.column += 1
                self.extent.add(max(self.row, 1), self.column)

    def feed(self, chunk: bytes, *, last: bool = False) -> None:
        try:
            self.parser.Parse(chunk, last)
        except self.error:
            raise _Unreadable from None


# --- the zip ---------------------------------------------------------------------------------------------


def _directory(content: bytes, limits: Limits) -> zipfile.ZipFile:
    if not content:
        raise Refusal("上传的文件是空的")
    if len(content) > limits.max_bytes:
        raise Refusal(_too_big(len(content), limits))
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise Refusal("不支持旧版 .xls 文件：请在 Excel 中另存为 .xlsx 后上传")
    if not content.startswith(b"PK\x03\x04"):
        raise _Unreadable
    try:
        archive = zipfile.ZipFile(BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _Unreadable from None
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise Refusal(f"文件包含 {len(members)} 个部件，超过上限 {MAX_MEMBERS} 个，不是正常的 .xlsx 文件")
    names = [m.filename for m in members]
    if len(set(names)) != len(names):
        raise _Unreadable
    total = sum(m.file_size for m in members)
    if total > limits.max_uncompressed:
        raise Refusal(f"文件解压后共 {_mb(total)} MB，超过上限 {_mb(limits.max_uncompressed)} MB")
    for m in members:
        if m.flag_bits & 0x1:
            raise Refusal("文件已加密：请在 Excel 中取消密码后上传")
        if m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _Unreadable
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > RATIO_FROM and ratio > MAX_RATIO:
            raise Refusal(
                f"文件中 {m.filename} 的压缩比为 {ratio:.0f} 倍，超过上限 {MAX_RATIO} 倍（疑为压缩炸弹）"
            )
    return archive


def _inflate(content: bytes, member: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's bytes, inflated CHUNK at a time; never more than it declares."""
    offset = member.header_offset
    header = content[offset : offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise _Unreadable
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = offset + 30 + name_length + extra_length
    raw = memoryview(content)[start : start + member.compress_size]
    if len(raw) != member.compress_size:
        raise _Unreadable
    left = member.file_size
    if member.compress_type == zipfile.ZIP_STORED:
        if member.compress_size != member.file_size:
            raise _Unreadable
        for at in range(0, len(raw), CHUNK):
            yield bytes(raw[at : at + CHUNK])
        return
    inflater = zlib.decompressobj(-15)
    at = 0
    try:
        while not inflater.eof:
            pending: bytes | memoryview = inflater.unconsumed_tail
            if not pending:
                if at >= len(raw):
                    break
                pending, at = raw[at : at + CHUNK], at + CHUNK
            out = inflater.decompress(pending, CHUNK)
            left -= len(out)
            if left < 0:
                raise Refusal(f"文件中 {member.filename} 解压后超过其声明的大小（疑为压缩炸弹）")
            if out:
                yield out
    except zlib.error:
        raise _Unreadable from None
    if left or not inflater.eof:
        raise _Unreadable


def _xml(content: bytes, member: zipfile.ZipInfo) -> bytes:
    if member.file_size > CHUNK:
        raise _Unreadable  # a relationship part is a few hundred bytes
    return b"".join(_inflate(content, member))


def _relationships(content: bytes, archive: zipfile.ZipFile) -> tuple[set[str], set[str]]:
    """(worksheet parts, every part a relationship names), from every .rels in the package: whichever
    workbook part a parser settles on, its sheets are among these."""
    present = set(archive.namelist())
    sheets: set[str] = set()
    named: set[str] = set()
    for member in archive.infolist():
        if not member.filename.endswith(".rels"):
            continue
        text = _xml(content, member)
        _check_encoding(text, member.filename)
        if b"<!DOCTYPE" in text:
            raise Refusal(f"文件中 {member.filename} 含有 DTD 声明，不予读取（.xlsx 文件不使用 DTD）")
        try:
            root = ElementTree.fromstring(text)
        except ElementTree.ParseError:
            raise _Unreadable from None
        source = posixpath.dirname(posixpath.dirname(member.filename))  # xl/_rels/x.rels: xl
        for rel in root.iter():
            target, kind = rel.get("Target"), rel.get("Type", "")
            if not target or rel.get("TargetMode") == "External":
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(source, target)
            path = posixpath.normpath(path)
            if path in present:
                named.add(path)
                if kind.endswith("/worksheet"):
                    sheets.add(path)
    return sheets, named


_XML_SUFFIXES = (".xml", ".rels", ".vml")


def _looks_xml(name: str, first: bytes, named: set[str]) -> bool:
    """Whether a parser might read the member as XML: by its name, a relationship to it, or its
    first bytes (a picture is only inflated and counted)."""
    if name.endswith(_XML_SUFFIXES) or name in named:
        return True
    head = first[:64].removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"<") or first[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00<" in first[:4]


@dataclass
class Checked:
    """What the walk found: per worksheet, the rows and columns no parser places a cell beyond."""

    sheets: dict[str, _Extent] = field(default_factory=dict)


def envelope_check(content: bytes, *, what: str = "") -> None:
    """The checks that read only the zip directory (size, members, declared sizes, ratios): cheap
    enough for the request that receives the upload. A file that is no zip passes here, for the
    reader to report in its own words."""
    try:
        _directory(content, Limits.from_settings())
    except _Unreadable:
        return
    except Refusal as exc:
        raise Refusal(exc.message, field=what) from None


def xlsx_check(content: bytes, *, limits: Limits | None = None) -> Checked:
    """Refusal (in Chinese, naming the limit) unless the file is a workbook within every limit;
    _Unreadable if it is no workbook at all. Nothing is parsed."""
    limits = limits or Limits.from_settings()
    archive = _directory(content, limits)
    sheets, named = _relationships(content, archive)
    flags = _Flags.for_limits(limits)
    checked = Checked()
    elements = strings = 0
    for member in archive.infolist():
        name = member.filename
        scan: _Scan | None = None
        for chunk in _inflate(content, member):
            if scan is None and _looks_xml(name, chunk, named):
                scan = (_Scan if name in sheets else _CountingScan)(name, limits, flags)
            if scan is not None:
                scan.feed(chunk)
        if scan is None:
            continue
        scan.feed(b"", last=True)
        extent = scan.bound()
        if not scan.plain or not limits.fits(extent.rows, extent.columns):
            extent = _exact(content, member, limits)
            if not limits.fits(extent.rows, extent.columns):
                raise Refusal(
                    f"工作表实际使用的范围 {_range_text(extent.rows, extent.columns)} 超过上限"
                    f"（{limits.sheet_text()}）"
                )
        if name in sheets:
            checked.sheets[name] = extent
        elements += scan.elements
        strings += scan.strings
    if strings > limits.max_cells:
        raise Refusal(f"文件中的共享文本有 {strings} 条，超过上限 {limits.max_cells} 条")
    if elements > 2 * limits.max_cells:
        raise Refusal(f"文件中工作表以外的 XML 元素有 {elements} 个，超过上限 {2 * limits.max_cells} 个")
    return checked


def _exact(content: bytes, member: zipfile.ZipInfo, limits: Limits) -> _Extent:
    exact = _Exact(limits)
    for chunk in _inflate(content, member):
        exact.feed(chunk)
    exact.feed(b"", last=True)
    return exact.extent


# --- reading ---------------------------------------------------------------------------------------------


def checked_or_refused(content: bytes, *, unreadable: str, what: str = "") -> Checked:
    """xlsx_check with the caller's own words for a file that is no workbook."""
    try:
        return xlsx_check(content)
    except _Unreadable:
        raise Refusal(unreadable, field=what) from None
    except Refusal as exc:
        if what and not exc.field:
            raise Refusal(exc.message, field=what) from None
        raise


def xlsx_rows(content: bytes, *, unreadable: str, what: str = "") -> list[Sequence[Any]]:
    """The first worksheet's rows as openpyxl's read-only reader gives them (None for an empty
    cell), after the checks; Refusal with the caller's `unreadable` for a file that is no workbook."""
    checked_or_refused(content, unreadable=unreadable, what=what)
    limits = Limits.from_settings()
    try:
        wb = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise Refusal(unreadable, field=what) from None
    try:
        if not wb.worksheets:
            raise Refusal("文件中没有工作表", field=what)
        return list(islice(wb.worksheets[0].iter_rows(values_only=True), limits.max_rows))
    except Refusal:
        raise
    except Exception:
        raise Refusal(unreadable, field=what) from None
    finally:
        wb.close()
