#!/usr/bin/env python3
"""A caching reverse proxy on loopback for CalDAV: the first request of each (method, path, Depth, body) goes to the
real server, every later one is answered from memory with the same status, headers and body. Used to measure Cal's
own cost per busy-times request (XML + iCalendar read, index, answer) apart from the CalDAV server's.
Counts requests forwarded vs served: GET /__stats.

Usage: caldav_replay.py LISTEN_PORT UPSTREAM_PORT
"""
import http.client
import http.server
import sys
import threading

UPSTREAM = ("127.0.0.1", int(sys.argv[2]))
cache = {}
lock = threading.Lock()
stats = {"forwarded": 0, "served": 0}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        if self.path == "/__stats":
            body = f"forwarded={stats['forwarded']} served={stats['served']}\n".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        key = (self.command, self.path, self.headers.get("Depth"), self.headers.get("Authorization"), body)
        with lock:
            hit = cache.get(key)
        if hit is None:
            upstream = http.client.HTTPConnection(*UPSTREAM)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "accept-encoding")}
            upstream.request(self.command, self.path, body, headers)
            response = upstream.getresponse()
            hit = (response.status, [(k, v) for k, v in response.getheaders() if k.lower() not in ("connection", "transfer-encoding", "content-length")], response.read())
            upstream.close()
            with lock:
                cache[key] = hit
                stats["forwarded"] += 1
        else:
            with lock:
                stats["served"] += 1
        status, headers, payload = hit
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_PUT = do_POST = do_DELETE = do_PROPFIND = do_REPORT = do_OPTIONS = handle_any


http.server.ThreadingHTTPServer.daemon_threads = True
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
