"""The measures run by the measure pipeline (docs/measures.md): pure, framework-free.

- ``model``      the plug: ``Measure``, ``Subject``, ``FactNeed``, ``Facts``, ``Decision``, ``ClaimKey``
- ``rulebook``   versioned rule sets (``rules/<family>-*.yaml``), selected by policy date
- ``catalogue``  the measures the gateway runs
- one module per measure (86号-6…9), each ending in ``MEASURE = Measure(...)``
"""
