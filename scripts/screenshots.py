"""Take screenshots of Andon's pages from a running server, to look at them and for the docs.

    python scripts/screenshots.py http://127.0.0.1:8000 admin PASSWORD out/ / /catalog/items/

Uses Debian's Chromium through Playwright; no browser download.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    base, username, password, out, *paths = sys.argv[1:]
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{base}/accounts/login/")
        page.screenshot(path=str(target / "login.png"))
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("load")
        for path in paths or ["/"]:
            page.goto(base + path)
            page.wait_for_load_state("load")
            name = path.strip("/").replace("/", "_") or "overview"
            page.screenshot(path=str(target / f"{name}.png"), full_page=True)
            print(target / f"{name}.png")
        browser.close()


if __name__ == "__main__":
    main()
