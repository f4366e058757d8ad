"""The claim register's HMAC key (``domain.personal.ClaimKeyPseudonyms``; docs/privacy.md).

``GOVGATE_CLAIM_KEY_SECRET`` when set (every process and host of one gateway must share it);
otherwise 32 random bytes kept in ``<key_dir>/claim-keys.secret`` (0600, in the 0700 key
directory), made once — by whichever process links it first, read by the others.
Losing it does not lose claims, but a new secret no longer finds the people already registered:
back it up with the signing keys.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

FILE = "claim-keys.secret"


def claim_key_secret(settings) -> bytes:
    if settings.claim_key_secret:
        return settings.claim_key_secret.encode()
    directory = Path(settings.effective_key_dir)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / FILE
    if not path.exists():
        # Written whole under a private name, then linked into place: a process starting at the
        # same moment either links first or reads the complete file of the one that did.
        draft = directory / f".{FILE}.{secrets.token_hex(8)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32) + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return bytes.fromhex(path.read_text().strip())
