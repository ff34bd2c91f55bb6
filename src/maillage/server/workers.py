"""How many web processes and threads ``maillage serve`` starts, from the machine's cores.

Maillage's views are synchronous and spend much of their time in the database: gunicorn's ``gthread``
workers (processes, each with a few threads) keep the cores busy while a request waits on a query, and
use less memory than as many processes. docs/deployment.md gives the measures behind the defaults.
"""

import os


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    return 2 * cores() + 1


DEFAULT_THREADS = 4
