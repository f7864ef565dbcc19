"""The app with a metrics token."""

from __future__ import annotations

import dataclasses

import pytest

from backend.config import Settings
from backend.secret import Secret
from tests.watching.support import METRICS_TOKEN


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, metrics_token=Secret(METRICS_TOKEN))
