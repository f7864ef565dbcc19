"""Files embedded in receipt PDFs: checked names, embedding before signing, reading back.

Reading is bounded (depth and count of the EmbeddedFiles name tree): the PDF may be one we did
not make.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import re
from collections.abc import Iterable, Mapping
from io import BytesIO

from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from backend.documents.associated import file_spec
from backend.documents.errors import AttachmentNotFound, NotAPdf, SigningError, describe

# Attachment names end up as file names wherever a reader saves them (pdfdetach -saveall,
# Acrobat's attachment pane): keep them to plain, non-hidden file names.
_ATTACHMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
# Bounds for reading attachments out of PDFs we did not necessarily make.
MAX_ATTACHMENTS = 64
_MAX_NAME_TREE_DEPTH = 8


def check_names(names: Iterable[str]) -> None:
    """``SigningError`` unless every name is a plain, non-hidden file name."""
    for name in names:
        if not _ATTACHMENT_NAME.fullmatch(name):
            raise SigningError(f"attachment name {name!r} is not a plain file name")


def embed_attachments(
    writer: IncrementalPdfFileWriter, files: Mapping[str, bytes], now: dt.datetime
) -> None:
    """Add ``files`` to the update ``writer`` is building, in name order (PDF name trees must
    be sorted), each with a MIME type guessed from its name (``.json`` → ``application/json``)
    and dated ``now``. ``SigningError`` if the PDF already has a nested attachment tree."""
    for name in sorted(files):
        mime_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        stream = embed.EmbeddedFileObject.from_file_data(
            writer,
            files[name],
            mime_type=mime_type,
            params=embed.EmbeddedFileParams(creation_date=now, modification_date=now),
        )
        try:
            embed.embed_file(writer, file_spec(name, stream))
        except NotImplementedError:
            # pyHanko only extends flat name trees; our own renderings never have any tree.
            raise SigningError("the PDF already has a nested attachment tree") from None


def extract_attachment(pdf: bytes, name: str) -> bytes:
    """The embedded file ``name`` as the PDF shows it now (what ``pdfdetach`` would save).

    This does not check the signature: use ``verify_pdf(...).attachments`` for bytes you rely
    on. ``NotAPdf`` for unreadable input, ``AttachmentNotFound`` if there is no such file.
    """
    try:
        found = read_attachments(PdfFileReader(BytesIO(pdf), strict=False))
    except Exception as exc:  # any parser failure on foreign input (see verify_pdf)
        raise NotAPdf(f"the PDF cannot be read: {describe(exc)}") from None
    try:
        return found[name]
    except KeyError:
        raise AttachmentNotFound(f"the PDF has no attachment named {name!r}") from None


def read_attachments(reader: PdfFileReader) -> dict[str, bytes]:
    """Walk the EmbeddedFiles name tree (flat or nested, bounded in depth and count).

    ``ValueError`` past the bounds; a damaged tree may raise anything pyHanko raises.
    """
    names = reader.root.get("/Names")
    if names is None:
        return {}
    tree = names.get_object().get("/EmbeddedFiles")
    if tree is None:
        return {}
    found: dict[str, bytes] = {}
    _walk_name_tree(tree.get_object(), found, depth=0)
    return found


def _walk_name_tree(node: generic.DictionaryObject, found: dict[str, bytes], depth: int) -> None:
    if depth > _MAX_NAME_TREE_DEPTH:
        raise ValueError("attachment name tree is too deep")
    entries = node.get("/Names")
    if entries is not None:
        entries = entries.get_object()
        for i in range(0, len(entries) - 1, 2):
            if len(found) >= MAX_ATTACHMENTS:
                raise ValueError("too many attachments")
            name = str(entries[i].get_object())
            spec = entries[i + 1].get_object()
            embedded = spec.get("/EF")
            if embedded is None:
                continue  # a reference to an external file: nothing embedded to return
            embedded = embedded.get_object()
            stream = embedded.get("/UF") or embedded.get("/F")
            if stream is not None:
                found[name] = stream.get_object().data
    for kid in node.get("/Kids", generic.ArrayObject()).get_object():
        _walk_name_tree(kid.get_object(), found, depth + 1)
