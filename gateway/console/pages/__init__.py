"""One module per console page; importing this package registers their routes."""

from . import audit, auth, evidence, health, keys, messages, partners  # noqa: F401
