"""Console sessions: sign in with an admin token, then a server-side session behind a cookie.

The token's secret is used once, at sign-in, and never stored in the browser; the cookie holds
a fresh 256-bit session id, of which the database keeps only the SHA-256 hash. Each request
reads the session and its token again, so revoking the token (or its expiry) ends every
console session at once, and the role shown is always the token's current one. Sign-in and
sign-out are audited (``console.sign_in``, ``console.sign_out``) like any admin action.

CSRF: every form carries ``HMAC-SHA256(session's csrf secret, session hash)`` (a synchronizer
token bound to the session); ``guard`` checks the request's origin as well.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from ..domain.admin import Actor, Permission
from ..domain.console import ConsoleSession
from ..services import tokens
from ..services.admin import Action, AdminActions

COOKIE = "govgate_console"
TOUCH_EVERY = timedelta(seconds=30)  # last_seen_at is written at most this often
_CSRF_CONTEXT = b"govgate-console-csrf/1:"


def id_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def csrf_token(session: ConsoleSession) -> str:
    return hmac.new(bytes.fromhex(session.csrf_secret), _CSRF_CONTEXT + session.id_hash.encode(),
                    hashlib.sha256).hexdigest()


def csrf_valid(session: ConsoleSession, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(csrf_token(session), presented)


@dataclass(frozen=True)
class SignedIn:
    session: ConsoleSession
    actor: Actor
    token_name: str


class ConsoleSessions:
    def __init__(self, uow_factory, clock, admin: AdminActions, *, idle_seconds: int,
                 max_seconds: int) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._admin = admin
        self.idle = timedelta(seconds=idle_seconds)
        self.lifetime = timedelta(seconds=max_seconds)

    def sign_in(self, secret: str, request_id: str | None = None) -> tuple[str, ConsoleSession]:
        """(the new session id for the cookie, the session); raises Unauthenticated."""
        now = self._clock()
        with self._uow() as uow:
            actor = tokens.authenticate(uow, secret.strip(), now)
        session_id = secrets.token_urlsafe(32)
        session = ConsoleSession(id_hash(session_id), actor.id, secrets.token_hex(32), now, now,
                                 now + self.lifetime)

        def work(uow):
            uow.console_sessions.purge(now - self.idle, now)
            uow.console_sessions.add(session)
            return session, None, {"session": session.ref,
                                   "expires_at": session.expires_at.isoformat()}

        action = Action("console.sign_in", "console_session", session.ref, Permission.READ)
        self._admin.run(actor, action, work, request_id=request_id)
        return session_id, session

    def resolve(self, session_id: str | None) -> tuple[SignedIn | None, str | None]:
        """(who is signed in, None) or (None, why not: 'missing' | 'expired' | 'ended')."""
        if not session_id:
            return None, "missing"
        now = self._clock()
        with self._uow(readonly=True) as uow:
            session = uow.console_sessions.get(id_hash(session_id))
            token = uow.tokens.get(session.token_id) if session else None
        if session is None or token is None:
            return None, "ended"
        if not session.live_at(now, self.idle) or not token.usable_at(now):
            with self._uow() as uow:
                uow.console_sessions.remove(session.id_hash)
            return None, "expired"
        if now - session.last_seen_at >= TOUCH_EVERY:
            with self._uow() as uow:
                uow.console_sessions.touch(session.id_hash, now)
            session.last_seen_at = now
        return SignedIn(session, Actor(id=token.id, role=token.role), token.name), None

    def sign_out(self, signed: SignedIn, request_id: str | None = None) -> None:
        def work(uow):
            uow.console_sessions.remove(signed.session.id_hash)
            return None, {"session": signed.session.ref}, None

        action = Action("console.sign_out", "console_session", signed.session.ref, Permission.READ)
        self._admin.run(signed.actor, action, work, request_id=request_id)
