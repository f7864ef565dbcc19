from __future__ import annotations

import pytest

from backend.documents.fonts import FontSet


@pytest.fixture(scope="session")
def fonts() -> FontSet:
    return FontSet.load()
