"""SM2-with-SM3 sign/s and verify/s on a 1 KiB message.

Measures the gateway's interface (``gateway.gmcrypto``, backend gmssl-pyx) and, when they are
installed, the other libraries weighed for it. Usage: ``python bench/sm2.py [--seconds 2]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import time
from collections.abc import Callable, Iterator

MESSAGE = os.urandom(1024)
USER_ID = b"1234567812345678"
Candidate = tuple[str, Callable[[], bytes], Callable[[bytes], object]]


def rate(operation: Callable[[], object], seconds: float) -> float:
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        operation()
        count += 1
    return count / elapsed


def gateway_interface() -> Iterator[Candidate]:
    from gateway.gmcrypto import Sm2PrivateKey, Sm2Settings, verify
    from gateway.gmcrypto._backend_gmssl import NAME

    key = Sm2PrivateKey.generate()
    for encoding in ("der", "raw"):
        settings = Sm2Settings(signature_encoding=encoding)
        yield (
            f"gateway.gmcrypto ({NAME}, {encoding})",
            lambda s=settings: key.sign(MESSAGE, s),
            lambda sig, s=settings: verify(key.public_key(), MESSAGE, sig, s),
        )


def others() -> Iterator[Candidate]:
    if importlib.util.find_spec("gmssl_pyx"):
        import gmssl_pyx

        public, private = gmssl_pyx.sm2_key_generate()
        yield (
            "gmssl-pyx message API (any ID)",
            lambda: gmssl_pyx.sm2_sign(private, public, MESSAGE, USER_ID),
            lambda sig: gmssl_pyx.sm2_verify(public, MESSAGE, sig, USER_ID),
        )
    if importlib.util.find_spec("tongsuopy"):
        from tongsuopy.crypto import hashes
        from tongsuopy.crypto.asymciphers import ec

        tongsuo_key = ec.generate_private_key(ec.SM2())
        yield (
            "tongsuopy (default ID only)",
            lambda: tongsuo_key.sign(MESSAGE, ec.ECDSA(hashes.SM3())),
            lambda sig: tongsuo_key.public_key().verify(sig, MESSAGE, ec.ECDSA(hashes.SM3())),
        )
    if importlib.util.find_spec("gmssl_fast"):
        import gmssl_fast

        fast_key = gmssl_fast.SM2.generate()
        yield (
            "gmssl-fast (default ID only)",
            lambda: fast_key.sign(MESSAGE),
            lambda sig: fast_key.verify(MESSAGE, sig),
        )
    if importlib.util.find_spec("pysmx"):
        from pysmx.SM2 import SM2EllipticCurvePrivateKey, SM2SM3SignatureAlgorithm

        smx_key, algorithm = SM2EllipticCurvePrivateKey.generate(), SM2SM3SignatureAlgorithm()
        yield (
            "snowland-smx / pysmx (any ID)",
            lambda: smx_key.sign(MESSAGE, algorithm, uid=USER_ID),
            lambda sig: smx_key.public_key().verify(sig, MESSAGE, algorithm, uid=USER_ID),
        )
    if importlib.util.find_spec("gmssl") and importlib.util.find_spec("gmssl.sm2"):
        from gmssl import sm2

        private_hex = os.urandom(32).hex()
        bare = sm2.CryptSM2(private_key=private_hex, public_key="")
        public_hex = bare._kg(int(private_hex, 16), sm2.default_ecc_table["g"])
        crypt = sm2.CryptSM2(private_key=private_hex, public_key=public_hex)
        yield (
            "gmssl (ID hard-coded)",
            lambda: crypt.sign_with_sm3(MESSAGE),
            lambda sig: crypt.verify_with_sm3(sig, MESSAGE),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="per measurement")
    seconds = parser.parse_args().seconds
    print(f"{'implementation':48} {'sign/s':>9} {'verify/s':>9}")
    for name, sign, check in [*gateway_interface(), *others()]:
        signature = sign()
        signs = rate(sign, seconds)
        verifies = rate(lambda check=check, signature=signature: check(signature), seconds)
        print(f"{name:48} {signs:9,.0f} {verifies:9,.0f}", flush=True)


if __name__ == "__main__":
    main()
