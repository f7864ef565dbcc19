"""How an attachment is embedded in a receipt PDF: a plain embedded file, or an associated file.

PDF 2.0 and PDF/A-3 (the Factur-X way) let a file be *associated* with the document: listed in
the catalog's ``/AF`` array with an ``/AFRelationship``. The accounting data (``*.xml``) is
``/Data``: the document's content in machine-readable form, which is what a reimburser's system
looks for. The ledger proofs stay plain embedded files, as readers already expect them.
"""

from __future__ import annotations

from pyhanko.pdf_utils import embed, generic

DATA_SUFFIX = ".xml"
DATA_DESCRIPTION = "电子凭证会计数据 (accounting data)"


def file_spec(name: str, stream: embed.EmbeddedFileObject) -> embed.FileSpec:
    """The file specification of attachment ``name``: associated as ``/Data`` when it is the
    accounting data (its name ends in ``.xml``), a plain embedded file otherwise."""
    if name.endswith(DATA_SUFFIX):
        return embed.FileSpec(
            file_spec_string=name,
            file_name=name,
            embedded_data=stream,
            description=DATA_DESCRIPTION,
            af_relationship=generic.NameObject("/Data"),
        )
    return embed.FileSpec(file_spec_string=name, file_name=name, embedded_data=stream)
