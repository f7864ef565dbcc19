"""The events of a receipt's whereabouts trail (去向), with the names people read them by.

Every ``receipt_event`` row's ``type`` is one of these values, and the ledger's statements name
their event with the same values (issue, reversal and the reimbursement steps). The values are
stored: they never change, whatever the labels become.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final


class EventType(StrEnum):
    """What happened to a receipt; ``label`` is its name on the console and the verify page."""

    ISSUED = "issued"
    SLIP_PRINTED = "slip_printed"  # the console printed its notice slip (告知单)
    OPENED = "opened"  # its QR code was scanned
    CLAIMED = "claimed"  # added to a folder (票夹)
    UNCLAIMED = "unclaimed"
    EMAIL_QUEUED = "email_queued"
    EMAIL_SENT = "email_sent"
    EMAIL_FAILED = "email_failed"  # a temporary failure; another attempt follows
    EMAIL_DEAD = "email_dead"  # refused for good, or out of attempts
    VERIFIED = "verified"
    LOCKED = "locked"  # for reimbursement
    UNLOCKED = "unlocked"
    CLOSED = "closed"  # reimbursed
    REVERSED = "reversed"
    SCAN_TOKEN_REISSUED = "scan_token_reissued"

    @property
    def label(self) -> str:
        """The event's Chinese name."""
        return EVENT_LABELS[self]


# Keyed by the members, so a stored value (a plain string) finds its label too.
EVENT_LABELS: Final[Mapping[str, str]] = {
    EventType.ISSUED: "开具",
    EventType.SLIP_PRINTED: "打印告知单",
    EventType.OPENED: "扫码打开",
    EventType.CLAIMED: "加入票夹",
    EventType.UNCLAIMED: "移出票夹",
    EventType.EMAIL_QUEUED: "邮件排队",
    EventType.EMAIL_SENT: "邮件已发送",
    EventType.EMAIL_FAILED: "邮件发送失败",
    EventType.EMAIL_DEAD: "邮件放弃发送",
    EventType.VERIFIED: "查验",
    EventType.LOCKED: "报销锁定",
    EventType.UNLOCKED: "报销解锁",
    EventType.CLOSED: "报销完成",
    EventType.REVERSED: "冲红",
    EventType.SCAN_TOKEN_REISSUED: "重发二维码",
}
"""Every event's Chinese name; templates look stored values up here."""
