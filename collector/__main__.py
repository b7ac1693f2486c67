"""``python -m collector``: the same as the ``patchgap-collect`` command."""
from __future__ import annotations

from collector.cli import main

if __name__ == "__main__":
    main()
