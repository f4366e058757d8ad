"""govgate: an OpenAPI-first data-exchange gateway for government agencies."""

__version__ = "0.1.0"
