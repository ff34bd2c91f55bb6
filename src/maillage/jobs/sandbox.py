"""Running untrusted parsing in a child process with a memory and a time limit.

A decompression bomb, a parser stuck in a loop or a crash in a C library ends the child, never the
worker: the parent (a task in ``db_worker``) gets a French message and goes on with the next task.
The child is forked, so it starts at once with Django loaded; it talks to the parent through a pipe
(progress, then the result) and never touches the database.
"""

import multiprocessing
import resource
import signal
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _


class SandboxFailure(Exception):
    """The child did not finish: the message is French and says why (memory, time, crash)."""


@dataclass
class Usage:
    """What the child cost: its peak resident memory and its wall-clock time."""

    peak_bytes: int = 0
    seconds: float = 0.0


def _address_space() -> int:
    """The process's virtual size now: the child's limit is this plus the memory it is allowed."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child(connection, function, args, memory: int, seconds: int) -> None:
    if memory:
        limit = _address_space() + memory
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if seconds:
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the worker, which stops the child

    def progress(done: int, total: int) -> None:
        connection.send(("progress", done, total))

    try:
        result = function(*args, progress=progress)
        connection.send(("result", result))
    except BaseException as error:  # noqa: BLE001 — everything goes back to the parent as data
        if _out_of_memory(error):  # raised by the parser, perhaps wrapped by a reader's own message
            connection.send(("memory", None))
        else:
            connection.send(("exception", (error, traceback.format_exc())))
    finally:
        connection.close()


def _out_of_memory(error: BaseException | None) -> bool:
    seen = 0
    while error is not None and seen < 20:
        if isinstance(error, MemoryError):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def run_limited(
    function: Callable,
    *args,
    progress: Callable[[int, int], None] | None = None,
    heartbeat: Callable[[], None] | None = None,
    memory: int | None = None,
    seconds: int | None = None,
    usage: Usage | None = None,
):
    """``function(*args, progress=…)`` in a child process; its return value, or its exception re-raised.

    ``memory`` (bytes the child may allocate beyond the parent's size) and ``seconds`` (wall clock, and
    CPU) default to ``MAILLAGE_IMPORT_MAX_MEMORY`` and ``MAILLAGE_IMPORT_TIME_LIMIT``. ``heartbeat()`` is
    called every ``MAILLAGE_JOB_HEARTBEAT_SECONDS`` while the child works. Raises SandboxFailure when the
    child runs out of memory or time, or dies."""
    memory = settings.MAILLAGE_IMPORT_MAX_MEMORY if memory is None else memory
    seconds = settings.MAILLAGE_IMPORT_TIME_LIMIT if seconds is None else seconds
    beat = max(1, int(getattr(settings, "MAILLAGE_JOB_HEARTBEAT_SECONDS", 10)))
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sending, function, args, memory, seconds), daemon=True)
    started = time.monotonic()
    child.start()
    sending.close()
    outcome = None
    last_beat = started
    try:
        while outcome is None:
            if receiving.poll(min(beat, 1)):
                try:
                    message = receiving.recv()
                except (EOFError, OSError):
                    break
                if message[0] == "progress":
                    if progress:
                        progress(message[1], message[2])
                else:
                    outcome = message
            elif not child.is_alive():
                break
            now = time.monotonic()
            if heartbeat and now - last_beat >= beat:
                heartbeat()
                last_beat = now
            if seconds and now - started > seconds:
                child.kill()
                raise SandboxFailure(
                    _("la lecture a dépassé la limite de %(seconds)d secondes (réglage MAILLAGE_IMPORT_TIME_LIMIT).")
                    % {"seconds": seconds}
                )
    finally:
        receiving.close()
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
            child.join()
        if usage is not None:
            usage.seconds = time.monotonic() - started
            usage.peak_bytes = _children_peak()
    if outcome is None:
        code = child.exitcode
        if code in (-signal.SIGXCPU, -signal.SIGKILL) and seconds and time.monotonic() - started > seconds:
            raise SandboxFailure(
                _("la lecture a dépassé la limite de %(seconds)d secondes (réglage MAILLAGE_IMPORT_TIME_LIMIT).")
                % {"seconds": seconds}
            )
        if code == -signal.SIGXCPU:
            raise SandboxFailure(
                _("la lecture a dépassé la limite de %(seconds)d secondes (réglage MAILLAGE_IMPORT_TIME_LIMIT).")
                % {"seconds": seconds}
            )
        raise SandboxFailure(
            _("le lecteur s'est arrêté en cours de route (code %(code)s) : le fichier est peut-être trop lourd à lire.")
            % {"code": code}
        )
    kind, value = outcome
    if kind == "result":
        return value
    if kind == "memory":
        raise SandboxFailure(
            _(
                "la lecture demandait plus de %(limit)s de mémoire (réglage MAILLAGE_IMPORT_MAX_MEMORY) : "
                "le fichier est trop lourd, ou construit pour saturer le serveur."
            )
            % {"limit": f"{memory / 1024 / 1024:.0f} Mo"}
        )
    error, _trace = value
    raise error


def _children_peak() -> int:
    """The largest resident size any finished child of this process reached (bytes, Linux)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def own_peak() -> int:
    """This process's own peak resident size (bytes, Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


__all__ = ["SandboxFailure", "Usage", "own_peak", "run_limited"]
