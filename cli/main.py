"""Entry point of the `jtcompare` command: the app with every command module registered.

Each command module (library, importing, ...) adds its commands to `cli.app.app`.
"""

import jtcompare.cli.importing  # noqa: F401  (registers import)
from jtcompare.cli import align, brief, export, library, matrix, view  # noqa: F401  (registers the commands)
from jtcompare.cli.app import app

__all__ = ["app"]

if __name__ == "__main__":  # pragma: no cover
    app()
