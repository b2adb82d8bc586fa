#!/usr/bin/env python3
"""Loopback UDP DNS echo responder for scripts/footprint.sh.

Answers, over plain UDP on 127.0.0.1, the two "what is my address" questions ddnsup can ask:
  myip.opendns.com.   A   IN  -> one A record:   name 0xC00C, TTL 0, the address
  whoami.cloudflare.  TXT CH  -> one TXT record: name 0xC00C, TTL 0, one string, the address
The reply copies the ID and RD bit, sets QR and RA, RCODE 0, and echoes the question exactly as
received (byte for byte, case included). The address is the contents of DIR/ip, read for every
query (footprint.sh switches it by rewriting the file; the HTTPS mock reads the same file).
Other questions (AAAA too) get REFUSED with the question echoed; datagrams that are not a
single-question standard query get no reply.

With --natpmp-port-file it also answers NAT-PMP (RFC 6886) on a second UDP socket: the
external-address request (version 0, opcode 0) gets the 12-byte reply (version 0, opcode 128,
result 0, seconds since start, the address of DIR/ip); anything else gets no reply.

Every datagram is appended to the log (default DIR/dns.log) as one tab-separated line:
  <unix time> DNS <qname> <qtype qclass> <what was answered>
Standard library only, one thread; writes the chosen port to --port-file and exits when the
script that started it is gone.
"""

import argparse
import os
import select
import socket
import struct
import sys
import time

TYPE_NAMES = {1: "A", 16: "TXT", 28: "AAAA"}
CLASS_NAMES = {1: "IN", 3: "CH"}
OPENDNS = (b"myip.opendns.com.", 1, 1)  # A IN
CLOUDFLARE = (b"whoami.cloudflare.", 16, 3)  # TXT CH
RCODE_REFUSED = 5


def parse_question(msg):
    """(qname as dotted lowercase bytes, qtype, qclass, end offset) of a plain query, or a reason."""
    if len(msg) < 12:
        return "shorter than a header"
    flags, qdcount, ancount, nscount = struct.unpack("!HHHH", msg[2:10])
    if flags & 0x8000:
        return "a reply, not a query"
    if (flags >> 11) & 0xF:
        return "not a standard query (opcode %d)" % ((flags >> 11) & 0xF)
    if qdcount != 1 or ancount or nscount:
        return "counts qd=%d an=%d ns=%d" % (qdcount, ancount, nscount)
    pos, labels = 12, []
    while True:
        if pos >= len(msg):
            return "ends inside the name"
        n = msg[pos]
        if n == 0:
            pos += 1
            break
        if n & 0xC0 or pos + 1 + n > len(msg):
            return "bad label"
        labels.append(msg[pos + 1 : pos + 1 + n])
        pos += 1 + n
    if pos + 4 > len(msg):
        return "ends inside the question"
    qtype, qclass = struct.unpack("!HH", msg[pos : pos + 4])
    name = b".".join(labels).lower() + b"."
    return name, qtype, qclass, pos + 4


def answer(msg, question_end, rcode, rtype=0, rclass=0, rdata=None):
    """The reply: header, the question echoed as received, and at most one answer record."""
    qid, qflags = struct.unpack("!HH", msg[:4])
    flags = 0x8000 | (qflags & 0x0100) | 0x0080 | rcode  # QR, RD copied, RA
    head = struct.pack("!HHHHHH", qid, flags, 1, 1 if rdata is not None else 0, 0, 0)
    out = head + msg[12:question_end]
    if rdata is not None:
        # Name: a compression pointer to the question's name at offset 12; TTL 0.
        out += b"\xc0\x0c" + struct.pack("!HHIH", rtype, rclass, 0, len(rdata)) + rdata
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--natpmp-port-file")
    args = ap.parse_args()
    started = time.time()
    ip_path = os.path.join(args.dir, "ip")
    log_path = args.log or os.path.join(args.dir, "dns.log")
    parent = os.getppid()

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", args.port))
    tmp = args.port_file + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(f"{sock.getsockname()[1]}\n")
    os.replace(tmp, args.port_file)
    socks = [sock]
    natpmp = None
    if args.natpmp_port_file:
        natpmp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        natpmp.bind(("127.0.0.1", 0))
        tmp = args.natpmp_port_file + ".tmp"
        with open(tmp, "w", encoding="ascii") as f:
            f.write(f"{natpmp.getsockname()[1]}\n")
        os.replace(tmp, args.natpmp_port_file)
        socks.append(natpmp)

    try:
        while True:
            # Never outlive the script that started us (checked every 0.2 s when idle).
            if os.getppid() != parent:
                return 0
            ready, _, _ = select.select(socks, [], [], 0.2)
            if not ready:
                continue
            if natpmp is not None and natpmp in ready:
                msg, peer = natpmp.recvfrom(4096)
                reply = None
                if msg == b"\x00\x00":
                    with open(ip_path, encoding="ascii") as f:
                        ip = f.read().strip()
                    uptime = int(time.time() - started)
                    reply = struct.pack("!BBHI", 0, 128, 0, uptime) + socket.inet_aton(ip)
                    line = f"{time.time():.6f}\tNATPMP\tnatpmp\texternal address\tA {ip}\n"
                else:
                    line = f"{time.time():.6f}\tNATPMP\t-\t-\tdropped: {msg[:8].hex()}\n"
                with open(log_path, "a", encoding="utf-8") as f:
                    f.write(line)
                if reply is not None:
                    natpmp.sendto(reply, peer)
                continue
            msg, peer = sock.recvfrom(4096)
            parsed = parse_question(msg)
            if isinstance(parsed, str):
                line = f"{time.time():.6f}\tDNS\t-\t-\tdropped: {parsed}\n"
                reply = None
            else:
                name, qtype, qclass, end = parsed
                asked = (
                    f"{TYPE_NAMES.get(qtype, qtype)} {CLASS_NAMES.get(qclass, qclass)}"
                )
                with open(ip_path, encoding="ascii") as f:
                    ip = f.read().strip()
                # The log names what the reply carries, decoded from the reply's own bytes.
                if (name, qtype, qclass) == OPENDNS:
                    reply = answer(msg, end, 0, 1, 1, socket.inet_aton(ip))
                    what = f"A {socket.inet_ntoa(reply[-4:])}"
                elif (name, qtype, qclass) == CLOUDFLARE:
                    text = ip.encode("ascii")
                    reply = answer(msg, end, 0, 16, 3, bytes([len(text)]) + text)
                    what = f"TXT {reply[-len(text):].decode('ascii')}"
                else:
                    reply = answer(msg, end, RCODE_REFUSED)
                    what = "REFUSED"
                line = f"{time.time():.6f}\tDNS\t{name.decode('ascii', 'replace')}\t{asked}\t{what}\n"
            # Log before replying: the client exits as soon as it has the reply, and the
            # script reads the log right after.
            with open(log_path, "a", encoding="utf-8") as f:
                f.write(line)
            if reply is not None:
                sock.sendto(reply, peer)
    except KeyboardInterrupt:
        return 0
    finally:
        sock.close()


if __name__ == "__main__":
    sys.exit(main())
