"""Background renders (the PDFs): the Celery task base they share, their limits and their failures.

A render runs in a Celery task under soft and hard time limits and a cap on the memory it may add to its
worker process. Whatever stops it ends as a message on its row that the user reads, and the user may ask
again:

- an error, WeasyPrint's FatalURLFetchingError (a BaseException that `except Exception` never sees) and the
  soft time limit leave `RenderTask.limits()` as a RenderError (an Exception) and are recorded at once;
- passing trouble (out of memory, the database or disk) is a TransientRenderError, retried by Celery's
  autoretry with back-off, and recorded when the last retry fails;
- the hard time limit kills the pool child; Celery then calls the task's `on_failure` in the worker. It is
  also the backstop of the soft limit, whose exception is lost when its signal lands in a destructor
  (WeasyPrint's FontConfiguration.__del__, seen here);
- a child that dies (a C library out of memory) has its message redelivered (acks_late); the services count
  the starts and record the failure instead of starting a render for the (MAX_ATTEMPTS + 1)th time;
- a row still "generating" after TIME_LIMIT (the broker lost the message) may be asked for again.
"""

import os
import resource
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _

from lifeport.lib.pdf import PDFError

# WeasyPrint on a long report: about 3 s for 14 pages here; the limits leave room and stop a runaway.
SOFT_TIME_LIMIT, TIME_LIMIT = 90, 120
# Passing trouble is retried MAX_RETRIES times, after RETRY_BACKOFF, 2 × RETRY_BACKOFF, … seconds.
MAX_RETRIES = 1
RETRY_BACKOFF = 10
MAX_ATTEMPTS = MAX_RETRIES + 1
MB = 1024 * 1024


class RenderError(Exception):
    """A render that failed; its text is the message the user reads."""


class TransientRenderError(RenderError):
    """A failure that may pass (memory, the database, the disk): retried before it is recorded."""


def render_memory_bytes() -> int:
    return settings.PDF_RENDER_MEMORY_MB * MB


def _in_pool_child() -> bool:
    from billiard.process import current_process

    return current_process().name.startswith("ForkPoolWorker")


def _address_space() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


@contextmanager
def memory_limit(extra_bytes: int, *, enabled: bool | None = None) -> Iterator[None]:
    """Cap the process's address space at its current size + `extra_bytes` for the duration.

    Only in a prefork pool child (one task at a time per process): a solo worker or an eager task runs
    inside another program (a test run, a web worker) whose memory is not ours to cap.
    """
    if not (_in_pool_child() if enabled is None else enabled):
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _address_space() + extra_bytes
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _could_not(detail: str) -> str:
    return _("The PDF could not be made: %(error)s") % {"error": detail[:500] or _("unknown error")}


def too_long_message(seconds: float) -> str:
    return _("Making the PDF took longer than %(seconds)s seconds, so it was stopped. Try again; if it keeps "
             "happening, tell the programme office.") % {"seconds": f"{seconds:g}"}  # fmt: skip


def interrupted_message() -> str:
    return _("The worker stopped while making the PDF (it may have run out of memory). Try again; if it keeps "
             "happening, tell the programme office.")  # fmt: skip


def not_finished_message() -> str:
    return _("The PDF was not made in time: no worker finished it. Ask for it again.")


def render_is_stale(requested_at: datetime) -> bool:
    """Asked for longer ago than a render may run: its task is gone, so it may be asked for again."""
    return timezone.now() - requested_at > timedelta(seconds=TIME_LIMIT)


class RenderTask(Task):
    """The base of every render task: limits, retries and the recorded failure.

    A subclass says where a failure is recorded (`record_failure`, called with the message and the task's
    arguments); the task body runs its one service call inside `with self.limits():`.
    """

    acks_late = True
    soft_time_limit = SOFT_TIME_LIMIT
    time_limit = TIME_LIMIT
    autoretry_for = (TransientRenderError,)
    max_retries = MAX_RETRIES
    retry_backoff = RETRY_BACKOFF
    retry_jitter = False

    def record_failure(self, message: str, *args, **kwargs) -> None:
        raise NotImplementedError

    def _soft_limit(self) -> float:
        limits = getattr(self.request, "timelimit", None) or (None, None)
        return limits[1] or self.soft_time_limit

    @contextmanager
    def limits(self) -> Iterator[None]:
        """Run a render under the memory cap; whatever stops it leaves as a RenderError (an Exception).

        A failure that cannot pass is final, so it is recorded here at once, also where `on_failure` is not
        called (eager tasks that propagate their errors: the demo without a broker); passing trouble is left to
        Celery's retries and then to `on_failure`."""
        try:
            with self._converted_errors():
                yield
        except TransientRenderError:
            raise
        except RenderError as error:
            self.record_failure(str(error), *(self.request.args or ()), **(self.request.kwargs or {}))
            raise

    @contextmanager
    def _converted_errors(self) -> Iterator[None]:
        try:
            with memory_limit(render_memory_bytes()):
                yield
        except RenderError:
            raise
        except SoftTimeLimitExceeded:
            raise RenderError(too_long_message(self._soft_limit())) from None
        except MemoryError:
            message = _("Making the PDF needed more than the %(megabytes)s MB of memory it may use.")
            raise TransientRenderError(message % {"megabytes": settings.PDF_RENDER_MEMORY_MB}) from None
        except PDFError as error:
            raise RenderError(_could_not(str(error))) from error
        except (OperationalError, InterfaceError, OSError) as error:
            raise TransientRenderError(_could_not(f"{error.__class__.__name__}: {error}")) from error
        except (KeyboardInterrupt, SystemExit, GeneratorExit):
            raise  # the worker is stopping: the message is redelivered (acks_late)
        except BaseException as error:
            raise RenderError(_could_not(f"{error.__class__.__name__}: {error}")) from error

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        """The last word on a render: after the last retry, on an error, or (in the worker) on the hard time limit."""
        if isinstance(exc, RenderError):
            message = str(exc)
        elif isinstance(exc, TimeLimitExceeded):
            message = too_long_message(exc.args[0] if exc.args else self.time_limit)
        else:
            message = _could_not(f"{exc.__class__.__name__}: {exc}")
        self.record_failure(message, *args, **kwargs)
