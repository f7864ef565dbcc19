"""Checking accounting XML against the package's schemas, with lxml (pyHanko's dependency)."""

from __future__ import annotations

from functools import cache

from lxml import etree

from backend.accounting import SCHEMA_DIR


@cache
def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / name)))


def assert_valid(xml: bytes, name: str) -> etree._Element:
    """Parse ``xml``, assert it is valid against schema ``name`` (efi.xsd, einv.xsd), and return
    its root."""
    root = etree.fromstring(xml)
    checked = schema(name)
    assert checked.validate(root), checked.error_log
    return root


def texts(root: etree._Element, local: str) -> list[str]:
    """The text of every element named ``local`` (any namespace)."""
    return [e.text or "" for e in root.iter() if etree.QName(e).localname == local]
