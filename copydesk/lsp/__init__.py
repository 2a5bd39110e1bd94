"""``copydesk lsp``: the language server front-end (pygls + lsprotocol) over the same Engine as ``check``."""

from __future__ import annotations


def serve(tcp_port: int | None = None, rules_file: str | None = None) -> int:
    """Run the language server on standard input/output, or on 127.0.0.1:``tcp_port``; returns an exit code."""
    import gc

    from copydesk.lsp.preload import FirstCheck

    # Forked before the protocol modules are imported: the twin loads the checks while they import.
    first_check = FirstCheck.start(rules_file)
    # lsprotocol builds some 570 classes as it is imported, all kept for good: the cycle collector would only
    # go over them again and again (a tenth of the import), so it waits, and then leaves them out for good.
    gc.disable()
    from copydesk.lsp.server import create_server

    server = create_server(rules_file, first_check)
    gc.freeze()
    gc.enable()
    if tcp_port is None:
        server.start_io()
    else:
        server.start_tcp("127.0.0.1", tcp_port)
    return 0
