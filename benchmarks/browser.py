"""A headless Chromium driven by Selenium, for the HTML tests and the view benchmark.

Uses the system's browser and driver (Debian: apt-get install chromium chromium-driver); nothing is
downloaded, and the browser runs with a fresh profile and its background network traffic switched off.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def missing() -> str | None:
    """Why no browser can be driven here, or None when one can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if not any(shutil.which(b) for b in BROWSERS) or not shutil.which("chromedriver"):
        return "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
    return None


def start(*, downloads: Path | None = None, size: tuple[int, int] = (1400, 900)):  # -> WebDriver
    """A fresh headless Chromium; files a page downloads go to `downloads`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = next(p for p in map(shutil.which, BROWSERS) if p)
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="jtcompare-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={size[0]},{size[1]}")
    if downloads is not None:
        options.add_experimental_option(
            "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
        )
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.jt_profile = profile
    if downloads is not None:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    return driver


def stop(driver) -> None:
    """Quit the browser and remove its profile."""
    try:
        driver.quit()
    finally:
        shutil.rmtree(getattr(driver, "jt_profile", ""), ignore_errors=True)


def open_page(driver, path: Path, fragment: str = "", timeout: float = 10.0) -> None:
    """Load a page from disk and wait until its script has run (it sets data-ready on <html>)."""
    from selenium.webdriver.support.ui import WebDriverWait

    url = Path(path).resolve().as_uri()
    if driver.current_url.split("#")[0] == url:
        driver.get("about:blank")  # else a new fragment would only scroll the old page
    driver.get(url + fragment)
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script("return document.documentElement.dataset.ready"))
