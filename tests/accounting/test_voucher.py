"""The accounting XML of a document, without a database: valid, deterministic, masked."""

from __future__ import annotations

import pytest
from lxml import etree

from backend.accounting.voucher import Personal, medical_xml, transit_xml
from tests.accounting.support import assert_valid, texts
from tests.documents.support import medical, reversal, transit

FULL = Personal(
    id_number="440106199001011235",
    visit_number="MZ20261127001",
    email="zhang@example.com",
    phone="13800138000",
)


def test_the_issuers_medical_copy_is_valid_and_whole() -> None:
    document = medical()
    root = assert_valid(medical_xml(document, status="valid", personal=FULL), "efi.xsd")
    assert root.get("copy") == "issuer"
    assert texts(root, "PayerPartyName") == [document.payer_name]
    assert texts(root, "PayerPartyIdNumber") == [FULL.id_number]
    assert texts(root, "MedicalRecordNumber") == [FULL.visit_number]
    assert texts(root, "PayerPartyPhone") == [FULL.phone]
    assert texts(root, "Payee") == [document.cashier]
    assert texts(root, "EInvoiceCode") == [document.code]
    assert texts(root, "EInvoiceNumber") == [document.number]
    amounts = sum(int(a.replace(".", "")) for a in texts(root, "ItemAmount"))
    assert amounts == document.total_fen
    assert texts(root, "TotalAmount") == ["149.10"]


def test_the_public_medical_copy_shows_what_the_scan_page_shows() -> None:
    document = medical(payer_name="欧阳小明", payer_id_masked="4401**********1235")
    xml = medical_xml(document, status="valid", personal=None)
    root = assert_valid(xml, "efi.xsd")
    assert root.get("copy") == "public"
    assert texts(root, "PayerPartyName") == ["欧**明"]
    assert texts(root, "PayerPartyIdNumber") == ["4401**********1235"]
    for absent in ("MedicalRecordNumber", "PayerPartyEmail", "PayerPartyPhone", "Payee"):
        assert texts(root, absent) == [], absent
    for private in ("欧阳小明", document.visit_number, document.cashier):
        assert private.encode() not in xml, private
    # Deterministic: the PDF's copy and the served one are the same bytes.
    assert medical_xml(document, status="valid", personal=None) == xml


def test_a_red_reversal_is_marked_red_with_negative_amounts() -> None:
    document = reversal()
    root = assert_valid(medical_xml(document, status="valid", personal=None), "efi.xsd")
    assert texts(root, "WhetherEReceiptIsRed") == ["Y"]
    assert document.reverses is not None
    assert texts(root, "OriginalEInvoiceNumber") == [document.reverses[1]]
    assert texts(root, "TotalAmount")[0].startswith("-")
    assert texts(root, "TotalAmountInChinese")[0].startswith("负")


@pytest.mark.parametrize("kind", ["个人", "单位"])
def test_the_transit_invoice_copies(kind: str) -> None:
    tax_id = "91350100M000100Y43" if kind == "单位" else None
    name = "广州示范科技有限公司" if kind == "单位" else "张小三"
    document = transit(buyer_kind=kind, buyer_name=name, buyer_tax_id=tax_id)
    public = assert_valid(transit_xml(document, status="valid", public=True), "einv.xsd")
    issuer = assert_valid(transit_xml(document, status="valid", public=False), "einv.xsd")
    assert texts(public, "BuyerName") == [name if kind == "单位" else "张*三"]
    assert texts(issuer, "BuyerName") == [name]
    assert texts(public, "Drawer") == [] and texts(issuer, "Drawer") == [document.drawer]
    assert len(texts(public, "SpecMod")) == len(document.trips)
    assert texts(public, "InvoiceNumber") == [document.number]
    fares = sum(int(a.replace(".", "")) for a in texts(public, "TotaltaxIncludedAmount"))
    assert fares == document.total_fen


def test_text_that_looks_like_markup_stays_text() -> None:
    document = medical(department='<内科>&amp;"急诊"')
    root = assert_valid(medical_xml(document, status="valid", personal=None), "efi.xsd")
    assert texts(root, "Department") == ['<内科>&amp;"急诊"']


def test_the_schema_refuses_what_it_should() -> None:
    xml = medical_xml(medical(), status="valid", personal=None)
    broken = xml.replace(b"<efi:RandomNumber>", b"<efi:RandomNumber>x")
    with pytest.raises(AssertionError):
        assert_valid(broken, "efi.xsd")
    etree.fromstring(broken)  # still well-formed: it is the schema that refused it
