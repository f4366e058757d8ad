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

from .errors import KeystoreError
from .files import create_exclusive, make_directory

FILE = "claim-keys.secret"


def claim_key_secret(settings) -> bytes:
    if settings.claim_key_secret:
        return settings.claim_key_secret.encode()
    directory = Path(settings.effective_key_dir)
    make_directory(directory)
    path = directory / FILE
    if not path.exists():
        # Written whole under a private name, then linked into place: a process starting at the
        # same moment either links first or reads the complete file of the one that did.
        draft = directory / f".{FILE}.{secrets.token_hex(8)}"
        create_exclusive(draft, (secrets.token_hex(32) + "\n").encode(), 0o600)  # full disk: keystore_unwritable
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    try:
        return bytes.fromhex(path.read_text().strip())
    except (ValueError, UnicodeDecodeError) as error:
        raise KeystoreError(f"{FILE} in the key directory is not 64 hex digits",
                            reason="keystore_corrupt") from error
