"""English prose in the Indonesian brief: the visible text minus code, addresses and names.

Used by test_brief_html.py (fixture briefs) and test_browser.py (release briefs). A word from
:data:`ENGLISH` that stands alone in the visible text of an Indonesian brief is a leak: these
function words do not occur in Indonesian prose. URLs, file names, ``<code>`` and the
provenance footer (commit, hashes, command) are not prose and are left out.
"""
from __future__ import annotations

import html as _html
import re

ENGLISH = {"the", "and", "of", "with", "not", "is", "are", "from", "for", "this", "that", "to", "by", "was", "were",
           "be", "or", "an", "on", "at", "which", "than", "only", "each", "within", "between", "into", "these",
           "those", "has", "have", "it", "its", "their", "there", "when", "would", "should", "been", "but", "thousand",
           "percent", "points", "estimate", "estimates", "source", "sources", "corrected", "dropped"}
DROP = [re.compile(p, re.S | re.I) for p in (r"<style.*?</style>", r"<script.*?</script>", r"<code>.*?</code>",
                                               r'<footer class="provenance">.*?</footer>', r"<title>.*?</title>")]
TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*")
ADDRESS = re.compile(r"\S*_\S*|\S*[/\\]\S*|\S+\.(?:csv|html|yaml|py|ipynb|json|png)\b|\S+\.(?:id|com|co|org|asia|example)\b\S*")


def visible_text(page: str) -> str:
    for rx in DROP:
        page = rx.sub(" ", page)
    page = re.sub(r'alt="[^"]*"', " ", page)
    text = _html.unescape(re.sub(r"<[^>]+>", " ", page))
    return ADDRESS.sub(" ", text)


def english_leaks(page: str, allowed: set[str] = frozenset()) -> list[str]:
    """Contexts (40 characters) of every English function word in the visible text."""
    text = visible_text(page)
    out = []
    for m in TOKEN.finditer(text):
        w = m.group(0)
        if w in ENGLISH and w not in allowed:
            out.append(" ".join(text[max(0, m.start() - 40):m.end() + 40].split()))
    return out
