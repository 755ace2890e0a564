"""The command-line client: in process without a server, or against one with
--target; exit codes a script can use; JSON that keeps zero values."""

from __future__ import annotations

import asyncio
import json

import pytest

from service.cli import main
from tests.conftest import running_server, settings_for
from tests.fakes.provider import ScriptedProvider


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_verify_and_rules_run_without_a_server(capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REPLYREWRITER_TARGET", raising=False)
    code, out, _ = run(capsys, "check", "omg idk why that happened, pls w8")
    assert code == 0 and "no-slang" in out
    code, out, _ = run(capsys, "rules")
    assert code == 0 and "no-insults" in out and "mirror-customer" in out


def test_verify_exits_1_when_dishonest_and_0_when_honest(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "verify", "We can't refund order 10552.", "We will refund order 10552 today.")
    assert code == 1 and "NOT honest" in out
    code, out, _ = run(capsys, "verify", "We can't refund order 10552.", "I'm sorry, we can't refund order 10552.")
    assert code == 0 and out.startswith("honest")


def test_check_strict_exits_1_on_a_problem(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check", "--strict", "YOU CAN UPGRADE NOW!!!")[0] == 1
    assert run(capsys, "check", "--strict", "Thanks, your order ships on Monday.")[0] == 0
    assert run(capsys, "check", "YOU CAN UPGRADE NOW!!!")[0] == 0


def test_json_keeps_a_span_that_starts_at_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--json", "omg the order shipped")
    data = json.loads(out)
    assert code == 0 and data["violations"][0]["span"]["start"] == 0


def test_rewrite_without_a_server_or_model_says_what_it_needs(capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REPLYREWRITER_TARGET", raising=False)
    code, _, err = run(capsys, "rewrite", "pls w8")
    assert code == 2 and "--target" in err and "--model" in err


def test_an_invalid_argument_is_exit_2_with_the_field(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", "x" * 5000)
    assert code == 2 and "INVALID_ARGUMENT" in err and "text" in err


async def test_target_talks_to_a_server(provider: ScriptedProvider, capsys: pytest.CaptureFixture[str]) -> None:
    async with running_server(settings_for(provider)) as s:
        # the client is synchronous: it runs in a thread while this loop serves
        code = await asyncio.to_thread(main, ["verify", "--target", f"127.0.0.1:{s.port}",
                                              "We can't refund.", "We will refund you."])
    assert code == 1 and "NOT honest" in capsys.readouterr().out


def _rewrite_in_a_terminal(port: int, draft: str, env: dict[str, str]) -> str:
    """Run the real CLI in a subprocess whose stdout is a pseudo-terminal."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "service.cli", "rewrite", "--target", f"127.0.0.1:{port}",
                               "--language", "en", draft], stdout=follower, stderr=subprocess.PIPE,
                              timeout=60, env={**os.environ, **env}, check=False)
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:   # EIO: the terminal's other side is closed and drained
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.returncode == 0, proc.stderr
        return b"".join(chunks).decode().replace("\r\n", "\n")
    finally:
        if follower >= 0:
            os.close(follower)
        os.close(leader)


async def test_rewrite_on_a_terminal_shows_the_edits_inline_with_rules(
        provider: ScriptedProvider, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.fakes.provider import answer

    draft = "lol the plan is $49.99 btw"
    provider.default = lambda body: answer("The plan is $49.99.", ["no-slang"])
    async with running_server(settings_for(provider)) as s:
        plain = await asyncio.to_thread(_rewrite_in_a_terminal, s.port, draft, {"NO_COLOR": "1"})
        colored = await asyncio.to_thread(_rewrite_in_a_terminal, s.port, draft, {"NO_COLOR": ""})
        piped = await asyncio.to_thread(main, ["rewrite", "--target", f"127.0.0.1:{s.port}", "--language", "en",
                                               draft])
    assert "changes:\n[-lol the-]{+The+}[no-slang] plan is $49.99[- btw-]{+.+}[no-slang]\n" in plain
    assert "\x1b[9;31m[-lol the-]\x1b[0m\x1b[32m{+The+}\x1b[0m\x1b[2;36m[no-slang]\x1b[0m" in colored
    # Not a terminal: plain text as before, no diff and no escape codes.
    out = capsys.readouterr().out
    assert piped == 0 and out.startswith("The plan is $49.99.\n")
    assert "changes:" not in out and "\x1b[" not in out
