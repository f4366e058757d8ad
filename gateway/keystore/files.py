"""File primitives of the key directory: exclusive creation, atomic replacement, guarded reads.

Every write is either ``O_CREAT | O_EXCL`` with its final mode (key material is never readable by
others, not even for an instant) or a temporary file renamed over the target with ``os.replace``,
so a reader in another process sees the old file or the new one, never half of either.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gateway.keystore.errors import KeystoreError

DIRECTORY_MODE = 0o700
PRIVATE_MODE = 0o600
PUBLIC_MODE = 0o644
LOCK_NAME = ".lock"

# (device, inode, mtime, size): os.replace always brings a new inode, so a changed file is seen
# even where mtime is coarse.
FileSignature = tuple[int, int, int, int]


def make_directory(path: Path) -> None:
    """Create ``path`` with mode 0700 (despite the umask); an existing directory is left as is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=DIRECTORY_MODE)
    except FileExistsError:
        return
    os.chmod(path, DIRECTORY_MODE)


def create_exclusive(path: Path, data: bytes, mode: int) -> None:
    """Write a new file born with ``mode``; raises FileExistsError rather than overwrite, and
    KeystoreError (``keystore_unwritable``) when the directory cannot take it (a full disk)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    except FileExistsError:
        raise
    except OSError as error:
        raise _unwritable(path, error) from error
    try:
        os.fchmod(fd, mode)  # the umask may have narrowed a public file's mode
        if os.write(fd, data) != len(data):
            raise OSError(28, "No space left on device")
        os.fsync(fd)
    except BaseException as error:
        os.close(fd)
        path.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _unwritable(path, error) from error
        raise
    os.close(fd)


def _unwritable(path: Path, error: OSError) -> KeystoreError:
    return KeystoreError(f"{path.name} cannot be written in the key directory "
                         f"({error.strerror or 'error'})", reason="keystore_unwritable")


def replace_atomically(path: Path, data: bytes, mode: int) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    create_exclusive(temporary, data, mode)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    sync_directory(path.parent)


def sync_directory(path: Path) -> None:
    """Make renames and creations in ``path`` durable before anything refers to them."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_signed(path: Path) -> tuple[FileSignature, bytes] | None:
    """The content of ``path`` and the signature of exactly that version; None if missing."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as handle:
        return _signature(os.fstat(fd)), handle.read()


def signature_of(path: Path) -> FileSignature | None:
    try:
        return _signature(os.stat(path))
    except FileNotFoundError:
        return None
    except OSError as error:  # e.g. a directory the gateway's user may no longer enter
        raise KeystoreError(f"{path.name} cannot be read: {error.strerror}",
                            reason="keystore_permissions") from None


def _signature(st: os.stat_result) -> FileSignature:
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


def read_private(path: Path) -> bytes | None:
    """Private key bytes, refused (``keystore_permissions``) if group or others may read them.

    The mode is checked on the opened descriptor, so the file cannot be swapped between the
    check and the read. None if the file does not exist.
    """
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise KeystoreError(f"{path.name} is not a regular file.", reason="keystore_corrupt")
        if st.st_mode & 0o077:
            raise KeystoreError(
                f"{path.name} has mode {stat.S_IMODE(st.st_mode):04o}: a private key must not be "
                "accessible to group or others; chmod 600 it.",
                reason="keystore_permissions",
            )
        return handle.read()


def check_directory(path: Path) -> None:
    """Refuse a key directory that others may write to: they could swap the current key."""
    mode = os.stat(path).st_mode
    if mode & 0o022:
        raise KeystoreError(
            f"The key directory has mode {stat.S_IMODE(mode):04o}: it must not be writable by "
            "group or others; chmod 700 it.",
            reason="keystore_permissions",
        )


@contextmanager
def directory_lock(path: Path) -> Iterator[None]:
    """Exclusive among processes on this host (flock): one creator or rotator at a time."""
    fd = os.open(path / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, PRIVATE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
