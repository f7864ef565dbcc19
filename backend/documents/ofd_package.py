"""An OFD package (GB/T 33190-2016) written from an ``OfdSheet``: the zip container and its XML.

Layout of the package (one document, ``Doc_0``)::

    OFD.xml                         the entry: DocInfo and the DocRoot
    Doc_0/Document.xml              CommonData (MaxUnitID, PageArea in mm, resources), Pages
    Doc_0/PublicRes.xml             the fonts, each an embedded TrueType subset
    Doc_0/DocumentRes.xml           the images (the seal), as MultiMedia
    Doc_0/Pages/Page_N/Content.xml  one Layer of the page's objects
    Doc_0/Res/…                     the font and image files

Guarantees: every XML part is UTF-8 in the namespace ``http://www.ofdspec.org/2016``; fonts are
embedded as subsets holding exactly the characters drawn with them (fontTools), never as the
whole multi-megabyte files; the same sheet gives the same bytes (fixed zip times, fixed order,
font timestamps not recalculated).
"""

from __future__ import annotations

import io
import uuid
import xml.etree.ElementTree as ET
import zipfile
from datetime import date
from functools import lru_cache

from fontTools import subset
from fontTools.ttLib import TTFont

from backend.documents.fonts import FontSpec
from backend.documents.ofd_sheet import NS, OfdFont, OfdSheet, numbers, tag

MEDIA_TYPE = "application/ofd"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_DOC = "Doc_0"
_DOC_ID_SPACE = uuid.UUID("5b0d7a4e-3f1c-4c84-9d6e-0f6a1f1a0fd0")  # DocIDs from the title


def _xml(root: ET.Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + bytes(ET.tostring(root, encoding="utf-8"))


@lru_cache(maxsize=8)
def _font_bytes(path: str) -> bytes:
    """A font file read once per process (the subsetter parses a fresh copy per document)."""
    with open(path, "rb") as file:
        return file.read()


def subset_font(spec: FontSpec, characters: set[str]) -> tuple[bytes, str]:
    """A TrueType subset of ``spec``'s face with the glyphs of ``characters``, and its family
    name (as the face's name table gives it)."""
    font = TTFont(
        io.BytesIO(_font_bytes(str(spec.path))),
        fontNumber=spec.subfont_index,
        recalcTimestamp=False,
        lazy=True,  # only the glyphs kept are parsed: about 10 times faster
    )
    family = str(font["name"].getBestFamilyName() or spec.name)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False  # the subset is for screens and printers at any size
    options.layout_features = []  # a receipt uses no ligatures or vertical forms
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: nothing a reader needs
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(char) for char in characters})
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), family


def package(sheet: OfdSheet, *, title: str, created: date) -> bytes:
    """The OFD file of everything drawn on ``sheet`` (its pages closed with ``next_page``)."""
    files: dict[str, bytes] = {}
    doc_id = uuid.uuid5(_DOC_ID_SPACE, title).hex
    files["OFD.xml"] = _xml(_entry(doc_id, title, created))
    public = ET.Element(tag("Res"), BaseLoc="Res")
    fonts = ET.SubElement(public, tag("Fonts"))
    for index, font in enumerate(sorted(sheet.used_fonts.values(), key=lambda f: f.id)):
        data, family = subset_font(sheet.fonts.font_file(font.name), font.characters)
        name = f"font_{index}.ttf"
        files[f"{_DOC}/Res/{name}"] = data
        fonts.append(_font_element(font, family, name))
    document_res = ET.Element(tag("Res"), BaseLoc="Res")
    if sheet.images:
        media = ET.SubElement(document_res, tag("MultiMedias"))
        for index, image in enumerate(sheet.images.values()):
            name = f"image_{index}.png"
            files[f"{_DOC}/Res/{name}"] = image.png
            item = ET.SubElement(
                media, tag("MultiMedia"), ID=str(image.id), Type="Image", Format="PNG"
            )
            ET.SubElement(item, tag("MediaFile")).text = name
    files[f"{_DOC}/PublicRes.xml"] = _xml(public)
    files[f"{_DOC}/DocumentRes.xml"] = _xml(document_res)
    page_ids = [sheet.new_id() for _ in sheet.pages]
    for index, objects in enumerate(sheet.pages):
        page = ET.Element(tag("Page"))
        content = ET.SubElement(page, tag("Content"))
        layer = ET.SubElement(content, tag("Layer"), ID=str(sheet.new_id()), Type="Body")
        layer.extend(objects)
        files[f"{_DOC}/Pages/Page_{index}/Content.xml"] = _xml(page)
    files[f"{_DOC}/Document.xml"] = _xml(_document(sheet, page_ids))
    return _zip(files)


def _entry(doc_id: str, title: str, created: date) -> ET.Element:
    root = ET.Element(tag("OFD"), Version="1.0", DocType="OFD")
    body = ET.SubElement(root, tag("DocBody"))
    info = ET.SubElement(body, tag("DocInfo"))
    for name, value in (
        ("DocID", doc_id),
        ("Title", title),
        ("Author", "Piaojia"),
        ("CreationDate", created.isoformat()),
        ("Creator", "Piaojia"),
    ):
        ET.SubElement(info, tag(name)).text = value
    ET.SubElement(body, tag("DocRoot")).text = f"{_DOC}/Document.xml"
    return root


def _font_element(font: OfdFont, family: str, filename: str) -> ET.Element:
    element = ET.Element(tag("Font"), ID=str(font.id), FontName=family, FamilyName=family)
    ET.SubElement(element, tag("FontFile")).text = filename
    return element


def _document(sheet: OfdSheet, page_ids: list[int]) -> ET.Element:
    root = ET.Element(tag("Document"))
    common = ET.SubElement(root, tag("CommonData"))
    ET.SubElement(common, tag("MaxUnitID")).text = str(sheet.max_id)
    area = ET.SubElement(common, tag("PageArea"))
    ET.SubElement(area, tag("PhysicalBox")).text = numbers(0, 0, sheet.width, sheet.height)
    ET.SubElement(common, tag("PublicRes")).text = "PublicRes.xml"
    ET.SubElement(common, tag("DocumentRes")).text = "DocumentRes.xml"
    pages = ET.SubElement(root, tag("Pages"))
    for index, page_id in enumerate(page_ids):
        ET.SubElement(
            pages, tag("Page"), ID=str(page_id), BaseLoc=f"Pages/Page_{index}/Content.xml"
        )
    return root


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            # Fonts and XML shrink well; PNGs are compressed already.
            info.compress_type = (
                zipfile.ZIP_STORED if name.endswith(".png") else zipfile.ZIP_DEFLATED
            )
            archive.writestr(info, data)
    return out.getvalue()


__all__ = ["MEDIA_TYPE", "NS", "package", "subset_font"]
