"""mkdocs hooks: run what the pages include, and show its output under the code.

* Before anything is written (`on_pre_build`), every snippet that a page includes with
  `--8<-- "chapter/file.py:section"` inside a code fence, or whose files a page shows
  as `![...](run:chapter/file.py/figure.png)`, is run through `book.runner` (cached by
  content, several at once). One failure stops the build with the snippet, the pages
  that use it and the end of its error output; the site folder is not touched.
* Under each such fence the output of the included section is inserted, with a line
  telling the device, the torch version and the run time.
* `run:` images are copied into the site and their links made relative to the page.
"""

from __future__ import annotations

import hashlib
import html
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

from book import offline, runner, tensorboard_shots

INCLUDE = re.compile(r'^\s*--8<--\s+"([^"]+?\.py)(?::([\w-]+))?"\s*$')
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
RUN_FILE = re.compile(r"run:([\w./-]+?\.py)/([^\s)\"']+)")

LABELS = {
    "zh": {
        "output": "输出",
        "error": "输出（按预期报错）",
        "ran": "运行于 {device} · torch {torch} · 用时 {seconds:.1f} 秒",
        "standin": " · ⚠ 用的是{names}替身数据",
        "notice": (
            '!!! warning "本页有输出来自替身数据"\n\n'
            "    本书在离线环境中构建，下载不到 {names}，所以标着“替身数据”的输出和图片，"
            "是在本书自己生成的替身数据上运行得到的：文件格式、图片数量和类别名与真实数据相同，图片内容却是合成的。"
            "代码不用改：在你自己的电脑上运行时，程序会下载真实数据，数值和图片会和这里不同。"
            "详见[关于替身数据]({link})。"
        ),
    },
    "en": {
        "output": "Output",
        "error": "Output (stops with an error, as intended)",
        "ran": "ran on {device} · torch {torch} · {seconds:.1f} s",
        "standin": " · ⚠ used stand-in {names} data",
        "notice": (
            '!!! warning "Some outputs on this page come from stand-in data"\n\n'
            "    This book is built where {names} cannot be downloaded, so the outputs and pictures marked "
            "\"stand-in\" come from data the book makes itself: the same file format, number of images and "
            "class names as the real data, but synthetic pictures. The code needs no change: on your computer "
            "it downloads the real data, and the numbers and pictures will differ from these. "
            "See [About the stand-in data]({link})."
        ),
    },
}
STANDIN_PAGE = "standin-data.md"

_results: dict[Path, runner.Run] = {}
_shots: dict[tuple[Path, str], Path] = {}
_snippets_dir = runner.SNIPPETS


def on_config(config, **kwargs):
    """Find snippets where pymdownx.snippets finds them: its first base_path."""
    global _snippets_dir
    if runner.data_mode() == "standin":
        offline.install()
    base = config.mdx_configs.get("pymdownx.snippets", {}).get("base_path", [])
    base = [base] if isinstance(base, str) else base
    if not base:
        raise PluginError("pymdownx.snippets needs a base_path (the snippets folder)")
    _snippets_dir = Path(base[0]).resolve()


def fenced_includes(markdown: str):
    """Yield (index of the closing fence line, [(snippet, section), ...]) for each code fence."""
    lines = markdown.split("\n")
    opened, found = None, []
    for index, line in enumerate(lines):
        match = FENCE.match(line)
        if opened is None:
            if match:
                opened, found = match.group(2), []
            continue
        if match and match.group(2).startswith(opened) and set(match.group(2)) == set(opened) and not match.group(3).strip():
            if found:
                yield index, found
            opened = None
            continue
        include = INCLUDE.match(line)
        if include:
            found.append((include.group(1), include.group(2)))


def snippets_used(docs_dir: Path, snippets_dir: Path) -> dict[Path, list[str]]:
    """Every snippet the pages need, with the pages that need it."""
    used: dict[Path, list[str]] = {}
    for page in sorted(docs_dir.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        names = [name for _, found in fenced_includes(text) for name, _ in found]
        names += [name for name, _ in RUN_FILE.findall(text)]
        for name in names:
            pages = used.setdefault((snippets_dir / name).resolve(), [])
            if page.relative_to(docs_dir).as_posix() not in pages:
                pages.append(page.relative_to(docs_dir).as_posix())
    return used


def on_pre_build(config, **kwargs):
    used = snippets_used(Path(config.docs_dir), _snippets_dir)
    missing = [f"{runner.display(p)} (used on {', '.join(pages)})" for p, pages in used.items() if not p.is_file()]
    if missing:
        raise PluginError("Pages include snippets that do not exist:\n  " + "\n  ".join(missing))
    results, failures = runner.run_many(used)
    if failures:
        report = [f"{message}\n  used on: {', '.join(used[path])}" for path, message in sorted(failures.items())]
        raise PluginError("A snippet failed, so the book was not built:\n" + "\n".join(report))
    _results.clear()
    _results.update(results)
    _take_screenshots(Path(config.docs_dir))


def _take_screenshots(docs_dir: Path) -> None:
    """TensorBoard screenshots that pages ask for with run:<snippet>/tensorboard/<tab>."""
    wanted = {}
    for page in sorted(docs_dir.rglob("*.md")):
        for name, request in RUN_FILE.findall(page.read_text(encoding="utf-8")):
            if request.startswith("tensorboard/"):
                path = (_snippets_dir / name).resolve()
                try:
                    wanted[(path, request)] = tensorboard_shots.Shot.parse(_results[path].files, request)
                except tensorboard_shots.ShotError as error:
                    raise PluginError(f"{page.relative_to(docs_dir)}: {error}") from None
    try:
        taken = tensorboard_shots.take(sorted(set(wanted.values()), key=repr))
    except tensorboard_shots.ShotError as error:
        raise PluginError(f"TensorBoard screenshot failed: {error}") from None
    _shots.clear()
    _shots.update({key: taken[shot] for key, shot in wanted.items()})


def _language(page, config) -> str:
    first = page.file.src_uri.split("/", 1)[0]
    if first in LABELS:
        return first
    language = config.theme.get("language", "zh")
    return language if language in LABELS else "en"


def _result(name: str, page) -> runner.Run:
    path = (_snippets_dir / name).resolve()
    if path not in _results:
        raise PluginError(f"{page.file.src_uri}: snippet {name} was not run before the page was built")
    return _results[path]


def output_block(run: runner.Run, section: str | None, language: str) -> str:
    """Markdown for one output: a fenced block titled "Output" and a small line under it."""
    labels = LABELS[language]
    text = run.output(section).rstrip("\n")
    if not text:
        return ""
    failed = bool(run.error) and run.error_report().rstrip("\n") in text
    meta = labels["ran"].format(device=run.device, torch=run.torch, seconds=run.seconds)
    if run.standin_data:
        meta += labels["standin"].format(names=" / ".join(run.standin_data))
    name = run.snippet.relative_to(_snippets_dir).as_posix() + (f":{section}" if section else "")
    fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", text)), default=0))
    title = labels["error" if failed else "output"]
    return (
        f'{fence} {{ .text .run-output data-snippet="{name}" title="{title}" }}\n'
        f"{text}\n{fence}\n\n"
        f"{meta}\n{{ .run-output__meta }}"
    )


CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_ENDS_CJK = re.compile(f"[{CJK}]$")
_STARTS_CJK = re.compile(f"^(\\s*)(?:[{CJK}“‘]|`|\\*\\*|\\[(?!\\^))")


def join_cjk_lines(markdown: str) -> str:
    """Join the source lines of a Chinese paragraph: browsers show a line break between two
    Chinese characters as a space ("分成了很多组， 下表"). Code fences are left alone."""
    lines, fence, out = markdown.split("\n"), None, []
    for line in lines:
        match = FENCE.match(line)
        if match:
            fence = None if fence and match.group(2).startswith(fence) else (fence or match.group(2))
        following = _STARTS_CJK.match(line)
        if (fence is None and not match and out and following and _ENDS_CJK.search(out[-1])
                and len(following.group(1)) == len(out[-1]) - len(out[-1].lstrip())):
            out[-1] += line.lstrip()
        else:
            out.append(line)
    return "\n".join(out)


def on_page_markdown(markdown, page, config, files, **kwargs):
    language = _language(page, config)
    if language == "zh":
        markdown = join_cjk_lines(markdown)
    markdown = _standin_notice(markdown, page, language)
    lines = markdown.split("\n")
    for close, found in reversed(list(fenced_includes(markdown))):
        blocks = []
        for name, section in found:
            try:
                block = output_block(_result(name, page), section, language)
            except runner.SnippetError as error:
                raise PluginError(f"{page.file.src_uri}: {error}") from None
            if block:
                blocks.append(block)
        if blocks:
            indent = FENCE.match(lines[close]).group(1)
            lines[close + 1:close + 1] = [""] + [indent + b.replace("\n", "\n" + indent) for b in blocks]
    return "\n".join(lines)


def _standin_notice(markdown: str, page, language: str) -> str:
    """A warning under the page title when any output or figure on it came from stand-in data."""
    names = [name for _, found in fenced_includes(markdown) for name, _ in found]
    names += [name for name, _ in RUN_FILE.findall(markdown)]
    used = sorted({data for name in names for data in _result(name, page).standin_data})
    if not used:
        return markdown
    depth = page.file.src_uri.count("/") - (1 if page.file.src_uri.split("/", 1)[0] in LABELS else 0)
    notice = LABELS[language]["notice"].format(names=" / ".join(used), link="../" * depth + STANDIN_PAGE)
    title = re.search(r"^# .*$", markdown, re.MULTILINE)
    at = title.end() if title else 0
    return markdown[:at] + "\n\n" + notice + "\n" + markdown[at:]


def on_page_content(html_text, page, config, files, **kwargs):
    def published(match):
        name, file_name = match.group(1), html.unescape(match.group(2))
        run = _result(name, page)
        if file_name.startswith("tensorboard/"):
            source = _shots[(run.snippet, file_name)]
            file_name = "tensorboard-" + urlsplit(file_name).path.split("/")[1] + ".png"
        else:
            try:
                source = run.file(file_name)
            except runner.SnippetError as error:
                raise PluginError(f"{page.file.src_uri}: {error}") from None
        digest = hashlib.sha256(source.read_bytes()).hexdigest()[:10]
        target = Path(name).with_suffix("") / f"{Path(file_name).stem}.{digest}{Path(file_name).suffix}"
        url = f"assets/runs/{target.as_posix()}"
        destination = Path(config.site_dir) / url
        if not destination.exists():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
        return get_relative_url(url, page.url)

    return RUN_FILE.sub(published, html_text)


HEAD_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')


def on_post_page(output, page, config, **kwargs):
    # Material takes every <link rel="alternate" hreflang> in <head> for the root of a
    # language edition and fetches "<link>/sitemap.xml" from it; static-i18n points them
    # at pages, so every page view would end in two 404s. Search engines find the
    # language versions in sitemap.xml instead. The language switcher is not affected.
    return HEAD_ALTERNATE.sub("", output)


LANGUAGE_LINK = re.compile(r'(<a href=")[^"]*(" hreflang="(\w+)" class="md-select__link">)')


def on_post_template(output, template_name, config, **kwargs):
    """The 404 page is not a page of either language: its language links lead to each
    language's home instead of the last page built (what static-i18n leaves there)."""
    if template_name != "404.html":
        return output
    base = urlsplit(config.site_url or "/").path.rstrip("/") + "/"
    homes = {"zh": base, "en": base + "en/"}
    output = LANGUAGE_LINK.sub(lambda m: m.group(1) + homes.get(m.group(3), base) + m.group(2), output)
    return HEAD_ALTERNATE.sub("", output)

