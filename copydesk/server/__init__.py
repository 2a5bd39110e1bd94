"""``copydesk serve``: the check service and the browser editor, one front-end over the Engine.

- :mod:`copydesk.server.app` — the ASGI app: routes, limits, tokens, CORS, access log;
- :mod:`copydesk.server.languagetool` — LanguageTool's ``/v2/check`` request and response;
- :mod:`copydesk.server.documents` — the story of a native ``/api/v1/check`` request;
- :mod:`copydesk.server.drafts` — an editor's drafts, so a re-check sends only the blocks that changed;
- :mod:`copydesk.server.pool` — engine worker processes, the bounded queue and the answer cache;
- :mod:`copydesk.server.run` — settings from the command line, refusing unsafe ones, uvicorn;
- ``static/`` — the editor page and its built script (source: ``editor/`` at the repository top).
"""
