"""The measure pipeline and its channels (86号-6…9, and the measures built on it).

    pipeline.py      validate → facts → rules → register → recipients → stage (→ deliver)
    applications.py  one subject, synchronously: web-hall applications, counter claims
    signing.py       each decision signed on its own
"""
