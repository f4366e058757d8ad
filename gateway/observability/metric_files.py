"""Per-process metric files that a full disk cannot turn into a crash.

prometheus_client's multiprocess mode keeps each process's values in a memory-mapped file that
it grows *sparse* (``truncate``): the first store to a page asks the filesystem for a block,
and on a full disk the kernel answers with SIGBUS — the server or worker dies (issue #10).

Here every block is allocated (``posix_fallocate``) before its page is mapped, so a full disk
is an ``OSError`` at allocation time instead. That error is caught: the value goes on in
memory, the process goes on serving, and its metrics are missing from scrapes
(``govgate_metrics_degraded`` says so) until a later write finds room again. The files keep
prometheus_client's format, so ``MultiProcessCollector`` reads them as before.

``guarded_value_class()`` is installed as ``prometheus_client.values.ValueClass``, the
library's hook for the per-process value (the way its docs swap in another process id).
Filesystems that cannot honour an allocation (copy-on-write ones: btrfs, ZFS) can still fault;
keep the metrics directory on tmpfs or a local ext4/xfs (README, "Metrics").
"""

from __future__ import annotations

import glob
import logging
import os
import threading
import time

from prometheus_client.mmap_dict import MmapedDict, mmap_key
from prometheus_client.multiprocess import MultiProcessCollector

log = logging.getLogger("govgate.metrics")

RETRY_SECONDS = 30.0  # how often a value whose write failed tries its file again
INITIAL_SIZE = 1 << 16  # prometheus_client's first file size


def _entry_size(key: str) -> int:
    """Bytes one value takes in the file: length, key padded to 8, value and timestamp."""
    encoded = len(key.encode("utf-8"))
    return 4 + encoded + (8 - (encoded + 4) % 8) + 16


class AllocatedFile(MmapedDict):
    """An ``MmapedDict`` whose every mapped byte has its disk block before it is touched."""

    def __init__(self, filename: str) -> None:
        fd = os.open(filename, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            os.posix_fallocate(fd, 0, max(os.fstat(fd).st_size, INITIAL_SIZE))
        except OSError:
            if os.fstat(fd).st_size == 0:  # ours alone (the name holds our pid): leave nothing
                os.unlink(filename)
            raise
        finally:
            os.close(fd)
        super().__init__(filename)  # sees a non-empty file, so maps it as it is

    def _init_value(self, key: str) -> None:
        capacity = self._capacity
        while self._used + _entry_size(key) > capacity:
            capacity *= 2
        if capacity != self._capacity:  # the parent doubles the same way, then remaps
            os.posix_fallocate(self._f.fileno(), 0, capacity)
        super()._init_value(key)


class ReadableFiles:
    """``MultiProcessCollector`` over the files that read cleanly: one torn or empty file (a
    process that died as its disk filled) must not take every process's metrics with it."""

    def __init__(self, directory: str) -> None:
        self.directory = directory

    def collect(self):
        readable = []
        for path in sorted(glob.glob(os.path.join(self.directory, "*.db"))):
            try:
                for _ in MmapedDict.read_all_values_from_file(path):
                    pass
            except Exception as error:  # skip it, say so, serve the rest
                log.warning("metric file %s skipped: %s", os.path.basename(path),
                            error.__class__.__name__)
                continue
            readable.append(path)
        return MultiProcessCollector.merge(readable, accumulate=True)


class Health:
    """Whether this process's metric values all reach their files."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.failing = 0  # values held in memory only
        self.failures = 0  # writes that failed, since the process started

    def failed(self, error: Exception) -> None:
        """A value stopped reaching its file."""
        with self._lock:
            self.failures += 1
            first = self.failing == 0
            self.failing += 1
        if first:
            log.warning("metrics degraded: a metric file cannot be written (%s: %s); the "
                        "process goes on, its metrics are incomplete",
                        error.__class__.__name__, getattr(error, "strerror", None) or "")

    def recovered(self) -> None:
        """A value that had stopped reaching its file reaches it again."""
        with self._lock:
            self.failing = max(0, self.failing - 1)
            if self.failing == 0:
                log.warning("metrics recovered: every metric file is written again")

    @property
    def degraded(self) -> bool:
        return self.failing > 0


health = Health()


def guarded_value_class(directory: str, process_identifier=os.getpid, clock=time.monotonic):
    """prometheus_client's ``MultiProcessValue``, with allocated files and no crash on a write
    that fails: the value stays in memory and retries its file every ``RETRY_SECONDS``."""
    files: dict[str, AllocatedFile] = {}
    values: list = []
    pid = {"value": process_identifier()}
    lock = threading.Lock()  # one lock for all values, as prometheus_client does

    class GuardedValue:
        _multiprocess = True

        def __init__(self, typ, metric_name, name, labelnames, labelvalues, help_text,
                     multiprocess_mode="", **_kwargs) -> None:
            prefix = typ + "_" + multiprocess_mode if typ == "gauge" else typ
            self._prefix = prefix
            self._key = mmap_key(metric_name, name, labelnames, labelvalues, help_text)
            self._value = self._timestamp = 0.0
            self._file: AllocatedFile | None = None
            self._retry_at = 0.0
            with lock:
                self._follow_fork()
                self._attach(initial=True)
                values.append(self)

        def _attach(self, initial: bool = False) -> None:
            try:
                file = files.get(self._prefix)
                if file is None:
                    path = os.path.join(directory, f"{self._prefix}_{pid['value']}.db")
                    file = files[self._prefix] = AllocatedFile(path)
                if initial:
                    self._value, self._timestamp = file.read_value(self._key)
                else:
                    file.write_value(self._key, self._value, self._timestamp)
            except Exception as error:  # any failure here degrades metrics only
                self._failed(error, counted=initial or self._file is not None)
                return
            was_failing = self._file is None and not initial
            self._file = file
            if was_failing:
                health.recovered()

        def _attach_all(self) -> None:
            """Room again? Every value held in memory goes back to its file (until one fails)."""
            for value in values + [self]:
                if value._file is None:
                    value._attach()
                    if value._file is None:
                        return

        def _failed(self, error: Exception, counted: bool) -> None:
            self._file = None
            self._retry_at = clock() + RETRY_SECONDS
            if counted:
                health.failed(error)

        def _store(self) -> None:
            if self._file is None:
                if clock() >= self._retry_at:
                    self._attach_all()
                return
            try:
                self._file.write_value(self._key, self._value, self._timestamp)
            except Exception as error:
                self._failed(error, counted=True)

        def _follow_fork(self) -> None:
            if pid["value"] != process_identifier():  # forked: a file of its own, values reset
                pid["value"] = process_identifier()
                health.failing = 0
                for file in files.values():
                    file.close()
                files.clear()
                for value in values:
                    value._value = value._timestamp = 0.0
                    value._attach(initial=True)

        def inc(self, amount) -> None:
            with lock:
                self._follow_fork()
                self._value += amount
                self._timestamp = 0.0
                self._store()

        def set(self, value, timestamp=None) -> None:
            with lock:
                self._follow_fork()
                self._value = value
                self._timestamp = timestamp or 0.0
                self._store()

        def set_exemplar(self, exemplar) -> None:  # not kept in multiprocess mode
            return None

        def get(self):
            with lock:
                return self._value

        def get_exemplar(self):
            return None

    return GuardedValue
