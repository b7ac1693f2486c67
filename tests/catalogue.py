"""What the catalogue tests of the server and of the collector share."""
from __future__ import annotations

import string


def fields(template: str) -> set[str]:
    """The placeholders of a format string, with their conversions (``{url!r}``)."""
    return {f"{name}!{conversion}" if conversion else name
            for _, name, _, conversion in string.Formatter().parse(template) if name is not None}
