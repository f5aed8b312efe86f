"""mkdocs hook: code annotations on included code, with the output still under the code.

Material turns a marker comment such as `# (1)!` in a code block into a small button
that opens the first item of the numbered list that must come *right after* the block.
A page writes that list directly under the fence, as Material documents it; the marker
lives in the snippet file (a trailing comment, so the program runs unchanged).

book/mkdocs_hooks.py puts each output directly under its fence, which would separate
the list from the code. This hook runs after it and moves the list back up, between the
code and its output. A fence whose code has markers but no list under it, or a list
whose length does not match the markers, stops the build with a message saying where.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from book import runner
from book.mkdocs_hooks import FENCE, fenced_includes

MARKER = re.compile(r"#\s*\((\d+)\)!?\s*$")
LIST_ITEM = re.compile(r"^(\s*)\d+\.\s")

_snippets_dir = runner.SNIPPETS


def on_config(config, **kwargs):
    global _snippets_dir
    base = config.mdx_configs.get("pymdownx.snippets", {}).get("base_path", [])
    base = [base] if isinstance(base, str) else base
    if base:
        _snippets_dir = Path(base[0]).resolve()


def markers(snippets_dir: Path, name: str, section: str | None) -> list[int]:
    """The annotation numbers in the code that `--8<-- "name:section"` shows, in order."""
    path = snippets_dir / name
    if not path.is_file():
        return []  # pymdownx.snippets reports the missing file
    lines = path.read_text(encoding="utf-8").splitlines()
    if section is not None:
        span = runner.sections(path).get(section)
        if span is None:
            return []
        lines = lines[span[0] - 1:span[1]]
    return [int(match.group(1)) for line in lines if (match := MARKER.search(line))]


def _skip_outputs(lines: list[str], at: int) -> int:
    """Index of the first line after the blank lines and output blocks that start at `at`."""
    while at < len(lines):
        if not lines[at].strip():
            at += 1
            continue
        opening = FENCE.match(lines[at])
        if not (opening and ".run-output" in opening.group(3)):
            return at
        at += 1
        while at < len(lines) and lines[at].strip() != opening.group(2):
            at += 1
        at += 1  # past the closing fence; then the "ran on ..." paragraph
        while at < len(lines) and not lines[at].strip():
            at += 1
        while at < len(lines) and lines[at].strip():
            at += 1
    return at


def _continues_list(line: str, indent: str) -> bool:
    item = LIST_ITEM.match(line)
    return line.startswith(indent + "    ") or (item is not None and item.group(1) == indent)


def _list_end(lines: list[str], start: int, indent: str) -> tuple[int, int]:
    """(index after the numbered list that starts at `start`, number of its items)."""
    at, items = start, 0
    while at < len(lines):
        line = lines[at]
        if not line.strip():
            following = next((later for later in lines[at + 1:] if later.strip()), "")
            if not _continues_list(following, indent):
                break
        elif (item := LIST_ITEM.match(line)) and item.group(1) == indent:
            items += 1
        at += 1
    return at, items


@event_priority(-50)  # after book/mkdocs_hooks.py has put the outputs under the code
def on_page_markdown(markdown, page, config, files, **kwargs):
    lines = markdown.split("\n")
    for close, found in reversed(list(fenced_includes(markdown))):
        numbers = [n for name, section in found for n in markers(_snippets_dir, name, section)]
        if not numbers:
            continue
        shown = ", ".join(f'"{name}:{section}"' if section else f'"{name}"' for name, section in found)
        indent = FENCE.match(lines[close]).group(1)
        start = _skip_outputs(lines, close + 1)
        item = LIST_ITEM.match(lines[start]) if start < len(lines) else None
        if not item or item.group(1) != indent:
            raise PluginError(
                f"{page.file.src_uri}: the code of {shown} has annotation markers "
                f"{', '.join(f'({n})' for n in numbers)}, but no numbered list follows the code block to explain them"
            )
        end, items = _list_end(lines, start, indent)
        if sorted(numbers) != list(range(1, items + 1)):
            raise PluginError(
                f"{page.file.src_uri}: the code of {shown} has annotation markers "
                f"{', '.join(f'({n})' for n in numbers)}, but the list under it has {items} item(s)"
            )
        outputs = "\n".join(lines[close + 1:start]).strip("\n")
        if outputs:
            lines[close + 1:end] = [""] + lines[start:end] + [""] + outputs.split("\n")
    return "\n".join(lines)
