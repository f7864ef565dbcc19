"""Masking personal data on pages anyone holding the QR code can see."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明: the full name is only in the PDF."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(id_number: str | None) -> str | None:
    """440106199001011235 → 4401**********1235."""
    if not id_number:
        return None
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def mask_email(email: str) -> str:
    """zhangsan@example.com → z***@example.com."""
    local, _, domain = email.partition("@")
    return (local[:1] + "***@" + domain) if domain else "***"
