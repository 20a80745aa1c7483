#!/usr/bin/env python3
"""The one entry point: `python build.py --help` lists the commands."""

import sys

from gazette.cli import main

if __name__ == "__main__":
    sys.exit(main())
