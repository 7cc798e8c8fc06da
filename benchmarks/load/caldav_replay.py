#!/usr/bin/env python3
"""A caching reverse proxy on loopback for CalDAV: the first request of each (method, path, Depth, body) goes to the
real server, every later one is answered from memory with the same status, headers and body. Used to measure Cal's
own cost per busy-times request (XML + iCalendar read, index, answer) apart from the CalDAV server's.
Counts requests forwarded vs served: GET /__stats.
With --count it caches nothing: every request goes upstream and is logged (method, path, Depth, the REPORT's kind, the
hrefs a multiget names, bytes sent back); GET /__log returns the log since the last GET /__reset, as JSON lines.

Usage: caldav_replay.py LISTEN_PORT UPSTREAM_PORT [--count]
"""
import json
import re
import http.client
import http.server
import sys
import threading

UPSTREAM = ("127.0.0.1", int(sys.argv[2]))
cache = {}
lock = threading.Lock()
stats = {"forwarded": 0, "served": 0}
counting = "--count" in sys.argv[3:]
log = []


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
        if self.path in ("/__log", "/__reset"):
            with lock:
                body = "".join(json.dumps(e) + "\n" for e in log).encode()
                if self.path == "/__reset":
                    log.clear()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        key = (self.command, self.path, self.headers.get("Depth"), self.headers.get("Authorization"), body)
        with lock:
            hit = None if counting else cache.get(key)
        if hit is None:
            upstream = http.client.HTTPConnection(*UPSTREAM)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "accept-encoding")}
            upstream.request(self.command, self.path, body, headers)
            response = upstream.getresponse()
            hit = (response.status, [(k, v) for k, v in response.getheaders() if k.lower() not in ("connection", "transfer-encoding", "content-length")], response.read())
            upstream.close()
            with lock:
                stats["forwarded"] += 1
                if counting:
                    text = body.decode("utf-8", "replace")
                    kind = re.search(r"<(?:\w+:)?(calendar-query|calendar-multiget|sync-collection)\b", text)
                    log.append({"method": self.command, "path": self.path, "depth": self.headers.get("Depth"),
                                "report": kind.group(1) if kind else None, "hrefs": len(re.findall(r"<(?:\w+:)?href>", text)),
                                "status": hit[0], "bytes": len(hit[2])})
                else:
                    cache[key] = hit
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
