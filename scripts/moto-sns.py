"""moto's SNS backend alone, for the benchmarks (scripts/bench-store.sh): SNS's API at `/` and
moto's own API (`/moto-api/data.json`: the messages sent) beside it, on werkzeug's threaded
server as `moto_server` runs them, without its per-request log line.

`moto_server` serves every AWS service through one dispatcher that works out, for each request,
which service it is for, and logs each request: measured with py-spy while SMS were published,
the dispatcher took 25 % of moto's CPU and the log line 16 %; moto's SNS itself about 11 %.
On this machine 2,000 `Publish` calls cost moto 7.7 s of CPU through `moto_server`, 4.8 s
here. The notices' benchmark is meant to measure `notify`, not moto's dispatcher.

Usage: python3 scripts/moto-sns.py PORT
"""

import logging
import sys

from moto.server import create_backend_app
from werkzeug.serving import run_simple

logging.getLogger("werkzeug").setLevel(logging.ERROR)

sns = create_backend_app("sns")
moto_api = create_backend_app("moto_api")


def app(environ, start_response):
    """SNS, or moto's API under `/moto-api/`."""
    if environ.get("PATH_INFO", "").startswith("/moto-api/"):
        return moto_api(environ, start_response)
    return sns(environ, start_response)


if __name__ == "__main__":
    run_simple("127.0.0.1", int(sys.argv[1]), app, threaded=True)
