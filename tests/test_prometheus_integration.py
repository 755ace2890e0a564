"""A real Prometheus scrapes a running service, and the shipped alert rules
are valid, pass their unit tests and evaluate cleanly against real series.

Prometheus comes from the Debian package ``prometheus`` (``.ci/run`` installs
it). Outside CI these tests skip when the binaries are missing; in CI (the
``CI`` env var set) a missing binary fails them.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from service import __version__
from service.config import REPO_ROOT
from service.pb import pb2
from tests.conftest import TEST_MODEL, RunningServer, running_server, settings_for
from tests.fakes.provider import ScriptedProvider, answer
from tests.helpers_prometheus import Prometheus, require_binary

pytestmark = pytest.mark.integration

ALERTS = REPO_ROOT / "deploy" / "prometheus" / "alerts.yaml"
ALERTS_TEST = REPO_ROOT / "deploy" / "prometheus" / "alerts_test.yaml"
DRAFT = "thx, ur order 48213 SHIPPED!!! it arrives on Friday"
JOB = "reply-rewriter"  # what alerts.yaml and the dashboard select on


@pytest.fixture
async def served(provider: ScriptedProvider) -> AsyncIterator[tuple[RunningServer, int]]:
    """A running service with its /metrics endpoint on a free loopback port."""
    from service.server import start_metrics_endpoint

    settings = settings_for(provider, metrics_port=0)
    async with running_server(settings) as running:
        port = start_metrics_endpoint(settings, running.metrics)
        assert port
        yield running, port


async def test_prometheus_scrapes_the_service(served: tuple[RunningServer, int], provider: ScriptedProvider,
                                              tmp_path: Path) -> None:
    running, metrics_port = served
    prometheus = Prometheus(tmp_path, [f"127.0.0.1:{metrics_port}"], job=JOB)
    # Load the shipped alerts too: they must evaluate against real series without errors.
    prometheus.config.write_text(
        prometheus.config.read_text(encoding="utf-8") + f"rule_files:\n  - '{ALERTS}'\n", encoding="utf-8")
    provider.queue(answer("Thanks, your order 48213 has shipped! It arrives on Friday."))
    for _ in range(3):
        await running.stub.Check(pb2.CheckRequest(text=DRAFT, language="en"))
    await running.stub.Rewrite(pb2.RewriteRequest(draft=DRAFT, language="en"))
    with pytest.raises(grpc.aio.AioRpcError):
        await running.stub.Rewrite(pb2.RewriteRequest(draft=""))

    await asyncio.to_thread(prometheus.start)
    try:
        def check_series() -> list[dict]:
            return [r for r in prometheus.query(f'replyrewriter_requests_total{{job="{JOB}"}}')
                    if r["metric"].get("method") == "Check"]

        found = await asyncio.to_thread(prometheus.wait_until, check_series, 60,
                                        'replyrewriter_requests_total{method="Check"}')
        assert len(found) == 1
        series = found[0]
        assert series["metric"]["code"] == "OK"
        assert series["metric"]["instance"] == f"127.0.0.1:{metrics_port}"
        assert float(series["value"][1]) == 3

        by_code = {(r["metric"]["method"], r["metric"]["code"]): float(r["value"][1])
                   for r in prometheus.query("replyrewriter_requests_total")}
        assert by_code == {("Check", "OK"): 3, ("Rewrite", "OK"): 1, ("Rewrite", "INVALID_ARGUMENT"): 1}

        build = prometheus.query("replyrewriter_build_info")
        assert len(build) == 1
        assert build[0]["metric"]["version"] == __version__
        assert build[0]["metric"]["default_model"] == TEST_MODEL
        assert float(build[0]["value"][1]) == 1

        # Histograms, costs and tokens arrive as Prometheus understands them.
        count = prometheus.query('sum by (method) (replyrewriter_request_duration_seconds_count)')
        assert {r["metric"]["method"]: float(r["value"][1]) for r in count} == {"Check": 3, "Rewrite": 2}
        cost = prometheus.query(f'replyrewriter_cost_usd_total{{model="{TEST_MODEL}"}}')
        assert len(cost) == 1 and float(cost[0]["value"][1]) > 0
        # The one answered Rewrite's own work, whole and by stage, as the dashboard reads it.
        own = prometheus.query("replyrewriter_rewrite_own_work_seconds_count")
        assert [float(r["value"][1]) for r in own] == [1]
        stages = {r["metric"]["stage"] for r in prometheus.query("replyrewriter_rewrite_stage_seconds_count > 0")}
        assert {"check_draft", "guard", "check_rewrite"} <= stages
        up = prometheus.query(f'up{{job="{JOB}"}}')
        assert [float(r["value"][1]) for r in up] == [1]
        assert [t["health"] for t in prometheus.targets()] == ["up"]

        def rules_evaluated() -> list[dict] | None:
            rules = prometheus.rules()
            # Before its first evaluation a rule's lastEvaluation is Go's zero time.
            if rules and not any(r.get("lastEvaluation", "0001").startswith("0001") for r in rules):
                return rules
            return None

        rules = await asyncio.to_thread(prometheus.wait_until, rules_evaluated, 30, "the alert rules to evaluate")
        unhealthy = [(r["name"], r.get("health"), r.get("lastError")) for r in rules if r.get("health") != "ok"]
        assert not unhealthy, unhealthy
        # This traffic is healthy: no alert fires.
        firing = [r["name"] for r in rules if r.get("state") == "firing"]
        assert not firing, firing
    finally:
        await asyncio.to_thread(prometheus.stop)


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    promtool = require_binary("promtool")
    return subprocess.run([promtool, *args], capture_output=True, text=True, timeout=120, check=False,
                          cwd=ALERTS.parent)


def test_promtool_check_rules_passes() -> None:
    result = _promtool("check", "rules", str(ALERTS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_test_rules_passes() -> None:
    result = _promtool("test", "rules", str(ALERTS_TEST))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_missing_prometheus_skips_outside_ci_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """The integration tests may only be skipped on a developer machine."""
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Debian package `prometheus`"):
        require_binary("prometheus")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run this test"):
        require_binary("prometheus")
