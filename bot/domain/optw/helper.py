"""A helper search in a process of its own: ``python -m bot.domain.optw.helper`` (started by ``solve``).

It reads one pickled ``(instance, seed, deadline, settings)`` from standard input, searches until
``deadline`` (wall-clock seconds, the one clock the two processes share) and writes the pickled ``Solution``
to standard output. A plain subprocess rather than multiprocessing's spawn, which would import the caller's
main script again in the helper (running it, if that script has no ``if __name__ == "__main__"`` guard).
"""

from __future__ import annotations

import os
import pickle
import sys
import time

from bot.domain.optw.ils import IteratedLocalSearch


def main() -> int:
    # Only ``solve`` in the parent process writes this pipe.
    instance, seed, deadline, settings = pickle.loads(sys.stdin.buffer.read())  # noqa: S301
    search = IteratedLocalSearch(instance, seed=seed, settings=settings)
    solution = search.run(time_limit=max(0.0, deadline - time.time()))
    sys.stdout.buffer.write(pickle.dumps(solution))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    code = main()
    # Skip the interpreter's teardown: freeing the compiled kernels (numba, LLVM) takes ~0.3 s, which the
    # parent would wait for after the shared deadline. Nothing is left to clean up.
    os._exit(code)
