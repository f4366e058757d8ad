"""HTTP Message Signatures (RFC 9421) and Digest Fields (RFC 9530) in the govgate profile.

Framework-free: callers translate their messages into ``HttpRequest``/``HttpResponse``.
See docs/signing-profile.md for what is signed and checked.
"""
