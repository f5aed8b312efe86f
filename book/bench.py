"""`make bench`: how long the book takes to build and test, measured in one run on this machine.

Prints a table and writes it to benchmarks/results.md. Every build here is offline
(stand-in data) and uses its own empty cache folder, so the figures do not depend on
what was built before, and the cache of the working tree is left alone:

* cold build: stand-in data made, every snippet run, every screenshot taken;
* warm rebuild: nothing changed, so nothing may run again;
* rebuild after touching one snippet: which results were made again;
* chapters 10–16 alone (their 14 pages, nothing else), cold;
* a second cold build, compared with the first: captured outputs and drawn figures
  must be identical. Programs that time themselves (they call time.perf_counter or
  time.time) print different seconds each run: their outputs are compared with the
  numbers masked. TensorBoard screenshots are compared too; for those that differ the
  table gives the share of pixels that changed;
* page weight: the bytes a chapter page requests on its first load in a 1280×800 window
  without scrolling, the search index left out (it is measured on its own), in headless Chromium;
* the test suite: `make test` (plain `pytest`) on an empty cache, as CI runs it, then
  `make check` (the slow tier) on the cache that left.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from book import REPO, pages, runner, tensorboard_shots

EDITED = REPO / "snippets" / "conv" / "functional_conv2d.py"
CHAPTERS_10_TO_16 = ["conv-layer", "maxpool", "activation", "linear-layers", "sequential", "loss", "optimizer"]
NUMBER = re.compile(r"\d+(\.\d+)?")
RESULTS = REPO / "benchmarks" / "results.md"
# From this line on, benchmarks/results.md holds figures measured otherwise (the real-data rehearsal), kept as they are.
KEPT = "<!-- measured otherwise; make bench keeps what follows -->"


def build(cache: Path, site: Path, config: Path = REPO / "mkdocs.yml", strict: bool = True) -> tuple[float, str]:
    env = dict(os.environ, BOOK_CACHE_DIR=str(cache), NO_MKDOCS_2_WARNING="1", BOOK_DATA="standin")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", *(["--strict"] if strict else []),
                           "--config-file", str(config), "--site-dir", str(site)],
                          cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"build failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout + done.stderr


def entries(cache: Path) -> dict[str, dict]:
    found = {}
    for record in (cache / "runs").glob("*/run.json"):
        found[record.parent.name] = json.loads(record.read_text(encoding="utf-8"))
    return found


def chapters_only(pages: list[str], folder: Path) -> Path:
    """A copy of mkdocs.yml that builds only `pages` (both languages), for timing them alone.
    It sits beside mkdocs.yml so that every relative path in it still means the same."""
    docs = folder / "docs"
    for language in ("zh", "en"):
        (docs / language).mkdir(parents=True)
        for page in pages:
            (docs / language / f"{page}.md").write_bytes((REPO / "docs" / language / f"{page}.md").read_bytes())
    config = REPO / f".bench-{os.getpid()}.yml"
    # the glossary links every term to its chapter, and most chapters are not here
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8").replace("      glossary: book/glossary.yml\n", "")
    config.write_text(text + f"\ndocs_dir: {docs}\n", encoding="utf-8")
    return config


def comparable(saved: dict) -> list:
    """What a run printed; with the numbers masked for programs that time themselves."""
    source = REPO / saved["snippet"]
    if source.is_file() and runner.times_itself(source):
        return [[line, NUMBER.sub("#", text)] for line, text in saved["chunks"]]
    return saved["chunks"]


def screenshots(site: Path) -> dict[str, Path]:
    return {str(p.relative_to(site)).rsplit(".", 2)[0]: p for p in site.rglob("tensorboard-*.png")}


def changed_pixels(first: Path, second: Path) -> float:
    """The share of pixels that differ between two pictures of the same size."""
    import numpy as np
    from PIL import Image

    a, b = (np.asarray(Image.open(p).convert("RGB")) for p in (first, second))
    return float((a != b).any(axis=2).mean()) if a.shape == b.shape else 1.0


def outputs_and_figures(cache: Path) -> tuple[dict[str, list], dict[str, str]]:
    outputs, figures = {}, {}
    for name, saved in entries(cache).items():
        outputs[saved["snippet"]] = comparable(saved)
        for figure in sorted((cache / "runs" / name / "files").rglob("*.png")):
            figures[f"{saved['snippet']}/{figure.name}"] = hashlib.sha256(figure.read_bytes()).hexdigest()
    return outputs, figures


def per_page(cache: Path) -> list[tuple[str, float, int]]:
    seconds = {saved["snippet"]: saved["seconds"] for saved in entries(cache).values()}
    rows = []
    for name, page in sorted(pages.read_edition(REPO / "docs", "zh").items()):
        used = [seconds.get(f"snippets/{program}", 0.0) for program in page.programs()]
        if used:
            rows.append((name, sum(used), len(used)))
    return rows


def page_weights(site: Path, paths: list[str], apart: tuple[str, ...] = ("search_index.json",)) -> dict[str, int]:
    """Bytes each page requests on its first load in a 1280×800 window, without scrolling, requests whose
    address contains `apart` left out (the search index, by default). Images further down that load lazily
    are not counted, as a reader would not load them yet."""
    import http.server
    import threading
    from functools import partial

    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    weights = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=tensorboard_shots.chromium(),
                                                 args=tensorboard_shots.CHROMIUM_FLAGS)
            for path in paths:
                context = browser.new_context(viewport={"width": 1280, "height": 800})  # an empty browser cache
                page = context.new_page()
                sizes = []
                page.on("requestfinished", lambda request: sizes.append(
                    0 if any(part in request.url for part in apart) else request.sizes()["responseBodySize"]))
                page.goto(base + path, wait_until="networkidle")
                page.wait_for_timeout(300)
                weights[path] = sum(sizes)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return weights


def search_indexes(site: Path) -> dict[str, int]:
    return {index.relative_to(site).as_posix(): index.stat().st_size for index in sorted(site.rglob("search_index.json"))}


def weight_rows(site: Path) -> list[str]:
    """Table rows: the heaviest chapter page, a few typical ones, and the search indexes."""
    chapters = [name for name, page in pages.read_edition(REPO / "docs", "zh").items() if page.is_chapter]
    paths = [f"/{name}/" for name in chapters] + [f"/en/{name}/" for name in chapters] + ["/", "/en/"]
    weights = page_weights(site, paths)
    heaviest = max(weights, key=weights.get)
    rows = [f"| Heaviest chapter page ({heaviest}) | {weights[heaviest] / 1000:.0f} KB | ≤ 600 KB |",
            f"| Median chapter page | {sorted(weights.values())[len(weights) // 2] / 1000:.0f} KB | ≤ 600 KB |"]
    rows += [f"| {path} | {weights[path] / 1000:.0f} KB | |" for path in ("/convolution/", "/en/convolution/", "/")]
    notebooks = [f"/notebooks/{name}/" for name in chapters] + [f"/en/notebooks/{name}/" for name in chapters]
    alone = page_weights(site, notebooks)
    shared = page_weights(site, notebooks, apart=("search_index.json", "/assets/notebook."))
    heavy = max(shared, key=shared.get)
    rows += [f"| Heaviest notebook page ({heavy}), shared notebook stylesheet apart | {shared[heavy] / 1000:.0f} KB | ≤ 600 KB |",
             f"| The same page with the shared stylesheet (loaded once, then cached) | {alone[heavy] / 1000:.0f} KB | |"]
    rows += [f"| Search index `{name}` (loaded with the first page) | {size / 1000:.0f} KB | |"
             for name, size in search_indexes(site).items()]
    return rows


def main() -> None:
    lines = []

    def say(text=""):
        print(text, flush=True)
        lines.append(text)

    say(f"# Build and test times\n\nMeasured by `make bench` on {time.strftime('%Y-%m-%d')}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, offline with stand-in data.\n")
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        first, second = Path(first), Path(second)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from book import standins; standins.ensure()"], check=True,
                       env=dict(os.environ, BOOK_CACHE_DIR=str(first / "cache")))
        standin_seconds = time.perf_counter() - started
        cold, log = build(first / "cache", first / "site")
        shots = [float(s) for s in re.findall(r"screenshot of .* in ([\d.]+) s", log)]
        runs = len(entries(first / "cache"))
        before = set(entries(first / "cache"))
        warm, _ = build(first / "cache", first / "site")
        warm_rerun = sorted(entries(first / "cache")[name]["snippet"] for name in set(entries(first / "cache")) - before)
        before = set(entries(first / "cache"))

        original = EDITED.read_text(encoding="utf-8")
        try:
            EDITED.write_text(original + "# edited by make bench\n", encoding="utf-8")
            edited, _ = build(first / "cache", first / "site")
        finally:
            EDITED.write_text(original, encoding="utf-8")
        rerun = sorted(saved["snippet"] for name, saved in entries(first / "cache").items() if name not in before)

        chapters = Path(tempfile.mkdtemp(dir=first))
        config = chapters_only(CHAPTERS_10_TO_16, chapters)
        try:
            chapters_cold, _ = build(chapters / "cache", chapters / "site", config, strict=False)
        finally:
            config.unlink()
        chapters_runs = len(entries(chapters / "cache"))

        cold_again, _ = build(second / "cache", second / "site")
        shots_1, shots_2 = screenshots(first / "site"), screenshots(second / "site")
        same_shots = [s for s in shots_2 if s in shots_1 and shots_1[s].read_bytes() == shots_2[s].read_bytes()]
        shot_changes = {s: changed_pixels(shots_1[s], shots_2[s]) for s in shots_2 if s in shots_1 and s not in same_shots}
        outputs_1, figures_1 = outputs_and_figures(first / "cache")
        outputs_2, figures_2 = outputs_and_figures(second / "cache")
        # the first cache holds the edited snippet's results; compare the rest
        same_outputs = [s for s in outputs_2 if outputs_1.get(s) == outputs_2[s]]
        same_figures = [f for f in figures_2 if figures_1.get(f) == figures_2[f]]
        pages = per_page(first / "cache")

        weights = weight_rows(first / "site")

    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, BOOK_CACHE_DIR=cache)
        started = time.perf_counter()
        tests = subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=REPO, env=env, capture_output=True, text=True)
        test_seconds = time.perf_counter() - started
        started = time.perf_counter()
        checks = subprocess.run([sys.executable, "-m", "pytest", "-q", "-m", "slow"], cwd=REPO, env=env,
                                capture_output=True, text=True)
        check_seconds = time.perf_counter() - started
    summary = (tests.stdout.strip().splitlines() or ["(no output)"])[-1]
    check_summary = (checks.stdout.strip().splitlines() or ["(no output)"])[-1]

    say("| What | Seconds | Target | Notes |")
    say("|---|---:|---:|---|")
    say(f"| Stand-in data made (CIFAR-10 and ants/bees) | {standin_seconds:.1f} | | part of a cold build |")
    say(f"| Cold build, empty cache | {cold + standin_seconds:.1f} | ≤ 180 | {runs} snippets run, "
        f"{len(shots)} TensorBoard screenshots ({sum(shots) / max(len(shots), 1):.1f} s each) |")
    say(f"| Warm rebuild, nothing changed | {warm:.1f} | ≤ 5 | re-ran: {', '.join(warm_rerun) or 'nothing'} |")
    say(f"| Rebuild after editing `{EDITED.relative_to(REPO)}` | {edited:.1f} | | re-ran: {', '.join(rerun) or 'nothing'} |")
    say(f"| Chapters 10–16 alone, cold (7 pages × 2 languages) | {chapters_cold:.1f} | ≤ 90 | {chapters_runs} snippets run, "
        "stand-in data made |")
    say(f"| Second cold build | {cold_again:.1f} | | outputs identical for {len(same_outputs)} of {len(outputs_2)} snippets "
        f"(timings masked), figures identical: {len(same_figures)} of {len(figures_2)}, TensorBoard screenshots "
        f"identical: {len(same_shots)} of {len(shots_2)}"
        + "".join(f"; {name}: {share:.2%} of pixels differ" for name, share in sorted(shot_changes.items())) + " |")
    say(f"| `make test` (plain `pytest`), empty cache | {test_seconds:.1f} | ≤ 300 | {summary} |")
    say(f"| `make check` (`pytest -m slow`), after it | {check_seconds:.1f} | ≤ 1800 | {check_summary} |")
    say()
    say("Page weight (first load, 1280×800, no scrolling, empty browser cache; the search index apart):\n")
    say("| Page | Bytes | Target |")
    say("|---|---:|---:|")
    for row in weights:
        say(row)
    say()
    say("Snippet run time per chapter (cold build; each snippet is a separate process, "
        f"{os.environ.get('BOOK_JOBS', os.cpu_count())} at a time):\n")
    say("| Page | Snippets | Seconds (sum) |")
    say("|---|---:|---:|")
    for page, seconds, count in pages:
        say(f"| {page} | {count} | {seconds:.1f} |")
    differing = sorted(set(outputs_2) - set(same_outputs))
    if differing:
        say(f"\nOutputs that differed between the two cold builds: {', '.join(differing)}")
    RESULTS.parent.mkdir(exist_ok=True)
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.is_file() else ""
    kept = "\n" + old[old.index(KEPT):] if KEPT in old else ""  # sections measured otherwise stay
    RESULTS.write_text("\n".join(lines) + "\n" + kept, encoding="utf-8")
    print(f"\nwritten to {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
