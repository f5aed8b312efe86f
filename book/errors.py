"""Common errors: every error the book shows on purpose, on one page per edition.

An error is shown on purpose in two ways: a program stops with it (its first line says
`# expected-error: RuntimeError`, see book/runner.py), or a program catches it and prints it
(then the entry names the section whose output holds it: `program.py:section`). book/errors.yml
explains each one in both languages, keyed by the program (and section): what causes it and
how to fix it. The message itself is never written there: it is taken from the build's run of
that program, so the page shows what today's PyTorch really says.

* `load()` reads book/errors.yml and refuses a malformed file, and a program that stops with an
  error on purpose but has no entry.
* `where_shown()` finds the chapter section that shows the error: the heading above the page's
  include of the section where the error happens.
* `page()`: the line `<!-- error-list -->` on a page becomes the entries in that page's language,
  in the order of the chapters, each with its own anchor, the exact message, the cause, the fix and
  a link to the chapter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from book import runner
from book.labels import label
from book.pages import LANGUAGES, Page

ERRORS_FILE = Path(__file__).with_name("errors.yml")
PLACEHOLDER = "<!-- error-list -->"
FIELDS = ("id", "zh_title", "en_title", "zh_cause", "en_cause", "zh_fix", "en_fix")
KEY = re.compile(r"^[\w/-]+\.py(?::[\w-]+)?$")
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The first line of a printed error: `UnpicklingError: ...`, `torch.OutOfMemoryError: ...`
PRINTED_ERROR = re.compile(r"^(?:[A-Za-z_][\w]*\.)*[A-Za-z_]\w*(?:Error|Exception): ", re.MULTILINE)


class ErrorsError(ValueError):
    """book/errors.yml is malformed or incomplete; the message says which entry and why."""


@dataclass(frozen=True)
class Entry:
    key: str  # "linear/last_batch_error.py" or "save_and_load/weights_only.py:default"
    id: str
    zh_title: str
    en_title: str
    zh_cause: str
    en_cause: str
    zh_fix: str
    en_fix: str

    @property
    def program(self) -> str:
        return self.key.split(":", 1)[0]

    @property
    def section(self) -> str | None:
        return self.key.split(":", 1)[1] if ":" in self.key else None

    def text(self, field: str, language: str) -> str:
        return getattr(self, f"{language}_{field}")


CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
LINE_BREAK_IN_CHINESE = re.compile(f"(?<=[{CJK}])\\s+(?=[{CJK}])|(?<=[，。；：！？、）])\\s+")


def _one_line(text: str) -> str:
    """A text folded from several lines of the file: the line breaks become spaces, except in
    Chinese, where words are not separated by spaces."""
    return LINE_BREAK_IN_CHINESE.sub("", " ".join(text.split()))


def stops_on_purpose(snippets: Path) -> list[str]:
    """Every program under `snippets` whose first lines say it stops with an error."""
    return sorted(path.relative_to(snippets).as_posix() for path in snippets.rglob("*.py")
                  if runner.EXPECTED_ERROR.search(path.read_text(encoding="utf-8")))


def load(path: Path = ERRORS_FILE, snippets: Path = runner.SNIPPETS) -> list[Entry]:
    """The entries of book/errors.yml, checked against the programs under `snippets`."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ErrorsError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, dict) or not data:
        raise ErrorsError(f"{path}: expected a mapping of program (or program:section) -> explanation")
    entries = []
    for key, fields in data.items():
        where = f"{path}, entry {key!r}"
        if not isinstance(key, str) or not KEY.match(key):
            raise ErrorsError(f"{where}: the key must be a program under snippets/, e.g. chapter/program.py "
                              "or chapter/program.py:section")
        if not isinstance(fields, dict):
            raise ErrorsError(f"{where}: an entry must be a mapping of fields")
        unknown = sorted(set(fields) - set(FIELDS))
        if unknown:
            raise ErrorsError(f"{where}: unknown fields {unknown}; allowed: {list(FIELDS)}")
        for field in FIELDS:
            if not isinstance(fields.get(field), str) or not fields[field].strip():
                raise ErrorsError(f"{where}: '{field}' is missing or empty")
        entry = Entry(key, **{field: _one_line(fields[field]) for field in FIELDS})
        if not ID.match(entry.id) or any(other.id == entry.id for other in entries):
            raise ErrorsError(f"{where}: id {entry.id!r} must be unique, lower case letters, digits and '-'")
        program = snippets / entry.program
        if not program.is_file():
            raise ErrorsError(f"{where}: there is no program snippets/{entry.program}")
        stops = runner.EXPECTED_ERROR.search(program.read_text(encoding="utf-8"))
        if entry.section is None and not stops:
            raise ErrorsError(f"{where}: the program does not stop with an error on purpose "
                              "(`# expected-error: ...`); name the section that prints the error: program.py:section")
        if entry.section is not None and entry.section not in runner.sections(program):
            raise ErrorsError(f"{where}: snippets/{entry.program} has no section '{entry.section}'")
        entries.append(entry)
    explained = {entry.key for entry in entries}
    missing = [name for name in stops_on_purpose(snippets) if name not in explained]
    if missing:
        raise ErrorsError(f"{path}: these programs stop with an error on purpose but have no explanation: "
                          + ", ".join(missing) + " (add an entry with " + ", ".join(FIELDS) + ")")
    return entries


def message(entry: Entry, run: runner.Run) -> str:
    """The error's message exactly as the run reported it (the last lines of Python's report)."""
    if entry.section is None:
        if not run.error:
            raise ErrorsError(f"{entry.key}: the run stopped without an error")
        return run.error["summary"].strip()
    printed = run.output(entry.section)
    found = PRINTED_ERROR.search(printed)
    if not found:
        raise ErrorsError(f"{entry.key}: the section's output holds no line like 'SomeError: message'")
    return printed[found.start():].strip()


def where_shown(entry: Entry, run: runner.Run | None, page: Page) -> str | None:
    """The anchor of the heading above the page's include that shows the error (for a program
    that stops with it: the include of the section where it stops), or None when the page does not
    show it."""
    shows = [(fence.start, section) for fence in page.fences for name, section in fence.includes
             if name == entry.program and (entry.section is None or section == entry.section)]
    if not shows:
        return None
    line = shows[-1][0]
    if entry.section is None and run is not None and run.error and run.error["line"]:
        spans = runner.sections(runner.SNIPPETS / entry.program)
        stops = [start for start, section in shows
                 if section is None or spans[section][0] <= run.error["line"] <= spans[section][1]]
        line = stops[0] if stops else line
    for index in reversed(page.heading_path(page.heading_at(line))):
        if page.headings[index].anchor:
            return page.headings[index].anchor
    return page.anchor


def page(entries: list[Entry], language: str, edition: dict[str, Page], results: dict[Path, runner.Run],
         reading_order: list[str], snippets: Path = runner.SNIPPETS) -> str:
    """The entries as Markdown, chapter by chapter in reading order."""
    placed = []
    for entry in entries:
        run = results.get((snippets / entry.program).resolve())
        if run is None:
            raise ErrorsError(f"{entry.key}: no page shows this program, so it was not run")
        found = None
        for name in reading_order:
            chapter = edition.get(name.removesuffix(".md"))
            if chapter is not None and (anchor := where_shown(entry, run, chapter)) is not None:
                found = (reading_order.index(name), chapter, anchor)
                break
        if found is None:
            raise ErrorsError(f"{entry.key}: no page of the {language} edition shows where this error happens")
        placed.append((found, entry, run))
    placed.sort(key=lambda item: item[0][0])
    blocks = []
    for (_, chapter, anchor), entry, run in placed:
        text = message(entry, run)
        fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", text)), default=0))
        link = f"[{chapter.title}]({chapter.name}.md#{anchor})"
        blocks.append("\n".join([
            f"## {entry.text('title', language)} {{ #{entry.id} }}",
            "",
            f"{fence}text",
            text,
            fence,
            "",
            _bold_label("error_cause", language) + entry.text("cause", language),
            "",
            _bold_label("error_fix", language) + entry.text("fix", language),
            "",
            label("error_shown_in", language, link=link),
        ]))
    return "\n\n".join(blocks)


def _bold_label(key: str, language: str) -> str:
    """The label in bold, its trailing space outside the asterisks: `**Cause: **` would stay literal text."""
    text = label(key, language)
    return f"**{text.rstrip()}**" + text[len(text.rstrip()):]
