"""Operability: health and readiness probes, Prometheus metrics, structured JSON logs, traces.

    metrics     the metric set (built once per process), recorders the other layers call, the
                /metrics exposition, and multiprocess mode (one directory shared by every
                ``govgate serve`` worker and ``govgate worker`` process)
    logging     ``configure_logging(settings)``: one JSON object per line, request/partner/
                message ids from context variables, secrets and bodies kept out
    middleware  ``ObservedRequests``: request count, latency and one log line per request
    health      the handlers of /healthz, /readyz and /metrics
    spans       the tracing port the services and edges call (``Tracer``, ``NO_TRACING``)
    tracing     its OpenTelemetry implementation: ``build_tracing(settings)``, the SERVER span
                middleware, ``TracedSession`` for calls to partners (docs/observability.md)
"""
