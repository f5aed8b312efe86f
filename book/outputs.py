"""What the programs printed, put on the pages.

* Under each code fence that includes program sections, the output of each section: a fenced
  block titled "Output" and a line saying the device, the torch version and the run time. When
  the included code carries Material's annotation markers (`# (1)!`), the numbered list that
  explains them stays directly under the code, as Material needs it, and the output follows
  the list.
* A warning under the title of a page any of whose outputs or figures came from stand-in data.
* `run:` links (`![...](run:conv/draw_conv2d_figures.py/figure.png)`) become files in the site.
* Chinese paragraphs written over several source lines are joined into one line.
"""

from __future__ import annotations

import hashlib
import html
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.utils import get_relative_url

from book import runner
from book.labels import label
from book.pages import RUN_FILE, Page, code_fences


class OutputError(Exception):
    """A page asks for an output or file that its programs did not give; the message says which."""


def output_block(run: runner.Run, section: str | None, language: str, snippets_dir: Path) -> str:
    """Markdown for one output: a fenced block titled "Output" and a small line under it."""
    text = run.output(section).rstrip("\n")
    if not text:
        return ""
    failed = bool(run.error) and run.error_report().rstrip("\n") in text
    meta = label("ran_on", language, device=run.device, python=run.python, torch=run.torch,
                 torchvision=run.torchvision, seconds=run.seconds)
    if run.standin_data:
        meta += label("standin_mark", language, names=" / ".join(run.standin_data))
    name = run.snippet.relative_to(snippets_dir).as_posix() + (f":{section}" if section else "")
    fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", text)), default=0))
    title = label("error_output" if failed else "output", language)
    return (
        f'{fence} {{ .text .run-output data-snippet="{name}" title="{title}" }}\n'
        f"{text}\n{fence}\n\n"
        f"{meta}\n{{ .run-output__meta }}"
    )


LIST_ITEM = re.compile(r"^(\s*)\d+\.\s")


def _annotation_list_end(lines: list[str], close: int, indent: str, where: str, numbers: list[int]) -> int:
    """The line after the numbered list that explains the annotations of the fence closing at `close`."""
    start = close + 1
    while start < len(lines) and not lines[start].strip():
        start += 1
    item = LIST_ITEM.match(lines[start]) if start < len(lines) else None
    markers = ", ".join(f"({n})" for n in numbers)
    if not item or item.group(1) != indent:
        raise OutputError(f"{where} has annotation markers {markers}, but no numbered list follows the code block to explain them")
    at, items = start, 0
    while at < len(lines):
        line = lines[at]
        if not line.strip():
            following = next((later for later in lines[at + 1:] if later.strip()), "")
            continued = LIST_ITEM.match(following)
            if not (following.startswith(indent + "    ") or (continued and continued.group(1) == indent)):
                break
        elif (found := LIST_ITEM.match(line)) and found.group(1) == indent:
            items += 1
        at += 1
    if sorted(numbers) != list(range(1, items + 1)):
        raise OutputError(f"{where} has annotation markers {markers}, but the list under it has {items} item(s)")
    return at


def with_outputs(page: Page, results: dict[Path, runner.Run], snippets_dir: Path) -> str:
    """The page's Markdown with each included section's output under its code."""
    lines = page.markdown.split("\n")
    for fence in reversed(page.fences):
        if not fence.includes:
            continue
        blocks = []
        for name, section in fence.includes:
            block = output_block(results[(snippets_dir / name).resolve()], section, page.language, snippets_dir)
            if block:
                blocks.append(fence.indent + block.replace("\n", "\n" + fence.indent))
        if not blocks:
            continue
        at = fence.end + 1
        numbers = [n for name, section in fence.includes for n in runner.annotation_numbers(snippets_dir / name, section)]
        if numbers:
            shown = ", ".join(f'"{name}:{section}"' if section else f'"{name}"' for name, section in fence.includes)
            at = _annotation_list_end(lines, fence.end, fence.indent, f"{page.src_uri}: the code of {shown}", numbers)
        lines[at:at] = [""] + blocks
    return "\n".join(lines)


def standin_notice(markdown: str, page: Page, results: dict[Path, runner.Run], snippets_dir: Path, data_page: str) -> str:
    """A warning under the page title when any output or figure on it came from stand-in data."""
    used = sorted({data for name in page.programs() for data in results[(snippets_dir / name).resolve()].standin_data})
    if not used:
        return markdown
    link = get_relative_url(f"{page.language}/{data_page}", page.src_uri)
    notice = label("standin_notice", page.language, names=" / ".join(used), link=link)
    title = re.search(r"^# .*$", markdown, re.MULTILINE)
    at = title.end() if title else 0
    return markdown[:at] + "\n\n" + notice + "\n" + markdown[at:]


RUN_IMAGE = re.compile(r'<img\b([^>]*?)\ssrc="(run:[^"]+)"([^>]*?)\s*/?>')


def publish_run_files(html_text: str, page, results: dict[Path, runner.Run], shots: dict, snippets_dir: Path,
                      site_dir: Path) -> str:
    """Copy the files that `run:` links show into the site and point the links at them. Pictures
    load lazily and carry their size, so a page loads only what is on screen and nothing jumps."""

    def published(name: str, file_name: str) -> tuple[Path, str]:
        run = results[(snippets_dir / name).resolve()]
        if file_name.startswith("tensorboard/"):
            source = shots[(run.snippet, file_name)]
            file_name = "tensorboard-" + urlsplit(file_name).path.split("/")[1] + ".png"
        else:
            try:
                source = run.file(file_name)
            except runner.SnippetError as error:
                raise OutputError(str(error)) from None
        digest = hashlib.sha256(source.read_bytes()).hexdigest()[:10]
        target = Path(name).with_suffix("") / f"{Path(file_name).stem}.{digest}{Path(file_name).suffix}"
        url = f"assets/runs/{target.as_posix()}"
        destination = site_dir / url
        if not destination.exists():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
        return source, get_relative_url(url, page.url)

    def image(match):
        link = RUN_FILE.match(html.unescape(match.group(2)))
        source, url = published(link.group(1), link.group(2))
        size = ""
        if source.suffix.lower() in (".png", ".jpg", ".jpeg"):
            from PIL import Image  # imported here: a page without pictures never needs it

            with Image.open(source) as picture:
                size = f' width="{picture.width}" height="{picture.height}"'
        return f'<img{match.group(1)} src="{url}"{size} loading="lazy"{match.group(3)} />'

    html_text = RUN_IMAGE.sub(image, html_text)
    return RUN_FILE.sub(lambda m: published(m.group(1), html.unescape(m.group(2)))[1], html_text)


CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_ENDS_CJK = re.compile(f"[{CJK}]$")
_STARTS_CJK = re.compile(f"^(\\s*)(?:[{CJK}“‘]|`|\\*\\*|\\[(?!\\^))")


def join_cjk_lines(markdown: str) -> str:
    """Join the source lines of a Chinese paragraph: browsers show a line break between two
    Chinese characters as a space ("分成了很多组， 下表"). Code fences are left alone.
    No Markdown extension does this; it takes these few lines."""
    lines, out = markdown.split("\n"), []
    inside = {n for fence in code_fences(lines) for n in range(fence.start, fence.end + 1)}
    for number, line in enumerate(lines):
        following = _STARTS_CJK.match(line)
        if (number not in inside and number - 1 not in inside and out and following and _ENDS_CJK.search(out[-1])
                and len(following.group(1)) == len(out[-1]) - len(out[-1].lstrip())):
            out[-1] += line.lstrip()
        else:
            out.append(line)
    return "\n".join(out)


ANNOTATED_CODE = re.compile(r"<pre\b([^>]*)>(.*?)</pre>", re.DOTALL)
MARKER_COMMENT = re.compile(r"[ \t]*#\s*\(\d+\)!?[ \t]*$", re.MULTILINE)


def copy_text_without_markers(html_text: str) -> str:
    """Code blocks with annotation markers (`# (1)!`) get the text their copy button copies as a
    `data-copy` attribute (Material's copy button takes it when present): the code without the
    markers and without the spaces that stood before them, so no copied line ends in spaces."""

    def with_copy_text(match: re.Match) -> str:
        attributes, inner = match.groups()
        if "data-copy" in attributes:
            return match.group(0)
        code = html.unescape(re.sub(r"<[^>]+>", "", inner))
        if not MARKER_COMMENT.search(code):
            return match.group(0)
        text = MARKER_COMMENT.sub("", code).rstrip("\n")
        return f'<pre{attributes} data-copy="{html.escape(text, quote=True)}">{inner}</pre>'

    return ANNOTATED_CODE.sub(with_copy_text, html_text)
