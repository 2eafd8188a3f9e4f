"""Command-line tools beside the bot: city, optw, plan, backup (``python -m bot <tool> --help``).

Shared here: how a tool reports a file it cannot read or write — one line on stderr, exit status 2,
e.g. ``plan: cannot read customers.csv: no such file`` — instead of ``[Errno 2] …`` or a traceback.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

EXIT_FILE_ERROR = 2  # like a usage error: the command line names a file that can't be used

_REASONS = {
    errno.ENOENT: "no such file",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "it is a directory",
    errno.ENOTDIR: "a part of the path is not a directory",
    errno.EEXIST: "it already exists",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "no space left on the device",
    errno.ENAMETOOLONG: "the name is too long",
}


def file_problem(error: BaseException) -> str:
    """Why a file can't be used, in a few plain words (no errno, no repeated path)."""
    if isinstance(error, UnicodeDecodeError):
        return f"not UTF-8 text (byte {error.start + 1})"
    if isinstance(error, OSError):
        reason = _REASONS.get(error.errno or 0)
        if reason is not None:
            return reason
        return (error.strerror or str(error) or type(error).__name__).lower()
    if isinstance(error, sqlite3.Error):
        return str(error) or type(error).__name__
    return str(error) or type(error).__name__


def cannot(tool: str, verb: str, path: str | Path, error: BaseException) -> str:
    """``plan: cannot read customers.csv: no such file`` — the one line a tool prints for a bad file."""
    return f"{tool}: cannot {verb} {path}: {file_problem(error)}"
