"""TLS and mutual TLS from certificate files, through a real server on 127.0.0.1.

Each test run makes a throw-away CA, a server certificate for 127.0.0.1 and
client certificates (one from the CA, one from a rogue CA), written to a
temporary directory the way an operator would mount them.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from grpc_health.v1 import health_pb2, health_pb2_grpc

from service.config import Settings
from service.metrics import Metrics
from service.pb import pb2, pb2_grpc
from tests.conftest import settings_for
from tests.fakes.provider import ScriptedProvider

TOKEN = "tls-test-token-0123456789abcdef"


@dataclass(frozen=True)
class Issued:
    cert_pem: bytes
    key_pem: bytes
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem(cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> Issued:
    return Issued(cert.public_bytes(serialization.Encoding.PEM),
                  key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()),
                  cert, key)


def make_ca(common_name: str) -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(_name(common_name)).issuer_name(_name(common_name))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return _pem(cert, key)


def issue(ca: Issued, common_name: str, *, server: bool, expired: bool = False) -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.timezone.utc)
    start, end = ((now - dt.timedelta(days=2), now - dt.timedelta(days=1)) if expired
                  else (now - dt.timedelta(minutes=5), now + dt.timedelta(days=1)))
    builder = (x509.CertificateBuilder()
               .subject_name(_name(common_name)).issuer_name(ca.cert.subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
                              critical=False)
               .add_extension(x509.ExtendedKeyUsage(
                   [ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH]),
                   critical=False))
    if server:
        builder = builder.add_extension(x509.SubjectAlternativeName(
            [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
    return _pem(builder.sign(ca.key, hashes.SHA256()), key)


@dataclass(frozen=True)
class Pki:
    dir: Path
    ca: Issued
    server: Issued
    client: Issued
    rogue_client: Issued
    expired_client: Issued
    rogue_ca: Issued

    def write(self, name: str, data: bytes) -> Path:
        path = self.dir / name
        path.write_bytes(data)
        path.chmod(0o600)
        return path


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    directory = tmp_path_factory.mktemp("pki")
    ca, rogue_ca = make_ca("reply-rewriter test CA"), make_ca("rogue CA")
    pki = Pki(directory, ca, issue(ca, "reply-rewriter", server=True), issue(ca, "agent-console", server=False),
              issue(rogue_ca, "agent-console", server=False), issue(ca, "old-console", server=False, expired=True),
              rogue_ca)
    pki.write("ca.pem", ca.cert_pem)
    pki.write("server.pem", pki.server.cert_pem)
    pki.write("server.key", pki.server.key_pem)
    return pki


def tls_settings(pki: Pki, provider: ScriptedProvider, *, mutual: bool, **overrides) -> Settings:
    extra = dict(tls_cert=pki.dir / "server.pem", tls_key=pki.dir / "server.key")
    if mutual:
        extra["tls_client_ca"] = pki.dir / "ca.pem"
    return settings_for(provider, **extra, **overrides)


@asynccontextmanager
async def tls_server(settings: Settings) -> AsyncIterator[tuple[int, Metrics]]:
    from service.server import build_deps, create_server, set_serving

    deps = build_deps(settings, Metrics())
    server, port = create_server(settings, deps)
    await server.start()
    await set_serving(deps, True)
    try:
        yield port, deps.metrics
    finally:
        await server.stop(0)


def secure_channel(port: int, root: bytes | None, client: Issued | None = None) -> grpc.aio.Channel:
    credentials = grpc.ssl_channel_credentials(
        root_certificates=root,
        private_key=client.key_pem if client else None,
        certificate_chain=client.cert_pem if client else None)
    return grpc.aio.secure_channel(f"127.0.0.1:{port}", credentials)


async def list_rules(channel: grpc.aio.Channel, metadata=None) -> pb2.ListRulesResponse:
    async with channel:
        return await pb2_grpc.ReplyRewriterStub(channel).ListRules(pb2.ListRulesRequest(), metadata=metadata,
                                                                   timeout=5)


async def refused(channel: grpc.aio.Channel) -> grpc.StatusCode:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await list_rules(channel)
    return err.value.code()


async def test_tls_serves_clients_that_trust_the_ca(pki: Pki, provider: ScriptedProvider) -> None:
    async with tls_server(tls_settings(pki, provider, mutual=False)) as (port, _):
        assert (await list_rules(secure_channel(port, pki.ca.cert_pem))).rules
        async with secure_channel(port, pki.ca.cert_pem) as channel:
            response = await pb2_grpc.ReplyRewriterStub(channel).Rewrite(
                pb2.RewriteRequest(draft="thx, ur order ships soon"), timeout=10)
            assert response.rewrite


async def test_tls_refuses_plaintext_clients(pki: Pki, provider: ScriptedProvider) -> None:
    async with tls_server(tls_settings(pki, provider, mutual=False)) as (port, _):
        assert await refused(grpc.aio.insecure_channel(f"127.0.0.1:{port}")) == grpc.StatusCode.UNAVAILABLE


async def test_clients_that_do_not_trust_the_server_certificate_fail(pki: Pki, provider: ScriptedProvider) -> None:
    async with tls_server(tls_settings(pki, provider, mutual=False)) as (port, _):
        code = await refused(secure_channel(port, pki.rogue_ca.cert_pem))
        assert code == grpc.StatusCode.UNAVAILABLE


async def test_mutual_tls_refuses_a_client_without_a_certificate(pki: Pki, provider: ScriptedProvider) -> None:
    async with tls_server(tls_settings(pki, provider, mutual=True)) as (port, metrics):
        assert await refused(secure_channel(port, pki.ca.cert_pem)) == grpc.StatusCode.UNAVAILABLE
        # the handshake failed: no RPC reached the service
        assert metrics.registry.get_sample_value("replyrewriter_requests_total",
                                                 {"method": "ListRules", "code": "OK"}) is None


async def test_mutual_tls_refuses_a_certificate_from_another_ca(pki: Pki, provider: ScriptedProvider) -> None:
    async with tls_server(tls_settings(pki, provider, mutual=True)) as (port, _):
        code = await refused(secure_channel(port, pki.ca.cert_pem, pki.rogue_client))
        assert code == grpc.StatusCode.UNAVAILABLE


async def test_mutual_tls_refuses_an_expired_client_certificate(pki: Pki, provider: ScriptedProvider) -> None:
    async with tls_server(tls_settings(pki, provider, mutual=True)) as (port, _):
        code = await refused(secure_channel(port, pki.ca.cert_pem, pki.expired_client))
        assert code == grpc.StatusCode.UNAVAILABLE


async def test_mutual_tls_refuses_plaintext(pki: Pki, provider: ScriptedProvider) -> None:
    async with tls_server(tls_settings(pki, provider, mutual=True)) as (port, _):
        assert await refused(grpc.aio.insecure_channel(f"127.0.0.1:{port}")) == grpc.StatusCode.UNAVAILABLE


async def test_mutual_tls_serves_a_client_with_a_valid_certificate(pki: Pki, provider: ScriptedProvider) -> None:
    async with tls_server(tls_settings(pki, provider, mutual=True)) as (port, _):
        assert (await list_rules(secure_channel(port, pki.ca.cert_pem, pki.client))).rules
        async with secure_channel(port, pki.ca.cert_pem, pki.client) as channel:
            health = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
            assert health.status == health_pb2.HealthCheckResponse.SERVING


async def test_mutual_tls_and_tokens_are_both_required(pki: Pki, provider: ScriptedProvider) -> None:
    """A stolen client certificate alone is not enough when tokens are configured."""
    tokens = pki.write("tokens", f"{TOKEN}\n".encode())
    async with tls_server(tls_settings(pki, provider, mutual=True, auth_tokens_file=tokens)) as (port, _):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await list_rules(secure_channel(port, pki.ca.cert_pem, pki.client))
        assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
        response = await list_rules(secure_channel(port, pki.ca.cert_pem, pki.client),
                                    metadata=(("authorization", f"Bearer {TOKEN}"),))
        assert response.rules


@pytest.mark.parametrize("fields", [
    {"tls_cert": "server.pem"},
    {"tls_key": "server.key"},
    {"tls_client_ca": "ca.pem"},
    {"tls_cert": "server.pem", "tls_client_ca": "ca.pem"},
])
async def test_incomplete_tls_configuration_fails_start_up(pki: Pki, fields: dict[str, str]) -> None:
    """Half a TLS setup must never fall back to plaintext silently."""
    from service.server import build_deps, create_server

    settings = settings_for(None, **{k: pki.dir / v for k, v in fields.items()})
    with pytest.raises(ValueError, match="TLS"):
        create_server(settings, build_deps(settings, Metrics(), completion_fn=_never_called))


async def test_unreadable_certificate_files_fail_start_up(pki: Pki, tmp_path: Path) -> None:
    from service.server import build_deps, create_server

    settings = settings_for(None, tls_cert=tmp_path / "missing.pem", tls_key=pki.dir / "server.key")
    with pytest.raises(OSError):
        create_server(settings, build_deps(settings, Metrics(), completion_fn=_never_called))


async def _never_called(**kwargs):  # pragma: no cover - these tests never reach a model
    raise AssertionError("no model call expected")
