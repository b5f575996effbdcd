"""Writing outputs atomically: never half a file under its final name."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from .diagnostics import PipelineError, error


def _fail(path: Path, exc: OSError) -> PipelineError:
    reason = exc.strerror or str(exc)
    hint = "free some disk space" if exc.errno == 28 else "check that the folder is writable"
    return PipelineError(error(path, "cannot-write", f"cannot write: {reason}", hint=hint))


def _remove_leftovers(path: Path) -> None:
    """Temporary files of an earlier run that was killed (SIGKILL leaves them behind)."""
    for stale in path.parent.glob(f".{path.name}.*.part"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_path(path: Path):
    """Yield a temporary path beside `path`; on success rename it into place."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise _fail(path, exc) from None
    tmp = Path(tmp)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        raise _fail(path, exc) from None
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes | str) -> None:
    with atomic_path(path) as tmp:
        if isinstance(data, str):
            data = data.encode("utf-8")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())


def write_if_changed(path: Path, data: str | bytes) -> bool:
    """Write `data` unless the file already holds exactly it (keeps its time stamp)."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.read_bytes() == raw:
            return False
    except OSError:
        pass
    write_atomic(path, data)
    return True


@contextlib.contextmanager
def atomic_dir(path: Path):
    """Yield a fresh temporary folder beside `path`; on success swap it into place."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(path)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent))
        tmp.chmod(0o755)
    except OSError as exc:
        raise _fail(path, exc) from None
    old = path.with_name(f".{path.name}.old")
    try:
        yield tmp
        shutil.rmtree(old, ignore_errors=True)
        if path.exists():
            os.replace(path, old)
        os.replace(tmp, path)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise _fail(path, exc) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
