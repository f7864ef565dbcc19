"""Masking personal data on pages anyone holding the QR code can see.

Only a person's data is masked: a company buyer's title (单位, given with its 统一社会信用代码
on a transit invoice) is no personal data and is shown whole, as the invoice prints it.
"""

from __future__ import annotations


def mask_name(name: str) -> str:
    """张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明: the full name is only in the PDF."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def shown_payer(name: str, *, company: bool) -> str:
    """The payer or buyer as a masked page shows it: a company's name whole (广州某某科技有限公司),
    a person's name masked (张*三)."""
    return name if company else mask_name(name)


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
