"""Output folders (``build --out``, ``export --out``): replaced only when every file in them is ours.

A folder is replaced whole, so the rules are strict, and they do not trust anything a person
could write by hand:

- the build records every file it wrote, with its sha256, in a manifest inside the folder; an
  existing folder is replaced only when it holds exactly those files, unchanged (a ``.git``, a
  note, an edited card: refused, nothing deleted);
- never the corpus, a folder inside it or one of its ancestors; a symbolic link as ``--out`` is
  refused (replacing it would replace the link, not what it points to);
- the new folder is written under a hidden sibling name and exchanged with the old one in one
  step (``renameat2(RENAME_EXCHANGE)`` on Linux; elsewhere two renames, repaired by the next
  run), so a killed run leaves the old or the new folder in place, never neither;
- a lock file next to the folder serialises runs into one folder, and the hidden temporaries
  of runs that died are removed by the next one that holds the lock.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import json
import os
import shutil
import stat
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import cache
from pathlib import Path

from builders.files import file_entry, file_sha256, hidden_sibling, staging

MANIFEST = ".geosignal-manifest.json"
MANIFEST_FORMAT = "geosignal-manifest/1"


class OutputRefused(Exception):
    """The output folder cannot be (re)written; nothing was changed."""


class OutputUnusable(OutputRefused):
    """``--out`` names a path no output may take (a link, inside the corpus, under a file): a usage error."""


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_target(out: Path, protected: list[Path], what: str = "build") -> None:
    """Refuse an ``out`` that is a link, not a folder, or the corpus / inside it / above it."""
    if out.is_symlink():
        raise OutputUnusable(f"{out} is a symbolic link; name the real folder with --out (a link is not replaced)")
    if out.exists() and not out.is_dir():
        raise OutputUnusable(f"{out} exists and is not a folder; choose another --out")
    parent = out.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if parent.exists() and not parent.is_dir():
        raise OutputUnusable(f"{parent} is not a folder, so {out} cannot be created; choose another --out")
    real = out.resolve()
    for folder in protected:
        if not folder.exists():
            continue
        guarded = folder.resolve()
        if _inside(real, guarded):
            raise OutputUnusable(f"--out {out} is inside {folder}, which the {what} reads; choose a folder outside it")
        if _inside(guarded, real):
            raise OutputUnusable(f"--out {out} contains {folder}, which the {what} reads; choose a folder outside it")


def check_owned(out: Path, what: str = "build") -> None:
    """Refuse unless ``out`` is missing, empty, or holds exactly the files its manifest lists."""
    if not out.exists():
        return
    entries = list(_walk(out))
    if not entries:
        return
    refuse = f"{out} is not a GeoSignal {what}: it holds files that `geosignal {what}` did not write"
    tail = "; choose another --out, or move them away yourself (nothing was deleted)"
    manifest = _read_manifest(out)
    if manifest is None:
        raise OutputRefused(f"{out} is not a GeoSignal {what}: it is not empty and has no valid {MANIFEST}{tail}")
    listed = dict(manifest)
    strange: list[str] = []
    for rel, kind in entries:
        if rel == MANIFEST:
            continue
        if kind == "dir":
            if not any(name.startswith(rel + "/") for name in listed):
                strange.append(rel + "/")
            continue
        if kind != "file" or rel not in listed:
            strange.append(rel)
        else:
            size, digest = listed.pop(rel)
            path = out / rel
            if path.stat().st_size != size or file_sha256(path) != digest:
                strange.append(f"{rel} (changed since it was written)")
    if strange:
        shown = ", ".join(strange[:5]) + (f" and {len(strange) - 5} more" if len(strange) > 5 else "")
        raise OutputRefused(f"{refuse}: {shown}{tail}")


def _walk(root: Path) -> Iterator[tuple[str, str]]:
    """(relative path, kind) of everything under root, links not followed; iterative (no depth limit)."""
    stack = [(os.fspath(root), "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as it:
            for entry in it:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    yield rel, "dir"
                    stack.append((entry.path, rel + "/"))
                elif entry.is_file(follow_symlinks=False):
                    yield rel, "file"
                else:
                    yield rel, "other"


def _read_manifest(out: Path) -> list[tuple[str, tuple[int, str]]] | None:
    path = out / MANIFEST
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != MANIFEST_FORMAT:
            return None
        return [(str(f["path"]), (int(f["size"]), str(f["sha256"]))) for f in data["files"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_manifest(folder: Path) -> None:
    """List every file of a finished folder, with its size and sha256 (what a later run may delete)."""
    files = sorted(rel for rel, kind in _walk(folder) if kind == "file" and rel != MANIFEST)
    payload = {"format": MANIFEST_FORMAT, "files": [file_entry(folder, folder / rel)._asdict() for rel in files]}
    (folder / MANIFEST).write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8", newline="\n")


temp_name = hidden_sibling  # the names clean_stale knows: .<out>.tmp-<pid>, .<out>.old-<pid>


def _lock_path(out: Path) -> Path:
    return out.with_name(f".{out.name}.lock")


@contextmanager
def locked(out: Path, what: str = "build") -> Iterator[None]:
    """Hold the folder's lock; another run into the same folder is refused with a clear message."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(_lock_path(out), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        raise OutputRefused(f"cannot write next to {out}: {exc.strerror or exc}; choose another --out") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            raise OutputRefused(f"another `geosignal {what}` is writing {out} right now; "
                                "wait for it to finish, then run again") from None
        clean_stale(out)
        yield
    finally:
        os.close(fd)  # releases the lock; the (empty) lock file stays for the next run


def clean_stale(out: Path) -> None:
    """Temporaries of dead runs (the lock is held: no live run into ``out`` has any).

    An ``.old`` folder left by a run killed between its two renames (where the exchange is not
    available) is the previous output: put back when ``out`` is missing, else removed.
    """
    prefix = f".{out.name}."
    try:
        names = sorted(os.listdir(out.parent))
    except OSError:
        return
    for name in names:
        if not name.startswith(prefix):
            continue
        kind, _, pid = name[len(prefix):].rpartition("-")
        if kind not in ("tmp", "old") or not pid.isdigit():
            continue
        path = out.parent / name
        if path.is_symlink() or not path.is_dir():
            continue
        if kind == "old" and not out.exists():
            os.replace(path, out)
        else:
            shutil.rmtree(path, ignore_errors=True)


@cache
def _renameat2():
    """libc's renameat2, or None (not Linux, or a libc without it)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        func = libc.renameat2
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func


AT_FDCWD = -100
RENAME_EXCHANGE = 2


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step; False when the system cannot."""
    func = _renameat2()
    if func is None:
        return False
    if func(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # the file system cannot exchange
    raise OSError(err, os.strerror(err), os.fspath(b))


def swap_in(tmp: Path, out: Path) -> None:
    """Put the finished folder ``tmp`` at ``out`` (call with the lock held): the old ``out`` is
    replaced in one step, and removed afterwards."""
    write_manifest(tmp)
    if not out.exists():
        os.rename(tmp, out)
        return
    if exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the old output
        return
    old = temp_name(out, "old")
    os.rename(out, old)  # a kill here leaves `old`, which the next run puts back (clean_stale)
    try:
        os.rename(tmp, out)
    except OSError:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


class Staged:
    """A new output folder: written under a hidden sibling and swapped in whole, or discarded.

    The one way a command (``build``, ``export``) replaces its ``--out``: the target is checked
    (``protected``: folders ``out`` must stay out of, e.g. the corpus), the folder's lock is held
    from the start until the end, ``commit`` puts ``tmp`` in place of ``out`` (with its
    manifest), and anything else leaves ``out`` as it was.
    """

    def __init__(self, out: Path, what: str = "build", protected: list[Path] | None = None) -> None:
        check_target(out, protected or [], what)
        self.out = out
        self._held = ExitStack()  # the lock, then the staged folder: released in reverse order
        self._held.enter_context(locked(out, what))
        try:
            check_owned(out, what)
            self.tmp = self._held.enter_context(staging(out, "tmp"))
        except BaseException:
            self._held.close()
            raise

    def commit(self) -> None:
        swap_in(self.tmp, self.out)

    def discard(self) -> None:
        """Remove what is left of ``tmp`` (after a commit, the old output) and release the lock."""
        self._held.close()

    def __enter__(self) -> "Staged":
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()
