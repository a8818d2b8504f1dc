"""Where one warm request of the district dashboard spends its time: cProfile around Django's
whole WSGI handler (every middleware, the view, the templates), logged in by the session
cookie `http_load` makes, with the server's settings (Redis cache, DEBUG off).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dash \
        python -m bench.dashboard_profile [--requests 500] [--path /] [--top 30]

Prints the mean wall time per request of the dashboard and of the bare view (`/healthz`)
in this process, then the profile of the dashboard's requests sorted by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--path", default="/")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime")
    args = parser.parse_args()
    from bench.http_load import _env

    os.environ.update(_env(os.environ["DATABASE_URL"], tempfile.mkdtemp()))
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)

    from bench.http_load import session_cookie_for

    cookie = session_cookie_for("bench-district-admin")
    handler = WSGIHandler()

    def environ(path: str) -> dict:
        return {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_COOKIE": f"sessionid={cookie}",
            "HTTP_ACCEPT_LANGUAGE": "ru",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }

    def one(path: str) -> None:
        status = []
        body = handler(environ(path), lambda s, h, exc_info=None: status.append(s))
        b"".join(body)
        if hasattr(body, "close"):
            body.close()
        if not status[0].startswith("200"):
            raise SystemExit(f"{path} answered {status[0]}")

    for _ in range(20):  # warm the caches, the templates, the connections
        one(args.path)
        one("/healthz")
    timings = {}
    for path in ("/healthz", args.path):
        started = time.perf_counter()
        for _ in range(args.requests):
            one(path)
        timings[path] = (time.perf_counter() - started) / args.requests * 1000
    print(
        f"per request, ms: bare {timings['/healthz']:.3f}, {args.path} {timings[args.path]:.3f}, "
        f"load {os.getloadavg()[0]:.2f}"
    )
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        one(args.path)
    profile.disable()
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
