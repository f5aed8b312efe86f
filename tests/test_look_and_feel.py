"""What a reader sees around the content: "last updated", "edit this page", previous/next
links, code annotations, the dark-mode toggle, and the workflow that publishes the book."""

import datetime
import functools
import os
import platform
import shutil
import subprocess
import time
from importlib import metadata
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml

from book import outputs, page_dates, pages, runner
from conftest import EDITIONS, LANGUAGES, REPO, mkdocs_build, page_path, soup

DOCS = REPO / "docs"
PAGES = sorted(f"{name}.md" for name in EDITIONS["zh"])
UPDATED_LABEL = {"zh": "最后更新：", "en": "Last updated: "}
PREVIOUS_LABEL = {"zh": "上一页: ", "en": "Previous: "}
NEXT_LABEL = {"zh": "下一页: ", "en": "Next: "}
PUBLISHED_REPO = "https://github.com/example-owner/pytorch-book"
PUBLISHED_SITE = "https://example-owner.github.io/pytorch-book/"
WORKFLOW = REPO / ".github" / "workflows" / "publish.yml"


def page_url(language: str, page: str) -> str:
    return page_path(language, page.removesuffix(".md")).lstrip("/")


def built(site: Path, language: str, page: str):
    """A built page, parsed."""
    return soup(site, page_path(language, page.removesuffix(".md")))


def every_page():
    return [(language, page) for language in LANGUAGES for page in PAGES]


# --- last updated ---------------------------------------------------------------------------

def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout


def has_full_history() -> bool:
    try:
        return (_git("rev-parse", "--is-shallow-repository").strip() == "false"
                and bool(_git("ls-files", "mkdocs.yml").strip()))
    except (OSError, subprocess.CalledProcessError):
        return False


@functools.cache
def file_date(path: Path) -> str:
    """The day a file last changed: today when it has changes not committed yet."""
    if _git("status", "--porcelain", "--", str(path)).strip():
        return datetime.date.today().isoformat()
    return _git("log", "-1", "--format=%cs", "--", str(path)).strip()


def updated_line(page) -> str | None:
    lines = page.select("span.page-updated")
    assert len(lines) <= 1, f"{len(lines)} last-updated lines"
    return " ".join(lines[0].get_text().split()) if lines else None


@pytest.mark.skipif(not has_full_history(), reason="no full git history here: pages carry no date")
@pytest.mark.parametrize("language, page", every_page())
def test_every_page_says_when_it_or_its_snippets_last_changed(site, language, page):
    programs = [runner.SNIPPETS / name for name in EDITIONS[language][page.removesuffix(".md")].programs()]
    expected = max(file_date(path) for path in [DOCS / language / page, *programs])
    assert updated_line(built(site, language, page)) == UPDATED_LABEL[language] + expected


def _commit(repo: Path, date: str, *paths: str) -> None:
    env = dict(os.environ, GIT_AUTHOR_DATE=f"{date}T12:00:00", GIT_COMMITTER_DATE=f"{date}T12:00:00")
    subprocess.run(["git", "add", *paths], cwd=repo, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", date],
                   cwd=repo, check=True, env=env)


def test_page_date_is_the_newest_commit_of_the_page_or_its_snippets(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    repo = tmp_path / "book"
    (repo / "docs").mkdir(parents=True)
    (repo / "snippets").mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / "mkdocs.yml").write_text("site_name: t\n")
    page, snippet = repo / "docs" / "page.md", repo / "snippets" / "demo.py"
    page.write_text('# Page\n\n```python title="demo.py"\n--8<-- "demo.py:part"\n```\n')
    snippet.write_text("print(1)\n")
    _commit(repo, "2021-03-04", ".")
    snippet.write_text("print(2)\n")
    _commit(repo, "2022-05-06", "snippets/demo.py")

    history = page_dates.read_history(repo / "mkdocs.yml")
    files = [page, *(repo / "snippets" / name for name in pages.parse(page.read_text(), "zh/page.md").programs())]
    assert files == [page, snippet]
    assert history.last_changed([page]) == "2021-03-04"
    assert history.last_changed(files) == "2022-05-06"

    elsewhere = tmp_path / "elsewhere.md"  # a docs_dir outside the repository
    elsewhere.write_text(page.read_text())
    assert history.last_changed([elsewhere.resolve(), snippet]) is None

    snippet.write_text("print(3)\n")  # not committed: the page has changed today
    assert page_dates.read_history(repo / "mkdocs.yml").last_changed(files) == datetime.date.today().isoformat()

    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)], check=True)
    assert page_dates.read_history(shallow / "mkdocs.yml") is None

    unpacked = tmp_path / "unpacked"
    shutil.copytree(repo, unpacked, ignore=shutil.ignore_patterns(".git"))
    assert page_dates.read_history(unpacked / "mkdocs.yml") is None

    monkeypatch.setenv("PATH", "")  # no git at all
    assert page_dates.read_history(repo / "mkdocs.yml") is None


# --- edit this page, and the published addresses ---------------------------------------------

@pytest.fixture(scope="module")
def published_site(tmp_path_factory):
    """The book built as the publishing workflow builds it: with its repository and Pages address."""
    site_dir = tmp_path_factory.mktemp("published")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BOOK_REPO_URL", PUBLISHED_REPO)
        patch.setenv("BOOK_SITE_URL", PUBLISHED_SITE)
        patch.delenv("BOOK_EDIT_URI", raising=False)
        started = time.perf_counter()
        result = mkdocs_build(REPO / "mkdocs.yml", site_dir)
    assert result.returncode == 0, f"build with BOOK_REPO_URL failed:\n{result.stdout}\n{result.stderr}"
    print(f"published build: {time.perf_counter() - started:.1f} s")
    return site_dir


@pytest.mark.slow  # a second build, as the publishing workflow makes it
def test_edit_buttons_open_each_pages_own_source(published_site):
    for language, page in every_page():
        buttons = built(published_site, language, page).select('a[rel="edit"]')
        assert [button["href"] for button in buttons] == [f"{PUBLISHED_REPO}/edit/main/docs/{language}/{page}"]
        assert (DOCS / language / page).is_file()


@pytest.mark.skipif(bool(os.environ.get("BOOK_REPO_URL")), reason="BOOK_REPO_URL is set for this build")
def test_a_local_build_has_no_edit_button(site):
    for language, page in every_page():
        assert not built(site, language, page).select('a[rel="edit"]'), f"{language}/{page}"


# --- report a problem -------------------------------------------------------------------------

REPORT = {
    "zh": {"title": "「{title}」一章的问题", "page": "页面：", "commit": "本书构建自提交：", "versions": "构建时的版本：",
           "prompts": ["哪一节：", "我运行了什么：", "我看到了什么："], "link": "在 GitHub 上报告问题"},
    "en": {"title": "Problem in the chapter “{title}”", "page": "Page: ", "commit": "Book built from commit: ",
           "versions": "Versions of the build: ", "prompts": ["Which section:", "What I ran:", "What I saw:"],
           "link": "Report a problem on GitHub"},
}


def decoded_report(href: str, repo: str) -> tuple[str, dict[str, str]]:
    """(title, {first words of a line: the rest}) of a link that opens a new issue of `repo`."""
    from urllib.parse import parse_qs, urlsplit

    address = urlsplit(href)
    assert f"{address.scheme}://{address.netloc}{address.path}" == f"{repo}/issues/new"
    query = parse_qs(address.query, strict_parsing=True)
    assert sorted(query) == ["body", "title"] and all(len(v) == 1 for v in query.values())
    return query["title"][0], query["body"][0]


def check_report(href: str, language: str, title: str, address: str, commit: str) -> None:
    words = REPORT[language]
    issue_title, body = decoded_report(href, PUBLISHED_REPO)
    assert issue_title == words["title"].format(title=title)
    lines = body.split("\n")
    assert lines[0] == words["page"] + address
    assert lines[1] == words["commit"] + commit
    assert lines[2] == (words["versions"] + f"Python {platform.python_version()} · torch {metadata.version('torch')}"
                        f" · torchvision {metadata.version('torchvision')}")
    assert [line for line in lines if line in words["prompts"]] == words["prompts"]


def test_the_report_link_holds_the_page_the_build_and_the_prompts():
    from book import chapters, publishing

    facts = {"commit": "0123abc", "python": platform.python_version(), "torch": metadata.version("torch"),
             "torchvision": metadata.version("torchvision")}
    for language, title in [("zh", "损失函数与反向传播"), ("en", "Loss & backpropagation?")]:
        address = PUBLISHED_SITE + page_url(language, "loss.md")
        href = publishing.issue_link(PUBLISHED_REPO, language, title, address, facts)
        check_report(href, language, title, address, "0123abc")
        line = chapters.report_line(language, href)  # the link as the box writes it: & escaped in the attribute
        from bs4 import BeautifulSoup

        link = BeautifulSoup(line, "html.parser").a
        assert link["href"] == href and link.get_text() == REPORT[language]["link"]
        assert not link.has_attr("target") and not link.has_attr("onclick")


@pytest.mark.skipif(bool(os.environ.get("BOOK_REPO_URL")), reason="BOOK_REPO_URL is set for this build")
def test_a_local_build_has_no_report_link(site):
    for language, page in every_page():
        found = built(site, language, page)
        assert not found.select(".chapter-report") and "/issues/new" not in str(found), f"{language}/{page}"


@pytest.mark.slow  # a second build, as the publishing workflow makes it
def test_every_chapter_links_a_filled_in_problem_report(published_site):
    commit = os.environ.get("GITHUB_SHA") or _git("rev-parse", "HEAD").strip()
    chapters = [name for name in PAGES if EDITIONS["zh"][name.removesuffix(".md")].is_chapter]
    assert chapters
    for language, page in every_page():
        found = built(published_site, language, page)
        links = [a for a in found.select("a") if "/issues/new" in a.get("href", "")]
        if page not in chapters:
            assert not links, f"{language}/{page} is not a chapter"
            continue
        assert len(links) == 1, f"{language}/{page}: {len(links)} report links"
        assert links[0].get_text() == REPORT[language]["link"]
        assert links[0].find_parent("div", class_="abstract"), "the link is in the chapter's box"
        title = EDITIONS[language][page.removesuffix(".md")].title
        check_report(links[0]["href"], language, title, PUBLISHED_SITE + page_url(language, page), commit)
    # no script and no request: the page holds a plain link, nothing that would fetch from GitHub
    assert "api.github.com" not in (published_site / page_url("zh", "loss.md") / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow  # a second build, as the publishing workflow makes it
def test_published_pages_have_full_canonical_addresses(published_site):
    for language, page in every_page():
        head = built(published_site, language, page)
        canonical = [link["href"] for link in head.select('link[rel="canonical"]')]
        assert canonical == [PUBLISHED_SITE + page_url(language, page)]
        # the language versions are named in sitemap.xml (next test); in <head> Material
        # would fetch a sitemap under each of them
        assert not head.select('link[rel="alternate"][hreflang]')


@pytest.mark.slow  # a second build, as the publishing workflow makes it
def test_sitemap_lists_both_languages_with_their_last_change(published_site):
    sitemap = (published_site / "sitemap.xml").read_text(encoding="utf-8")
    for language, page in every_page():
        address = PUBLISHED_SITE + page_url(language, page)
        assert f"<loc>{address}</loc>" in sitemap
        assert f'hreflang="{language}" href="{address}"' in sitemap
    if has_full_history():
        entry = sitemap.split(f"<loc>{PUBLISHED_SITE}optimizer/</loc>")[1].split("</url>")[0]
        date = updated_line(built(published_site, "zh", "optimizer.md")).removeprefix(UPDATED_LABEL["zh"])
        assert f"<lastmod>{date}</lastmod>" in entry


# --- previous / next, dark mode ----------------------------------------------------------------

def nav_pages() -> list[str]:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)

    def walk(items):
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            yield from walk(value) if isinstance(value, list) else [value]

    return list(walk(config["nav"]))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_links_the_previous_and_next_page_of_the_nav(site, language):
    order = nav_pages()
    assert len(order) > 10
    for index, page in enumerate(order):
        here = "http://book/" + page_url(language, page)
        footer = built(site, language, page)
        for kind, labels, neighbour in (("prev", PREVIOUS_LABEL, index - 1), ("next", NEXT_LABEL, index + 1)):
            links = footer.select(f"a.md-footer__link--{kind}")
            if not 0 <= neighbour < len(order):
                assert not links, f"{language}/{page}: a {kind} link past the end"
                continue
            assert len(links) == 1, f"{language}/{page}: no {kind} link"
            assert urljoin(here, links[0]["href"]) == "http://book/" + page_url(language, order[neighbour])
            assert links[0]["aria-label"].startswith(labels[language])


def test_dark_mode_toggle_is_named_in_the_pages_language(site):
    expected = {"zh": ["切换到深色模式", "切换到浅色模式"], "en": ["Switch to dark mode", "Switch to light mode"]}
    for language in LANGUAGES:
        labels = built(site, language, "convolution.md").select("label.md-header__button")
        titles = [label.get("title") for label in labels if label.get("for", "").startswith("__palette")]
        assert sorted(titles) == sorted(expected[language])


# --- code annotations --------------------------------------------------------------------------

ANNOTATED = ["conv-layer.md", "maxpool.md", "optimizer.md"]


def annotated_blocks(page):
    """(snippet file title, [marker texts], the element right after the code block) per annotated block."""
    found = []
    for block in page.select("div.highlight"):
        markers = [span.get_text() for span in block.select("span.c1") if span.get_text().rstrip().endswith(")!")]
        if markers:
            title = block.select_one("span.filename")
            found.append((title.get_text() if title else None, markers, block.find_next_sibling()))
    return found


@pytest.mark.parametrize("name", PAGES)
def test_annotation_lists_sit_between_the_code_and_its_output_in_both_languages(site, name):
    shapes = {}
    for language in LANGUAGES:
        blocks = annotated_blocks(built(site, language, name))
        assert bool(blocks) == (name in ANNOTATED), f"{language}/{name}: annotated code expected only on {ANNOTATED}"
        for title, markers, following in blocks:
            assert following is not None and following.name == "ol", f"{language}/{name}: {title} has no list under it"
            items = following.find_all("li", recursive=False)
            assert len(items) == len(markers) and all(item.get_text().strip() for item in items)
            output = following.find_next_sibling()
            assert output is not None and "run-output" in output.get("class", []), f"{language}/{name}: output moved away"
        shapes[language] = [(title, markers) for title, markers, _ in blocks]
    assert shapes["zh"] == shapes["en"]


def _with_outputs(tmp_path, markdown):
    (tmp_path / "demo.py").write_text("# --8<-- [start:part]\nx = 1  # (1)!\ny = 2  # (2)!\nprint(x + y)\n# --8<-- [end:part]\n")
    run = runner.run(tmp_path / "demo.py")
    page = pages.parse("# Demo\n\n" + markdown, "zh/demo.md")
    return outputs.with_outputs(page, {run.snippet: run}, tmp_path).removeprefix("# Demo\n\n")


FENCE = '```python title="demo.py"\n--8<-- "demo.py:part"\n```\n'


def test_the_output_goes_under_the_annotation_list_and_bad_lists_stop_the_build(tmp_path):
    placed = _with_outputs(tmp_path, FENCE + "\n1.  one\n2.  two\n    more of two\n\nText after.\n")
    head, output = placed.split("\n``` { .text .run-output", 1)
    assert head == FENCE + "\n1.  one\n2.  two\n    more of two\n"
    assert output.startswith(' data-snippet="demo.py:part" title="输出" }\n3\n```\n\n运行于 ')
    assert output.endswith("{ .run-output__meta }\n\nText after.\n")
    with pytest.raises(outputs.OutputError, match=r'zh/demo\.md: the code of "demo\.py:part" has annotation markers \(1\), \(2\), but no numbered list'):
        _with_outputs(tmp_path, FENCE + "\nText after.\n")
    with pytest.raises(outputs.OutputError, match=r"but the list under it has 1 item"):
        _with_outputs(tmp_path, FENCE + "\n1.  one\n\nText after.\n")


# --- in the browser: annotations open, copying leaves markers out, the toggle switches ----------

def test_annotation_opens_copy_leaves_markers_out_and_dark_mode_switches(browser, base_url):
    explains = {"zh": "清掉上一步留下的梯度", "en": "clear the gradients"}
    for language in LANGUAGES:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
        page = context.new_page()
        page.goto(base_url + "/" + page_url(language, "optimizer.md") + "#loop", wait_until="networkidle")
        block = page.locator(".highlight:has(.md-annotation)")
        assert block.count() == 1
        block.locator(".md-annotation__index").click(force=True)  # it pulses until first opened
        tooltip = block.locator(".md-annotation .md-tooltip__inner")
        tooltip.wait_for(state="visible")
        assert explains[language] in tooltip.inner_text()

        block.hover()
        block.locator("button[data-md-type=copy]").click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert "(1)" not in copied
        assert [line.strip() for line in copied.splitlines() if "zero_grad" in line] == ["optim.zero_grad()"]

        scheme = "document.body.getAttribute('data-md-color-scheme')"
        assert page.evaluate(scheme) == "default"
        page.locator("label[for='__palette_1']").click()
        page.wait_for_function(f"{scheme} === 'slate'")
        context.close()


# --- the publishing workflow -------------------------------------------------------------------

def workflow_problems(workflow: dict) -> list[str]:
    """What the publishing workflow lacks; empty when it builds with the real data and deploys."""
    problems = []
    triggers = workflow.get("on", workflow.get(True)) or {}
    if triggers.get("push", {}).get("branches") != ["main"] or "workflow_dispatch" not in triggers:
        problems.append("runs on push to main and by hand")
    jobs = workflow.get("jobs", {})
    granted = {name: {"contents": "none", **(workflow.get("permissions") or {}), **(job.get("permissions") or {})}
               for name, job in jobs.items()}
    if granted.get("build", {}).get("contents") != "read" or "write" in granted.get("build", {}).values():
        problems.append("the build job reads the repository and writes nothing")
    if {"pages": "write", "id-token": "write"}.items() - granted.get("deploy", {}).items():
        problems.append("the deploy job: pages write, id-token write")
    if not (workflow.get("concurrency") or {}).get("group"):
        problems.append("a concurrency group")
    build = [step for job in jobs.values() for step in job.get("steps", [])
             if any("upload-pages-artifact" in str(s.get("uses")) for s in job.get("steps", []))]
    uses = {str(step.get("uses", "")).split("@")[0]: step for step in build}
    runs = "\n".join(str(step.get("run", "")) for step in build)
    if (uses.get("actions/checkout", {}).get("with") or {}).get("fetch-depth") != 0:
        problems.append("checkout with fetch-depth: 0 (the dates come from git log)")
    if str((uses.get("actions/setup-python", {}).get("with") or {}).get("python-version")) != "3.11":
        problems.append("Python 3.11")
    if "actions/configure-pages" not in uses:
        problems.append("actions/configure-pages")
    make = [step for step in build if "make build" in str(step.get("run", ""))]
    env = make[0].get("env", {}) if make else {}
    if not make or env.get("BOOK_DATA") != "real":
        problems.append("make build with BOOK_DATA=real")
    if "github.repository" not in str(env.get("BOOK_REPO_URL")) or "base_url" not in str(env.get("BOOK_SITE_URL")):
        problems.append("BOOK_REPO_URL and BOOK_SITE_URL from the repository and the Pages address")
    if "fonts-noto-cjk" not in runs or "chromium" not in runs:
        problems.append("chromium and fonts-noto-cjk")
    cached = "\n".join(str((step.get("with") or {}).get("path")) for step in build if "actions/cache" in str(step.get("uses")))
    if "data" not in cached or ".cache" not in cached:
        problems.append("caches data/ and .cache/")
    if "pip" not in str((uses.get("actions/setup-python", {}).get("with") or {}).get("cache")):
        problems.append("pip cache")
    if (uses.get("actions/upload-pages-artifact", {}).get("with") or {}).get("path") != "site":
        problems.append("uploads site/")
    deploy = [job for job in jobs.values() if any("actions/deploy-pages" in str(s.get("uses")) for s in job.get("steps", []))]
    if len(deploy) != 1 or not deploy[0].get("needs") or (deploy[0].get("environment") or {}).get("name") != "github-pages":
        problems.append("a deploy job after the build, in the github-pages environment")
    return problems


def test_workflow_builds_with_the_real_data_and_deploys_to_pages():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert workflow_problems(workflow) == []


def test_workflow_check_notices_a_shallow_checkout_and_missing_permissions():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    for step in workflow["jobs"]["build"]["steps"]:
        if str(step.get("uses", "")).startswith("actions/checkout"):
            del step["with"]
    del workflow["jobs"]["deploy"]["permissions"]["id-token"]
    assert len(workflow_problems(workflow)) == 2
