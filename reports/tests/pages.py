"""Read a report page's tables back out of its HTML, as a person sees them."""

from html.parser import HTMLParser

# Text a sighted reader does not see as part of the figure.
HIDDEN_CLASSES = {"nhsuk-table-responsive__heading", "nhsuk-u-visually-hidden"}
# A chart's own table repeats figures of the report's tables (or sessions of other months).
SKIPPED_CLASSES = {"app-chart-table"}


class _Tables(HTMLParser):
    def __init__(self, skipped=frozenset(SKIPPED_CLASSES)):
        super().__init__()
        self._skipped = set(skipped)
        self.tables: dict[str, dict[tuple[str, str], str]] = {}
        self._hidden_depth = 0
        self._text: list[str] | None = None
        self._caption = self._row = None
        self._columns: list[str] = []
        self._column = 0
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        if self._hidden_depth or classes & (HIDDEN_CLASSES | self._skipped):
            self._hidden_depth += 1
            return
        if tag == "thead":
            self._in_head, self._columns = True, []
        elif tag == "tr":
            self._column = 0
        elif tag in ("caption", "th", "td"):
            self._text = []

    def handle_endtag(self, tag):
        if self._hidden_depth:
            self._hidden_depth -= 1
            return
        if tag == "thead":
            self._in_head = False
        if tag not in ("caption", "th", "td") or self._text is None:
            return
        text = " ".join("".join(self._text).split())
        self._text = None
        if tag == "caption":
            self._caption = text
            self.tables[text] = {}
        elif self._in_head:
            self._columns.append(text)
        elif tag == "th":
            self._row, self._column = text, 1
        else:
            self.tables[self._caption][(self._row, self._columns[self._column])] = text
            self._column += 1

    def handle_data(self, data):
        if self._text is not None and not self._hidden_depth:
            self._text.append(data)


def page_tables(html: str, *, charts: bool = False) -> dict[str, dict[tuple[str, str], str]]:
    """{caption: {(row label, column heading): figure}} for every report table
    (and, with `charts`, only the tables of the charts' figures)."""
    parser = _Tables(skipped=set() if charts else SKIPPED_CLASSES)
    parser.feed(html)
    if charts:
        return {caption: cells for caption, cells in parser.tables.items()
                if caption not in page_tables(html)}
    return parser.tables
