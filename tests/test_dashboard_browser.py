"""The dashboard in headless Chromium: charts drawn from the demo database, text escaped."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_api_support import XSS, copy_database, running_server

from gapwatch.api import ApiSettings, create_app

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = copy_database(tmp_path_factory.mktemp("browser") / "browser.db")
    with running_server(create_app(ApiSettings(database_url=db))) as url:
        yield url


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    if not (CHROMIUM and DRIVER):
        pytest.skip("chromium and chromedriver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="gapwatch-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                "--window-size=1400,2400"):
        opts.add_argument(arg)
    drv = webdriver.Chrome(service=Service(DRIVER), options=opts)
    drv.set_page_load_timeout(60)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _wait(drv: Any, script: str, timeout: float = 20) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(drv, timeout).until(lambda d: d.execute_script(script))


def test_dashboard_draws_charts_from_the_database(driver: Any, base: str,
                                                  tmp_path: Path) -> None:
    driver.get(base + "/")
    _wait(driver, "return document.readyState === 'complete'")
    bars = driver.execute_script(
        "return Array.from(document.querySelectorAll('svg.stance-chart rect[data-count]'))"
        ".map(r => [Number(r.dataset.count), r.getBBox().height]);")
    assert len(bars) > 5 and all(n > 0 and h > 0 for n, h in bars)
    charts = driver.execute_script("return document.querySelectorAll('svg.stance-chart').length")
    assert charts >= 3  # several dimensions have claims in the demo
    heat = driver.execute_script(
        "return Array.from(document.querySelectorAll('svg.heatmap rect[data-count]'))"
        ".map(r => Number(r.dataset.count));")
    assert heat and sum(heat) > 20
    assert driver.execute_script("return document.querySelectorAll('#conflicts tbody tr"
                                 "[data-spread]').length") > 0
    shot = tmp_path / "dashboard.png"
    assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    if os.environ.get("GAPWATCH_UPDATE_SCREENSHOT") == "1":  # README's picture, on request
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copyfile(shot, ROOT / "docs" / "dashboard.png")


def test_script_in_a_claim_shows_as_text(driver: Any, base: str) -> None:
    # Server-rendered list: the payload is visible text and never runs.
    driver.get(base + "/")
    _wait(driver, "return document.readyState === 'complete'")
    texts = driver.execute_script(
        "return Array.from(document.querySelectorAll('#claim-list .text'))"
        ".map(p => p.textContent);")
    assert any(XSS in t for t in texts)
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    # Rendered by app.js ("load more" fetches /claims): still text only.
    driver.get(base + "/?limit=2")
    _wait(driver, "return document.readyState === 'complete'")
    driver.find_element("id", "more").click()
    _wait(driver, "return document.querySelectorAll('#claim-list li.claim').length > 2")
    _wait(driver, "return Array.from(document.querySelectorAll('#claim-list .text'))"
                  ".some(p => p.textContent.includes('window.__pwned=1'))")
    assert driver.execute_script(
        "return document.querySelectorAll('#claim-list script').length") == 0
    assert driver.execute_script("return typeof window.__pwned") == "undefined"


def test_sentence_in_context(driver: Any, base: str) -> None:
    import httpx

    claim = httpx.get(base + "/claims", params={"q": "window.__pwned"}).json()["items"][0]
    driver.get(f"{base}/documents/{claim['document_id']}#c{claim['id']}")
    _wait(driver, "return document.readyState === 'complete'")
    mark = _wait(driver, f"return document.querySelector('mark#c{claim['id']}.active')")
    assert XSS in mark.text
    assert driver.execute_script("return typeof window.__pwned") == "undefined"


def test_api_docs_render_offline(driver: Any, base: str) -> None:
    """Swagger UI draws the API's operations from files this server ships."""
    driver.get(base + "/docs")
    title = _wait(driver, "const t = document.querySelector('.swagger-ui .info .title');"
                          "return t && t.textContent;")
    assert "gapwatch" in title and "OAS 3.1" in title
    paths = driver.execute_script(
        "return Array.from(document.querySelectorAll('.opblock-summary-path'))"
        ".map(e => e.textContent.trim());")
    assert "/claims" in paths and "/signals" in paths
