"""Fixtures of the folder tests: see ``tests/auth/support.py``."""

from tests.auth.support import clock, fake_wechat, wx_app, wx_client

__all__ = ["clock", "fake_wechat", "wx_app", "wx_client"]
