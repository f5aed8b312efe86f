"""The built chapter in a real browser (Playwright driving Debian's chromium), both languages."""

import functools
import http.server
import os
import shutil
import threading

import pytest

from conftest import REPO

CHROMIUM = os.environ.get("BOOK_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = REPO / ".cache" / "screenshots"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

if not CHROMIUM:
    if os.environ.get("CI"):
        raise RuntimeError("CI needs chromium for the browser tests: `make test` installs it as root")
    pytest.skip("no chromium found (install chromium and fonts-noto-cjk, or set BOOK_CHROMIUM)", allow_module_level=True)


@pytest.fixture(scope="module")
def base_url(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        user_data = tmp_path_factory.mktemp("chromium-profile")
        context = playwright.chromium.launch_persistent_context(
            str(user_data), executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()


@pytest.mark.parametrize("path, language", [("/convolution/", "zh"), ("/en/convolution/", "en")])
def test_chapter_renders_with_outputs_figures_and_math(browser, base_url, path, language):
    page = browser.new_page()
    errors, outside = [], []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: response.status >= 400 and errors.append(f"{response.status} {response.url}"))
    page.on("request", lambda request: request.url.startswith(base_url) or outside.append(request.url))
    page.goto(base_url + path, wait_until="networkidle")

    assert page.locator("html").get_attribute("lang") == language
    assert page.locator(".run-output").count() >= 6
    stride = page.locator('.run-output[data-snippet="conv/functional_conv2d.py:stride"]')
    assert "tensor([[[[10, 12, 12]," in stride.inner_text()
    images = page.eval_on_selector_all("article img", "imgs => imgs.map(i => [i.currentSrc, i.naturalWidth])")
    assert len(images) == 2 and all(width > 0 for _, width in images), images
    assert page.locator(".katex").count() >= 4 and page.locator(".katex-error").count() == 0
    assert not errors, errors
    assert not outside, f"requests to other hosts: {outside}"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"convolution-{language}.png"), full_page=True)
    page.close()


def test_language_switch_lands_on_the_same_chapter(browser, base_url):
    page = browser.new_page()
    page.goto(base_url + "/convolution/#stride")
    page.locator('a[hreflang="en"]').first.dispatch_event("click")
    page.wait_for_url("**/en/convolution/**")
    assert page.locator("h1").inner_text().startswith("Convolution")
    page.locator('a[hreflang="zh"]').first.dispatch_event("click")
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/convolution") and "/en/" not in url)
    assert page.locator("h1").inner_text().startswith("卷积操作")
    page.close()
