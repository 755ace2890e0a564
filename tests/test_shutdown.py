"""Issue 18, item B: SIGTERM drains, answers UNAVAILABLE, logs every call, exits in time.

A real server process (``python -m service serve``, shutdown grace 2 s)
and a scripted provider in its own process answering after 1.4 s. Each round:
calls on three connections that were already open before the signal, then

- before: Rewrites that the server holds when SIGTERM arrives (read from
  the in-flight gauge) all end OK;
- at the signal: a burst of calls sent with the signal may beat it (OK) or
  not (UNAVAILABLE), never CANCELLED;
- during: once the server logged "draining", every new call, on each open
  connection and on a new one, gets UNAVAILABLE;
- after: the process exits 0 within grace + 1 s of the signal; its log has
  an access line for every call it answered, and "stopped" after all of them.

Twenty rounds; the next server starts while the current one drains, so the
rounds cost little more than the servers' start-up.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from service.pb import pb2, pb2_grpc
from tests.conftest import customer

ROOT = Path(__file__).resolve().parent.parent
GRACE = 2.0
# Long enough for all the "before" calls to reach a server on a busy machine
# (the next server is starting up meanwhile) before the first is answered;
# short enough that the model, not the fallback, answers them within the grace.
PROVIDER_LATENCY = 1.4
ROUNDS = int(os.environ.get("SHUTDOWN_ROUNDS", "20"))
CONNECTIONS = 3
BEFORE_PER_CONNECTION = 2
REQUEST = pb2.RewriteRequest(draft="omg idk why that happened, pls w8. Order 10552 ships Friday.",
                             conversation=[customer("Hey, I was charged twice for order 10552.")])


class ServerProcess:
    """``python -m service serve`` with its stderr (JSON lines) read by a thread."""

    def __init__(self, api_base: str) -> None:
        self.lines: list[str] = []
        self.serving = threading.Event()
        self.draining = threading.Event()
        self.grpc_port = self.metrics_port = 0
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "service", "serve", "--host", "127.0.0.1", "--port", "0", "--metrics-port", "0",
             "--model", "openai/gpt-4o-mini", "--api-base", api_base, "--api-key", "sk-test"],
            cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
            env={**os.environ, "REPLYREWRITER_SHUTDOWN_GRACE": str(GRACE), "LITELLM_LOCAL_MODEL_COST_MAP": "True"})
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if entry.get("msg") == "serving":
                self.grpc_port, self.metrics_port = entry["grpc_port"], entry["metrics_port"]
                self.serving.set()
            elif entry.get("msg") == "draining":
                self.draining.set()

    def entries(self) -> list[dict]:
        out = []
        for line in self.lines:
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                out.append({"msg": "(not json)", "line": line})
        return out

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def slow_provider() -> Iterator[str]:
    proc = subprocess.Popen([sys.executable, "-m", "tests.fakes.provider", "--port", "0", "--latency",
                             str(PROVIDER_LATENCY)],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        yield f"http://127.0.0.1:{proc.stdout.readline().strip()}/v1"
    finally:
        proc.kill()
        proc.wait()


def _in_flight(metrics_port: int, method: str) -> float:
    body = urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).read().decode()
    for line in body.splitlines():
        if line.startswith(f'replyrewriter_in_flight_requests{{method="{method}"}}'):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def _channel(port: int) -> grpc.aio.Channel:
    # Its own subchannel pool: each channel is its own TCP connection.
    return grpc.aio.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.use_local_subchannel_pool", 1)])


async def _code(call) -> str:  # type: ignore[no-untyped-def]
    try:
        await call
    except grpc.aio.AioRpcError as exc:
        return exc.code().name
    return "OK"


async def _round(server: ServerProcess) -> dict:
    port = server.grpc_port
    channels = [_channel(port) for _ in range(CONNECTIONS)]
    stubs = [pb2_grpc.ReplyRewriterStub(c) for c in channels]
    try:
        for stub in stubs:   # every connection open and used before the signal
            await stub.ListRules(pb2.ListRulesRequest(), timeout=10)
        before = [asyncio.ensure_future(_code(stub.Rewrite(REQUEST, timeout=10)))
                  for stub in stubs for _ in range(BEFORE_PER_CONNECTION)]
        expected = CONNECTIONS * BEFORE_PER_CONNECTION
        waited = time.monotonic() + 20
        while await asyncio.to_thread(_in_flight, server.metrics_port, "Rewrite") < expected:
            assert time.monotonic() < waited, "the calls never all reached the server"
            assert not any(t.done() for t in before), [t.result() for t in before if t.done()]
            await asyncio.sleep(0.02)

        signalled = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        at_signal = [asyncio.ensure_future(_code(stub.Check(pb2.CheckRequest(text="thx"), timeout=5)))
                     for stub in stubs]
        assert await asyncio.to_thread(server.draining.wait, 10), "no 'draining' line"
        during = []
        for stub in [*stubs, pb2_grpc.ReplyRewriterStub(_channel(port))]:
            during += [await _code(stub.Check(pb2.CheckRequest(text="thx"), timeout=5)),
                       await _code(stub.Rewrite(REQUEST, timeout=5)),
                       await _code(stub.ListRules(pb2.ListRulesRequest(), timeout=5))]
        before_codes = await asyncio.gather(*before)
        at_signal_codes = await asyncio.gather(*at_signal)
        exit_code = await asyncio.to_thread(server.proc.wait, 30)
        exited_after = time.monotonic() - signalled
        after = [await _code(stub.Check(pb2.CheckRequest(text="thx"), timeout=5)) for stub in stubs]
    finally:
        for c in channels:
            await c.close()
    return {"before": before_codes, "at_signal": at_signal_codes, "during": during, "after": after,
            "exit_code": exit_code, "exited_after": exited_after}


def test_sigterm_twenty_rounds_unavailable_on_open_connections_nothing_lost_exit_in_time(
        slow_provider: str) -> None:
    exits: list[float] = []
    totals: Counter[str] = Counter()
    upcoming = ServerProcess(slow_provider)
    try:
        for n in range(ROUNDS):
            server = upcoming
            assert server.serving.wait(120), "server did not start:\n" + "".join(server.lines[-20:])
            # The next one starts up while this one drains.
            upcoming = ServerProcess(slow_provider) if n + 1 < ROUNDS else None
            try:
                result = asyncio.run(_round(server))
            finally:
                server.kill()
            context = f"round {n}: {result}; server log: " + "".join(
                line for line in server.lines if '"msg": "rpc"' not in line)[-3000:]
            assert result["before"] == ["OK"] * CONNECTIONS * BEFORE_PER_CONNECTION, context
            assert set(result["at_signal"]) <= {"OK", "UNAVAILABLE"}, context
            assert set(result["during"]) == {"UNAVAILABLE"}, context
            assert set(result["after"]) == {"UNAVAILABLE"}, context
            assert result["exit_code"] == 0, context
            assert result["exited_after"] <= GRACE + 1.0, context
            exits.append(result["exited_after"])

            entries = server.entries()
            rpc = [i for i, e in enumerate(entries) if e.get("msg") == "rpc"]
            stopped = [i for i, e in enumerate(entries) if e.get("msg") == "stopped"]
            assert len(stopped) == 1 and stopped[0] > max(rpc), context
            codes = Counter((entries[i]["method"], entries[i]["code"]) for i in rpc)
            # Every call the server answered has its line: the Rewrites held
            # at the signal OK, each refused one UNAVAILABLE.
            assert codes[("Rewrite", "OK")] == CONNECTIONS * BEFORE_PER_CONNECTION, (context, codes)
            refused_by_server = (result["during"].count("UNAVAILABLE") + result["at_signal"].count("UNAVAILABLE"))
            assert sum(n for (_, code), n in codes.items() if code == "UNAVAILABLE") <= refused_by_server, codes
            assert not [e for e in entries if e.get("level") in ("error", "critical")], context
            assert not [c for (_, c) in codes if c not in ("OK", "UNAVAILABLE")], codes
            totals.update(result["during"] + result["at_signal"] + result["before"])
    finally:
        for proc in (upcoming,):
            if proc is not None:
                proc.kill()
    print(f"\n{ROUNDS} rounds: exit after SIGTERM max {max(exits):.2f} s, "
          f"mean {sum(exits) / len(exits):.2f} s (grace {GRACE} s); codes {dict(totals)}")


async def test_drain_ends_the_model_wait_of_rewrites_in_flight_in_time_for_the_fallback() -> None:
    """A Rewrite with a 30 s deadline waiting on a stalled provider answers
    from the fallback (reason "shutdown") once the drain asks for it, instead
    of being cancelled at the end of the grace period; a Rewrite that arrives
    after it does not wait for the model at all."""
    from tests.conftest import running_server, settings_for

    provider = subprocess.Popen([sys.executable, "-m", "tests.fakes.provider", "--port", "0", "--latency", "60"],
                                cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert provider.stdout is not None
        api_base = f"http://127.0.0.1:{provider.stdout.readline().strip()}/v1"
        settings = settings_for(None, model="openai/gpt-4o-mini", api_base=api_base, api_key="sk-test",
                                fallback_reserve=0.5)
        async with running_server(settings) as s:
            call = asyncio.ensure_future(s.stub.Rewrite(REQUEST, timeout=30))
            for _ in range(2000):   # until the model call is under way
                if s.metric("replyrewriter_model_calls_in_flight") or s.deps.pipeline._windows:
                    break
                await asyncio.sleep(0.01)
            assert s.deps.pipeline._windows, "the Rewrite never started waiting for the model"
            s.deps.pipeline.drain(time.monotonic() + 1.0)
            response = await asyncio.wait_for(call, 10)
            assert response.backend.fallback_used and response.backend.reason == "shutdown"
            late = await asyncio.wait_for(s.stub.Rewrite(REQUEST, timeout=30), 10)
            assert late.backend.fallback_used and late.backend.reason == "shutdown"
            assert not late.backend.models_tried
    finally:
        provider.kill()
        provider.wait()


async def test_while_draining_calls_get_unavailable_and_health_says_not_serving() -> None:
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    from service.server import set_serving
    from tests.conftest import running_server, settings_for

    async with running_server(settings_for(None)) as s:
        s.deps.drain.draining = True
        await set_serving(s.deps, False)
        assert await _code(s.stub.Check(pb2.CheckRequest(text="thx"), timeout=5)) == "UNAVAILABLE"
        assert await _code(s.stub.ListRules(pb2.ListRulesRequest(), timeout=5)) == "UNAVAILABLE"
        health = await health_pb2_grpc.HealthStub(s.channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
        assert health.status == health_pb2.HealthCheckResponse.NOT_SERVING
        for _ in range(500):   # abort() sends the status before the interceptor counts the call
            if s.metric("replyrewriter_requests_total", {"method": "Check", "code": "UNAVAILABLE"}):
                break
            await asyncio.sleep(0.01)
        assert s.metric("replyrewriter_requests_total", {"method": "Check", "code": "UNAVAILABLE"}) == 1
