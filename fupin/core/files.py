"""What an uploaded file really is, judged by its content and never by its name.

Research reports, rectification evidence and the like take Word, PDF and photos. A PDF starts with
"%PDF-", a .doc (Word 97–2003, WPS) is an OLE2 compound file, a .docx is a zip that holds
word/document.xml; a photo is whatever Pillow can open and verify.
"""

from __future__ import annotations

import zipfile
from typing import IO

from PIL import Image, UnidentifiedImageError

PDF_MAGIC = b"%PDF-"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


def _is_docx(upload: IO[bytes]) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
    finally:
        upload.seek(0)


def document_kind(upload: IO[bytes]) -> str | None:
    """ "pdf", "doc" or "docx" for a document of that kind, else None. Leaves the file at its start."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(PDF_MAGIC):
        return "pdf"
    if head.startswith(OLE2_MAGIC):
        return "doc"
    if head.startswith(ZIP_MAGIC) and _is_docx(upload):
        return "docx"
    return None


def image_format(upload: IO[bytes]) -> str | None:
    """Pillow's name of the image's format ("JPEG", "PNG" …), or None when it is not an image."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
            return image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        upload.seek(0)
