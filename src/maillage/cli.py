"""The ``maillage`` console command: Django's management commands under the product's name.

``maillage migrate``, ``maillage export SLUG --format json``, ``maillage demo``… all go through
Django's command-line utility with Maillage's settings.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "maillage"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
