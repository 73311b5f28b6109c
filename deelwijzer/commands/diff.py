"""`deelwijzer diff DOC [--from V] [--to V] [--json]` (implemented in deelwijzer.commands.versions)."""

from deelwijzer.commands.versions import configure_diff as configure
from deelwijzer.commands.versions import run_diff as run

__all__ = ["configure", "run"]
