"""A signed-in operator console session: who (an admin token) and until when.

The session id itself is a bearer secret held only by the browser; the gateway keeps its
SHA-256 hash. A session ends at the first of: its idle limit after the last request, its
absolute limit after sign-in, sign-out, or the token being revoked or expiring.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass
class ConsoleSession:
    id_hash: str  # SHA-256 of the session id, hex
    token_id: str
    csrf_secret: str  # per-session key of the CSRF tokens (hex)
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime  # the absolute limit

    def ends_at(self, idle: timedelta) -> datetime:
        return min(self.last_seen_at + idle, self.expires_at)

    def live_at(self, now: datetime, idle: timedelta) -> bool:
        return now < self.ends_at(idle)

    @property
    def ref(self) -> str:
        """A short public name for the audit trail (a prefix of the hash, never the secret)."""
        return "cs_" + self.id_hash[:12]
