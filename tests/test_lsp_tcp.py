"""``copydesk lsp --tcp PORT``: the debugging transport, on loopback only."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

COPYDESK = str(Path(sys.executable).with_name("copydesk"))


def test_tcp_for_debugging_listens_on_loopback(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([COPYDESK, "lsp", "--tcp", str(port)], cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(300):
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=30)
                break
            except ConnectionRefusedError:
                if server.poll() is not None:
                    pytest.fail(server.stderr.read().decode())
                time.sleep(0.1)
        else:
            pytest.fail("copydesk lsp --tcp never listened")
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                           "params": {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}}})
        with connection:
            connection.sendall(f"Content-Length: {len(body)}\r\n\r\n{body}".encode())
            reply = b""
            while b"serverInfo" not in reply or not reply.rstrip().endswith(b"}"):
                chunk = connection.recv(65536)
                assert chunk, reply
                reply += chunk
            # Listening (state 0A) on 127.0.0.1, not on every address, as the kernel's socket table
            # says (the table is the machine's: another process may listen on the same port
            # elsewhere). Read while the client is connected: the server may stop listening once
            # its one client has gone.
            listening = [line.split()[1] for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
                         if line.split()[3] == "0A" and line.split()[1].endswith(f":{port:04X}")]
        answer = json.loads(reply.split(b"\r\n\r\n", 1)[1])
        assert answer["id"] == 1 and answer["result"]["serverInfo"]["name"] == "copydesk"
        assert answer["result"]["capabilities"]["positionEncoding"] == "utf-16"
        assert f"0100007F:{port:04X}" in listening, listening
        assert f"00000000:{port:04X}" not in listening, listening
    finally:
        server.terminate()
        server.wait(10)
