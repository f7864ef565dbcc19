"""A receipt's accounting data (电子凭证会计数据) as XML: what a reimburser books without OCR.

Built from the same frozen document the PDF is drawn from (``backend.documents.model``), so the
XML and the page say the same thing. Medical receipts follow ``schema/efi.xsd`` (财政电子票据),
transit invoices ``schema/einv.xsd`` (数电票); see those files for the standard and version.

Two copies. The issuer's copy carries the payer's data whole. The public copy, for whoever
holds the QR code and embedded in the PDF, carries no more personal data than the scan page
shows: the name masked (a company buyer's title whole), the ID number masked, and no visit
number, email, phone or staff name.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date

from backend.chinatime import CHINA_STANDARD_TIME
from backend.documents.model import MedicalReceiptDocument, TransitInvoiceDocument
from backend.masking import mask_name, shown_payer
from backend.receipts.money import format_fen, to_capitals

EFI = "urn:piaojia:evoucher:efi:1"
EINV = "urn:piaojia:evoucher:einv:1"
SCHEMA_VERSION = "1.0"
MEDIA_TYPE = "application/xml"
FILE_NAME = "receipt.xml"
"""The name of the public copy where it travels inside the PDF (an associated file, /Data)."""
_UNIT = "次"  # one fare a line
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


@dataclass(frozen=True, slots=True)
class Personal:
    """What only the issuer's copy of a medical receipt adds: the payer's data unmasked."""

    id_number: str | None
    visit_number: str | None
    email: str | None
    phone: str | None


class _Writer:
    """Appends namespaced children, leaving out the optional ones that are empty."""

    def __init__(self, namespace: str, root: str, *, public: bool) -> None:
        self._ns = namespace
        self.root = ET.Element(
            self._tag(root), {"version": SCHEMA_VERSION, "copy": "public" if public else "issuer"}
        )

    def _tag(self, name: str) -> str:
        return f"{{{self._ns}}}{name}"

    def group(self, parent: ET.Element, name: str) -> ET.Element:
        return ET.SubElement(parent, self._tag(name))

    def add(self, parent: ET.Element, name: str, value: str | None) -> None:
        if value:
            ET.SubElement(parent, self._tag(name)).text = value

    def done(self) -> bytes:
        ET.indent(self.root)
        return _DECLARATION + ET.tostring(self.root, encoding="unicode").encode() + b"\n"


def _signed(fen: int, red: bool) -> str:
    # A red reversal's amounts are negative, whichever sign they are stored with.
    return format_fen(-abs(fen) if red else fen)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def medical_xml(
    document: MedicalReceiptDocument, *, status: str, personal: Personal | None
) -> bytes:
    """The accounting data of a medical receipt, valid against ``efi.xsd``.

    ``personal`` set: the issuer's copy (the name, ID number, visit number, email and phone
    whole, and the cashier); ``None``: the public copy, with the personal data the scan page
    shows and no more. Deterministic: the same document and arguments give the same bytes.
    """
    ET.register_namespace("efi", EFI)
    out = _Writer(EFI, "FiscalEReceipt", public=personal is None)
    red = document.reverses is not None
    issued = document.issued_at.astimezone(CHINA_STANDARD_TIME)
    info = out.group(out.root, "InformationOfEReceipt")
    out.add(info, "EInvoiceName", document.title)
    out.add(info, "EInvoiceCode", document.code)
    out.add(info, "EInvoiceNumber", document.number)
    out.add(info, "RandomNumber", document.check_code)
    out.add(info, "IssueDate", issued.date().isoformat())
    out.add(info, "IssueTime", issued.strftime("%H:%M:%S"))
    out.add(info, "EInvoiceStatus", status)
    out.add(info, "WhetherEReceiptIsRed", "Y" if red else "N")
    if document.reverses is not None:
        out.add(info, "OriginalEInvoiceCode", document.reverses[0])
        out.add(info, "OriginalEInvoiceNumber", document.reverses[1])
        out.add(info, "ReasonForRed", document.reversal_reason)
    out.add(info, "VerificationURL", document.verify_url)

    party = out.group(out.root, "InvoicingParty")
    out.add(party, "InvoicingPartyName", document.issuer_name)
    out.add(party, "InvoicingPartyCode", document.issuer_credit_code)

    payer = out.group(out.root, "PayerParty")
    if personal is None:
        out.add(payer, "PayerPartyName", mask_name(document.payer_name))
        out.add(payer, "PayerPartyIdNumber", document.payer_id_masked)
    else:
        out.add(payer, "PayerPartyName", document.payer_name)
        out.add(payer, "PayerPartyIdNumber", personal.id_number)
        out.add(payer, "PayerPartyEmail", personal.email)
        out.add(payer, "PayerPartyPhone", personal.phone)

    visit = out.group(out.root, "MedicalInformation")
    out.add(visit, "MedicalCareType", document.visit_type)
    if personal is not None:
        out.add(visit, "MedicalRecordNumber", personal.visit_number)
    out.add(visit, "Department", document.department)
    out.add(visit, "VisitStartDate", _day(document.visit_start))
    out.add(visit, "VisitEndDate", _day(document.visit_end))

    items = out.group(out.root, "Items")
    for line in document.items:
        item = out.group(items, "Item")
        out.add(item, "ItemCategory", line.category)
        out.add(item, "ItemName", line.name)
        out.add(item, "ItemQuantity", line.quantity)
        out.add(item, "ItemUnit", line.unit)
        out.add(item, "ItemAmount", _signed(line.amount_fen, red))

    payment = out.group(out.root, "Payment")
    out.add(payment, "FundPayAmount", _signed(document.fund_fen, red))
    out.add(payment, "OtherPayAmount", _signed(document.other_fen, red))
    out.add(payment, "AccountPayAmount", _signed(document.account_fen, red))
    out.add(payment, "OwnPayAmount", _signed(document.cash_fen, red))
    total = -abs(document.total_fen) if red else document.total_fen
    out.add(out.root, "TotalAmount", format_fen(total))
    out.add(out.root, "TotalAmountInChinese", to_capitals(total))
    if personal is not None:
        out.add(out.root, "Payee", document.cashier)
    return out.done()


def transit_xml(document: TransitInvoiceDocument, *, status: str, public: bool) -> bytes:
    """The accounting data of a transit invoice, valid against ``einv.xsd``.

    ``public``: a personal buyer's name masked (a company's title and 税号 whole, as printed)
    and no drawer; otherwise the issuer's copy. Deterministic, as ``medical_xml``.
    """
    ET.register_namespace("einv", EINV)
    out = _Writer(EINV, "EInvoice", public=public)
    red = document.reverses is not None
    issued = document.issued_at.astimezone(CHINA_STANDARD_TIME)
    info = out.group(out.root, "InformationOfEinvoice")
    out.add(info, "InvoiceType", document.title)
    out.add(info, "InvoiceNumber", document.number)
    out.add(info, "CheckCode", document.check_code)
    out.add(info, "IssueDate", issued.date().isoformat())
    out.add(info, "IssueTime", issued.strftime("%H:%M:%S"))
    out.add(info, "EinvoiceStatus", status)
    out.add(info, "WhetherEinvoiceIsRedEinvoice", "Y" if red else "N")
    if document.reverses is not None:
        out.add(info, "OriginalInvoiceNumber", "".join(document.reverses))
        out.add(info, "ReasonForRed", document.reversal_reason)
    out.add(info, "VerificationURL", document.verify_url)

    seller = out.group(out.root, "SellerInformation")
    out.add(seller, "SellerName", document.seller_name)
    out.add(seller, "SellerIdNum", document.seller_credit_code)

    buyer = out.group(out.root, "BuyerInformation")
    company = document.buyer_kind == "单位"
    out.add(buyer, "BuyerType", document.buyer_kind)
    name = shown_payer(document.buyer_name, company=company) if public else document.buyer_name
    out.add(buyer, "BuyerName", name)
    out.add(buyer, "BuyerIdNum", document.buyer_tax_id)

    for trip in document.trips:
        line = out.group(out.root, "IssuItemInformation")
        out.add(line, "ItemName", document.item_name)
        spec = f"{trip.day.isoformat()} {trip.entry_station}→{trip.exit_station}"
        out.add(line, "SpecMod", spec)
        out.add(line, "MeaUnits", _UNIT)
        out.add(line, "Quantity", "1")
        out.add(line, "TaxRate", document.tax_rate_label)
        out.add(line, "TotaltaxIncludedAmount", _signed(trip.fare_fen, red))
    out.add(out.root, "TotalAmWithoutTax", _signed(document.net_fen, red))
    out.add(out.root, "TotalTaxAm", _signed(document.tax_fen, red))
    total = -abs(document.total_fen) if red else document.total_fen
    out.add(out.root, "TotalTax-includedAmount", format_fen(total))
    out.add(out.root, "TotalTax-includedAmountInChinese", to_capitals(total))
    if not public:
        out.add(out.root, "Drawer", document.drawer)
    return out.done()
