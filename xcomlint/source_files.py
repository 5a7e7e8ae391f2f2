"""Reading a file to change it, and writing it back without losing anything.

A fix rewrites a few characters, so everything else about the file stays as it
was: its encoding (a PEP 263 coding cookie, a UTF-8 byte order mark), its line
endings (edits never touch a line break they do not delete) and its
permissions. The new content is written to a temporary file in the same folder
and renamed over the old one, so a reader (or a crash) never sees half a file;
a symbolic link stays a link and its target is what changes. A file whose
bytes changed since they were read (an editor saved it during the run) is not
overwritten.
"""

from __future__ import annotations

import io
import os
import stat
import tokenize
from dataclasses import dataclass


class ChangedOnDisk(Exception):
    """The file is no longer what was read: someone else changed it."""


@dataclass(frozen=True)
class SourceFile:
    path: str
    data: bytes  # the bytes read
    text: str  # decoded, without the byte order mark
    encoding: str  # the codec that gives ``data`` back from ``text`` (utf-8-sig keeps the mark)

    def encode(self, text: str) -> bytes:
        return text.encode(self.encoding)


def decode(path: str, data: bytes, python: bool = True) -> SourceFile:
    """Decode as Python reads a source file (coding cookie, BOM, UTF-8) or, for
    another file (the YAML allow-list), as UTF-8 with an optional BOM. Raises
    ``ValueError`` for bytes that do not decode."""
    if python:
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except SyntaxError as error:
            raise ValueError(str(error)) from None
    else:
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise ValueError(str(error)) from None
    if text.encode(encoding) != data:  # a codec that does not give the same bytes back cannot be edited safely
        raise ValueError(f"the file's bytes do not survive a round trip through {encoding}")
    return SourceFile(path, data, text, encoding)


def read_source(path: str, python: bool = True) -> SourceFile:
    with open(path, "rb") as handle:
        data = handle.read()
    return decode(path, data, python)


def write_atomically(path: str, data: bytes, expected: bytes) -> None:
    """Replace the file's content with ``data`` if it still holds ``expected``;
    raises ``ChangedOnDisk`` when it does not, ``OSError`` when it cannot be written."""
    target = os.path.realpath(path)
    with open(target, "rb") as handle:
        if handle.read() != expected:
            raise ChangedOnDisk(path)
    mode = stat.S_IMODE(os.stat(target).st_mode)
    folder, name = os.path.split(target)
    import tempfile  # only a run that writes pays for it (it imports shutil, random...)

    descriptor, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".xcomlint", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        # the last look before the rename: an editor may have saved meanwhile
        with open(target, "rb") as handle:
            if handle.read() != expected:
                raise ChangedOnDisk(path)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
