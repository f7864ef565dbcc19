"""Documents: PDF layouts (reportlab), QR codes, seals and fonts; PDF signing and its PKI.

The layout modules (``fonts``, ``model``, ``qr``, ``seal``, ``medical``, ``transit``, ``slip``)
are pure: a frozen document from ``backend.documents.model`` and a loaded ``FontSet`` go in,
PDF bytes come out; they touch neither the database nor HTTP.
"""
