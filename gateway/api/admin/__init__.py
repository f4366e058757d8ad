"""Admin API handlers: parse, call a use case through ``AdminActions``, present."""
