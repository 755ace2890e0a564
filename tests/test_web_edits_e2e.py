"""Inline suggestions in real Chromium: the rewrite shown as its edits over the
draft, each kept or rejected on its own, in all four languages and from the
keyboard alone; after a partial accept the widget says, via Verify and Check,
what the result still gets wrong, and Feedback counts each edit's decision.
Screenshots of the suggestions per language go to docs/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes.provider import ScriptedProvider, answer
from tests.test_web_e2e import SCREENSHOTS, Demo, browser, demo_for, expect  # noqa: F401  (browser is a fixture)

pytestmark = pytest.mark.integration

# Per language: a draft with three slang fixes, its honest rewrite (three edits),
# the draft with only the second edit applied, and the widget's labels.
CASES = {
    "en": ("thx for waiting, the annual plan is $49.99 btw, pls check your email.",
           "Thanks for waiting, the annual plan is $49.99, please check your email.",
           "thx for waiting, the annual plan is $49.99, pls check your email.",
           ("Rewrite", "Apply my choices", "Applied 1 of 3 changes.")),
    "it": ("grz per l'attesa, il piano annuale costa 49,99 € cmq, x favore controlla la mail.",
           "Grazie per l'attesa, il piano annuale costa 49,99 €, per favore controlla la mail.",
           "grz per l'attesa, il piano annuale costa 49,99 €, x favore controlla la mail.",
           ("Riscrivi", "Applica le mie scelte", "Applicate 1 modifiche su 3.")),
    "es": ("grax por esperar, el plan anual cuesta 49,99 € xq es la oferta, porfa revisa tu correo.",
           "Gracias por esperar, el plan anual cuesta 49,99 € porque es la oferta, por favor revisa tu correo.",
           "grax por esperar, el plan anual cuesta 49,99 € porque es la oferta, porfa revisa tu correo.",
           ("Reescribir", "Aplicar mis elecciones", "Aplicados 1 de 3 cambios.")),
    "zh": ("亲，年度套餐是49.99元哈，886",
           "您好，年度套餐是49.99元，再见",
           "亲，年度套餐是49.99元，886",
           ("改写", "应用我的选择", "已应用 3 处修改中的 1 处。")),
}


@pytest.fixture
async def demo(browser: Any, provider: ScriptedProvider) -> Any:  # noqa: F811
    async with demo_for(browser, provider) as d:
        yield d


async def _suggest(demo: Demo, provider: ScriptedProvider, lang: str) -> None:
    draft, rewrite, _, labels = CASES[lang]
    page = demo.page
    await demo.open(f"lang={lang}")
    await page.locator("#draft").fill(draft)
    provider.queue(answer(rewrite, ["no-slang"]))
    await page.get_by_role("button", name=labels[0], exact=True).click()
    await page.locator(".rw-panel").wait_for(state="visible", timeout=10000)


@pytest.mark.parametrize("lang", ["en", "it", "es", "zh"])
async def test_keeping_one_of_three_edits_leaves_exactly_that_change(demo: Demo, provider: ScriptedProvider,
                                                                    lang: str) -> None:
    draft, rewrite, expected, labels = CASES[lang]
    page = demo.page
    await _suggest(demo, provider, lang)
    changes = page.locator(".rw-change")
    assert await changes.count() == 3
    # Deletions struck through, insertions marked; the draft is untouched until applied.
    assert await page.locator(".rw-change del").count() >= 2 and await page.locator(".rw-change ins").count() >= 2
    assert await page.locator("#draft").input_value() == draft
    # The rule behind a change shows on hover.
    await page.locator(".rw-change[data-rules~=no-slang]").last.hover()
    tooltip = page.locator(".rw-tooltip")
    await tooltip.wait_for(state="visible")
    assert "no-slang" in await tooltip.text_content()
    await changes.nth(0).locator(".rw-reject").click()
    await changes.nth(1).locator(".rw-keep").click()
    await changes.nth(2).locator(".rw-reject").click()
    assert await changes.nth(1).locator(".rw-keep").get_attribute("aria-pressed") == "true"
    await changes.nth(1).hover()
    await page.screenshot(path=str(SCREENSHOTS / f"edits-{lang}.png"), full_page=True)
    await page.get_by_role("button", name=labels[1], exact=True).click()
    await page.locator(".rw-panel").wait_for(state="hidden")
    assert await page.locator("#draft").input_value() == expected
    assert labels[2] in await page.locator(".rw-status").text_content()
    # Partial accept: Verify and Check on the result say what is still wrong (the slang kept).
    await expect(page.locator(".rw-followup [data-rule=no-slang]").first).to_be_visible(timeout=5000)
    # Undo brings back the draft as typed.
    await page.locator(".rw-toolbar .rw-link").click()
    assert await page.locator("#draft").input_value() == draft


async def test_accept_all_takes_the_whole_rewrite_and_counts_every_edit(demo: Demo,
                                                                       provider: ScriptedProvider) -> None:
    draft, rewrite, _, _ = CASES["en"]
    page = demo.page
    await _suggest(demo, provider, "en")
    await page.get_by_role("button", name="Accept all", exact=True).click()
    assert await page.locator("#draft").input_value() == rewrite
    await demo.wait_for_metric(r'^replyrewriter_edit_feedback_total\{decision="accepted",rule_id="no-slang"\} 3\.0$')


async def test_edits_from_the_keyboard_alone(demo: Demo, provider: ScriptedProvider) -> None:
    draft, rewrite, expected, _ = CASES["en"]
    page = demo.page
    await demo.open("lang=en")
    await page.locator("#draft").fill(draft)
    await page.locator("#draft").focus()
    provider.queue(answer(rewrite, ["no-slang"]))
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent") == "Rewrite"
    await page.keyboard.press("Enter")
    await page.locator(".rw-panel").wait_for(state="visible", timeout=10000)
    assert await page.evaluate("document.activeElement.classList.contains('rw-panel')")

    async def tab_to(label: str, change: int) -> None:
        await page.keyboard.press("Tab")
        focused = await page.evaluate("[document.activeElement.getAttribute('aria-label'),"
                                      " document.activeElement.closest('.rw-change')?.dataset.index]")
        assert focused == [label, str(change)]
        assert await page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"

    await tab_to("Keep change", 0)
    # The rule's title shows on keyboard focus, not only on hover.
    tooltip = page.locator(".rw-tooltip")
    await tooltip.wait_for(state="visible")
    assert "no-slang" in await tooltip.text_content()
    assert await page.evaluate("document.activeElement.getAttribute('aria-describedby')")
    await tab_to("Reject change", 0)
    await page.keyboard.press("Enter")
    await tab_to("Keep change", 1)
    await page.keyboard.press("Space")
    await tab_to("Reject change", 1)
    await tab_to("Keep change", 2)
    await tab_to("Reject change", 2)
    await page.keyboard.press("Enter")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent") == "Accept all"
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent") == "Apply my choices"
    await page.keyboard.press("Enter")
    assert await page.locator("#draft").input_value() == expected
    assert await page.evaluate("document.activeElement.id") == "draft"
    await demo.wait_for_metric(r'^replyrewriter_edit_feedback_total\{decision="accepted",rule_id="no-slang"\} 1\.0$')
    await demo.wait_for_metric(r'^replyrewriter_edit_feedback_total\{decision="rejected",rule_id="no-slang"\} 2\.0$')
    await demo.wait_for_metric(r'^replyrewriter_feedback_total\{outcome="edited",rule_id="no-slang"\} 1\.0$')
