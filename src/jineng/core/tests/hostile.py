"""Hostile spreadsheets, built in the test with zipfile: each a few KB on disk (the bomb a few hundred)."""

from __future__ import annotations

import struct
import zipfile
from functools import cache
from io import BytesIO

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET = "xl/worksheets/sheet1.xml"

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
}


def sheet_xml(rows: str, *, dimension: str | None = None, root: str = "worksheet") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><{root} xmlns="{MAIN}">'
        f"{dim}<sheetData>{rows}</sheetData></{root}>"
    )


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def workbook(sheet: str | bytes, *, strings: bool = False) -> bytes:
    """A minimal package Excel, openpyxl and calamine all open, with this sheet XML."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        _write_parts(z, sheet, strings=strings)
    return out.getvalue()


def _write_parts(z: zipfile.ZipFile, sheet: str | bytes, *, strings: bool) -> None:
    for name, text in _PARTS.items():
        if strings and name == "xl/_rels/workbook.xml.rels":
            text = text.replace(
                "</Relationships>",
                f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
            )
        z.writestr(name, text)
    z.writestr(SHEET, sheet)


def declared_everything() -> bytes:
    """The issue's file: a header row, a formatted empty cell at the sheet's last row and column (as
    Excel keeps one a clerk once touched), and a <dimension> that claims the whole sheet."""
    rows = (
        f'<row r="1">{inline("A1", "身份证号")}{inline("B1", "姓名")}</row>'
        '<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    )
    return workbook(sheet_xml(rows, dimension="A1:XFD1048576"))


def far_cell() -> bytes:
    """No <dimension>; one real cell at the last row and column."""
    rows = f'<row r="1">{inline("A1", "身份证号")}</row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return workbook(sheet_xml(rows))


BOMB = "xl/sharedStrings.xml"


@cache
def text_bomb(megabytes: int = 300) -> bytes:
    """A shared string of `megabytes` MB of one letter, written a megabyte at a time: a file of about a
    thousandth of that, valid XML that every parser would load whole."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        _write_parts(z, sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), strings=True)
        with z.open(BOMB, "w") as member:
            member.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}"><si><t>'.encode())
            block = b"a" * (1 << 20)
            for _ in range(megabytes):
                member.write(block)
            member.write(b"</t></si></sst>")
    return out.getvalue()


@cache
def lying_bomb(megabytes: int = 300, declared: int = 1000) -> bytes:
    """text_bomb with the directory saying the strings inflate to `declared` bytes."""
    content = bytearray(text_bomb(megabytes))
    name = BOMB.encode()
    # Central directory entry: uncompressed size at +24; local header: at +22.
    for signature, at, name_at in ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)):
        start = 0
        while (start := content.find(signature, start)) >= 0:
            if content[start + name_at : start + name_at + len(name)] == name:
                content[start + at : start + at + 4] = struct.pack("<I", declared)
            start += 4
    return bytes(content)


def rows_sheet(count: int, *, columns: int = 2) -> bytes:
    """count rows of plain cells, with a dimension that says so (as Excel writes it)."""
    letters = [chr(65 + i) for i in range(columns)]
    body = "".join(
        f'<row r="{n}">' + "".join(inline(f"{c}{n}", f"{c}{n}") for c in letters) + "</row>"
        for n in range(1, count + 1)
    )
    return workbook(sheet_xml(body, dimension=f"A1:{letters[-1]}{count}"))


NOT_A_ZIP = "身份证号,姓名\n410105198001011239,张伟\n".encode()
OLD_XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
