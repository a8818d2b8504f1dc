"""Where one warm request of a list page spends its CPU: the page and its floor
(`/bench/list-floor/NAME`) served in this process through Django's whole WSGI handler (every
middleware, the view, the templates), as the users `http_load.list_pages` logs in, with the
server's settings (Redis cache, DEBUG off).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pervichka_bench \
        python -m bench.list_profile [--page appeals_chair] [--requests 200] [--top 30]

Prints the process time (CPU of this process: what the database does in its own process is
not in it, so the figure barely moves with the machine's load) and the wall time per request
of the page and of its floor, requests alternating, then the profile of the page's requests.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from urllib.parse import urlsplit


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--page", default="appeals_chair")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--save", help="write the page's body here (to diff two checkouts)")
    parser.add_argument("--path", help="another address for the page, as the same user")
    args = parser.parse_args()
    from bench.http_load import _env

    os.environ.update(_env(os.environ["DATABASE_URL"], tempfile.mkdtemp()))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)

    from bench.http_load import list_pages

    urls, sql = list_pages()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as sql_file:
        json.dump(sql, sql_file)
    os.environ["BENCH_LIST_SQL"] = sql_file.name
    page, cookie = urls[args.page]
    page = args.path or page
    floor = f"/bench/list-floor/{args.page}"
    handler = WSGIHandler()

    def environ(url: str, session: str | None) -> dict:
        parts = urlsplit(url)
        return {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": parts.path,
            "QUERY_STRING": parts.query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_COOKIE": f"sessionid={session}" if session else "",
            "HTTP_ACCEPT_LANGUAGE": "ru",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }

    def one(url: str, session: str | None) -> bytes:
        status = []
        body = handler(environ(url, session), lambda s, h, exc_info=None: status.append(s))
        content = b"".join(body)
        if hasattr(body, "close"):
            body.close()
        if not status[0].startswith("200"):
            raise SystemExit(f"{url} answered {status[0]}")
        return content

    for _ in range(20):  # warm the caches, the templates, the connections
        one(page, cookie)
        one(floor, None)
    if args.save:
        with open(args.save, "wb") as fh:
            fh.write(one(page, cookie))
    cpu: dict[str, list[float]] = {page: [], floor: []}
    wall: dict[str, list[float]] = {page: [], floor: []}
    for _ in range(args.requests):
        for url, session in ((page, cookie), (floor, None)):
            started, started_cpu = time.perf_counter(), time.process_time()
            one(url, session)
            cpu[url].append((time.process_time() - started_cpu) * 1000)
            wall[url].append((time.perf_counter() - started) * 1000)
    median = statistics.median
    collections = _gc_pauses(lambda: [one(page, cookie) for _ in range(args.requests)])
    print(
        f"garbage collections in {args.requests} page requests (generation: count, ms): "
        + ", ".join(f"{g}: {n}, {ms:.1f}" for g, (n, ms) in collections.items())
        + f"; objects tracked {len(gc.get_objects())}"
    )
    print(
        f"{args.page} {page}: per request, median ms — process time: page "
        f"{median(cpu[page]):.2f}, floor {median(cpu[floor]):.2f}; wall: page "
        f"{median(wall[page]):.2f}, floor {median(wall[floor]):.2f}; "
        f"load {os.getloadavg()[0]:.2f}"
    )
    if args.top:
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for _ in range(args.requests):
            one(page, cookie)
        profile.disable()
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
    os.unlink(sql_file.name)


def _gc_pauses(run) -> dict[int, tuple[int, float]]:
    """The collector's runs during `run()` per generation: how many, and their total time."""
    pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
    started: list[float] = []

    def callback(phase: str, info: dict) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            pauses[info["generation"]].append((time.perf_counter() - started.pop()) * 1000)

    gc.callbacks.append(callback)
    try:
        run()
    finally:
        gc.callbacks.remove(callback)
    return {g: (len(p), sum(p)) for g, p in pauses.items()}


if __name__ == "__main__":
    main()
