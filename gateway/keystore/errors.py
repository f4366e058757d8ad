"""Why the gateway cannot use its own signing keys.

    GovgateError (gateway.errors)
    └── KeystoreError    reason: keystore_locked       encrypted keys, no or a wrong passphrase
                                 keystore_permissions  a private key file (or the directory) is
                                                       open to group or others; refused, like ssh
                                 keystore_corrupt      a file is missing, malformed or disagrees
                                                       with its sibling files
                                 keystore_empty        no current key yet (run ensure_current)
                                 keystore_unwritable   a new key file cannot be written (full disk)

A keystore error is the operator's to fix, never the caller's: the HTTP layer shows it as a 500.
Details name the kid and the file name inside the key directory, never a passphrase or key bytes.
"""

from __future__ import annotations

from gateway.errors import GovgateError


class KeystoreError(GovgateError):
    status = 500
    reason = "keystore_corrupt"
