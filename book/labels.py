"""The text the build writes onto pages and into downloads, in each language (book/labels.yml)."""

from pathlib import Path

import yaml

LABELS = yaml.safe_load(Path(__file__).with_name("labels.yml").read_text(encoding="utf-8"))


def label(key: str, language: str, **values) -> str:
    """The text `key` in `language`, with `{name}` fields filled in from `values`."""
    return LABELS[key][language].format(**values)
