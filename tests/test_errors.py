"""Common errors: one entry per error the book shows on purpose, its message taken from the run."""

import re
from urllib.parse import urljoin, urlsplit

import pytest

from book import errors, runner
from conftest import LANGUAGES, page_path, soup


def entries():
    return errors.load()


def test_every_program_that_stops_with_an_error_on_purpose_is_explained():
    stopping = errors.stops_on_purpose(runner.SNIPPETS)
    assert stopping, "no program says `# expected-error:`"
    assert set(stopping) <= {entry.key for entry in entries()}  # load() refuses a missing one, naming it


def test_a_program_added_without_an_explanation_stops_the_load_naming_it(tmp_path):
    snippets = tmp_path / "snippets"
    (snippets / "ch").mkdir(parents=True)
    (snippets / "ch" / "explained.py").write_text("# expected-error: KeyError\n{}['x']\n", encoding="utf-8")
    data = tmp_path / "errors.yml"
    fields = "".join(f"  {name}: {'ch-explained' if name == 'id' else 'x'}\n" for name in errors.FIELDS)
    data.write_text("ch/explained.py:\n" + fields, encoding="utf-8")
    assert [entry.key for entry in errors.load(data, snippets)] == ["ch/explained.py"]
    (snippets / "ch" / "new_mistake.py").write_text("# expected-error: ValueError\nint('x')\n", encoding="utf-8")
    with pytest.raises(errors.ErrorsError, match=r"no explanation: ch/new_mistake\.py"):
        errors.load(data, snippets)


@pytest.mark.parametrize("old, new, message", [
    ("  zh_fix: x\n", "", "'zh_fix' is missing"),
    ("ch/explained.py:\n", "'ch/explained.py:nowhere':\n", "no section 'nowhere'"),
    ("ch/explained.py:\n", "ch/missing.py:\n", "no program snippets/ch/missing.py"),
])
def test_a_malformed_entry_is_refused_with_a_message(tmp_path, old, new, message):
    snippets = tmp_path / "snippets"
    (snippets / "ch").mkdir(parents=True)
    (snippets / "ch" / "explained.py").write_text("# expected-error: KeyError\n{}['x']\n", encoding="utf-8")
    fields = "".join(f"  {name}: {'ch-explained' if name == 'id' else 'x'}\n" for name in errors.FIELDS)
    (tmp_path / "errors.yml").write_text(("ch/explained.py:\n" + fields).replace(old, new), encoding="utf-8")
    with pytest.raises(errors.ErrorsError, match=re.escape(message)):
        errors.load(tmp_path / "errors.yml", snippets)


def shown_message(entry) -> str:
    return errors.message(entry, runner.run(entry.program))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_has_each_entry_with_the_message_of_its_run_and_a_link_to_its_chapter(site, language):
    path = page_path(language, "errors")
    page = soup(site, path)
    assert "**" not in page.find("article").get_text(), f"{path}: Markdown emphasis left as asterisks"
    for entry in entries():
        heading = page.find(id=entry.id)
        assert heading is not None and heading.name == "h2", f"{path}: no entry #{entry.id}"
        assert heading.get_text().strip().startswith(entry.text("title", language).replace("`", ""))
        block = heading.find_next("pre")
        # (Markdown turns tabs into spaces, on the chapter pages too)
        assert block.get_text().strip() == shown_message(entry).expandtabs(4), f"{path}#{entry.id}: not the message of the run"
        links = []
        for sibling in heading.find_next_siblings():
            if sibling.name == "h2":
                break
            links += [a["href"] for a in sibling.find_all("a", href=True)
                      if "glossary-term" not in a.get("class", []) and "#" in a["href"][1:] and not a["href"].startswith("#")]
        assert links, f"{path}#{entry.id}: no link to the chapter that shows the error"
        target = urlsplit(urljoin(path, links[-1]))
        chapter = soup(site, target.path)
        assert chapter.find(id=target.fragment), f"{path}#{entry.id}: {links[-1]} has no such section"
        # the chapter shows the program (its code block's title names it)
        assert f"snippets/{entry.program}" in chapter.get_text(), f"{target.path} does not show {entry.program}"


def test_no_program_holds_the_message_it_is_meant_to_produce():
    for entry in entries():
        source = (runner.SNIPPETS / entry.program).read_text(encoding="utf-8")
        first = shown_message(entry).splitlines()[0]
        words = first.split(": ", 1)[-1][:40]
        assert first not in source, f"{entry.program} contains its own message {first!r}"
        if len(words) >= 20:  # a short one such as KeyError: 'LOCAL_RANK' names what the program uses
            assert words not in source, f"{entry.program} contains its own message {words!r}"


def test_the_course_errors_readers_paste_are_all_there():
    messages = "\n".join(shown_message(entry) for entry in entries())
    for wanted in ["mat1 and mat2 shapes cannot be multiplied", "Expected 3D (unbatched) or 4D (batched) input",
                   "Can't get attribute 'Tudui'", "Weights only load failed", "Found no NVIDIA driver",
                   "Cannot handle this data type"]:
        assert wanted in messages, f"no entry shows {wanted!r}"
