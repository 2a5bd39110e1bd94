"""Starting the server: settings from the command line, refusing unsafe ones, then uvicorn."""

from __future__ import annotations

import logging
import sys

from copydesk.engine import Engine, UsageError
from copydesk.server.app import Settings, create_app, is_loopback


def read_token(path: str | None) -> str | None:
    """The token in ``path`` (its first line), or None without a file; UsageError when unusable."""
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            token = handle.readline().strip()
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"--token-file {path}: cannot read it: {error}") from None
    if len(token) < 16:
        raise UsageError(f"--token-file {path}: the token on its first line must be at least 16 characters")
    return token


def check_host(host: str, token: str | None) -> None:
    """Refuse to listen beyond this machine without a token."""
    if not is_loopback(host) and token is None:
        raise UsageError(f"refusing to listen on {host} without a token: anyone who can reach it could "
                         "use it. Give --token-file FILE (clients send Authorization: Bearer TOKEN or "
                         "LanguageTool's apiKey), or listen on 127.0.0.1 behind a reverse proxy")


def serve(engine: Engine, host: str, port: int, settings: Settings) -> None:
    """Run the server until interrupted; checks, lexicon and models stay loaded in this process."""
    import uvicorn

    check_host(host, settings.token)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    if not settings.processes:  # word lists and models load now, not in the first editor's request
        engine.warm_up()
    app = create_app(engine, settings)  # its worker processes load theirs before it listens
    where = f"[{host}]" if ":" in host else host
    print(f"copydesk: serving on http://{where}:{port}/ (editor at /, LanguageTool API at /v2/, "
          f"native API at /api/v1/); Ctrl-C stops", file=sys.stderr)
    # uvicorn's own access log prints query strings, which may hold copy: ours prints paths only.
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning",
                limit_concurrency=settings.workers + settings.queue_size + 64, timeout_keep_alive=5,
                server_header=False)
