"""Synchronous questions the gateway asks partner systems while a caller waits.

    ports.py          HrFactsSource: what HR knows about people (and an enterprise), 86号-16
    canonical_hr.py   the canonical, signed HTTP JSON implementation of that port
"""
