"""``python -m server`` is ``patchgap``."""
from server.cli import main

main()
