#!/usr/bin/python3
"""A local SMTP server for Quittance's mail tests (Debian's python3-aiosmtpd).

    /usr/bin/python3 tests/smtp_sink/smtp_sink.py --dir OUT [--user U --password P] [--host H]

It listens on 127.0.0.1 (or H, e.g. 127.0.0.2: a local address the sender does not treat as
loopback, so it must insist on STARTTLS, which the sink does not offer) on a free port and
prints that port alone on its first stdout line.
With --user/--password it requires AUTH (PLAIN or LOGIN) before MAIL, without TLS (loopback).
Recipients at refuse.test get a permanent 550, at later.test a transient 451; a message to
vanish.test is kept, then the connection is dropped before the answer to DATA (a lost "250");
any other is accepted. Each accepted message N (1, 2, ...) is written to OUT as
    N.eml   the raw bytes received (CRLF kept, dot-stuffing undone)
    N.json  what Python's `email` package (policy=default) reads from it:
            {"subject", "from": {"name", "address"}, "to": {...}, "text", "html",
             "attachments": [{"filename", "content_type", "path"}], "defects",
             "envelope": {"mail_from", "rcpt_tos", "authenticated"}}
            where "path" is N-K.bin, the attachment's decoded bytes.
The .json is written last (renamed into place), so its presence means the message is complete.
SIGTERM stops it.
"""

import argparse
import asyncio
import email
import email.policy
import json
import logging
import os
import signal
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def mailbox(header):
    """{"name", "address"} of a From/To header's first address."""
    if header is None or not header.addresses:
        return None
    a = header.addresses[0]
    return {"name": a.display_name, "address": a.addr_spec}


def all_defects(message):
    found = [type(d).__name__ for d in message.defects]
    for part in message.walk():
        if part is not message:
            found += [type(d).__name__ for d in part.defects]
    return found


def parsed(raw, out_dir, number):
    message = email.message_from_bytes(raw, policy=email.policy.default)
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    attachments = []
    for k, part in enumerate(message.iter_attachments(), start=1):
        path = os.path.join(out_dir, f"{number}-{k}.bin")
        with open(path, "wb") as f:
            f.write(part.get_payload(decode=True) or b"")
        attachments.append({"filename": part.get_filename(), "content_type": part.get_content_type(),
                            "path": path})
    return {
        "subject": str(message["subject"]) if message["subject"] is not None else None,
        "from": mailbox(message["from"]),
        "to": mailbox(message["to"]),
        "text": text.get_content() if text is not None else None,
        "html": html.get_content() if html is not None else None,
        "attachments": attachments,
        "defects": all_defects(message),
    }


class Sink:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        # After what an earlier run left there (scripts/run --mail-sink keeps its folder).
        numbers = [int(name[:-4]) for name in os.listdir(out_dir) if name.endswith(".eml") and name[:-4].isdigit()]
        self.count = max(numbers, default=0)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        domain = address.rpartition("@")[2].lower()
        if domain == "refuse.test":
            return "550 5.1.1 <%s>: recipient refused" % address
        if domain == "later.test":
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        n = self.count
        raw = envelope.original_content
        with open(os.path.join(self.out_dir, f"{n}.eml"), "wb") as f:
            f.write(raw)
        try:
            result = parsed(raw, self.out_dir, n)
        except Exception as e:  # a message Python cannot read is a test failure, reported as data
            result = {"error": repr(e)}
        result["envelope"] = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                              "authenticated": bool(session.authenticated)}
        tmp = os.path.join(self.out_dir, f".{n}.json")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(result, f, ensure_ascii=False)
        os.rename(tmp, os.path.join(self.out_dir, f"{n}.json"))
        if any(r.lower().endswith("@vanish.test") for r in envelope.rcpt_tos):
            server.transport.abort()  # taken, but the sender never hears it
            return "250 2.0.0 accepted (unheard)"
        return "250 2.0.0 accepted as %d" % n


def authenticator_for(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        return AuthResult(success=ok, handled=False)
    return authenticate


async def serve(args):
    loop = asyncio.get_running_loop()
    options = {"hostname": "smtp-sink.test"}  # no getfqdn() lookup at start
    if args.user is not None:
        options.update(authenticator=authenticator_for(args.user, args.password or ""),
                       auth_required=True, auth_require_tls=False)
    sink = Sink(args.dir)
    server = await loop.create_server(lambda: SMTP(sink, **options), host=args.host, port=args.port)
    print(server.sockets[0].getsockname()[1], flush=True)
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    # A test that crashed never stops its sink: it goes with its parent, instead of holding the
    # test runner's output pipe open (ctest would wait for it forever).
    parent = os.getppid()
    while not stop.done() and os.getppid() == parent:
        await asyncio.sleep(0.1)
    server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True, help="where accepted messages are written")
    parser.add_argument("--host", default="127.0.0.1", help="a local address to listen on")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--user", help="require AUTH with this login")
    parser.add_argument("--password", help="and this password")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    # aiosmtpd warns on stderr that AUTH without TLS is unsafe: on loopback, for tests, it is fine.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
