"""The service certificate (志愿服务记录证明) as a PDF: the fields 民政部令第67号 requires, the
Chinese font embedded, and a QR code to its public verification.

fpdf2 (pure Python, maintained, LGPL) rather than reportlab: reportlab's ``TTFont`` cannot embed
fonts with PostScript (CFF) outlines, and the Noto CJK fonts Debian ships (fonts-noto-cjk) are
such OpenType collections; fpdf2 embeds them through fontTools, subset to the characters used
(a certificate is tens of kilobytes, not the 20 MB font). The QR code is made by segno (pure
Python, no Pillow needed for PNG).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import segno
from fontTools.ttLib import TTCollection
from fpdf import FPDF

from domain import certificates

# Where distributions put the Noto CJK fonts (Debian/Ubuntu, Fedora, Arch, Alpine, Homebrew).
FONT_DIRS = (
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/noto",
    "/usr/local/share/fonts",
    "/opt/homebrew/share/fonts",
)
FONT_FILES = ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.otf")
FONT_ENV = "CERTIFICATE_FONT"  # a path to a font with simplified Chinese, to override the search


class FontMissing(RuntimeError):
    """No font with simplified Chinese was found: install fonts-noto-cjk (scripts/install.sh)."""


@lru_cache(maxsize=1)
def font() -> tuple[str, int]:
    """(path, face index) of a simplified-Chinese font: ``CERTIFICATE_FONT``, else Noto Sans CJK
    in the distributions' font directories, else what fontconfig matches for it."""
    named = os.environ.get(FONT_ENV)
    candidates = [Path(named)] if named else []
    candidates += [Path(d) / f for d in FONT_DIRS for f in FONT_FILES]
    matched = _fontconfig()
    if matched is not None:
        candidates.append(matched)
    for path in candidates:
        if path.is_file():
            return str(path), _simplified_face(path)
    raise FontMissing(
        "No Chinese font for certificates: install fonts-noto-cjk, or set CERTIFICATE_FONT."
    )


def _fontconfig() -> Path | None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        found = subprocess.run(  # noqa: S603 - a fixed program and arguments
            [fc_match, "--format=%{file}", "Noto Sans CJK SC:lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(found) if found else None


def _simplified_face(path: Path) -> int:
    """The face of a collection (.ttc) that is the simplified-Chinese one (its family ends in
    SC); 0 for a single font."""
    if path.suffix.lower() != ".ttc":
        return 0
    with path.open("rb") as file:
        for index, face in enumerate(TTCollection(file, lazy=True).fonts):
            family = face["name"].getDebugName(1) or ""
            if family.endswith(" SC"):
                return index
    return 0


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def render(certificate: Mapping[str, Any], verify_url: str) -> bytes:
    """The PDF of one certificate (as stored) whose QR code opens ``verify_url``."""
    path, face = font()
    pdf = FPDF(format="A4")
    pdf.set_title(f"志愿服务记录证明 {certificate['id']}")
    pdf.set_creator("community resource graph")
    pdf.add_font("cjk", fname=path, collection_font_number=face)
    pdf.add_page()
    pdf.set_font("cjk", size=22)
    pdf.cell(0, 18, "志愿服务记录证明", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    pdf.cell(0, 6, f"证明编号：{certificate['id']}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("cjk", size=12)
    period = f"{certificate['periodFrom']} 至 {certificate['periodUntil']}"
    rows = (
        ("姓名", certificate["name"]),
        ("证件类型", certificate.get("idType") or "—"),
        ("证件号码", certificate.get("idNumberMasked") or "—"),
        ("志愿者编号", certificate.get("volunteerNo") or "—"),
        ("服务时间", period),
        ("服务内容", certificate.get("content") or "—"),
        ("服务时长", f"{certificates.hours(int(certificate['minutes']))} 小时"),
        ("出具组织", certificate["organizationName"]),
        ("组织负责人", certificate["personInCharge"]),
        ("经办人", certificate["handler"]),
        ("联系方式", certificate["contact"]),
        ("出具日期", certificate["issuedOn"]),
    )
    with pdf.table(
        col_widths=(35, 135), text_align=("LEFT", "LEFT"), first_row_as_headings=False
    ) as table:
        for label, value in rows:
            row = table.row()
            row.cell(label)
            row.cell(str(value))
    pdf.ln(6)
    pdf.set_font("cjk", size=11)
    pdf.multi_cell(
        0,
        7,
        f"兹证明{certificate['name']}同志于{period}期间参加志愿服务，经本组织记录并核实，"
        f"累计服务时长{certificates.hours(int(certificate['minutes']))}小时。特此证明。",
        align="L",
    )
    pdf.ln(6)
    pdf.set_font("cjk", size=12)
    pdf.multi_cell(
        0, 8, f"{certificate['organizationName']}（盖章）\n{certificate['issuedOn']}", align="R"
    )
    pdf.ln(6)
    top = pdf.get_y()
    pdf.image(io.BytesIO(qr_png(verify_url)), x=pdf.l_margin, y=top, w=32, h=32)
    pdf.set_xy(pdf.l_margin + 36, top + 10)
    pdf.set_font("cjk", size=9)
    pdf.cell(0, 5, "扫码核验本证明（证明编号、姓名、服务时长）", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(pdf.l_margin + 36)
    pdf.cell(0, 5, verify_url)
    return bytes(pdf.output())
