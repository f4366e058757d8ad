"""The composition root: the one place that builds concrete adapters and wires them together.

``build_container(settings)`` gives the CLI and the web app the same services;
``create_app(settings)`` wraps them in the connexion application.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

import adapters.bank
import adapters.ecard
import adapters.national_platform
import adapters.social_security
import adapters.tax

from . import contract
from .adapters_kit import AdapterKit
from .delivery.assembly import adapter_registry
from .delivery.registry import AdapterRegistry
from .domain.partners import CANONICAL_FORMAT
from .domain.personal import ClaimKeyPseudonyms
from .exchange.credentials import DatabaseNonceStore, KeyRegistry
from .exchange.idempotency import Idempotency
from .exchange.message_log import MessageLog
from .exchange.witnessing import WitnessClient
from .keystore import GatewayKeyStore
from .keystore.claim_secret import claim_key_secret
from .observability.spans import NoTracing
from .observability.tracing import Tracing, build_tracing
from .outbound import PartnerSession
from .policy.calendar import WorkingDayCalendar
from .policy.measures.catalogue import default_catalogue
from .policy.measures.rulebook import load_measure_rules
from .policy.rulesets import LoanRuleBook, load_rule_book
from .queries.canonical_facts import CanonicalFacts
from .queries.canonical_hr import CanonicalHrFacts
from .queries.employer_facts import FactsRegistry
from .queries.registry import HrFactsRegistry
from .services.admin import AdminActions
from .services.auth_failures import FailedAuthentications
from .services.bulk.kinds import BatchKinds
from .services.bulk.processing import BatchWorker
from .services.bulk.reception import BulkLimits
from .services.evidence_log import EvidenceLogView
from .services.grants import AccessRights
from .services.measures.comparison import ComparisonRuns
from .services.measures.living_allowance import LivingAllowanceSchedules
from .services.measures.payouts import PayoutResults
from .services.measures.pipeline import MeasurePipeline
from .services.measures.risk_areas import RiskDivisions
from .services.measures.signing import DecisionSigner
from .services.partners import EndpointPolicy, PartnerRegistry
from .services.ratelimit import RateLimiter
from .settings import Settings
from .signatures import RequestVerifier, VerificationWindow
from .storage.database import make_engine
from .storage.unit_of_work import SqlUnitOfWorkFactory

# One package per partner idiom; each exports FORMAT, validate_settings and install(kit).
ADAPTER_PACKAGES = (adapters.tax, adapters.bank, adapters.social_security, adapters.national_platform,
                    adapters.ecard)


def partner_formats() -> dict[str, str]:
    """Every ``format`` a partner may register, with the first line of its package's docstring."""
    formats = {CANONICAL_FORMAT: "signed JSON as the contract defines it (docs/signing.md)."}
    for package in ADAPTER_PACKAGES:
        formats[package.FORMAT] = (package.__doc__ or "").strip().splitlines()[0]
    return formats


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Container:
    settings: Settings
    engine: Engine
    uow: SqlUnitOfWorkFactory
    clock: Callable[[], datetime]
    admin: AdminActions
    partners: PartnerRegistry
    access: AccessRights
    admin_rate_limiter: RateLimiter
    auth_failures: FailedAuthentications
    keystore: GatewayKeyStore
    key_registry: KeyRegistry
    nonces: DatabaseNonceStore
    verifier: RequestVerifier
    idempotency: Idempotency
    message_log: MessageLog
    partner_operations: dict
    path_methods: contract.PathMethods
    calendar: WorkingDayCalendar
    rule_book: LoanRuleBook
    hr_facts: HrFactsRegistry
    adapters: AdapterRegistry
    facts: FactsRegistry  # the measures' facts sources by partner format (adapters add theirs)
    measures: MeasurePipeline
    batch_kinds: BatchKinds  # the bulk exchange's kinds of batch (comparison runs, …)
    tracing: Tracing | NoTracing  # NO_TRACING unless GOVGATE_TRACING_EXPORTER names an exporter
    witnesses: WitnessClient | None = None  # configured C2SP witnesses (settings.log_witnesses)
    signed_exchange: object = None  # the HTTP edge's SignedExchange, set by create_app
    evidence_view: EvidenceLogView | None = None  # the log as readers see it (the console)
    # idiom → renders a problem in a partner's own format; idiom → its inbound handler
    error_idioms: dict = field(default_factory=dict)
    inbound_idioms: dict = field(default_factory=dict)
    # Called by close() first: background threads that read through this container (the
    # console's metric history) must not outlive its engine.
    on_close: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for stop in self.on_close:
            stop()
        self.engine.dispose()
        if self.tracing.enabled:
            self.tracing.shutdown()  # exports what is still queued


def build_container(settings: Settings, *, clock: Callable[[], datetime] = utc_now,
                    span_exporter=None) -> Container:
    """``span_exporter`` (an OpenTelemetry SpanExporter) replaces the configured exporter: tests
    read the spans of their requests from an in-memory one."""
    tracing = build_tracing(settings, span_exporter)
    # Every session that calls a partner (HR queries, deliveries, the adapters' transports)
    # carries the trace when tracing is on, and is a plain PartnerSession when it is off.
    session_factory = tracing.session_factory if tracing.enabled else PartnerSession
    engine = make_engine(settings.effective_database_url)
    uow = SqlUnitOfWorkFactory(engine, claim_keys=ClaimKeyPseudonyms(claim_key_secret(settings)),
                               registry_trust_seconds=settings.registry_generation_trust_ms / 1000)
    spec = contract.load_spec()
    keystore = GatewayKeyStore(settings.effective_key_dir,
                               passphrase=settings.key_passphrase.encode() or None, clock=clock)
    key_registry = KeyRegistry(uow)
    nonces = DatabaseNonceStore(uow, clock)
    window = VerificationWindow(settings.signature_max_age_seconds, settings.signature_max_future_seconds)

    def checkpoint_key():
        kid, key = keystore.current()
        return kid, key.private_key

    container = Container(
        settings=settings,
        engine=engine,
        uow=uow,
        clock=clock,
        admin=AdminActions(uow, clock),
        partners=PartnerRegistry(EndpointPolicy(settings.allow_loopback_http),
                                 {p.FORMAT: p.validate_settings for p in ADAPTER_PACKAGES}),
        access=AccessRights(contract.operation_catalogue(spec)),
        admin_rate_limiter=RateLimiter(
            uow, clock, limit=settings.admin_rate_limit, window=settings.admin_rate_window_seconds
        ),
        auth_failures=FailedAuthentications(
            uow, clock, limit=settings.auth_failure_limit,
            window=settings.auth_failure_window_seconds),
        keystore=keystore,
        key_registry=key_registry,
        nonces=nonces,
        verifier=RequestVerifier(key_registry, nonces, clock=clock, window=window),
        idempotency=Idempotency(uow, clock, timedelta(hours=settings.idempotency_ttl_hours)),
        message_log=MessageLog(uow, clock, checkpoint_key, settings.effective_log_origin,
                               settings.checkpoint_interval, tracer=tracing),
        partner_operations=contract.partner_operations(spec),
        path_methods=contract.path_methods(spec),
        calendar=WorkingDayCalendar.from_file(settings.calendar_file or None),
        rule_book=load_rule_book(),
        hr_facts=HrFactsRegistry({"canonical": CanonicalHrFacts(
            session_factory(), keystore, key_registry, clock,
            timeout=(3.05, float(settings.hr_query_timeout_seconds)))}, tracer=tracing),
        adapters=adapter_registry(settings, keystore, key_registry, clock,
                                  session_factory=session_factory),
        tracing=tracing,
        facts=(facts := FactsRegistry({"canonical": CanonicalFacts(
            session_factory(), keystore, key_registry, clock,
            timeout=(3.05, float(settings.hr_query_timeout_seconds)))})),
        measures=MeasurePipeline(catalogue := default_catalogue(), load_measure_rules(catalogue),
                                 facts, DecisionSigner(keystore), uow, clock,
                                 reference={"risk_areas": RiskDivisions(),
                                            "living_allowance_schedule": LivingAllowanceSchedules()}),
        batch_kinds=BatchKinds(),
    )
    container.batch_kinds.register(ComparisonRuns(container.measures))
    container.batch_kinds.register(PayoutResults(uow, clock))
    container.evidence_view = EvidenceLogView(container)
    kit = AdapterKit(adapters=container.adapters, hr_facts=container.hr_facts, keystore=keystore,
                     key_registry=key_registry, uow=uow, clock=clock, settings=settings,
                     calendar=container.calendar, session_factory=session_factory,
                     facts=container.facts)
    for package in ADAPTER_PACKAGES:
        package.install(kit)
    container.error_idioms, container.inbound_idioms = kit.error_idioms, kit.inbound_idioms
    if settings.witness_list:
        container.witnesses = WitnessClient(uow, clock, container.message_log, list(settings.witness_list))
    container.message_log.quorum = settings.log_witness_quorum
    return container


def batch_worker(container: Container) -> BatchWorker:
    """The bulk exchange's worker (``govgate batches work``; tests call ``run_once``)."""
    return BatchWorker(container.uow, container.clock, container.batch_kinds,
                       container.measures.signer)


def create_app(settings: Settings, container: Container | None = None):
    """The ASGI application (a connexion FlaskApp) for ``settings``."""
    from connexion import FlaskApp
    from connexion.middleware import MiddlewarePosition
    from connexion.options import SwaggerUIOptions

    from . import console
    from .api import problems
    from .api.middleware import RequestContextMiddleware
    from .api.partner.bulk import BulkMiddleware
    from .api.partner.exchange import SignedExchange
    from .api.partner.middleware import ReceiptMiddleware, SignatureMiddleware
    from .api.validation import validator_map
    from .api.wsgi import OneCallWSGI
    from .observability.logging import configure_logging
    from .observability.middleware import ObservedRequests
    from .observability.tracing import TracedRequests

    container = container or build_container(settings)
    container.keystore.ensure_current()
    container.signed_exchange = SignedExchange(container)
    app = FlaskApp(__name__, specification_dir=str(contract.SPEC_DIR))
    app._middleware_app.asgi_app = OneCallWSGI(app.app.wsgi_app)  # instead of a2wsgi's pool
    app.add_api(
        contract.load_spec(),  # one bundled document, read once per process
        strict_validation=True,
        validate_responses=settings.validate_responses,
        validator_map=validator_map(container.tracing),
        swagger_ui_options=SwaggerUIOptions(swagger_ui=True, spec_path="/openapi.json"),
    )
    if container.tracing.enabled:  # outermost: the access log line is written inside the span
        app.add_middleware(TracedRequests, position=MiddlewarePosition.BEFORE_EXCEPTION,
                           tracing=container.tracing, routes=contract.routes(contract.load_spec()))
    app.add_middleware(ObservedRequests, position=MiddlewarePosition.BEFORE_EXCEPTION)
    # Bulk batches stream in and results stream out: served before anything buffers a body.
    app.add_middleware(BulkMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION, container=container,
                       limits=BulkLimits(max_lines=settings.bulk_max_lines))
    # Order matters: receipts wrap everything (413s are signed too); the body is buffered once;
    # signatures are verified after routing (to know the operation) and before connexion's security.
    app.add_middleware(ReceiptMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION, container=container)
    app.add_middleware(SignatureMiddleware, position=MiddlewarePosition.BEFORE_SECURITY, container=container)
    app.add_middleware(
        RequestContextMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        container=container,
        max_body_bytes=settings.max_body_bytes,
    )
    problems.register(app)
    app.app.extensions["govgate"] = container
    console.install(app.app, container)  # the operator console under /console/
    app.container = container  # type: ignore[attr-defined]
    configure_logging(settings)
    return app


def start_integrator(container: Container) -> threading.Event:
    """Run an evidence-log integrator candidate in a daemon thread; set the event to stop it.

    Every server process runs one: the integrator lock lets one integrate at a time, and any of
    them takes over when the holder dies (docs/evidence.md, "Who integrates")."""
    stop = threading.Event()
    interval = container.settings.log_batch_ms / 1000
    threading.Thread(target=container.message_log.run, args=(stop, interval), daemon=True,
                     name="evidence-log-integrator").start()
    if container.witnesses is not None:  # witnesses are called off the integrator's thread
        threading.Thread(target=container.witnesses.run, args=(stop, max(interval, 0.5)), daemon=True,
                         name="evidence-log-witnesses").start()
    return stop


def asgi_app():
    """Entry point for ASGI servers (``uvicorn --factory gateway.bootstrap:asgi_app``)."""
    settings = Settings.from_env()
    app = create_app(settings)
    if settings.log_integrate:
        start_integrator(app.container)
    return app
