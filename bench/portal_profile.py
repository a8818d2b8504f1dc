"""Per-request cost of /healthz and /portal/ through the real WSGI handler (all middleware),
and a cProfile of the path given (branch portal-speed, bench/NOTES.md)."""

import cProfile
import io
import os
import pstats
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, os.getcwd())
from config.wsgi import application


def environ(path, cookie=""):
    env = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1:8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "HTTP_USER_AGENT": "wrk",
    }
    if cookie:
        env["HTTP_COOKIE"] = cookie
    return env


def call(path, cookie=""):
    out = {}

    def start_response(status, headers, exc_info=None):
        out["status"], out["headers"] = status, headers

    result = application(environ(path, cookie), start_response)
    body = b"".join(result)
    if hasattr(result, "close"):
        result.close()
    return out["status"], out["headers"], body


def per_request(path, n, cookie=""):
    start = time.perf_counter()
    for _ in range(n):
        call(path, cookie)
    return (time.perf_counter() - start) / n * 1e6


if __name__ == "__main__":
    n = int(os.environ.get("N", "2000"))
    for path in ("/healthz", "/portal/"):
        status, headers, body = call(path)
        print(path, status, len(body), "bytes")
        for h in headers:
            print("   ", h)
    for _ in range(2):
        for path in ("/healthz", "/portal/"):
            print(f"{path}: {per_request(path, n):.0f} µs/request")
    if len(sys.argv) > 1:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            call(sys.argv[1])
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(35)
        stats.sort_stats("cumtime").print_stats(60)
