"""The glossary: book/glossary.yml on the glossary pages, and a hover hint on first use.

* `load()` reads book/glossary.yml and refuses a malformed file with a message that names
  the entry and what is wrong (a missing text, a term used twice, a chapter page or anchor
  that does not exist).
* `table()`: the line `<!-- glossary-table -->` on a page becomes the glossary table in that
  page's language, sorted by the order of the chapters in the nav, each term with its own
  anchor (`glossary.md#kernel`) and a link to its chapter.
* `mark_first_uses()`: on every other page, the first use of each term in ordinary prose
  becomes a link to its glossary entry whose `title` (a tooltip with material's
  `content.tooltips`) gives the term in the other language and the explanation. Code, headings,
  links, tables, admonition titles and math are left alone. The book's plugin keeps the result
  per page (book/build_cache.py) while the page and the terms are unchanged.

Chinese is matched without word boundaries, longest term first, so 最大池化 is one term and
never 最大 + 池化; the `not_in` words of an entry (轮廓 for 轮) are skipped. English is matched
as whole words in any letter case, with an optional plural -s / -es.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from book.labels import label
from book.pages import LANGUAGES, Page

GLOSSARY_FILE = Path(__file__).with_name("glossary.yml")
PLACEHOLDER = "<!-- glossary-table -->"
CSS_CLASS = "glossary-term"

REQUIRED = ("id", "zh", "en", "zh_explanation", "en_explanation")
OPTIONAL = ("chapter", "zh_also", "en_also", "not_in")
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LATIN = re.compile(r"^[A-Za-z][A-Za-z0-9 -]*$")
NOT_A_WORD = "A-Za-z0-9_-"


class GlossaryError(ValueError):
    """The glossary file is malformed; the message says which entry and why."""


@dataclass(frozen=True)
class Term:
    id: str
    zh: str
    en: str
    zh_explanation: str
    en_explanation: str
    chapter: str | None = None
    zh_also: tuple[str, ...] = ()
    en_also: tuple[str, ...] = ()
    not_in: tuple[str, ...] = ()

    def name(self, language: str) -> str:
        return getattr(self, language)

    def explanation(self, language: str) -> str:
        return getattr(self, f"{language}_explanation")

    def forms(self, language: str) -> tuple[str, ...]:
        """Every way a page in `language` writes this term, the main one first."""
        return (self.name(language), *getattr(self, f"{language}_also"))

    @property
    def chapter_page(self) -> str | None:
        return self.chapter.split("#", 1)[0] if self.chapter else None

    def hint(self, language: str, seen_as: str) -> str:
        """The tooltip: the other language's term and this language's explanation."""
        other = self.name("en" if language == "zh" else "zh")
        if not re.fullmatch(_pattern(self.name(language)), seen_as):
            other = f"{self.name(language)} · {other}"
        return f"{other}{label('glossary_colon', language)}{self.explanation(language)}"


def _key(form: str) -> str:
    return " ".join(form.lower().split())


def load(path: Path = GLOSSARY_FILE, editions: dict[str, dict[str, Page]] | None = None) -> list[Term]:
    """The entries of the glossary file, checked; with the pages of each edition (language ->
    name -> page), chapter links are checked too."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise GlossaryError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, list) or not data:
        raise GlossaryError(f"{path}: expected a list of entries")
    terms, owners = [], {}
    for number, entry in enumerate(data, 1):
        where = f"{path}, entry {number}" + (f" ({entry.get('id')})" if isinstance(entry, dict) and entry.get("id") else "")
        if not isinstance(entry, dict):
            raise GlossaryError(f"{where}: an entry must be a mapping of fields")
        unknown = sorted(set(entry) - set(REQUIRED) - set(OPTIONAL))
        if unknown:
            raise GlossaryError(f"{where}: unknown fields {unknown}; allowed: {list(REQUIRED + OPTIONAL)}")
        for field in REQUIRED:
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                raise GlossaryError(f"{where}: '{field}' is missing or empty")
        for field in ("zh_also", "en_also", "not_in"):
            value = entry.get(field, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise GlossaryError(f"{where}: '{field}' must be a list of words")
        chapter = entry.get("chapter")
        if chapter is not None and (not isinstance(chapter, str) or not re.fullmatch(r"[\w-]+\.md(?:#[\w-]+)?", chapter)):
            raise GlossaryError(f"{where}: 'chapter' must look like page.md or page.md#anchor, not {chapter!r}")
        term = Term(
            id=entry["id"], zh=entry["zh"].strip(), en=entry["en"].strip(),
            zh_explanation=entry["zh_explanation"].strip(), en_explanation=entry["en_explanation"].strip(),
            chapter=chapter, zh_also=tuple(entry.get("zh_also", [])), en_also=tuple(entry.get("en_also", [])),
            not_in=tuple(entry.get("not_in", [])),
        )
        _check_texts(term, where)
        for language in LANGUAGES:
            for form in term.forms(language):
                owner = owners.setdefault((language, _key(form)), term.id)
                if owner != term.id or term.forms(language).count(form) > 1:
                    raise GlossaryError(f"{where}: the {language} term {form!r} is already used by entry {owner!r}")
        if any(other.id == term.id for other in terms):
            raise GlossaryError(f"{where}: the id {term.id!r} is used twice")
        terms.append(term)
    if editions is not None:
        check_chapters(terms, editions)
    return terms


def _check_texts(term: Term, where: str) -> None:
    if not ID.match(term.id):
        raise GlossaryError(f"{where}: id {term.id!r} must be lower case letters, digits and '-'")
    for language in LANGUAGES:
        for form in term.forms(language):
            if language == "en" and not LATIN.match(form):
                raise GlossaryError(f"{where}: the English term {form!r} may only hold letters, digits, spaces and '-'")
    for text in (term.zh, term.en, term.zh_explanation, term.en_explanation, *term.zh_also, *term.en_also, *term.not_in):
        if any(char in text for char in "<>&|\"\n"):
            raise GlossaryError(f"{where}: {text!r} must not contain < > & | \" or a line break")
    zh, en = term.zh_explanation, term.en_explanation
    if not zh.endswith("。") or zh.count("。") != 1:
        raise GlossaryError(f"{where}: zh_explanation must be one sentence ending with '。': {zh!r}")
    if not re.search(r"[\u4e00-\u9fff]", zh):
        raise GlossaryError(f"{where}: zh_explanation must be written in Chinese: {zh!r}")
    if not en.endswith(".") or re.search(r"[.!?]\s+[A-Z]", en) or not en[0].isupper():
        raise GlossaryError(f"{where}: en_explanation must be one sentence, capitalised, ending with '.': {en!r}")
    for form in term.not_in:
        if not any(name in form for name in term.forms("zh") + term.forms("en")):
            raise GlossaryError(f"{where}: not_in word {form!r} does not contain the term")


def check_chapters(terms: list[Term], editions: dict[str, dict[str, Page]]) -> None:
    """Every chapter link points at a page, and a heading anchor, that both editions have."""
    for term in terms:
        if not term.chapter:
            continue
        name, _, anchor = term.chapter.partition("#")
        for language in LANGUAGES:
            page = editions[language].get(name.removesuffix(".md"))
            if page is None:
                raise GlossaryError(f"glossary entry {term.id!r}: chapter {term.chapter} has no page {language}/{name}")
            if anchor and anchor not in page.anchors():
                raise GlossaryError(f"glossary entry {term.id!r}: {language}/{name} has no heading with {{ #{anchor} }}")


# --- Finding terms in text -------------------------------------------------------------


def _pattern(form: str) -> str:
    if LATIN.match(form):
        words = r"[\s-]+".join(re.escape(word) for word in re.split(r"[\s-]+", form))
        return f"(?<![{NOT_A_WORD}])(?i:{words}(?:e?s)?)(?![{NOT_A_WORD}])"
    return re.escape(form)


class Matcher:
    """Finds the terms of one language in plain text, longest first."""

    def __init__(self, terms: list[Term], language: str):
        self.language = language
        alternatives = []  # (form, term or None for a word to skip)
        for term in terms:
            alternatives += [(form, term) for form in term.forms(language)]
            alternatives += [(word, None) for word in term.not_in]
        alternatives.sort(key=lambda item: -len(item[0]))
        self._terms = [term for _, term in alternatives]
        # The lookahead lets the engine pass over characters no term starts with; without
        # it every position of every page tries all the alternatives in turn.
        first = sorted({c for form, _ in alternatives for c in (form[0].lower(), form[0].upper())})
        self._regex = re.compile(f"(?=[{re.escape(''.join(first))}])(?:"
                                 + "|".join(f"(?P<t{i}>{_pattern(form)})" for i, (form, _) in enumerate(alternatives)) + ")")

    def finditer(self, text: str):
        """Yield (start, end, term) for each use of a term, leftmost and longest first."""
        for match in self._regex.finditer(text):
            term = self._terms[int(match.lastgroup[1:])]
            if term is not None:
                yield match.start(), match.end(), term

    def used(self, text: str) -> set[str]:
        return {term.id for _, _, term in self.finditer(text)}


# --- Marking the first use in HTML -----------------------------------------------------

TOKEN = re.compile(
    r"<!--.*?-->|<![^>]*>|<\?[^>]*>"
    r"|</?([A-Za-z][A-Za-z0-9-]*)((?:\"[^\"]*\"|'[^']*'|[^'\">])*)>",
    re.DOTALL,
)
CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
RAW_TEXT = {"script", "style", "textarea"}
SKIP_TAGS = {"pre", "code", "kbd", "samp", "a", "abbr", "button", "label", "summary", "svg", "math",
             "table", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "figcaption"}
SKIP_CLASSES = {"admonition-title", "arithmatex", "highlight", "filename", "run-output", "run-output__meta",
                "headerlink", CSS_CLASS}


def _skipped(tag: str, attributes: str) -> bool:
    if tag in SKIP_TAGS:
        return True
    match = CLASS.search(attributes)
    classes = set(next(g for g in match.groups() if g is not None).split()) if match else set()
    return bool(classes & SKIP_CLASSES)


def mark_first_uses(content: str, matcher: Matcher, glossary_url: str) -> tuple[str, list[str]]:
    """The page content with the first use of each term wrapped in a hint link, and the ids marked."""
    out, marked, stack, position = [], [], [], 0

    def text(chunk: str) -> str:
        if any(skip for _, skip in stack):
            return chunk
        pieces, last = [], 0
        for start, end, term in matcher.finditer(chunk):
            if term.id in marked:
                continue
            marked.append(term.id)
            seen = chunk[start:end]
            title = html.escape(term.hint(matcher.language, html.unescape(seen)), quote=True)
            pieces += [chunk[last:start], f'<a class="{CSS_CLASS}" href="{glossary_url}#{term.id}" '
                                          f'title="{title}" data-term="{term.id}">{seen}</a>']
            last = end
        return "".join(pieces) + chunk[last:]

    while (token := TOKEN.search(content, position)) is not None:
        out.append(text(content[position:token.start()]))
        out.append(token.group(0))
        position = token.end()
        tag, attributes = (token.group(1) or "").lower(), token.group(2) or ""
        if not tag or token.group(0).startswith("<!"):
            continue
        if token.group(0).startswith("</"):
            for index in range(len(stack) - 1, -1, -1):
                if stack[index][0] == tag:
                    del stack[index:]
                    break
        elif tag in RAW_TEXT:
            close = re.compile(f"</{tag}\\s*>", re.IGNORECASE).search(content, position)
            end = close.start() if close else len(content)
            out.append(content[position:end])
            position = end
        elif tag not in VOID and not attributes.rstrip().endswith("/"):
            stack.append((tag, _skipped(tag, attributes)))
    out.append(text(content[position:]))
    return "".join(out), marked


# --- The glossary table ----------------------------------------------------------------


def ordered(terms: list[Term], reading_order: list[str]) -> list[Term]:
    """Terms in the order their chapters come in the book; terms without a chapter last."""
    def rank(item):
        index, term = item
        page = term.chapter_page
        return (reading_order.index(page) if page in reading_order else len(reading_order), index)
    return [term for _, term in sorted(enumerate(terms), key=rank)]


def table(terms: list[Term], language: str, titles: dict[str, str], reading_order: list[str]) -> str:
    """The glossary as a Markdown table; each term carries its anchor. `titles`: page file -> title."""
    other = "en" if language == "zh" else "zh"
    lines = [label("glossary_header", language), "|---|---|---|---|"]
    for term in ordered(terms, reading_order):
        chapter = f"[{titles[term.chapter_page]}]({term.chapter})" if term.chapter else ""
        lines.append(
            f"| **{term.name(language)}**{{ #{term.id} }} | {term.name(other)} "
            f"| {term.explanation(language)} | {chapter} |"
        )
    return "\n".join(lines)
