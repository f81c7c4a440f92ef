"""The project's one atomic file writer: a temporary file in the target directory, fsync, rename."""
from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

STALE_TEMP_SECONDS = 60  # a temporary file older than this was left by a killed writer


def read_bounded(path: Path | str, limit: int, chunk: int = 1 << 20) -> bytes:
    """At most ``limit`` bytes of ``path``, read in chunks (an endless file such as /dev/zero ends too)."""
    parts: list[bytes] = []
    left = limit
    with Path(path).open("rb") as fh:
        while left > 0:
            block = fh.read(min(chunk, left))
            if not block:
                break
            parts.append(block)
            left -= len(block)
    return b"".join(parts)


def remove_stale_temps(path: Path | str, older_than: float = STALE_TEMP_SECONDS) -> list[Path]:
    """Remove ``.<name>.*.tmp`` files next to ``path`` older than ``older_than`` seconds (a killed
    write leaves them behind); younger ones may belong to a write in progress. Returns those removed."""
    path = Path(path)
    removed: list[Path] = []
    cutoff = time.time() - older_than
    with contextlib.suppress(OSError):
        for tmp in path.parent.glob(f".{path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                if tmp.is_file() and tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
                    removed.append(tmp)
    return removed


def write_atomic(path: Path | str, data: bytes | str) -> Path:
    """Write ``data`` (text is UTF-8 encoded) to ``path`` so readers see the old file or the new one, never half.

    The parent directory is created; an existing file keeps its permission bits (new files get 0644);
    the temporary file is removed on any failure, and stale ones of a killed earlier write first.
    """
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(path)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
