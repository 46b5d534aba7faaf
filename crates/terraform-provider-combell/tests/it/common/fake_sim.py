#!/usr/bin/env python3
"""A stand-in for combell-sim that honours only its start-up and control-route contract.

The harness tests use it so that they prove the harness itself, independently of the real
simulator: `--listen HOST:PORT` (port 0 = any), the first stdout line, GET /_sim/stats
(sent chunked, to exercise that path) and POST /_sim/reset. `--fail-start` writes to stderr
and exits 3 without listening.
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

args = sys.argv[1:]
listen = "127.0.0.1:0"
for i, arg in enumerate(args):
    if arg == "--listen" and i + 1 < len(args):
        listen = args[i + 1]

if "--fail-start" in args:
    sys.stderr.write("fake-sim: refusing to start as asked (--fail-start)\n")
    sys.exit(3)

stats = {"total": 0, "by_method": {}, "by_route": {}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        sys.stderr.write("fake-sim: " + (fmt % a) + "\n")

    def do_GET(self):
        if self.path != "/_sim/stats":
            self.send_error(404)
            return
        body = json.dumps(stats).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        half = len(body) // 2
        for part in (body[:half], body[half:]):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
        self.wfile.write(b"0\r\n\r\n")

    def do_POST(self):
        if self.path != "/_sim/reset":
            self.send_error(404)
            return
        stats["total"] = 0
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_PUT(self):
        # Counts as an "API request" so tests can see the counter move.
        stats["total"] += 1
        stats["by_method"]["PUT"] = stats["by_method"].get("PUT", 0) + 1
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


host, port = listen.rsplit(":", 1)
server = HTTPServer((host, int(port)), Handler)
print(f"combell-sim listening on http://{host}:{server.server_address[1]}/v2", flush=True)
server.serve_forever()
