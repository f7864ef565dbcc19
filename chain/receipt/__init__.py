"""Piaojia's receipts in the ledger, checked with nothing but the standard library.

The canonical document of a receipt (``canonical``), the statement the ledger holds about it
(``statement``), and the offline verification of a receipt's proof bundle (``bundle``): what
the issuing server writes and what anyone holding a bundle checks, in one place.
"""

from __future__ import annotations
