"""Every page of the built site, in both editions, read by axe-core in light mode; in dark mode the
colour rules again, on the Chinese edition and the English home page (the editions share their
colours, code and outputs: only the prose differs).

axe-core comes with axe-playwright-python (its axe.min.js is in the package: nothing is fetched)
and runs in the Chromium the other browser tests use. No page may have a serious or critical
violation that the book's own choices cause: its colours, pictures, headings, links and the
text it writes. A violation that only the theme can fix is listed in THEME_EXCEPTIONS with its
rule, the element axe names and the upstream report; the test fails when an exception no longer
happens anywhere, so that the list cannot outlive its reason.
"""

import time
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.slow

SERIOUS = {"serious", "critical"}

# Rules whose outcome depends on the colour scheme; in dark mode only these run again.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]

# (rule, the element as axe names it, why only the theme can fix it, upstream reference)
THEME_EXCEPTIONS: list[tuple[str, str, str, str]] = [
    ("link-name", ".md-annotation__index",
     "Material's script draws a code annotation's number as a link whose only content is an empty span; "
     "the number comes from CSS, which gives the link no name (the annotation around it has the focus)",
     "https://github.com/squidfunk/mkdocs-material/blob/master/src/templates/assets/javascripts/templates/annotation/index.tsx"),
]


def site_pages(site: Path) -> list[str]:
    """The URL path of every HTML page of the site: both editions' pages, the notebook pages, the 404 page."""
    paths = []
    for file in sorted(site.rglob("*.html")):
        relative = file.relative_to(site).as_posix()
        if relative.startswith("assets/"):
            continue
        paths.append("/" + relative.removesuffix("index.html"))
    return paths


def serious_violations(axe: Axe, page, rules: list[str] | None) -> list[tuple[str, str, str]]:
    """(rule, element, what axe says) of every serious or critical violation on the open page."""
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    found = axe.run(page, options=options).response["violations"]
    return [(violation["id"], " ".join(map(str, node["target"])), node.get("failureSummary", "").split("\n")[-1].strip())
            for violation in found if violation["impact"] in SERIOUS for node in violation["nodes"]]


def test_every_page_reads_for_everyone_in_light_and_dark_mode(site, base_url, browser):
    axe = Axe()
    paths = site_pages(site)
    assert len(paths) > 80 and "/" in paths and "/en/" in paths and "/404.html" in paths
    problems, excepted, started = [], set(), time.perf_counter()
    in_dark = [path for path in paths if not path.startswith("/en/")] + ["/en/"]
    for scheme, rules, read in (("light", None, paths), ("dark", COLOUR_RULES, in_dark)):
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        for path in read:
            page.goto(base_url + path, wait_until="load")
            shown = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
            assert shown == ("slate" if scheme == "dark" else "default"), f"{path}: the {scheme} page shows {shown}"
            for rule, element, message in serious_violations(axe, page, rules):
                known = [e for e in THEME_EXCEPTIONS if (e[0], e[1]) == (rule, element)]
                if known:
                    excepted.add(known[0])
                else:
                    problems.append(f"{scheme} {path}: {rule} at {element}: {message}")
        context.close()
    print(f"\naxe read {len(paths)} pages in light mode and {len(in_dark)} in dark mode in "
          f"{time.perf_counter() - started:.0f} s")
    assert not problems, f"{len(problems)} serious or critical violations:\n" + "\n".join(problems[:60])
    stale = [exception for exception in THEME_EXCEPTIONS if exception not in excepted]
    assert not stale, f"exceptions that no longer happen, to remove: {stale}"
