"""Run one piece of work in a forked child process and measure it as a worker would see it.

The child starts from this process (Django set up, code imported: an idle worker), resets its peak
resident size, runs the work, and reports the peak growth over where it started (VmHWM - VmRSS from
/proc), the wall time and the outcome. It gets an address-space cap and a timeout, so work that is not
bounded fails the test instead of taking the machine down.
"""

import multiprocessing
import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Measurement:
    outcome: str  # "ok: ...", "refused: <message>", "error: <exception>", "timeout", "killed"
    peak_mb: float  # the peak resident size above the child's size at the start
    seconds: float


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def _child(work: Callable[[], str], cap_bytes: int, pipe) -> None:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")  # reset the peak (VmHWM) to what the child holds now
    except OSError:
        pass
    start_kb = _status_kb("VmRSS")
    size = _status_kb("VmSize") * 1024
    resource.setrlimit(resource.RLIMIT_AS, (size + cap_bytes, resource.RLIM_INFINITY))
    started = time.perf_counter()
    try:
        outcome = work()
    except MemoryError:
        outcome = "error: MemoryError"
    except Exception as error:  # noqa: BLE001 - the outcome is reported, whatever it is
        outcome = f"error: {error.__class__.__name__}: {str(error)[:200]}"
    seconds = time.perf_counter() - started
    pipe.send(Measurement(outcome, (_status_kb("VmHWM") - start_kb) / 1024, seconds))
    pipe.close()
    os._exit(0)  # no atexit, no database connection closed from here: they belong to the parent


def measure(work: Callable[[], str], *, timeout: float = 60, cap_bytes: int = 2048 * MB) -> Measurement:
    """`work()` in a forked child: its outcome, peak memory growth (MB) and time (s)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    started = time.perf_counter()
    process = context.Process(target=_child, args=(work, cap_bytes, sender))
    process.start()
    sender.close()
    if receiver.poll(timeout):
        try:
            result = receiver.recv()
        except EOFError:
            result = Measurement("killed", float("nan"), time.perf_counter() - started)
    else:
        result = Measurement("timeout", float("nan"), time.perf_counter() - started)
    process.kill()
    process.join(10)
    return result
