"""The widget and the demo console in headless Chromium against the real server.

Real gRPC server + HTTP gateway + Prometheus endpoint in this process, the
scripted provider for the model, Debian's Chromium driven by Playwright. Only
127.0.0.1 is contacted. The run saves a screenshot of the demo per language
in docs/screenshots/.
"""

from __future__ import annotations

import asyncio
import os
import re
import urllib.request
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from service.gateway import Gateway, start_gateway
from tests.conftest import RunningServer, running_server, settings_for
from tests.fakes.provider import ScriptedProvider, answer


pytestmark = pytest.mark.integration

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

# Honest rewrites of the samples in web/samples.json (same facts, no new promise).
REWRITES = {
    "en": "Thanks for your patience, Maria. The annual plan is $49.99; the other price is out of date.",
    "it": "Grazie per la pazienza, Giulia. L'abbonamento annuale costa 49,99 €, perché l'altro prezzo "
          "non è più aggiornato.",
    "es": "Gracias por tu paciencia, Lucía. El plan anual cuesta 49,99 €, porque el otro precio está desactualizado.",
    "zh": "王芳您好，感谢您的耐心等待。年度套餐的价格是 49.99 元，另一个价格已经过时了。",
}
SLANG_DRAFT = "lol the annual plan is $49.99 btw"


def _missing(message: str) -> None:
    """Skip outside CI; in CI these tests must run, so a missing tool fails collection."""
    if os.environ.get("CI"):
        raise RuntimeError(f"{message}, and CI must run the browser tests")
    pytest.skip(message, allow_module_level=True)


if not Path(CHROMIUM).exists():
    _missing("Debian's chromium is not installed (apt-get install -y chromium)")
try:
    import playwright.async_api as playwright_api
except ImportError:
    _missing("playwright (PyPI) is not installed; it is in the `test` extra")
expect = playwright_api.expect


@dataclass
class Demo:
    server: RunningServer
    gateway: Gateway
    metrics_url: str
    page: Any

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.gateway.port}/"

    async def open(self, query: str = "lang=en") -> None:
        await self.page.goto(f"{self.url}?{query}")
        await self.page.wait_for_selector("body[data-ready=true]")

    async def metrics_text(self) -> str:
        def fetch() -> str:
            with urllib.request.urlopen(self.metrics_url, timeout=5) as response:  # 127.0.0.1 only
                return response.read().decode()
        return await asyncio.to_thread(fetch)

    async def wait_for_metric(self, pattern: str, timeout: float = 5.0) -> str:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            text = await self.metrics_text()
            match = re.search(pattern, text, re.M)
            if match:
                return match.group(0)
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"/metrics never showed {pattern!r}")
            await asyncio.sleep(0.1)


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Any]:
    async with playwright_api.async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            await chromium.close()


@asynccontextmanager
async def demo_for(browser: Any, provider: ScriptedProvider, **overrides: Any) -> AsyncIterator[Demo]:
    from prometheus_client import start_http_server

    async with running_server(settings_for(provider, **overrides)) as server:
        gateway = await start_gateway(server.settings, server.deps, grpc_port=server.port, port=0)
        httpd, _thread = start_http_server(0, addr="127.0.0.1", registry=server.metrics.registry)
        context = await browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-US")
        page = await context.new_page()
        page_errors: list[str] = []  # uncaught exceptions in the page
        csp_errors: list[str] = []   # anything the Content-Security-Policy blocked
        page.on("pageerror", lambda exc: page_errors.append(str(exc)))
        page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
        try:
            yield Demo(server, gateway, f"http://127.0.0.1:{httpd.server_port}/metrics", page)
        finally:
            await context.close()
            httpd.shutdown()
            httpd.server_close()
            await gateway.stop()
        assert not csp_errors, csp_errors
        assert not page_errors, page_errors


@pytest.fixture
async def demo(browser: Any, provider: ScriptedProvider) -> AsyncIterator[Demo]:
    async with demo_for(browser, provider) as d:
        yield d


async def test_rewrite_accept_replaces_the_draft_and_counts_feedback(demo: Demo, provider: ScriptedProvider) -> None:
    page = demo.page
    await demo.open()
    draft = page.locator("#draft")
    await draft.fill(SLANG_DRAFT)
    # Check underlines the slang after a pause in typing, with the rule on hover.
    mark = page.locator(".rw-mark[data-rule=no-slang]").first
    await mark.wait_for(state="attached", timeout=5000)
    box = await mark.bounding_box()
    assert box and box["width"] > 0
    await page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator(".rw-tooltip")
    await tooltip.wait_for(state="visible")
    assert "no-slang" in await tooltip.text_content()
    assert "possible problem" in await page.locator(".rw-problems summary").text_content()

    provider.queue(answer(REWRITES["en"].replace("; the other price is out of date", ""), ["no-slang"]))
    await page.get_by_role("button", name="Rewrite").click()
    panel = page.locator(".rw-panel")
    await panel.wait_for(state="visible", timeout=10000)
    assert "Rewrite ready" in await page.locator(".rw-status").text_content()
    # The rewrite beside the draft, the changes highlighted, the draft untouched so far.
    assert await page.locator(".rw-diff ins").count() >= 1
    assert await page.locator(".rw-diff del").count() >= 1
    deleted = " ".join(await page.locator(".rw-diff del").all_text_contents())
    assert "lol" in deleted
    assert await draft.input_value() == SLANG_DRAFT
    # Each cited rule with its explanation and source; the facts kept.
    citation = page.locator(".rw-citation[data-rule=no-slang]")
    await citation.wait_for()
    text = await citation.text_content()
    assert "slang" in text.lower() and "Source: " in text and ".txt" in text
    assert "$49.99" in await page.locator(".rw-kept").text_content()

    await page.get_by_role("button", name="Accept").click()
    await panel.wait_for(state="hidden")
    assert await draft.input_value() == "Thanks for your patience, Maria. The annual plan is $49.99."
    assert "Draft replaced" in await page.locator(".rw-status").text_content()
    line = await demo.wait_for_metric(r'^replyrewriter_feedback_total\{outcome="accepted",rule_id="no-slang"\} 1\.0$')
    assert line.endswith("1.0")
    # Undo brings back exactly what the agent had typed.
    await page.get_by_role("button", name="Undo").click()
    assert await draft.input_value() == SLANG_DRAFT


async def test_keyboard_only_rewrite_edit_and_dismiss(demo: Demo, provider: ScriptedProvider) -> None:
    page = demo.page
    await demo.open()
    draft = page.locator("#draft")
    await draft.fill("thx for waiting, the plan is $49.99")
    await draft.focus()
    await page.keyboard.press("Tab")
    focused = await page.evaluate("document.activeElement.textContent")
    assert focused == "Rewrite"
    outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # visible focus
    provider.queue(answer("Thanks for waiting. The plan is $49.99.", ["no-slang"]))
    await page.keyboard.press("Enter")
    await page.locator(".rw-panel").wait_for(state="visible", timeout=10000)
    # Focus moves into the panel; Esc dismisses it and leaves the draft alone.
    assert await page.evaluate("document.activeElement.classList.contains('rw-panel')")
    await page.keyboard.press("Escape")
    await page.locator(".rw-panel").wait_for(state="hidden")
    assert await draft.input_value() == "thx for waiting, the plan is $49.99"
    assert await page.evaluate("document.activeElement.id") == "draft"
    await demo.wait_for_metric(r'^replyrewriter_feedback_total\{outcome="dismissed",rule_id="no-slang"\} 1\.0$')

    # Edit: Tab to Edit, change the text, use it.
    provider.queue(answer("Thanks for waiting. The plan is $49.99.", ["no-slang"]))
    await page.get_by_role("button", name="Rewrite").focus()
    await page.keyboard.press("Enter")
    await page.locator(".rw-panel").wait_for(state="visible", timeout=10000)
    await page.get_by_role("button", name="Edit").focus()
    await page.keyboard.press("Enter")
    editor = page.get_by_role("textbox", name="Edit the rewrite")
    await editor.fill("Thank you for waiting! The plan is $49.99.")
    await page.get_by_role("button", name="Use edited").focus()
    await page.keyboard.press("Enter")
    assert await draft.input_value() == "Thank you for waiting! The plan is $49.99."
    await demo.wait_for_metric(r'^replyrewriter_feedback_total\{outcome="edited",rule_id="no-slang"\} 1\.0$')

    # An edit that adds a promise is used (the agent decides) but flagged, via Verify.
    provider.queue(answer("Thanks for waiting. The plan is $49.99.", ["no-slang"]))
    await page.get_by_role("button", name="Rewrite").click()
    await page.locator(".rw-panel").wait_for(state="visible", timeout=10000)
    await page.get_by_role("button", name="Edit").click()
    await editor.fill("Thanks for waiting. The plan is $49.99 and we will refund you in full tomorrow.")
    await page.get_by_role("button", name="Use edited").click()
    await expect(page.locator(".rw-status")).to_contain_text("Check your edit", timeout=5000)
    assert await draft.input_value() == "Thanks for waiting. The plan is $49.99 and we will refund you in full tomorrow."


async def test_slow_service_says_so_then_shows_the_result(demo: Demo, provider: ScriptedProvider) -> None:
    page = demo.page
    await demo.open("lang=en&slow=400")
    draft = page.locator("#draft")
    await draft.fill(SLANG_DRAFT)
    provider.queue({"delay": 2.0, **answer("The annual plan is $49.99.", ["no-slang"])})
    await page.get_by_role("button", name="Rewrite").click()
    status = page.locator(".rw-status")
    await expect(status).to_contain_text("longer than usual", timeout=3000)
    assert "draft is safe" in await status.text_content()
    # The agent can keep typing meanwhile; nothing they type is lost.
    await draft.press("End")
    await draft.type(" ok")
    assert await draft.input_value() == SLANG_DRAFT + " ok"
    await page.locator(".rw-panel").wait_for(state="visible", timeout=10000)
    assert "$49.99" in await page.locator(".rw-diff").text_content()
    assert await page.locator(".rw-stale").is_visible()  # Accept would replace the newer text: say so
    assert await draft.input_value() == SLANG_DRAFT + " ok"


async def test_service_down_says_so_and_keeps_the_draft(demo: Demo) -> None:
    page = demo.page
    await demo.open()
    draft = page.locator("#draft")
    await draft.fill(SLANG_DRAFT)
    # The gRPC server behind the gateway stops: the gateway answers 503.
    await demo.server.server.stop(0)
    await page.get_by_role("button", name="Rewrite").click()
    await expect(page.locator(".rw-status")).to_contain_text("unavailable", timeout=5000)
    assert "draft is unchanged" in await page.locator(".rw-status").text_content()
    assert await draft.input_value() == SLANG_DRAFT
    assert await page.locator(".rw-panel").is_hidden()
    assert await page.get_by_role("button", name="Rewrite").is_enabled()
    # The gateway itself goes away: the network fails.
    await demo.gateway.stop()
    await page.get_by_role("button", name="Rewrite").click()
    await expect(page.locator(".rw-status")).to_contain_text("can't be reached", timeout=5000)
    assert await draft.input_value() == SLANG_DRAFT


@pytest.mark.parametrize("lang", ["en", "it", "es", "zh"])
async def test_demo_in_each_language_with_screenshot(demo: Demo, provider: ScriptedProvider, lang: str) -> None:
    page = demo.page
    labels = {"en": ("Rewrite", "Accept all", "Rules applied"), "it": ("Riscrivi", "Accetta tutto", "Regole applicate"),
              "es": ("Reescribir", "Aceptar todo", "Reglas aplicadas"), "zh": ("改写", "全部采用", "应用的规则")}[lang]
    await demo.open("lang=en")
    # Switch with the language switcher, like a user.
    await page.select_option("#lang", lang)
    assert await page.evaluate("document.documentElement.lang") == lang
    draft_text = await page.locator("#draft").input_value()
    await page.locator(".rw-mark[data-rule=no-slang]").first.wait_for(state="attached", timeout=5000)
    provider.queue(answer(REWRITES[lang], ["no-slang"]))
    await page.get_by_role("button", name=labels[0], exact=True).click()
    await page.locator(".rw-panel").wait_for(state="visible", timeout=10000)
    assert await page.get_by_role("button", name=labels[1], exact=True).is_visible()
    assert labels[2] in await page.locator(".rw-citations").text_content()
    assert await page.locator(".rw-citation[data-rule=no-slang]").count() == 1  # one entry per rule
    assert "null" not in await page.locator(".rw-panel").text_content()
    assert await page.locator("#draft").input_value() == draft_text
    # The request carried the visible conversation and the language.
    sent = provider.requests[-1]["messages"][-1]["content"]
    assert draft_text in sent
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.mouse.move(0, 0)
    await page.screenshot(path=str(SCREENSHOTS / f"demo-{lang}.png"), full_page=True)


async def test_service_and_user_text_is_never_markup(demo: Demo, provider: ScriptedProvider) -> None:
    page = demo.page
    await demo.open()
    hostile = 'thx <img src=x onerror="window.pwned=1"><script>window.pwned=2</script> $49.99'
    await page.locator("#draft").fill(hostile)
    await page.locator(".rw-mark[data-rule=no-slang]").first.wait_for(state="attached", timeout=5000)
    provider.queue(answer(hostile.replace("thx", "Thanks"), ["no-slang"]))
    await page.get_by_role("button", name="Rewrite").click()
    await page.locator(".rw-panel").wait_for(state="visible", timeout=10000)
    assert "<img src=x" in await page.locator(".rw-diff").text_content()
    assert await page.locator(".rw-root img, .rw-root script").count() == 0
    assert await page.evaluate("window.pwned") is None


async def test_cancel_a_slow_rewrite_keeps_the_draft(demo: Demo, provider: ScriptedProvider) -> None:
    page = demo.page
    await demo.open("lang=en&slow=300")
    await page.locator("#draft").fill(SLANG_DRAFT)
    provider.queue({"delay": 3.0, **answer("The annual plan is $49.99.", ["no-slang"])})
    button = page.get_by_role("button", name="Rewrite")
    await button.focus()
    await page.keyboard.press("Enter")
    await expect(page.locator(".rw-status")).to_contain_text("longer than usual", timeout=3000)
    assert await button.get_attribute("aria-busy") == "true"
    assert await page.evaluate("document.activeElement.textContent") == "Rewrite"  # focus is not lost
    await page.keyboard.press("Enter")  # pressing again while busy does nothing
    await page.get_by_role("button", name="Cancel").click()
    await expect(page.locator(".rw-status")).to_contain_text("cancelled")
    assert await page.locator("#draft").input_value() == SLANG_DRAFT
    await asyncio.sleep(3.2)
    assert await page.locator(".rw-panel").is_hidden()  # the late answer is ignored
