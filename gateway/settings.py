"""Typed settings, read once from the environment (``GOVGATE_*``) and passed in.

Nothing else in the gateway reads the environment: ``create_app(settings)`` and the CLI receive a
``Settings`` object. Every field is documented in the README's configuration reference.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

PREFIX = "GOVGATE_"
TRACING_EXPORTERS = ("none", "console", "otlp")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


def _bool(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{PREFIX}{name.upper()} must be true or false, not {raw!r}")


def _float(name: str, raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise SettingsError(f"{PREFIX}{name.upper()} must be a number, not {raw!r}") from None


def _int(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{PREFIX}{name.upper()} must be an integer, not {raw!r}") from None
    if value < 0:
        raise SettingsError(f"{PREFIX}{name.upper()} must not be negative")
    return value


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    # Empty means the embedded default: a SQLite file in data_dir.
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1
    # Public base URL partners call (scheme://host[:port]); the @target-uri they sign is built on it.
    public_base_url: str = ""
    max_body_bytes: int = 1024 * 1024
    # Admin API rate limit: requests per token per window.
    admin_rate_limit: int = 120
    admin_rate_window_seconds: int = 60
    # Failed admin-token authentications per source address and window; beyond them 429.
    auth_failure_limit: int = 20
    auth_failure_window_seconds: int = 300
    # Deliveries to plain-http endpoints are refused unless the host is loopback and this is on.
    allow_loopback_http: bool = False
    # Several values separated by commas: peers whose X-Forwarded-Proto/-Host are believed.
    trusted_proxies: str = ""
    # The gateway's own signing keys; empty means data_dir/keys.
    key_dir: str = ""
    key_passphrase: str = field(default="", repr=False)
    # The HMAC key of the claim register's pseudonyms (docs/privacy.md); empty: a random one kept
    # in <key_dir>/claim-keys.secret (0600), made on first start. Every process must share it.
    claim_key_secret: str = field(default="", repr=False)
    signature_max_age_seconds: int = 300
    signature_max_future_seconds: int = 30
    idempotency_ttl_hours: int = 24
    # Evidence log (docs/evidence.md): the integrator places at most this many pending entries
    # per batch and signs one checkpoint per batch, so no more than this many entries are ever
    # between two checkpoints; it looks for pending entries every log_batch_ms.
    checkpoint_interval: int = 100
    log_batch_ms: int = 100
    # Whether each `govgate serve` process runs an integrator candidate (one integrates at a time).
    log_integrate: bool = True
    # The checkpoints' origin line; empty: "<host of public_base_url or host>/govgate/log".
    # Fixed once the first checkpoint is signed (the database keeps it).
    log_origin: str = ""
    # Upper bound of a request's `Prefer: wait=N` for its inclusion proof.
    log_max_wait_seconds: int = 10
    # How long a process may trust the registry generation it last read (storage/registry_cache):
    # a revoked key, suspended partner or removed grant is refused at once by the process that
    # changed it and within N ms by every other; 0 reads the generation in every unit of work.
    registry_generation_trust_ms: int = 250
    # Witnesses (C2SP tlog-witness), comma-separated "<submission URL> <verifier key>" pairs, and
    # how many of them must cosign before a checkpoint counts as published (0: none needed).
    log_witnesses: str = ""
    log_witness_quorum: int = 0
    # Operator calendar file (YAML/JSON) adding or replacing years of official working days.
    calendar_file: str = ""
    hr_query_timeout_seconds: int = 10
    # The bulk exchange: most lines a batch (NDJSON) may hold.
    bulk_max_lines: int = 100_000
    # Most lines one payout batch instructs (HR sends several for a larger register).
    payout_max_lines: int = 5_000
    # Delivery worker: attempts before a dead letter; backoff base and cap (full jitter; the cap
    # also bounds a recipient's Retry-After); read timeout of one attempt; the lease a claimed
    # delivery stays with its worker (must outlast an attempt); idle wait between polls.
    delivery_max_attempts: int = 8
    delivery_base_delay_seconds: int = 2
    delivery_max_delay_seconds: int = 600
    delivery_timeout_seconds: int = 10
    delivery_lease_seconds: int = 60
    worker_poll_seconds: int = 1
    validate_responses: bool = False
    log_level: str = "INFO"
    # "json" (one object per line) or "text".
    log_format: str = "json"
    # Prometheus multiprocess files of every server and worker process; empty means
    # data_dir/metrics.
    metrics_dir: str = ""
    # The HTTP edge (api/http_server.py): request head size and field count (431 beyond),
    # seconds for a request head to arrive (408 after: slowloris), open connections per
    # server process (beyond it the longest-idle one is shed, never a request in progress).
    max_header_bytes: int = 16 * 1024
    max_header_count: int = 100
    header_timeout_seconds: int = 10
    max_connections: int = 500
    # OpenTelemetry traces: "none" (off, the default), "console" (JSON lines on stderr) or "otlp"
    # (OTLP/HTTP to the endpoint; needs the otlp extra). Root traces are sampled at the ratio; a
    # caller's traceparent decides for its own trace (parent-based sampling).
    tracing_exporter: str = "none"
    tracing_otlp_endpoint: str = "http://127.0.0.1:4318/v1/traces"
    tracing_otlp_timeout_seconds: int = 10
    tracing_sample_ratio: float = 1.0
    tracing_service_name: str = "govgate"
    # /v1/readyz fails below this much free space on the data directory's (and the SQLite
    # file's) filesystem, before a full disk starts refusing writes.
    min_free_disk_mb: int = 100
    # Operator console (/console/): a session ends after this long without a request, and in
    # any case this long after sign-in.
    console_idle_timeout_seconds: int = 1800
    console_session_max_seconds: int = 12 * 3600
    extra: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'govgate.db').resolve()}"

    @cached_property
    def trusted_proxy_networks(self) -> tuple:
        """'127.0.0.1, 10.0.0.0/8' → networks; raises ValueError naming a bad entry."""
        items = (part.strip() for part in self.trusted_proxies.split(","))
        return tuple(ipaddress.ip_network(item, strict=False) for item in items if item)

    @cached_property
    def witness_list(self) -> tuple[tuple[str, str], ...]:
        """(submission URL, verifier key) of each configured witness; raises SettingsError."""
        pairs = []
        for item in (part.strip() for part in self.log_witnesses.split(",")):
            if not item:
                continue
            parts = item.split()
            if len(parts) != 2 or not parts[0].startswith(("https://", "http://")):
                raise SettingsError(f"{PREFIX}LOG_WITNESSES: each witness is '<URL> <verifier key>', "
                                    f"not {item!r}")
            pairs.append((parts[0], parts[1]))
        return tuple(pairs)

    @property
    def effective_log_origin(self) -> str:
        if self.log_origin:
            return self.log_origin
        host = urlsplit(self.public_base_url).hostname if self.public_base_url else None
        return f"{host or self.host}/govgate/log"

    @property
    def effective_key_dir(self) -> Path:
        return Path(self.key_dir) if self.key_dir else self.data_dir / "keys"

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            if f.name == "extra":
                continue
            raw = env.get(PREFIX + f.name.upper())
            if raw is None or raw == "":
                continue
            if f.type in ("int",):
                values[f.name] = _int(f.name, raw)
            elif f.type in ("float",):
                values[f.name] = _float(f.name, raw)
            elif f.type in ("bool",):
                values[f.name] = _bool(f.name, raw)
            elif f.type in ("Path",):
                values[f.name] = Path(raw)
            else:
                values[f.name] = raw
        settings = cls(**values)  # type: ignore[arg-type]
        settings.check()
        return settings

    def check(self) -> None:
        if self.max_body_bytes < 1024:
            raise SettingsError(f"{PREFIX}MAX_BODY_BYTES must be at least 1024")
        if self.workers < 1:
            raise SettingsError(f"{PREFIX}WORKERS must be at least 1")
        if self.auth_failure_limit < 1 or self.auth_failure_window_seconds < 1:
            raise SettingsError("auth failure limit and window must be at least 1")
        if self.admin_rate_limit < 1 or self.admin_rate_window_seconds < 1:
            raise SettingsError("admin rate limit and window must be at least 1")
        if self.checkpoint_interval < 1 or self.idempotency_ttl_hours < 1:
            raise SettingsError("checkpoint interval and idempotency TTL must be at least 1")
        if self.max_header_bytes < 4096 or self.max_header_count < 16:
            raise SettingsError(f"{PREFIX}MAX_HEADER_BYTES must be at least 4096 and "
                                f"{PREFIX}MAX_HEADER_COUNT at least 16")
        if self.header_timeout_seconds < 1 or self.max_connections < 1:
            raise SettingsError(f"{PREFIX}HEADER_TIMEOUT_SECONDS and {PREFIX}MAX_CONNECTIONS "
                                "must be at least 1")
        if self.log_batch_ms < 1 or self.log_max_wait_seconds > 60:
            raise SettingsError(f"{PREFIX}LOG_BATCH_MS must be at least 1 and "
                                f"{PREFIX}LOG_MAX_WAIT_SECONDS at most 60")
        if not 0 <= self.registry_generation_trust_ms <= 5000:
            raise SettingsError(f"{PREFIX}REGISTRY_GENERATION_TRUST_MS must be 0 to 5000")
        if self.log_witness_quorum > len(self.witness_list):
            raise SettingsError(f"{PREFIX}LOG_WITNESS_QUORUM is more than the witnesses configured")
        if self.console_idle_timeout_seconds < 60 or self.console_session_max_seconds < 60:
            raise SettingsError("console session timeouts must be at least 60 seconds")
        if self.signature_max_age_seconds < 1:
            raise SettingsError(f"{PREFIX}SIGNATURE_MAX_AGE_SECONDS must be at least 1")
        try:
            _ = self.trusted_proxy_networks  # parses the list; a bad entry raises
        except ValueError as error:
            raise SettingsError(f"{PREFIX}TRUSTED_PROXIES: {error}") from None
        if self.tracing_exporter not in TRACING_EXPORTERS:
            raise SettingsError(f"{PREFIX}TRACING_EXPORTER must be none, console or otlp, "
                                f"not {self.tracing_exporter!r}")
        if not 0.0 <= self.tracing_sample_ratio <= 1.0:
            raise SettingsError(f"{PREFIX}TRACING_SAMPLE_RATIO must be between 0 and 1")
        if not self.tracing_otlp_endpoint.startswith(("https://", "http://")):
            raise SettingsError(f"{PREFIX}TRACING_OTLP_ENDPOINT must start with https:// or http://")
        if self.public_base_url and not self.public_base_url.startswith(("https://", "http://")):
            raise SettingsError(f"{PREFIX}PUBLIC_BASE_URL must start with https:// or http://")
