"""One contract over every partner adapter package (``adapters/<name>``).

Each package exports ``FORMAT``, ``validate_settings`` and ``install(kit)``; install registers
a delivery channel (``kit.adapters``) and/or an HR facts source (``kit.hr_facts``) under FORMAT,
and/or an inbound idiom (``kit.inbound_idioms``, ``kit.error_idioms``).
Whatever the transport does — time out, refuse the connection, answer 500 or 429, answer
garbage — a channel raises only ``Retryable``/``NonRetryable`` and an HR source only
``Unavailable``. A package joins the contract by being listed in ``PACKAGES`` with a sample.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import ModuleType

import pytest
import requests
import responses

from gateway.adapters_kit import AdapterKit
from gateway.delivery.errors import NonRetryable, Retryable
from gateway.delivery.ports import OutgoingMessage
from gateway.delivery.registry import AdapterRegistry
from gateway.domain.partners import Partner, Role
from gateway.errors import InvalidInput, Unavailable
from gateway.policy.calendar import WorkingDayCalendar
from gateway.queries.registry import HrFactsRegistry
from gateway.settings import Settings
from tests.adapters.tax.golden import CONCLUSION, tax_key

URL = "https://partner.example.test/endpoint"
ACCEPTED_AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Sample:
    package: str
    settings: dict
    bad_settings: dict  # refused, with a pointer into the settings object
    message: OutgoingMessage | None = None  # what its channel sends, if it has one
    hr_query: tuple[list[str], str | None] | None = None  # what its HR source asks, if any
    roles: frozenset[Role] = field(default_factory=lambda: frozenset({Role.TAX}))
    idiom: str | None = None  # the inbound idiom it registers, if any (tests/adapters/test_channel_idioms.py)


PACKAGES = [
    Sample("adapters.tax",
           {"src_node": "100000000000", "des_node": "615050000001", "sm2_keyid": "k1"},
           {"src_node": "1", "des_node": "615050000001", "sm2_keyid": "k1"},
           message=OutgoingMessage("m-1", "deferral_conclusion", "s", CONCLUSION, ACCEPTED_AT)),
    Sample("adapters.bank", {"lgnnam": "通辽银行前置"}, {"lgnnam": ""},
           message=OutgoingMessage("m-2", "guarantee_decision", "s",
                                   {"outcome": "accepted", "guaranteed_amount_fen": 10_000_000,
                                    "term_months": 24}, ACCEPTED_AT),
           roles=frozenset({Role.BANK})),
    Sample("adapters.social_security", {"app_id": "govgate-150500"}, {"app_id": "有 空格"},
           hr_query=(["150502199001010010"], "11150500000005012C"),
           roles=frozenset({Role.HR}), idiom="hr_coded"),
    Sample("adapters.national_platform", {"send_org": "SI12333"}, {"send_org": "有 空格"},
           roles=frozenset({Role.NATIONAL_PLATFORM}), idiom="national_platform"),
    Sample("adapters.ecard", {"channel_no": "ALIPAY"}, {"channel_no": "UNIONPAY"},
           roles=frozenset({Role.ECARD}), idiom="ecard"),
]


def package_or_skip(name: str) -> ModuleType:
    module = importlib.import_module(name)
    if not all(hasattr(module, a) for a in ("FORMAT", "validate_settings", "install")):
        pytest.skip(f"{name} does not export FORMAT/validate_settings/install yet")
    return module


@pytest.fixture(params=PACKAGES, ids=lambda s: s.package.split(".")[-1])
def sample(request) -> Sample:
    return request.param


@pytest.fixture
def package(sample) -> ModuleType:
    return package_or_skip(sample.package)


@pytest.fixture
def kit(tmp_path, package) -> AdapterKit:
    from gateway.keystore import GatewayKeyStore

    keystore = GatewayKeyStore(tmp_path / "keys")
    keystore.ensure_current()

    def uow():
        raise AssertionError("the contract runs without a database")

    kit = AdapterKit(adapters=AdapterRegistry(), hr_facts=HrFactsRegistry({}), keystore=keystore,
                     key_registry=None, uow=uow, clock=lambda: ACCEPTED_AT,
                     settings=Settings(data_dir=tmp_path), calendar=WorkingDayCalendar())
    package.install(kit)
    return kit


def partner(sample: Sample, package: ModuleType) -> Partner:
    return Partner(id="11150500000005017X", name="合作方", roles=sample.roles,
                   division_code="150500", endpoint_url=URL, format=package.FORMAT,
                   format_settings=package.validate_settings(dict(sample.settings)))


def test_the_package_names_its_format(package):
    assert isinstance(package.FORMAT, str) and package.FORMAT
    assert package.FORMAT != "canonical"


def test_sample_settings_are_accepted_and_normalised_idempotently(sample, package):
    normalised = package.validate_settings(dict(sample.settings))
    assert isinstance(normalised, dict)
    assert package.validate_settings(dict(normalised)) == normalised


@pytest.mark.parametrize("broken", ["bad", "unknown_member", "empty"])
def test_bad_settings_are_refused_with_pointers(sample, package, broken):
    settings = {"bad": sample.bad_settings, "empty": {},
                "unknown_member": {**sample.settings, "no_such_setting": "x"}}[broken]
    with pytest.raises(InvalidInput) as refused:
        package.validate_settings(dict(settings))
    assert refused.value.errors
    assert all(e.pointer.startswith("/") and e.detail for e in refused.value.errors)


def test_install_registers_something_under_the_format(sample, package, kit):
    has_channel = package.FORMAT in kit.adapters.formats
    assert has_channel == (sample.message is not None)
    if sample.hr_query is not None:  # the source answers (here: fails to reach HR) itself
        with responses.RequestsMock() as mock:
            mock.add(responses.POST, URL, body=requests.ConnectionError())
            with pytest.raises(Unavailable) as failed:
                kit.hr_facts.person_facts(partner(sample, package), *sample.hr_query)
        assert failed.value.reason != "hr_channel_missing"
    if sample.idiom is not None:  # an inbound idiom answers its errors in the idiom too
        assert sample.idiom in kit.inbound_idioms and sample.idiom in kit.error_idioms
    assert has_channel or sample.hr_query is not None or sample.idiom is not None


TRANSPORT_FAILURES = {
    "timeout": {"body": requests.ReadTimeout()},
    "connect_timeout": {"body": requests.ConnectTimeout()},
    "connection_refused": {"body": requests.ConnectionError("refused")},
    "server_error": {"status": 500, "body": b"oops"},
    "rate_limited": {"status": 429, "headers": {"Retry-After": "30"}},
    "garbage": {"status": 200, "body": b"\x00\xff\xfe<<not what was expected>>"},
    "empty": {"status": 200, "body": b""},
    "html_error_page": {"status": 502, "body": b"<html><body>Bad Gateway</body></html>"},
}


@pytest.mark.parametrize("failure", sorted(TRANSPORT_FAILURES))
def test_channels_raise_only_delivery_errors(sample, package, kit, failure):
    if sample.message is None:
        pytest.skip("no delivery channel")
    channel = kit.adapters.channel_for(package.FORMAT)
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, URL, **TRANSPORT_FAILURES[failure])
        with pytest.raises((Retryable, NonRetryable)) as failed:
            channel.deliver(sample.message, partner_with_key(sample, package, kit))
        assert len(mock.calls) == 1  # the sample did reach the wire
    assert failed.value.reason and failed.value.detail
    if failure not in ("garbage", "empty"):  # an unreadable answer is each adapter's call
        assert isinstance(failed.value, Retryable)


def test_channels_refuse_kinds_they_do_not_carry_without_sending(sample, package, kit):
    if sample.message is None:
        pytest.skip("no delivery channel")
    channel = kit.adapters.channel_for(package.FORMAT)
    alien = OutgoingMessage("m-9", "no_such_kind", "s", {"x": 1}, ACCEPTED_AT)
    with responses.RequestsMock() as mock, pytest.raises(NonRetryable):
        channel.deliver(alien, partner_with_key(sample, package, kit))
    assert not mock.calls


@pytest.mark.parametrize("failure", sorted(TRANSPORT_FAILURES))
def test_hr_sources_raise_only_unavailable(sample, package, kit, failure):
    if sample.hr_query is None:
        pytest.skip("no HR facts source")
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, URL, **TRANSPORT_FAILURES[failure])
        with pytest.raises(Unavailable) as failed:
            kit.hr_facts.person_facts(partner(sample, package), *sample.hr_query)
    assert failed.value.status in (503, 504) and failed.value.retry_after > 0
    assert failed.value.reason.startswith("hr_")


def partner_with_key(sample: Sample, package: ModuleType, kit: AdapterKit) -> Partner:
    """The sample partner; for the tax channel, with its SM2 key resolvable without a DB."""
    if package.FORMAT == "tax_cfx":
        channel = kit.adapters.channel_for(package.FORMAT)
        channel._partner_key = lambda partner_id, keyid: tax_key().public_key()
    return partner(sample, package)
