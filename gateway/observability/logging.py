"""Structured logs: one JSON object per line on stderr, ids attached, secrets kept out.

    {"time": "2026-03-02T09:00:00.123Z", "level": "INFO", "logger": "govgate.http",
     "message": "POST /v1/deferral-conclusions 201", "request_id": "…", "partner_id": "…",
     "message_id": "…", "operation": "submit_deferral_conclusion", "status": 201,
     "duration_ms": 12.3, "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
     "span_id": "00f067aa0ba902b7"}

``configure_logging(settings)`` installs one handler on the root logger (again: it is replaced
in place, so calling it from the CLI and from ``create_app`` is safe). Every record passes two
filters first: ``ContextFilter`` adds the request, partner and message ids from context
variables (and, while a span is current, its trace and span ids), and ``Redactor`` drops
attributes that could carry a body, a header or a secret and masks bearer tokens, admin token secrets, signature values, PEM blocks, the key passphrase
and citizen ID numbers (``domain.personal.scrub``) in the message text. Request and message bodies are never logged by the gateway; the redactor
is the second line of defence, not the first.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

from ..domain.personal import scrub
from ..settings import PREFIX, SettingsError
from .context import message_id_var, partner_id_var
from .tracing import current_ids

HANDLER_NAME = "govgate"
FORMATS = ("json", "text")
FIELDS = ("request_id", "partner_id", "message_id", "operation", "status", "duration_ms",
          "trace_id", "span_id")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"

# Attributes a record must not carry (names given through ``extra=`` anywhere in the code).
_SENSITIVE_NAME = re.compile(
    r"body|content|payload|header|authorization|signature|token|secret|password|passphrase"
    r"|private|key", re.IGNORECASE)
_PATTERNS = [
    (re.compile(r"-----BEGIN [A-Z0-9 ]+-----.*?-----END [A-Z0-9 ]+-----", re.DOTALL),
     "[redacted PEM]"),
    (re.compile(r"\b(Bearer|Basic)\s+[^\s,;'\"]+", re.IGNORECASE), r"\1 [redacted]"),
    (re.compile(r"\bggat_[A-Za-z0-9_\-]+"), "ggat_[redacted]"),
    # RFC 9421 / 9530 byte sequences: sig1=:base64:, sha-256=:base64:
    (re.compile(r"=:[A-Za-z0-9+/=]+:"), "=:[redacted]:"),
]
_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class ContextFilter(logging.Filter):
    """Adds request_id, partner_id and message_id unless the call passed them itself, and the
    trace_id and span_id of the current span (when tracing is on and a span is current)."""

    def filter(self, record: logging.LogRecord) -> bool:
        from ..api.middleware import request_id_var  # the HTTP edge owns the request id

        for name, var in (("request_id", request_id_var), ("partner_id", partner_id_var),
                          ("message_id", message_id_var)):
            if getattr(record, name, None) is None:
                setattr(record, name, var.get())
        ids = current_ids()
        if ids is not None and getattr(record, "trace_id", None) is None:
            record.trace_id, record.span_id = ids
        return True


class Redactor(logging.Filter):
    """Removes what must never reach a log: see the module docstring."""

    def __init__(self) -> None:
        super().__init__()
        self.literals: set[str] = set()

    def scrub(self, text: str) -> str:
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        for literal in self.literals:
            text = text.replace(literal, "[redacted]")
        return scrub(text)  # citizen ID numbers masked (PIPL; docs/privacy.md)

    def filter(self, record: logging.LogRecord) -> bool:
        for name in list(vars(record)):
            if name in _STANDARD_ATTRIBUTES or name in FIELDS:
                continue
            if _SENSITIVE_NAME.search(name):
                delattr(record, name)
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        record.msg, record.args = self.scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure_logging(settings) -> logging.Handler:
    """Install (or update) the gateway's log handler on the root logger; returns it."""
    if settings.log_format not in FORMATS:
        raise SettingsError(f"{PREFIX}LOG_FORMAT must be json or text, not {settings.log_format!r}")
    root = logging.getLogger()
    handler = next((h for h in root.handlers if h.get_name() == HANDLER_NAME), None)
    if handler is None:
        handler = _StderrHandler()
        handler.set_name(HANDLER_NAME)
        handler.addFilter(ContextFilter())
        handler.addFilter(Redactor())
        root.addHandler(handler)
    redactor = next(f for f in handler.filters if isinstance(f, Redactor))
    if settings.key_passphrase:
        redactor.literals.add(settings.key_passphrase)
    handler.setFormatter(JsonFormatter() if settings.log_format == "json"
                         else logging.Formatter(TEXT_FORMAT))
    logging.getLogger("govgate").setLevel(settings.log_level)
    return handler
