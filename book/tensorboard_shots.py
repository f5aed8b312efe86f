"""Screenshots of the real TensorBoard UI, taken from the event files that snippets wrote.

A page asks for one with an image link such as

    ![...](run:tensorboard_intro/add_scalar.py/tensorboard/scalars?tag=y=2x)

(tab: scalars, images or graphs; `tag` names a card that must be on screen; for graphs,
`expand` names a node to open by double-clicking it). For each folder of event files a
real `tensorboard` is started on 127.0.0.1 at a free port, from that folder and with
`--logdir` set the way a reader types it (`--logdir=logs`), headless Chromium (driven by Playwright) opens the
tab, waits until the cards have rendered and checks that the expected tag is on screen,
then the screenshot is saved. The server is stopped in every case, failures and Ctrl-C
included. Results are cached by the event data, so unchanged logs are never shot twice; each
picture has its sha256 in a file beside it, and one that does not match is taken again.

Without a browser the build says so and draws a stand-in picture from the event files
instead (images decoded from them, or the scalar values plotted), labelled as not being
a screenshot.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from book import CACHE_DIR, caches, code_digest, processes

log = logging.getLogger("mkdocs.book.tensorboard")

CACHE = CACHE_DIR / "tensorboard"
used: set[Path] = set()  # pictures (and their digests) this process used; book/caches.py removes the others after a build
TABS = ("scalars", "images", "graphs")
VIEWPORT = {"width": 1200, "height": 800}
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class ShotError(Exception):
    """A screenshot could not be taken, or did not show what it should."""


@dataclass(frozen=True)
class Shot:
    logdir: Path
    tab: str
    tag: str | None = None
    expand: str | None = None

    @classmethod
    def parse(cls, logdir: Path, request: str) -> "Shot":
        """From the part after the snippet, e.g. "tensorboard/images?tag=input"."""
        parts = urlsplit(request)
        tab = parts.path.removeprefix("tensorboard/")
        if tab not in TABS:
            raise ShotError(f"unknown TensorBoard tab '{tab}' in '{request}' (one of: {', '.join(TABS)})")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        unknown = set(query) - {"tag", "expand"}
        if unknown:
            raise ShotError(f"unknown option(s) {', '.join(sorted(unknown))} in '{request}' (tag, expand)")
        return cls(Path(logdir), tab, query.get("tag"), query.get("expand"))

    def key(self, kind: str) -> str:
        digest = hashlib.sha256()
        for path in sorted(self.logdir.rglob("events.out.tfevents.*")):
            digest.update(str(path.relative_to(self.logdir)).encode())
            digest.update(path.read_bytes())
        digest.update(json.dumps([self.tab, self.tag, self.expand, kind]).encode())
        digest.update(code_digest(__file__).encode())
        return digest.hexdigest()[:20]


def chromium() -> str | None:
    return os.environ.get("BOOK_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def take(shots: list[Shot]) -> dict[Shot, Path]:
    """A PNG for every shot: cached, screenshot, or (with no browser) a labelled fallback."""
    CACHE.mkdir(parents=True, exist_ok=True)
    for shot in shots:
        if not any(shot.logdir.rglob("events.out.tfevents.*")):
            raise ShotError(f"no TensorBoard event files under {shot.logdir}")
    found = {shot: CACHE / f"{shot.key('browser')}.png" for shot in shots}
    missing = [shot for shot in shots if not _sound(found[shot])]
    if missing and chromium() is None:
        log.info("No chromium found: TensorBoard screenshots are replaced by pictures drawn from the event files "
                 "(install chromium and fonts-noto-cjk for real screenshots).")
        for shot in missing:
            found[shot] = CACHE / f"{shot.key('fallback')}.png"
            if not _sound(found[shot]):
                _fallback(shot, found[shot])
                _seal(found[shot])
    elif missing:
        _screenshots({shot: found[shot] for shot in missing})
        for shot in missing:
            _seal(found[shot])
    used.update(path for picture in found.values() for path in (picture, _digest_file(picture)))
    return found


def _digest_file(picture: Path) -> Path:
    return picture.with_suffix(".sha256")


def _seal(picture: Path) -> None:
    """Write the sha256 of a picture beside it, once the picture is complete."""
    _digest_file(picture).write_text(hashlib.sha256(picture.read_bytes()).hexdigest() + "\n", encoding="utf-8")


def _sound(picture: Path) -> bool:
    """Whether a kept picture is there and sound: its sha256 as written beside it, and a PNG Pillow can decode.
    A damaged one is reported and removed."""
    if not picture.exists():
        return False
    try:
        expected = _digest_file(picture).read_text(encoding="utf-8").strip()
        fault = None if hashlib.sha256(picture.read_bytes()).hexdigest() == expected else "its sha256 does not match"
    except (OSError, ValueError):
        fault = "no readable sha256 beside it"
    if fault is None:
        from PIL import Image

        try:
            with Image.open(picture) as image:
                image.load()
        except Exception as error:  # Pillow raises many kinds for a broken file
            fault = f"not a readable PNG ({error})"
    if fault:
        caches.damaged(picture, fault, "taking it again")
        picture.unlink(missing_ok=True)
        _digest_file(picture).unlink(missing_ok=True)
    return fault is None


def _screenshots(targets: dict[Shot, Path]) -> None:
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _screenshots_here(targets)
    # Playwright's sync API refuses to start where an asyncio loop runs (a caller that drives a
    # browser itself, such as a test session with pytest-playwright): take them in a thread of their own.
    failure = []

    def here():
        try:
            _screenshots_here(targets)
        except BaseException as error:  # handed back to the caller
            failure.append(error)

    worker = threading.Thread(target=here, name="tensorboard-screenshots")
    worker.start()
    worker.join()
    if failure:
        raise failure[0]


def _screenshots_here(targets: dict[Shot, Path]) -> None:
    from playwright.sync_api import sync_playwright

    by_logdir: dict[Path, list[Shot]] = {}
    for shot in targets:
        by_logdir.setdefault(shot.logdir, []).append(shot)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), headless=True, args=CHROMIUM_FLAGS)
        try:
            for logdir, shots in by_logdir.items():
                with _tensorboard(logdir, {s.tab for s in shots}) as url:
                    for shot in shots:
                        started = time.perf_counter()
                        _shoot(browser, url, shot, targets[shot])
                        log.info(f"TensorBoard {shot.tab} screenshot of {shot.logdir.name} in {time.perf_counter() - started:.1f} s")
        finally:
            browser.close()


class _tensorboard:
    """`with _tensorboard(logdir, plugins) as url`: a server that is always stopped afterwards."""

    def __init__(self, logdir: Path, plugins: set[str]):
        self.logdir, self.plugins = logdir, plugins

    def __enter__(self) -> str:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        # "logs" when every event file is under logs/, as with SummaryWriter("logs"); else "."
        tops = {p.parent.relative_to(self.logdir).parts[:1] for p in self.logdir.rglob("events.out.tfevents.*")}
        logdir = tops.pop()[0] if len(tops) == 1 and tops != {()} else "."
        command = [shutil.which("tensorboard", path=str(Path(sys.executable).parent)) or "tensorboard", f"--logdir={logdir}",
                   "--host", "127.0.0.1", "--port", str(port), "--reload_interval", "1"]
        self.log = tempfile.TemporaryFile()
        # its own process group, ended afterwards; and ended by the kernel if the build is killed
        self.process = subprocess.Popen(command, cwd=self.logdir, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True,
                                        preexec_fn=processes.die_with_parent if sys.platform.startswith("linux") else None)
        try:
            return self._wait_until_ready(f"http://127.0.0.1:{port}")
        except BaseException:  # Ctrl-C while waiting too: never leave the server behind
            self.__exit__(None, None, None)
            raise

    def _wait_until_ready(self, url: str) -> str:
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                self.log.seek(0)
                output = self.log.read().decode(errors="replace")
                raise ShotError(f"tensorboard exited with code {self.process.returncode}:\n{output[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/data/plugins_listing", timeout=2) as response:
                    listing = json.load(response)
                if all(listing.get(p, {}).get("enabled") for p in self.plugins):
                    return url
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise ShotError(f"tensorboard at {url} showed no {', '.join(sorted(self.plugins))} data within 60 s")
            time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._signal(getattr(signal, "SIGKILL", signal.SIGTERM))
                self.process.wait()
        self.log.close()

    def _signal(self, number: int) -> None:
        """To the server and its data server (its process group); on Windows, to the server."""
        if hasattr(os, "killpg"):
            os.killpg(self.process.pid, number)
        else:
            self.process.terminate()


def _shoot(browser, url: str, shot: Shot, target: Path) -> None:
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(f"{url}/#{shot.tab}", wait_until="networkidle")
        if shot.tab == "scalars":
            page.wait_for_selector("tf-scalar-card vz-line-chart2", timeout=30000)
        elif shot.tab == "images":
            page.wait_for_selector("tf-image-loader img", timeout=30000)
            _wait_images(page)
            # The line above each image is the wall-clock time it was written: different in every
            # build. It is left blank (the page says so); everything else is as a reader sees it.
            page.locator("tf-image-loader .datetime").evaluate_all(
                "lines => lines.forEach(line => line.style.visibility = 'hidden')")
        else:
            page.wait_for_selector("g.node", timeout=30000)
            if shot.expand:
                _open_group(page, shot.expand)
        expected = shot.tag or shot.expand
        if expected and not page.get_by_text(expected, exact=True).count():
            raise ShotError(f"TensorBoard's {shot.tab} tab does not show '{expected}' for {shot.logdir}")
        partial = target.with_suffix(".partial.png")
        partial.write_bytes(_settle(page))
        partial.rename(target)
    finally:
        page.close()


def _open_group(page, name: str) -> None:
    """Double-click a group open and fit the graph to the screen, the same way every time.

    When the opened group runs off the screen, TensorBoard pans to it while the group is still
    growing, and the edges into the group are drawn from wherever that animation happened to be.
    So the graph is first zoomed out far enough for the opened group to fit, and nothing pans.
    Chromium also keeps parts of the picture rasterised during the animations; hiding the graph
    for a frame makes it paint everything again from the final state."""
    _settle(page)  # the first layout slides into place; click where it ends up
    graph = page.locator("svg#svg").first
    box = graph.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 1200)
    _settle(page)
    page.locator("g.node", has_text=name).first.dblclick()
    page.locator("g.node", has_text=name).first.wait_for()
    page.evaluate("window.getSelection().removeAllRanges()")  # the double click selects text
    _settle(page)
    page.get_by_text("Fit to screen", exact=True).click()  # the opened graph, top to bottom
    _settle(page)
    graph.evaluate("""svg => new Promise(done => {
        svg.style.display = "none";
        svg.getBoundingClientRect();
        requestAnimationFrame(() => { svg.style.display = ""; done(); });
    })""")


def _settle(page, timeout: float = 15) -> bytes:
    """A screenshot once the page has stopped moving: two in a row, 300 ms apart, are the same."""
    deadline = time.monotonic() + timeout
    last = page.screenshot()
    while time.monotonic() < deadline:
        page.wait_for_timeout(300)
        current = page.screenshot()
        if current == last:
            return current
        last = current
    raise ShotError(f"TensorBoard's page at {page.url} kept changing for {timeout:.0f} s")


def _wait_images(page) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        sizes = page.eval_on_selector_all("tf-image-loader img", "imgs => imgs.map(i => i.complete && i.naturalWidth)")
        if sizes and all(sizes):
            return
        page.wait_for_timeout(200)
    raise ShotError("TensorBoard's images did not load within 30 s")


def _fallback(shot: Shot, target: Path) -> None:
    """Without a browser: draw what the event files hold, clearly marked as not a screenshot."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(next(shot.logdir.rglob("events.out.tfevents.*")).parent),
                              size_guidance={"images": 0, "scalars": 0})
    events.Reload()
    fig = plt.figure(figsize=(9, 5))
    if shot.tab == "scalars":
        tags = [t for t in events.Tags()["scalars"] if shot.tag in (None, t)]
        ax = fig.add_subplot()
        for tag in tags:
            points = events.Scalars(tag)
            ax.plot([p.step for p in points], [p.value for p in points], label=tag)
        ax.legend()
        ax.set_xlabel("step")
    elif shot.tab == "images":
        tags = [t for t in events.Tags()["images"] if shot.tag in (None, t)]
        for index, tag in enumerate(tags[:4]):
            ax = fig.add_subplot(1, min(len(tags), 4), index + 1)
            last = events.Images(tag)[-1]
            ax.imshow(Image.open(io.BytesIO(last.encoded_image_string)))
            ax.set_title(f"{tag} (step {last.step})")
            ax.axis("off")
    else:
        fig.text(0.5, 0.5, "A graph view needs TensorBoard in a browser.", ha="center")
    fig.suptitle("Drawn from the event file, not a TensorBoard screenshot (no browser was available)",
                 color="#b00020")
    fig.savefig(target, dpi=110, metadata={"Software": None})
    plt.close(fig)
