#!/usr/bin/env python
"""Django's manage.py; the same as the ``timbalans`` command."""

from timbalans.cli import main

if __name__ == "__main__":
    main()
