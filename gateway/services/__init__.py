"""Use cases: each takes a unit of work and plain values, enforces the rules, returns domain objects."""
