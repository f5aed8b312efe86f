"""Formulas as MathML, made when the book is built.

Pages write LaTeX between `$…$` (in a sentence) or `$$…$$` (on its own lines);
pymdownx.arithmatex keeps it away from Markdown and wraps it in an element of class
"arithmatex". Here each one becomes MathML (latex2mathml), which browsers draw themselves:
a page needs no math script, stylesheet or font, and one without formulas loads nothing for them.
The LaTeX stays in the page as the formula's `alttext`.
"""

from __future__ import annotations

import html
import re

from latex2mathml.converter import convert

FORMULA = re.compile(
    r'<span class="arithmatex">\\\((?P<inline>.*?)\\\)</span>'
    r'|<div class="arithmatex">\\\[(?P<block>.*?)\\\]</div>',
    re.DOTALL,
)


# latex2mathml keeps LaTeX's escapes in text (\text{kernel\_size}); LaTeX prints the bare character.
TEXT_ESCAPE = re.compile(r"(<mtext[^>]*>)(.*?)(</mtext>)", re.DOTALL)


class MathError(ValueError):
    """A formula cannot be turned into MathML; the message quotes it."""


def to_mathml(latex: str, display: str) -> str:
    try:
        mathml = convert(latex, display=display)
    except Exception as error:  # latex2mathml raises several kinds for bad input
        raise MathError(f"cannot read the formula {latex!r}: {error}") from None
    mathml = TEXT_ESCAPE.sub(lambda m: m.group(1) + re.sub(r"\\([_%&#$])", r"\1", m.group(2)) + m.group(3), mathml)
    alt = html.escape(" ".join(latex.split()), quote=True)
    return mathml.replace("<math ", f'<math alttext="{alt}" ', 1)


def render(content: str) -> str:
    """The page's HTML with every arithmatex formula replaced by MathML."""

    def replaced(match: re.Match) -> str:
        block = match.group("block")
        if block is not None:
            # a wide formula scrolls sideways (docs/assets/book.css): the keyboard can reach it too
            mathml = to_mathml(html.unescape(block).strip(), "block").replace("<math ", '<math tabindex="0" ', 1)
            return f'<div class="arithmatex">{mathml}</div>'
        return f'<span class="arithmatex">{to_mathml(html.unescape(match.group("inline")).strip(), "inline")}</span>'

    return FORMULA.sub(replaced, content)
