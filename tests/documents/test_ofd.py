"""OFD copies (GB/T 33190-2016) of medical receipts, read back with ofdkit, an OFD reader from
PyPI that shares no code with the writer."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import httpx
import ofdkit
from starlette.applications import Starlette

from backend.auth.standin import demo_openid
from backend.documents.fonts import FontSet
from backend.documents.medical import render_medical
from backend.documents.ofd import render_ofd
from backend.documents.ofd_sheet import NS
from backend.services import Services
from tests.documents.support import RARE_NAME, medical, page_size_of, reversal, write
from tests.factories import issuer_with_staff, receipt_request
from tests.transit.support import INVOICES, import_rows, metro, my_trip_ids, personal, trip_row
from tests.wechat import login

URL = "/api/v1/hospital/receipts"
POINT_MM = 25.4 / 72
PAYER = {"name": "王小明", "id_number": "440106199001011235"}


def text_of(ofd: bytes) -> str:
    with ofdkit.open(ofd) as document:
        return str(document.text())


def parts_of(ofd: bytes) -> dict[str, ET.Element]:
    """The XML parts of the package, parsed; every root in the OFD namespace."""
    with zipfile.ZipFile(io.BytesIO(ofd)) as archive:
        parts = {
            name: ET.fromstring(archive.read(name))
            for name in archive.namelist()
            if name.endswith(".xml")
        }
    for name, root in parts.items():
        assert root.tag.startswith(f"{{{NS}}}"), name
    return parts


def test_the_package_and_its_text(fonts: FontSet, tmp_path: Path) -> None:
    document = medical()
    ofd = render_ofd(document, fonts)
    parts = parts_of(ofd)
    assert {"OFD.xml", "Doc_0/Document.xml", "Doc_0/Pages/Page_0/Content.xml"} <= set(parts)
    box = parts["Doc_0/Document.xml"].find(f".//{{{NS}}}PhysicalBox")
    assert box is not None and box.text == "0 0 241 140"
    text = text_of(ofd)
    for shown in (document.code, document.number, document.check_code, "张三", "¥149.10"):
        assert shown in text, shown
    assert "4401**********1234" in text  # the ID number masked, as on the PDF
    assert render_ofd(document, fonts) == ofd  # the same document, the same bytes

    pdf_width, pdf_height = page_size_of(
        write(tmp_path, "medical", render_medical(document, fonts))
    )
    with ofdkit.open(ofd) as read:
        page = read.pages[0]
        assert abs(page.width - pdf_width * POINT_MM) < 0.05
        assert abs(page.height - pdf_height * POINT_MM) < 0.05


def test_fonts_are_embedded_subsets(fonts: FontSet) -> None:
    ofd = render_ofd(medical(payer_name=RARE_NAME), fonts)
    with zipfile.ZipFile(io.BytesIO(ofd)) as archive:
        font_files = [name for name in archive.namelist() if name.endswith(".ttf")]
        sizes = [archive.getinfo(name).file_size for name in font_files]
    assert len(font_files) >= 2  # the rare name needs a fallback face
    assert all(size < 400_000 for size in sizes), sizes  # subsets, not the whole files
    assert RARE_NAME in text_of(ofd)


def test_a_reversal_is_marked_and_negative(fonts: FontSet) -> None:
    text = text_of(render_ofd(reversal(), fonts))
    assert "冲红" in text and "原票据号码" in text
    assert "-149.10" in text


async def test_staff_and_scan_copies(app: Starlette, client: httpx.AsyncClient) -> None:
    services: Services = app.state.services
    cashier = await issuer_with_staff(app)
    issued = (
        await client.post(URL, json=receipt_request(payer=PAYER), headers=cashier.headers)
    ).json()
    await services.sequencer.integrate_once()

    staff = await client.get(f"{URL}/{issued['id']}/receipt.ofd", headers=cashier.headers)
    assert staff.status_code == 200
    assert staff.headers["content-type"] == "application/ofd"
    assert f"-{issued['number']}.ofd" in staff.headers["content-disposition"]
    again = await client.get(
        f"{URL}/{issued['id']}/receipt.ofd",
        headers=cashier.headers | {"If-None-Match": staff.headers["etag"]},
    )
    assert again.status_code == 304
    text = text_of(staff.content)
    for shown in (issued["code"], issued["number"], issued["check_code"], "王小明", "¥85.60"):
        assert shown in text, shown
    assert PAYER["id_number"] not in text

    scan_path = issued["scan_url"].removeprefix("https://piaojia.test")
    public = await client.get(f"{scan_path}/receipt.ofd")
    assert public.status_code == 200 and public.headers["content-type"] == "application/ofd"
    text = text_of(public.content)
    for shown in (issued["code"], issued["number"], issued["check_code"], "王*明", "¥85.60"):
        assert shown in text, shown
    assert "王小明" not in text and PAYER["id_number"] not in text
    raw = b"".join(
        zipfile.ZipFile(io.BytesIO(public.content)).read(name)
        for name in zipfile.ZipFile(io.BytesIO(public.content)).namelist()
        if name.endswith(".xml")
    ).decode()
    assert "王小明" not in raw and PAYER["id_number"] not in raw  # not even in the XML


async def test_a_reversal_copy_says_it_reverses(app: Starlette, client: httpx.AsyncClient) -> None:
    cashier = await issuer_with_staff(app)
    original = (await client.post(URL, json=receipt_request(), headers=cashier.headers)).json()
    red = (
        await client.post(
            f"{URL}/{original['id']}/reversal", json={"reason": "退费"}, headers=cashier.headers
        )
    ).json()
    ofd = await client.get(f"{URL}/{red['id']}/receipt.ofd", headers=cashier.headers)
    assert ofd.status_code == 200
    text = text_of(ofd.content)
    assert "冲红" in text and original["number"] in text and "-85.60" in text


async def test_unknown_receipts_answer_as_the_pdf_does(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    mine = await issuer_with_staff(app)
    theirs = await issuer_with_staff(app)
    issued = (await client.post(URL, json=receipt_request(), headers=theirs.headers)).json()
    for receipt_id in (issued["id"], "00000000-0000-4000-8000-000000000000"):
        answers = [
            await client.get(f"{URL}/{receipt_id}/receipt.{suffix}", headers=mine.headers)
            for suffix in ("pdf", "ofd")
        ]
        assert [answer.status_code for answer in answers] == [404, 404]
        codes = {answer.json()["error"]["code"] for answer in answers}
        assert codes == {"receipt_not_found"}
    pdf, ofd = [await client.get(f"/s/no-such-token/receipt.{s}") for s in ("pdf", "ofd")]
    assert ofd.status_code == pdf.status_code == 404
    assert ofd.json()["error"]["code"] == pdf.json()["error"]["code"]


async def test_a_transit_invoice_has_no_ofd_copy_yet(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    operator = await metro(wx_app)
    rider = await login(wx_client, "demo-alice")
    await import_rows(wx_client, operator, [trip_row(1, openid=demo_openid("alice"))])
    trips = await my_trip_ids(wx_client, rider)
    issued = await wx_client.post(
        INVOICES, json={"trips": trips, "title": personal("张小三")}, headers=rider
    )
    assert issued.status_code == 201, issued.text
    scan = issued.json()["receipt"]["scan_url"].removeprefix("https://piaojia.test")
    assert (await wx_client.get(f"{scan}/receipt.pdf")).status_code == 200
    answer = await wx_client.get(f"{scan}/receipt.ofd")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "ofd_not_available"
