"""The one error of backing up and restoring: a one-line message, Chinese then English."""

from __future__ import annotations

from backend.errors import DomainError


class BackupError(DomainError):
    """A backup or restore cannot be done; nothing was written under the final name, and a
    restore that fails leaves the target database as it was."""

    code = "backup_failed"
