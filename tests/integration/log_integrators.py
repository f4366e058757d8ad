"""Child processes of the integrator tests (module-level, for multiprocessing's 'spawn').

``integrate_until`` is an integrator candidate; ``integrate_and_hang`` integrates one batch and
stops inside its transaction — after the storage call named ``at`` — so the parent can SIGKILL it
there. The pause is the only thing patched: the gateway code around it is the real one.
"""

from __future__ import annotations

import time
from pathlib import Path

from gateway.bootstrap import build_container
from gateway.settings import Settings
from gateway.storage import exchange_repositories as x


def _container(database_url: str, data_dir: str, batch: int):
    return build_container(Settings(data_dir=Path(data_dir), database_url=database_url,
                                    checkpoint_interval=batch))


def integrate_until(database_url: str, data_dir: str, batch: int, total: int, batches_file: str) -> None:
    """Integrate until the tree has ``total`` leaves; append each batch's size to the file."""
    container = _container(database_url, data_dir, batch)
    deadline = time.monotonic() + 240
    try:
        with open(batches_file, "a") as out:
            while time.monotonic() < deadline:
                done = container.message_log.integrate_once()
                if done is not None:
                    out.write(f"{done.size}\n")
                    out.flush()
                    if done.size >= total:
                        return
                else:
                    with container.uow(readonly=True) as uow:
                        if uow.message_log.tree().size >= total:
                            return
                    time.sleep(0.005)
    finally:
        container.close()


def integrate_and_hang(database_url: str, data_dir: str, batch: int, at: str, marker: str) -> None:
    container = _container(database_url, data_dir, batch)
    original = getattr(x.MessageLogRepository, at)

    def then_hang(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        Path(marker).write_text(at)
        time.sleep(600)  # the parent kills us here, inside the transaction
        return result

    setattr(x.MessageLogRepository, at, then_hang)
    container.message_log.integrate_once()
