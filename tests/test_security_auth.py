"""Bearer-token auth through a real server on 127.0.0.1.

Every RPC but health needs ``authorization: Bearer <token>`` when tokens are
configured; reflection follows ``reflection_requires_auth``; the tokens file
is re-read when it changes, so tokens rotate without a restart.
"""

from __future__ import annotations

import os
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from service.config import Settings
from service.interceptors import TokenStore
from service.pb import pb2
from tests.conftest import RunningServer, customer, running_server, settings_for
from tests.fakes.provider import ScriptedProvider

TOKEN = "tok-A-0123456789abcdef0123456789"
SAME_LENGTH_WRONG = "tok-A-0123456789abcdef012345678X"[: len(TOKEN)]
NEW_TOKEN = "tok-B-fedcba9876543210fedcba9876"


def bearer(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)


def write_tokens(path: Path, *tokens: str, comment: str = "# rotated by the tests") -> None:
    """Rewrite the file and make sure its mtime moves, even on coarse-grained file systems."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text("\n".join([comment, *tokens, ""]), encoding="utf-8")
    after = path.stat().st_mtime_ns
    if after <= before:
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


def tokens_file(tmp_path: Path, *tokens: str) -> Path:
    path = tmp_path / "tokens"
    write_tokens(path, *tokens)
    return path


async def call_every_protected_rpc(s: RunningServer, metadata=None) -> dict[str, grpc.StatusCode]:
    """The status of each ReplyRewriter RPC called with ``metadata``."""
    calls = {
        "Rewrite": lambda: s.stub.Rewrite(pb2.RewriteRequest(draft="thx, ur order ships soon",
                                                             conversation=[customer("where is my order?")]),
                                          metadata=metadata, timeout=10),
        "Check": lambda: s.stub.Check(pb2.CheckRequest(text="thx, ur order ships soon"),
                                      metadata=metadata, timeout=10),
        "Verify": lambda: s.stub.Verify(pb2.VerifyRequest(draft="Your order ships Monday.",
                                                          candidate="Your order ships on Monday."),
                                        metadata=metadata, timeout=10),
        "ListRules": lambda: s.stub.ListRules(pb2.ListRulesRequest(), metadata=metadata, timeout=10),
        "Feedback": lambda: s.stub.Feedback(pb2.FeedbackRequest(outcome=pb2.FeedbackRequest.OUTCOME_ACCEPTED),
                                            metadata=metadata, timeout=10),
    }
    codes = {}
    for name, call in calls.items():
        try:
            await call()
            codes[name] = grpc.StatusCode.OK
        except grpc.aio.AioRpcError as exc:
            codes[name] = exc.code()
    return codes


async def health_status(s: RunningServer, metadata=None) -> int:
    stub = health_pb2_grpc.HealthStub(s.channel)
    response = await stub.Check(health_pb2.HealthCheckRequest(service=""), metadata=metadata, timeout=5)
    return response.status


async def reflection_services(s: RunningServer, metadata=None) -> list[str]:
    stub = reflection_pb2_grpc.ServerReflectionStub(s.channel)
    call = stub.ServerReflectionInfo(metadata=metadata, timeout=5)
    await call.write(reflection_pb2.ServerReflectionRequest(list_services=""))
    await call.done_writing()
    response = await call.read()
    assert response is not grpc.aio.EOF
    return [svc.name for svc in response.list_services_response.service]


ALL_OK = dict.fromkeys(["Rewrite", "Check", "Verify", "ListRules", "Feedback"], grpc.StatusCode.OK)
ALL_DENIED = dict.fromkeys(ALL_OK, grpc.StatusCode.UNAUTHENTICATED)


async def test_without_tokens_configured_everything_is_open(provider: ScriptedProvider) -> None:
    async with running_server(settings_for(provider)) as s:
        assert not s.deps.tokens.enabled
        assert await call_every_protected_rpc(s) == ALL_OK


async def test_health_is_open_but_every_other_rpc_needs_the_token(provider: ScriptedProvider, tmp_path: Path) -> None:
    async with running_server(settings_for(provider, auth_tokens_file=tokens_file(tmp_path, TOKEN))) as s:
        assert await health_status(s) == health_pb2.HealthCheckResponse.SERVING
        assert await call_every_protected_rpc(s) == ALL_DENIED
        assert await call_every_protected_rpc(s, bearer(TOKEN)) == ALL_OK
        assert s.metric("replyrewriter_auth_failures_total") == len(ALL_DENIED)
        # refused calls are counted under their method with UNAUTHENTICATED
        assert await s.metric_reaching("replyrewriter_requests_total", {"method": "Rewrite", "code": "UNAUTHENTICATED"}) == 1


async def test_refused_rewrite_never_reaches_the_model(provider: ScriptedProvider, tmp_path: Path) -> None:
    async with running_server(settings_for(provider, auth_tokens_file=tokens_file(tmp_path, TOKEN))) as s:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await s.stub.Rewrite(pb2.RewriteRequest(draft="thx, ur order ships soon"), timeout=10)
        assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
        assert "token" in (err.value.details() or "")
        assert provider.calls == 0


@pytest.mark.parametrize("header", [
    f"Bearer {SAME_LENGTH_WRONG}",   # same length, one character off
    f"Bearer {TOKEN[:-1]}",          # a prefix
    f"Bearer {TOKEN}x",              # an extension
    f"Basic {TOKEN}",                # wrong scheme
    TOKEN,                           # no scheme
    "Bearer ",                       # empty token
    "Bearer",
    f"Bearer {TOKEN.upper()}",       # tokens are case-sensitive
])
async def test_wrong_tokens_are_refused(provider: ScriptedProvider, tmp_path: Path, header: str) -> None:
    assert len(SAME_LENGTH_WRONG) == len(TOKEN) and SAME_LENGTH_WRONG != TOKEN
    async with running_server(settings_for(provider, auth_tokens_file=tokens_file(tmp_path, TOKEN))) as s:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await s.stub.ListRules(pb2.ListRulesRequest(), metadata=(("authorization", header),), timeout=5)
        assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_scheme_is_case_insensitive(provider: ScriptedProvider, tmp_path: Path) -> None:
    async with running_server(settings_for(provider, auth_tokens_file=tokens_file(tmp_path, TOKEN))) as s:
        response = await s.stub.ListRules(pb2.ListRulesRequest(),
                                          metadata=(("authorization", f"bearer {TOKEN}"),), timeout=5)
        assert response.rules


async def test_tokens_from_settings_work_without_a_file(provider: ScriptedProvider) -> None:
    async with running_server(settings_for(provider, auth_tokens=f"{TOKEN},{NEW_TOKEN}")) as s:
        assert await call_every_protected_rpc(s) == ALL_DENIED
        assert await call_every_protected_rpc(s, bearer(TOKEN)) == ALL_OK
        assert await call_every_protected_rpc(s, bearer(NEW_TOKEN)) == ALL_OK


async def test_tokens_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tokens_file(tmp_path, TOKEN)
    monkeypatch.setenv("REPLYREWRITER_AUTH_TOKENS_FILE", str(path))
    monkeypatch.setenv("REPLYREWRITER_AUTH_TOKENS", f"{NEW_TOKEN}, ")
    settings = Settings()
    assert settings.auth_tokens_file == path
    assert [t.get_secret_value() for t in settings.auth_tokens] == [NEW_TOKEN]
    assert NEW_TOKEN not in repr(settings)  # SecretStr: never printed in logs or errors


@pytest.mark.parametrize("protect", [False, True])
async def test_reflection_follows_reflection_requires_auth(provider: ScriptedProvider, tmp_path: Path,
                                                           protect: bool) -> None:
    settings = settings_for(provider, auth_tokens_file=tokens_file(tmp_path, TOKEN), reflection_requires_auth=protect)
    async with running_server(settings) as s:
        assert "replyrewriter.v1.ReplyRewriter" in await reflection_services(s, bearer(TOKEN))
        if protect:
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await reflection_services(s)
            assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await reflection_services(s, bearer(SAME_LENGTH_WRONG))
            assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
        else:
            assert "replyrewriter.v1.ReplyRewriter" in await reflection_services(s)
        # health never needs a token, either way
        assert await health_status(s) == health_pb2.HealthCheckResponse.SERVING


async def test_rotating_the_tokens_file_takes_effect_without_restart(provider: ScriptedProvider,
                                                                     tmp_path: Path) -> None:
    path = tokens_file(tmp_path, TOKEN)
    async with running_server(settings_for(provider, auth_tokens_file=path, auth_tokens_reload_seconds=0)) as s:
        assert await call_every_protected_rpc(s, bearer(TOKEN)) == ALL_OK
        assert await call_every_protected_rpc(s, bearer(NEW_TOKEN)) == ALL_DENIED

        # overlap window: both tokens accepted while clients move over
        write_tokens(path, TOKEN, NEW_TOKEN)
        assert await call_every_protected_rpc(s, bearer(TOKEN)) == ALL_OK
        assert await call_every_protected_rpc(s, bearer(NEW_TOKEN)) == ALL_OK

        # the old token is revoked
        write_tokens(path, NEW_TOKEN)
        assert await call_every_protected_rpc(s, bearer(TOKEN)) == ALL_DENIED
        assert await call_every_protected_rpc(s, bearer(NEW_TOKEN)) == ALL_OK

        # an empty file accepts nobody (fails closed), but health still answers
        write_tokens(path)
        assert await call_every_protected_rpc(s, bearer(NEW_TOKEN)) == ALL_DENIED
        assert await health_status(s) == health_pb2.HealthCheckResponse.SERVING


async def test_rotation_by_atomic_rename_is_picked_up(provider: ScriptedProvider, tmp_path: Path) -> None:
    """Kubernetes Secret volumes and most deploy tools replace the file by rename."""
    path = tokens_file(tmp_path, TOKEN)
    async with running_server(settings_for(provider, auth_tokens_file=path, auth_tokens_reload_seconds=0)) as s:
        assert await call_every_protected_rpc(s, bearer(TOKEN)) == ALL_OK
        staged = tmp_path / "tokens.new"
        write_tokens(staged, NEW_TOKEN)
        old_mtime = path.stat().st_mtime_ns
        if staged.stat().st_mtime_ns == old_mtime:
            os.utime(staged, ns=(old_mtime + 1_000_000, old_mtime + 1_000_000))
        os.replace(staged, path)
        assert await call_every_protected_rpc(s, bearer(TOKEN)) == ALL_DENIED
        assert await call_every_protected_rpc(s, bearer(NEW_TOKEN)) == ALL_OK


async def test_a_missing_tokens_file_refuses_every_call_until_it_is_back(
        provider: ScriptedProvider, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Deleting the file revokes every token (fail closed), with one ERROR for
    the change, not one per call; the file back, its tokens work again."""
    path = tokens_file(tmp_path, TOKEN)
    async with running_server(settings_for(provider, auth_tokens_file=path, auth_tokens_reload_seconds=0)) as s:
        path.unlink()
        caplog.clear()
        for _ in range(5):
            assert await call_every_protected_rpc(s, bearer(TOKEN)) == ALL_DENIED
        errors = [r for r in caplog.records if r.levelname == "ERROR" and "tokens file" in r.getMessage()]
        assert len(errors) == 1
        tokens_file(tmp_path, TOKEN)
        assert await call_every_protected_rpc(s, bearer(TOKEN)) == ALL_OK


async def test_a_rewrite_in_place_keeping_size_and_mtime_is_detected(provider: ScriptedProvider,
                                                                     tmp_path: Path) -> None:
    """Rotation is detected by content: a same-size rewrite with the old mtime
    restored still revokes the old token and accepts the new one."""
    path = tokens_file(tmp_path, TOKEN)
    stat = path.stat()
    async with running_server(settings_for(provider, auth_tokens_file=path, auth_tokens_reload_seconds=0)) as s:
        assert await call_every_protected_rpc(s, bearer(TOKEN)) == ALL_OK
        write_tokens(path, SAME_LENGTH_WRONG)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
        assert await call_every_protected_rpc(s, bearer(SAME_LENGTH_WRONG)) == ALL_OK
        assert await call_every_protected_rpc(s, bearer(TOKEN)) == ALL_DENIED


def test_a_missing_tokens_file_fails_start_up(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        TokenStore(tmp_path / "absent", [])


def test_token_file_format(tmp_path: Path) -> None:
    path = tmp_path / "tokens"
    path.write_text(f"# comment\n\n   {TOKEN}   \n  # indented comment\n{NEW_TOKEN}\r\n", encoding="utf-8")
    store = TokenStore(path, [])
    assert store.enabled
    assert store.accepts(TOKEN) and store.accepts(NEW_TOKEN)
    assert not store.accepts("# comment") and not store.accepts("# indented comment")
    assert not store.accepts("") and not store.accepts(SAME_LENGTH_WRONG)


async def test_kubernetes_secret_style_symlink_swap_is_picked_up(provider: ScriptedProvider, tmp_path: Path) -> None:
    """A Secret volume: tokens -> ..data/tokens, ..data -> a timestamped dir swapped atomically.
    The new file is detected even when it has the very same mtime as the old one."""
    v1, v2 = tmp_path / "..v1", tmp_path / "..v2"
    v1.mkdir()
    v2.mkdir()
    (v1 / "tokens").write_text(f"{TOKEN}\n", encoding="utf-8")
    (v2 / "tokens").write_text(f"{NEW_TOKEN}\n", encoding="utf-8")
    same = (v1 / "tokens").stat().st_mtime_ns
    os.utime(v2 / "tokens", ns=(same, same))
    (tmp_path / "..data").symlink_to(v1.name)
    (tmp_path / "tokens").symlink_to("..data/tokens")
    async with running_server(settings_for(provider, auth_tokens_file=tmp_path / "tokens",
                                           auth_tokens_reload_seconds=0)) as s:
        assert await call_every_protected_rpc(s, bearer(TOKEN)) == ALL_OK
        (tmp_path / "..data_tmp").symlink_to(v2.name)
        os.replace(tmp_path / "..data_tmp", tmp_path / "..data")
        assert await call_every_protected_rpc(s, bearer(NEW_TOKEN)) == ALL_OK
        assert await call_every_protected_rpc(s, bearer(TOKEN)) == ALL_DENIED
