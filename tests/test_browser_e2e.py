"""End to end in a real browser: `streamlit run app.py` on 127.0.0.1 against the real test index,
driven by Debian's headless Chromium (Selenium + chromedriver). Screenshots go to
test-output/screenshots/ for a human to look at."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from browser_helpers import (
    SCREENSHOTS,
    free_port,
    make_driver,
    require_browser,
    screenshot,
    start_streamlit,
    stop_process,
    wait_healthy,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUESTION = "Mag ik als zorgverlener mijn beroepsgeheim doorbreken om gegevens met de politie te delen?"
ANSWERS = {"strafbaar_feit": "Geen", "plan": "Zorg- en hulpverleners"}
WAIT = 120


def _wait(driver, predicate, timeout: float = WAIT, what: str = ""):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            result = predicate(driver)
        except Exception:  # noqa: BLE001 - elements go stale while Streamlit reruns
            result = None
        if result:
            return result
        time.sleep(0.25)
    raise TimeoutError(f"timed out waiting for {what}")


def _settled(driver) -> bool:
    """True when Streamlit is not running the script (no 'Running...' status widget)."""
    from selenium.webdriver.common.by import By

    # Streamlit shows a status widget while the script runs and marks old elements stale.
    return not driver.find_elements(By.CSS_SELECTOR, "[data-testid='stStatusWidget'], [data-stale='true']")


def _question_keys(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    keys = []
    for el in driver.find_elements(By.CSS_SELECTOR, "[class*='st-key-q_']"):
        keys += [c for c in el.get_attribute("class").split() if c.startswith("st-key-q_")]
    return keys


def _click_when_settled(driver, element) -> None:
    from selenium.common.exceptions import ElementClickInterceptedException

    _wait(driver, _settled, what="page to settle before a click")
    for _ in range(6):
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        try:
            element.click()
            break
        except ElementClickInterceptedException:
            # While Streamlit re-renders, the previous run's elements can cover a button for a
            # moment (seen once in CI: "Other element would receive the click").
            time.sleep(0.5)
    else:
        raise AssertionError("the button stayed covered by another element for 3 s")
    time.sleep(1.0)
    _wait(driver, _settled, what="script run to finish")


def _answer_panel_question(driver) -> str:
    """Answer the open question: the scripted answer if there is one, else the first option."""
    from selenium.webdriver.common.by import By

    keys = _question_keys(driver)
    fact = re.sub(r"^st-key-q_\d+_", "", keys[0])
    fact = re.sub(r"_(\d+|sel|num|ok|onbekend)$", "", fact)
    buttons = [driver.find_element(By.CSS_SELECTOR, f".{k} button") for k in keys if re.search(r"_\d+$", k)]
    if buttons:
        wanted = ANSWERS.get(fact, "Ja")
        target = next((b for b in buttons if b.text.strip() == wanted), buttons[0])
        _click_when_settled(driver, target)
        return fact
    sel = [k for k in keys if k.endswith("_sel")]
    if sel:
        driver.find_element(By.CSS_SELECTOR, f".{sel[0]} input").click()
        options = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[role='option']"), 10, "options")
        wanted = ANSWERS.get(fact)
        next((o for o in options if o.text.strip() == wanted), options[0]).click()
        time.sleep(0.5)
        _wait(driver, _settled, what="selection")
    else:
        box = driver.find_element(By.CSS_SELECTOR, f".{[k for k in keys if k.endswith('_num')][0]} input")
        box.send_keys("30")
        box.send_keys("\n")
        time.sleep(0.5)
    ok = [k for k in _question_keys(driver) if k.endswith("_ok")]
    _click_when_settled(driver, driver.find_element(By.CSS_SELECTOR, f".{ok[0]} button"))
    return fact


@pytest.mark.timeout(600)
def test_browser_ask_cite_and_stappenplan_to_verdict(real_settings, tmp_path):
    require_browser()
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    port = free_port()
    env = {
        "DEELWIJZER_DATA_DIR": str(real_settings.data_dir),
        "DEELWIJZER_EMBEDDING_CACHE": str(real_settings.embedding_cache_path),
        "DEELWIJZER_FEEDBACK_PATH": str(tmp_path / "feedback.jsonl"),
        "DEELWIJZER_LLM_PROVIDER": "none",
        "HF_HUB_OFFLINE": "1",
    }
    started = time.monotonic()
    proc = start_streamlit(port, env, SCREENSHOTS.parent / "streamlit-e2e.log")
    driver = None
    try:
        health_s = wait_healthy(port, proc)
        driver = make_driver(tmp_path / "chromium-profile")
        driver.get(f"http://127.0.0.1:{port}/")
        chat = _wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid='stChatInputTextArea']"),
                     what="chat input")
        _wait(driver, lambda d: "Doorloop een stappenplan" in d.page_source and _settled(d), what="first page")
        first_page_s = time.monotonic() - started
        (SCREENSHOTS.parent / "timings.json").write_text(json.dumps(
            {"streamlit_healthy_s": round(health_s, 2), "first_page_ready_s": round(first_page_s, 2)}))
        screenshot(driver, "01-start")

        # 1. ask a question; an answer with numbered citations appears
        chat.send_keys(QUESTION)
        chat.send_keys(Keys.ENTER)
        _wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")) >= 2
              and _settled(d), what="answer")
        time.sleep(1.0)
        _wait(driver, _settled, what="answer to settle")
        summaries = _wait(driver, lambda d: [s for s in d.find_elements(By.CSS_SELECTOR, "[data-testid='stExpander'] summary")
                                             if re.search(r"\[\d+\] ", s.text)], 15, "citations")
        screenshot(driver, "02-answer", driver.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")[0])

        # 2. a citation opens its passage with the cited sentence highlighted
        _click_when_settled(driver, summaries[0])
        passage = _wait(driver, lambda d: [p for p in d.find_elements(By.CSS_SELECTOR, ".dw-passage") if p.is_displayed()],
                        10, "passage")[0]
        assert passage.text.strip()
        screenshot(driver, "03-citation", summaries[0])

        # 3. the stappenplan panel (opened by the question, or by the button) asks until a verdict
        if not driver.find_elements(By.CSS_SELECTOR, ".st-key-panel_close"):
            _click_when_settled(driver, driver.find_element(By.CSS_SELECTOR, ".st-key-open_panel button"))
        if not driver.find_elements(By.CSS_SELECTOR, ".dw-verdict") and not _question_keys(driver):
            pytest.fail("panel shows neither a question nor a verdict")
        asked = []
        for _ in range(40):
            if driver.find_elements(By.CSS_SELECTOR, ".dw-verdict"):
                break
            before = _question_keys(driver)
            asked.append(_answer_panel_question(driver))
            _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".dw-verdict") or _question_keys(d) != before,
                  30, "next question")
            if len(asked) == 1:
                screenshot(driver, "04-panel-question", driver.find_element(By.CSS_SELECTOR, ".st-key-panel_close"))
        card = _wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, ".dw-verdict"), 10, "verdict card")
        assert card.get_attribute("data-outcome") != "meer_informatie_nodig"
        assert "geen besluit" in driver.page_source
        screenshot(driver, "05-verdict", card)
        _click_when_settled(driver, driver.find_element(By.CSS_SELECTOR, ".st-key-copy_grounds button"))
        code = _wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid='stCode']"), 10, "copy text")
        assert code.text.startswith("Uitkomst:")
        screenshot(driver, "06-kopieer-onderbouwing", code)
    finally:
        if driver is not None:
            driver.quit()
        stop_process(proc)
    assert proc.poll() is not None
    assert first_page_s < 60, f"first page took {first_page_s:.1f} s"
