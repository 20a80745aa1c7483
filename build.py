#!/usr/bin/env python3
"""The one entry point: `python build.py --help` lists the commands (`make` installs the same
command line as `gazette`)."""

import os
import sys
from pathlib import Path

VENV = Path(__file__).resolve().parent / ".venv"

if __name__ == "__main__":
    # `python build.py` with a Python other than the project's: run again in .venv, where `make`
    # installed the requirements, so the command works as the README writes it
    if (VENV / "bin" / "python").is_file() and Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(VENV / "bin" / "python", [str(VENV / "bin" / "python"), *sys.argv])
    from gazette.cli import main
    sys.exit(main())
