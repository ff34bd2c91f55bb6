"""A supervisor of child processes: each is restarted when it dies; one marked essential ends them all.

``maillage worker`` supervises one ``db_worker`` per queue (imports, exports, webhooks) and sweeps stale jobs;
``maillage demo`` supervises the web server and ``maillage worker``. Killing a child (``kill -9`` of a
worker, the OOM killer) never ends the supervisor: the child is started again, with a pause that grows
when it keeps dying. SIGTERM or Ctrl-C stops the children (SIGTERM, then SIGKILL after a delay) and the
supervisor. On Linux, children get SIGTERM when the supervisor itself is killed (PR_SET_PDEATHSIG).
"""

import contextlib
import ctypes
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


def _die_with_parent() -> None:  # runs in the child, between fork and exec
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Child:
    name: str
    command: list[str]
    essential: bool = False  # when it ends, the supervisor stops everything and ends with its code
    process: subprocess.Popen | None = None
    deaths: deque = field(default_factory=lambda: deque(maxlen=5))
    restart_at: float = 0.0


class Supervisor:
    def __init__(
        self,
        children: list[Child],
        *,
        environment: dict | None = None,
        log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
        every: Callable[[], None] | None = None,
        every_seconds: float = 30,
        stop_timeout: float = 20,
        poll: float = 0.5,
    ):
        self.children = children
        self.environment = environment
        self.log = log
        self.every, self.every_seconds = every, every_seconds
        self.stop_timeout, self.poll = stop_timeout, poll
        self.stopping = False
        self.exit_code = 0

    def start(self, child: Child) -> None:
        child.process = subprocess.Popen(child.command, env=self.environment, preexec_fn=_die_with_parent)
        self.log(f"{child.name} : lancé (processus {child.process.pid}).")

    def _stop(self, *_signal) -> None:
        self.stopping = True

    def run(self) -> int:
        in_main = threading.current_thread() is threading.main_thread()  # signals reach the main thread only
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM, signal.SIGINT)} if in_main else {}
        try:
            for child in self.children:
                self.start(child)
            last_every = 0.0
            while not self.stopping:
                now = time.monotonic()
                if self.every and now - last_every >= self.every_seconds:
                    last_every = now
                    self.every()
                for child in self.children:
                    if child.process is None:
                        if now >= child.restart_at:
                            self.start(child)
                        continue
                    code = child.process.poll()
                    if code is None:
                        continue
                    if child.essential:
                        self.log(f"{child.name} : arrêté (code {code}) ; arrêt de l'ensemble.")
                        self.exit_code = code
                        self.stopping = True
                        break
                    child.deaths.append(now)
                    pause = 1.0 if len(child.deaths) < child.deaths.maxlen or now - child.deaths[0] > 60 else 30.0
                    self.log(f"{child.name} : arrêté (code {code}) ; relancé dans {pause:.0f} s.")
                    child.process, child.restart_at = None, now + pause
                time.sleep(self.poll)
        finally:
            self._stop_children()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return self.exit_code

    def _stop_children(self) -> None:
        running = [child for child in self.children if child.process and child.process.poll() is None]
        for child in running:
            child.process.terminate()
        deadline = time.monotonic() + self.stop_timeout
        for child in running:
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()
