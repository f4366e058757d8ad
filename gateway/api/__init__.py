"""The HTTP edge: connexion app assembly, problem+json, middleware and thin handlers."""
