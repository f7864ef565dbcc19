"""Every console page with its route: the table ``backend.app`` mounts."""

from __future__ import annotations

from backend.console.dashboard_pages import dashboard, dashboard_csv
from backend.console.login_pages import home, login_page, login_submit, logout
from backend.console.receipt_pages import (
    issue_page,
    issue_submit,
    receipt_page,
    receipts_page,
    reverse,
    reverse_confirm,
    slip,
)
from backend.console.staff_pages import reminder_set, staff_create, staff_page, staff_revoke
from backend.console.web import Handler

# (method, path, handler, name): routed by app.py like the API endpoints, but kept out of the
# OpenAPI description, since these are pages, not API operations.
PAGES: list[tuple[str, str, Handler, str]] = [
    ("GET", "/console/login", login_page, "console.login_page"),
    ("POST", "/console/login", login_submit, "console.login"),
    ("POST", "/console/logout", logout, "console.logout"),
    ("GET", "/console", home, "console.home"),
    ("GET", "/console/receipts", receipts_page, "console.receipts"),
    ("GET", "/console/receipts/new", issue_page, "console.issue_page"),
    ("POST", "/console/receipts", issue_submit, "console.issue"),
    ("GET", "/console/receipts/{receipt_id}", receipt_page, "console.receipt"),
    ("GET", "/console/receipts/{receipt_id}/slip.pdf", slip, "console.slip"),
    ("POST", "/console/receipts/{receipt_id}/reversal/confirm", reverse_confirm, "console.confirm"),
    ("POST", "/console/receipts/{receipt_id}/reversal", reverse, "console.reverse"),
    ("GET", "/console/dashboard", dashboard, "console.dashboard"),
    ("GET", "/console/dashboard/receipts.csv", dashboard_csv, "console.csv"),
    ("GET", "/console/staff", staff_page, "console.staff"),
    ("POST", "/console/staff", staff_create, "console.staff_create"),
    ("POST", "/console/staff/{staff_id}/revoke", staff_revoke, "console.staff_revoke"),
    ("POST", "/console/reminder", reminder_set, "console.reminder"),
]
