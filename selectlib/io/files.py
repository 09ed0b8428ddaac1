"""Where outputs go: never over an input, never over a file unless asked, never half a file.

Every file selectlib writes (tables, reports, score sheets, maps, schemas) goes through
:func:`check_output`, which refuses before any work is done, and :func:`write_file`,
which writes next to the target and renames, so a failure leaves the old file (or no
file) and never a truncated one. A missing output folder is created.

Outputs are also byte for byte the same for the same inputs: :func:`fixed_xlsx` takes
the clock out of xlsx files (their zip entries and document properties carry the time
they were written); the fixed time is ``SOURCE_DATE_EPOCH`` when it is set.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Final

from selectlib.errors import OutputError

__all__ = ["FIXED_TIME", "check_output", "fixed_time", "fixed_xlsx", "save_xlsx", "write_file"]

FIXED_TIME: Final = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
"""The time written into files when ``SOURCE_DATE_EPOCH`` is not set (zip's first day)."""


def check_output(
    path: str | Path, *, inputs: Iterable[str | Path] = (), force: bool = False
) -> Path:
    """``path`` if it may be written; else an :class:`OutputError` saying why and what to do.

    Refused: an input file itself, a path inside an input folder (it would be read back
    as input next time), an existing folder, and an existing file unless ``force``.
    """
    target = Path(path)
    resolved = target.resolve()
    for given in inputs:
        source = Path(given).resolve()
        if resolved == source or (source.is_dir() and source in resolved.parents):
            place = "is" if resolved == source else "is inside"
            raise OutputError(
                f"the output {place} the input {str(given)!r}; writing it would destroy or "
                "mix with the input: choose another output path",
                file=str(target),
            )
    if target.is_dir():
        raise OutputError("is a folder: give a file name for the output", file=str(target))
    if target.exists() and not force:
        raise OutputError(
            "exists and was kept: pass --force (force=True) to replace it, or choose "
            "another output path",
            file=str(target),
        )
    return target


def write_file(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Run ``write`` on a temporary file beside ``path``, then rename it to ``path``.

    Missing folders are created. If ``write`` fails, the temporary file is removed and
    whatever was at ``path`` before is left as it was.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent
        )
    except OSError as exc:
        raise OutputError(f"cannot write here ({exc.strerror})", file=str(target)) from None
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        temporary.chmod(0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def _umask() -> int:
    """The process's file-creation mask (mkstemp makes private files; outputs are not)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def fixed_time() -> dt.datetime:
    """The time stamped into outputs: ``SOURCE_DATE_EPOCH`` if set, else :data:`FIXED_TIME`."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        stamp = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        return max(stamp, FIXED_TIME)  # zip cannot store a time before 1980
    return FIXED_TIME


_CORE_TIMES: Final = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def fixed_xlsx(data: bytes) -> bytes:
    """An xlsx file's bytes with every time in it replaced by :func:`fixed_time`.

    openpyxl stamps the save time into ``docProps/core.xml`` and each zip entry; the
    rest of the file already depends on the content only.
    """
    when = fixed_time()
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "docProps/core.xml":
                content = _CORE_TIMES.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            entry = zipfile.ZipInfo(item.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = item.external_attr
            target.writestr(entry, content)
    return out.getvalue()


def save_xlsx(book: Any, path: Path) -> None:
    """Save an openpyxl workbook to ``path`` with the clock taken out (:func:`fixed_xlsx`)."""
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(fixed_xlsx(buffer.getvalue()))
