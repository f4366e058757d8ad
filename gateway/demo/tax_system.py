"""THE TAX SWITCH: which tax system the demo starts.

When the gateway in front of us speaks the tax adapter's format (``tax_cfx`` is among the
container's delivery formats), the demo's tax partner is ``gateway.simulators.tax``: a TIPS-style
node that checks the gateway's SM2 signature on a GBK CFX document and answers with a signed
9120. It is registered with ``format: tax_cfx``, the CFX node codes in ``format_settings``,
and its SM2 public key (algorithm ``sm2-sm3``) beside its Ed25519 request-signing key; in
return it trusts the gateway's SM2 public key (``<key dir>/sm2/gateway.pub``), as a tax
office registers it. Otherwise the tax partner is a canonical partner like the others.

This module is the only place the demo knows about the tax adapter.
"""

from __future__ import annotations

TAX_FORMAT = "tax_cfx"
GATEWAY_NODE = "100000000000"  # our CFX node code, as the tax system knows us (HEAD/SRC)
TAX_NODE = "615050000001"  # the Tongliao tax node (HEAD/DES)
SM2_KEYID = "demo-tax-sm2-1"


def speaks_cfx(container) -> bool:
    return TAX_FORMAT in container.adapters.formats


def start_cfx(partner, gateway) -> dict:
    """Start the CFX tax simulator for ``partner``; what to add to its registration."""
    from adapters.tax.gateway_key import GatewaySm2Key  # only when the adapter is installed

    from ..gmcrypto import Sm2PrivateKey
    from ..simulators.tax import TaxSimulator

    gateway_sm2 = GatewaySm2Key(gateway.settings.effective_key_dir)
    tax_key = Sm2PrivateKey.generate()
    partner.simulator = TaxSimulator(TAX_NODE, tax_key, gateway_sm2.public_key).start()
    settings = {"src_node": GATEWAY_NODE, "des_node": TAX_NODE, "sm2_keyid": SM2_KEYID}
    return {
        "partner": {"format": TAX_FORMAT, "format_settings": settings},
        "keys": [{"public_key": tax_key.public_key().to_pem(), "keyid": SM2_KEYID,
                  "algorithm": "sm2-sm3"}],
    }
