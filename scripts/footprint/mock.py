#!/usr/bin/env python3
"""Loopback HTTPS mock for scripts/footprint.sh.

Serves, over TLS with a certificate made by footprint.sh:
  GET /ip          the current address (contents of DIR/ip, no newline, like ipify)
  GET /update      Namecheap: the success XML (PROTOCOLS.md section 1.4) echoing ?ip=
  GET /nic/update  dyndns2: "good <myip>"
Every request is appended to DIR/requests.log as one tab-separated line:
  <unix time> <method> <path> <query> <user-agent>
The address is switched by rewriting DIR/ip (read on every request).
Standard library only; binds 127.0.0.1 and writes the chosen port to --port-file.
"""

import argparse
import http
import http.server
import os
import socket
import ssl
import sys
import threading
import time
import urllib.parse

NAMECHEAP_OK = (
    '<?xml version="1.0" encoding="utf-16"?><interface-response>'
    "<Command>SETDNSHOST</Command><Language>eng</Language><IP>{ip}</IP>"
    "<ErrCount>0</ErrCount><errors /><ResponseCount>0</ResponseCount>"
    "<responses /><Done>true</Done><debug><![CDATA[]]></debug></interface-response>"
)


class Handler(http.server.BaseHTTPRequestHandler):
    # One response per connection: every client here speaks HTTP/1.0 or sends
    # "Connection: close", and none needs keep-alive.
    protocol_version = "HTTP/1.0"
    server_version = "footprint-mock"
    sys_version = ""
    timeout = 10

    def setup(self):
        # TLS handshake in the connection's own thread, so a slow client cannot stall
        # the accept loop. No Nagle: a reply split over segments could otherwise wait for
        # the client's delayed ACK (~40 ms), a delay of the mock, not of the client.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.request.settimeout(self.timeout)
        self.request = self.server.tls.wrap_socket(self.request, server_side=True)
        super().setup()

    def log_message(self, fmt, *args):  # keep stderr quiet
        pass

    def _log(self, path, query):
        ua = self.headers.get("User-Agent", "-").replace("\t", " ")
        line = f"{time.time():.6f}\t{self.command}\t{path}\t{query}\t{ua}\n"
        with self.server.lock:
            with open(self.server.log_path, "a", encoding="utf-8") as f:
                f.write(line)

    def _send(self, status, body, ctype="text/plain"):
        # Status line, headers and body in one write, so one TLS record and one segment.
        data = body.encode("ascii")
        head = (
            f"HTTP/1.0 {status} {http.HTTPStatus(status).phrase}\r\n"
            f"Server: {self.server_version}\r\n"
            f"Date: {self.date_time_string()}\r\n"
            f"Content-Type: {ctype}\r\n"
            f"Content-Length: {len(data)}\r\n"
            "Connection: close\r\n\r\n"
        )
        self.wfile.write(head.encode("ascii") + data)
        self.close_connection = True

    def _current(self):
        with open(self.server.ip_path, encoding="ascii") as f:
            return f.read().strip()

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        self._log(url.path, url.query)
        if url.path == "/ip":
            self._send(200, self._current())
        elif url.path == "/update":
            ip = (query.get("ip") or [""])[0] or self._current()
            self._send(200, NAMECHEAP_OK.format(ip=ip), "text/html")
        elif url.path == "/nic/update":
            ip = (query.get("myip") or [""])[0] or self._current()
            self._send(200, f"good {ip}\n")
        else:
            self._send(404, "not found\n")

    do_POST = do_GET


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    parent = None

    def service_actions(self):
        # Never outlive the script that started us (checked every poll interval).
        if self.parent is not None and os.getppid() != self.parent:
            raise SystemExit(0)

    def handle_error(self, request, client_address):
        # TLS or socket errors of one connection are not the benchmark's concern.
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()

    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(args.cert, args.key)
    tls.num_tickets = 0  # no TLS 1.3 session tickets: none of the clients resumes

    srv = Server(("127.0.0.1", args.port), Handler)
    srv.tls = tls
    srv.lock = threading.Lock()
    srv.ip_path = os.path.join(args.dir, "ip")
    srv.log_path = os.path.join(args.dir, "requests.log")
    srv.parent = os.getppid()

    tmp = args.port_file + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(f"{srv.server_address[1]}\n")
    os.replace(tmp, args.port_file)
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
