#!/usr/bin/python3
"""A local double of Stripe's v1 API for Quittance's tests (standard library only).

    /usr/bin/python3 tests/stripe_double/stripe_double.py --port 0 --api-key sk_test_double \
        [--publishable-key pk_test_double] \
        [--webhook-url http://127.0.0.1:PORT/api/stripe/webhook --webhook-secret whsec_...] \
        [--connect-webhook-url http://127.0.0.1:PORT/api/stripe/connect-webhook \
         --connect-webhook-secret whsec_...]

It listens on 127.0.0.1, prints one line `{"port": N}` once listening, and speaks Stripe's wire
format: form-encoded bodies with bracket notation, Bearer or Basic authentication (a secret key,
or a publishable key for what Stripe.js may do), JSON answers and errors, CORS for browsers,
idempotency keys, signed webhook deliveries, and Stripe Connect (connected accounts, the
Stripe-Account header, account links, a stand-in for the hosted onboarding form, Connect
webhooks). It also serves, under /v3/, a stand-in for the part of Stripe.js a payment page uses
(stripe_js/). Routes under /_double/ are the tests' controls and are not Stripe. What it
covers and what it does not: README.md. The resources themselves live in stripe_api.py and
stripe_connect.py, the onboarding and dashboard pages in connect_pages.py.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import signal
import socket
import sys
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.dont_write_bytecode = True  # no __pycache__ left in the source tree
import connect_pages  # noqa: E402
from stripe_api import StripeError, invalid, new_id  # noqa: E402
from stripe_connect import OUTCOMES, ConnectApi  # noqa: E402

MAX_BODY = 1 << 20
STRIPE_JS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stripe_js")
ACCOUNT_INVALID = ("The provided key '{key}' does not have access to account '{account}' (or "
                   "that account does not exist). Application access may have been revoked.")
ONBOARD_PREFIX = "/_double/connect/onboard/"
IDEMPOTENCY_MISMATCH = ("Keys for idempotent requests can only be used with the same parameters "
                        "they were first used with. Try using a key other than '{}' if you meant "
                        "to execute a different request.")


# ---- form parsing: `a[b][c]=v`, `a[]=v` and `a[0]=v` as Stripe's clients send them ----

_NAME = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)")


def parse_form(text):
    """Nested dicts and lists from a form-encoded string. Lists are built as dicts keyed by
    position ("0", "1", ...) and turned into lists at the end, so `a[]` and `a[0]` both work."""
    root = {}
    for name, value in urllib.parse.parse_qsl(text, keep_blank_values=True):
        match = _NAME.fullmatch(name)
        if not match:
            raise invalid(f"Invalid parameter name: {name}")
        keys = [match.group(1)] + re.findall(r"\[([^\[\]]*)\]", match.group(2))
        node = root
        for i, key in enumerate(keys):
            if not isinstance(node, dict):
                raise invalid(f"Invalid hash or array: {name}", keys[0])
            if key == "":
                if i != len(keys) - 1:  # `a[][b]` is ambiguous; Stripe's clients send `a[0][b]`
                    raise invalid(f"Invalid array: {name}", keys[0])
                key = str(len(node))
            if i == len(keys) - 1:
                if isinstance(node.get(key), dict):
                    raise invalid(f"Invalid hash: {name}", keys[0])
                node[key] = value
            else:
                node = node.setdefault(key, {})
    return {k: _lists(v, keep_dict=(k == "metadata")) for k, v in root.items()}


def _lists(node, keep_dict=False):
    if not isinstance(node, dict):
        return node
    items = {k: _lists(v) for k, v in node.items()}
    if not keep_dict and items and all(k.isdigit() for k in items):  # metadata keys stay keys
        return [items[k] for k in sorted(items, key=int)]
    return items


# ---- webhooks ----

class WebhookSender(threading.Thread):
    """Delivers events to one endpoint, in order, from one background thread, signed the way
    Stripe signs them. A non-2xx answer or a connection error is retried (5 tries in all)."""

    TRIES, BACKOFF = 5, 0.1

    def __init__(self, url, secret, enabled_events, log):
        super().__init__(daemon=True)
        self.url, self.secret, self.log = url, secret.encode(), log
        self.enabled = None if enabled_events == "*" else set(enabled_events.split(","))
        self.cond = threading.Condition()
        self.queue, self.records = deque(), []
        self.paused = self.stopped = self.busy = False
        self.generation = 0  # bumped by reset(): a delivery from before it stops retrying

    def enqueue(self, event, body):
        if self.enabled is not None and event["type"] not in self.enabled:
            return  # like an endpoint not subscribed to this type
        record = {"event_id": event["id"], "type": event["type"], "status": "pending",
                  "attempts": 0, "http_status": None}
        with self.cond:
            record["generation"] = self.generation
            self.records.append(record)
            self.queue.append((body, record))
            self.cond.notify()

    def set_paused(self, paused):
        with self.cond:
            self.paused = paused
            self.cond.notify()

    def reset(self):
        with self.cond:
            self.queue.clear()
            self.records = []
            self.paused = False
            self.generation += 1

    def wait_idle(self, timeout=15):
        """Until no delivery is in flight, so none from before a reset lands after it."""
        with self.cond:
            self.cond.wait_for(lambda: not self.busy, timeout)

    def stop(self):
        with self.cond:
            self.stopped = True
            self.cond.notify()

    def run(self):
        while True:
            with self.cond:
                while not self.stopped and (self.paused or not self.queue):
                    self.cond.wait()
                if self.stopped:
                    return
                body, record = self.queue.popleft()
                self.busy = True
            try:
                self._deliver(body, record)
            finally:
                with self.cond:
                    self.busy = False
                    self.cond.notify_all()

    def _deliver(self, body, record):
        for attempt in range(1, self.TRIES + 1):
            if record["generation"] != self.generation:
                return  # reset since: abandon
            record["attempts"] = attempt
            # Each attempt is signed afresh with the current time, as Stripe does.
            stamp = str(int(time.time()))
            digest = hmac.new(self.secret, stamp.encode() + b"." + body, hashlib.sha256)
            request = urllib.request.Request(self.url, data=body, method="POST", headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                "Stripe-Signature": f"t={stamp},v1={digest.hexdigest()}"})
            try:
                with urllib.request.urlopen(request, timeout=10) as answer:
                    record["http_status"] = answer.status
            except urllib.error.HTTPError as error:
                record["http_status"] = error.code
            except OSError as error:
                record["http_status"] = None
                self.log(f"webhook {record['event_id']}: {error}")
            if record["http_status"] is not None and 200 <= record["http_status"] < 300:
                record["status"] = "delivered"
                return
            if attempt < self.TRIES:
                time.sleep(self.BACKOFF * 2 ** (attempt - 1))
        record["status"] = "failed"


# ---- publishable keys: what a browser may do with Stripe.js ----

# A publishable key is public (it is in the payment page), so Stripe lets it do only what the
# holder of an intent's client secret may: read that intent and confirm it. The client secret
# itself is checked against the intent in stripe_api.py.
PUBLISHABLE_ROUTES = [("POST", re.compile(r"/v1/(payment_intents|setup_intents)/[^/]+/confirm")),
                      ("GET", re.compile(r"/v1/(payment_intents|setup_intents)/[^/]+"))]
PUBLISHABLE_REFUSED = ("This API call cannot be made with a publishable API key. Please use a "
                       "secret API key. You can find a list of your API keys at "
                       "https://dashboard.stripe.com/account/apikeys.")


def publishable_may(method, path, params):
    return isinstance(params.get("client_secret"), str) and params["client_secret"] != "" and \
        any(m == method and pattern.fullmatch(path) for m, pattern in PUBLISHABLE_ROUTES)


CLIENT_SECRET = re.compile(r"((pi|seti)_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+")

# CORS for /v1/: Stripe.js calls the API from the page's own origin, with the publishable key
# in an Authorization header, so the browser asks first (a preflight).
CORS = [("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Expose-Headers", "Request-Id, Stripe-Version, Idempotent-Replayed")]
CORS_PREFLIGHT = [("Access-Control-Allow-Origin", "*"),
                  ("Access-Control-Allow-Methods", "GET, POST"),
                  ("Access-Control-Allow-Headers",
                   "Authorization, Content-Type, Stripe-Version, Stripe-Account"),
                  ("Access-Control-Max-Age", "600")]

# The Stripe.js stand-in's files, by URL: a fixed list, so no path reaches outside stripe_js/.
STRIPE_JS_FILES = {
    "/v3": ("v3.js", "application/javascript; charset=utf-8"),
    "/v3/": ("v3.js", "application/javascript; charset=utf-8"),
    "/v3/elements-frame.html": ("elements-frame.html", "text/html; charset=utf-8"),
    "/v3/elements-frame.js": ("elements-frame.js", "application/javascript; charset=utf-8"),
    "/v3/elements-frame.css": ("elements-frame.css", "text/css; charset=utf-8"),
}
# The card frame's own policy: nothing inline, nothing fetched but its two files. It may be
# embedded anywhere (the embedding page's frame-src decides), as js.stripe.com's frames are.
FRAME_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; base-uri 'none'; "
             "form-action 'none'")


# ---- the double's state around the API: keys, idempotency, request log, fault injection ----

class Ctx:
    def __init__(self, request_id, idempotency_key, publishable=False, account=None,
                 base_url=""):
        self.request_id, self.idempotency_key = request_id, idempotency_key
        self.publishable = publishable  # the caller holds only the publishable key
        self.account = account  # the connected account acted in (Stripe-Account), or None
        self.base_url = base_url  # where the double is reached, for account links' URLs


def mask(key):
    """An API key as Stripe shows it in an error: its ends only."""
    return key[:8] + "*" * max(len(key) - 12, 0) + key[-4:] if len(key) > 12 else "***"


class Double:
    def __init__(self, args, log):
        self.api_key, self.log = args.api_key, log
        self.publishable_key = args.publishable_key
        self.default_version = args.api_version
        self.lock = threading.RLock()  # one request at a time: simple and deterministic
        self.base_url = ""  # set by main() once listening
        # The platform's endpoint gets the platform's events; the Connect endpoint, those of
        # the connected accounts (events with `account`), as Stripe's two kinds of endpoint.
        self.webhooks = self.connect_webhooks = None
        if args.webhook_url:
            self.webhooks = WebhookSender(args.webhook_url, args.webhook_secret,
                                          args.enabled_events, log)
        if args.connect_webhook_url:
            self.connect_webhooks = WebhookSender(args.connect_webhook_url,
                                                  args.connect_webhook_secret,
                                                  args.enabled_events, log)
        for sender in self.senders():
            sender.start()
        self.api = ConnectApi(args.api_version, self._on_event, self.webhooks is not None,
                              self.connect_webhooks is not None)
        self.reset()

    def senders(self):
        return [s for s in (self.webhooks, self.connect_webhooks) if s]

    def _sender_for(self, event):
        return self.connect_webhooks if event.get("account") else self.webhooks

    def reset(self):
        with self.lock:
            self.api.reset()
            self.saved = {}        # (api key, scope, idempotency key) -> saved response
            self.requests = []     # every /v1 request, for the tests' assertions
            self.fail_rules = []
            self.event_bodies = {}
            for sender in self.senders():
                sender.reset()
        # Outside the lock: the webhook receiver may be calling the API back, which needs it.
        for sender in self.senders():
            sender.wait_idle()

    def _on_event(self, event):
        # Stripe sends events pretty-printed; receivers must verify the raw bytes.
        body = json.dumps(event, indent=2).encode()
        self.event_bodies[event["id"]] = body
        sender = self._sender_for(event)
        if sender:  # a connected account's event without a Connect endpoint is only recorded
            sender.enqueue(event, body)

    def take_fail_rule(self, method, path):
        with self.lock:
            for rule in self.fail_rules:
                if path.startswith(rule["path_prefix"]) and rule.get("method") in (None, method):
                    rule["count"] -= 1
                    if rule["count"] <= 0:
                        self.fail_rules.remove(rule)
                    return rule["mode"]
        return None

    def _authenticate(self, header):
        """(key, publishable) for an Authorization header holding one of the two keys."""
        scheme, _, value = (header or "").partition(" ")
        key = None
        if scheme.lower() == "bearer":
            key = value.strip()
        elif scheme.lower() == "basic":
            try:
                key = base64.b64decode(value.strip()).decode().partition(":")[0]
            except ValueError:
                key = ""
        if not key:
            raise StripeError(401, "invalid_request_error",
                              "You did not provide an API key. You need to provide your API key "
                              "in the Authorization header, using Bearer auth (e.g. "
                              "'Authorization: Bearer YOUR_SECRET_KEY'). See "
                              "https://stripe.com/docs/api#authentication for details, or we can "
                              "help at https://support.stripe.com/.", saved=False)
        if hmac.compare_digest(key.encode(), self.api_key.encode()):
            return key, False
        if hmac.compare_digest(key.encode(), self.publishable_key.encode()):
            return key, True
        raise StripeError(401, "invalid_request_error",
                          f"Invalid API Key provided: {mask(key)}", saved=False)

    def _scope(self, account, api_key):
        """The scope a Stripe-Account header names (None: the platform), or Stripe's 403 for an
        account the platform has no access to (unknown, or deauthorized)."""
        try:
            return self.api.scope_for(account)
        except LookupError:
            raise StripeError(403, "invalid_request_error",
                              ACCOUNT_INVALID.format(key=mask(api_key), account=account),
                              "account_invalid", saved=False) from None

    def handle_api(self, method, path, query, headers, body, request_id, dropped=None, via=None):
        """(status, extra headers, body bytes) for one /v1 request. `dropped` only marks the
        request log: the caller cuts the connection instead of answering. `via` marks a
        request made by a control (/_double/pay) rather than received over HTTP."""
        idem_key = headers.get("Idempotency-Key") if method == "POST" else None
        version = headers.get("Stripe-Version")
        account = headers.get("Stripe-Account")
        record = {"method": method, "path": path, "idempotency_key": idem_key,
                  "stripe_version": version, "stripe_account": account, "replayed": False,
                  "status": None, "dropped": dropped, "publishable": None, "via": via}
        out = [("Stripe-Version", version or self.default_version)]
        if idem_key:
            out.append(("Idempotency-Key", idem_key))
        with self.lock:
            self.requests.append(record)
            save = False
            try:
                api_key, publishable = self._authenticate(headers.get("Authorization"))
                record["publishable"] = publishable
                scope = self._scope(account, api_key)
                if version is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}(\.\w+)?",
                                                             version):
                    raise invalid(f"Invalid Stripe API version: {version}")
                if idem_key is not None and not 0 < len(idem_key) <= 255:
                    raise invalid("Idempotency keys are 1 to 255 characters long.")
                params = self._params(method, query, headers, body)
                if publishable and not publishable_may(method, path, params):
                    raise StripeError(401, "invalid_request_error", PUBLISHABLE_REFUSED,
                                      saved=False)
                slot = (api_key, scope, idem_key)  # each account has its own keys
                saved = self.saved.get(slot) if idem_key else None
                if saved:
                    if (saved["method"], saved["path"], saved["params"]) != (method, path, params):
                        raise StripeError(400, "idempotency_error",
                                          IDEMPOTENCY_MISMATCH.format(idem_key), saved=False)
                    record.update(replayed=True, status=saved["status"])
                    out += [("Idempotent-Replayed", "true"),
                            ("Original-Request", saved["request_id"])]
                    return saved["status"], out, saved["body"]
                try:
                    status, obj = self.api.call(method, path, params, Ctx(
                        request_id, idem_key, publishable, scope, self.base_url))
                    save = True
                except StripeError as error:
                    save = error.saved
                    raise
                except Exception:  # a bug in the double: say so, never pass for a network cut
                    traceback.print_exc()
                    raise StripeError(500, "api_error", "stripe double: internal error, see its "
                                                        "stderr", saved=False) from None
            except StripeError as error:
                status = error.status
                obj = {"error": dict(error.body, request_log_url=(
                    f"https://dashboard.stripe.com/test/logs/{request_id}?t={int(time.time())}"))}
            payload = json.dumps(obj, indent=2).encode()
            if save and idem_key:
                self.saved[slot] = {"method": method, "path": path, "params": params,
                                    "status": status, "body": payload, "request_id": request_id}
            record["status"] = status
            if status == 401:
                out.append(("WWW-Authenticate", 'Basic realm="Stripe"'))
            return status, out, payload

    @staticmethod
    def _params(method, query, headers, body):
        if method == "GET":
            return parse_form(query)
        kind = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind == "application/json" or body.lstrip().startswith((b"{", b"[")):
            raise invalid("Invalid request: Stripe's v1 API takes form-encoded bodies "
                          "(application/x-www-form-urlencoded), not JSON.")
        if kind not in ("", "application/x-www-form-urlencoded"):
            raise invalid(f"Invalid request: unsupported Content-Type {kind}; use "
                          "application/x-www-form-urlencoded.")
        try:
            return parse_form(body.decode("utf-8"))
        except UnicodeDecodeError:
            raise invalid("Invalid request: the body is not UTF-8.") from None

    # ---- /_double/ controls (not Stripe) ----

    def control(self, method, path, data):
        """(status, JSON bytes), serialised under the lock while requests may run."""
        if (method, path) == ("POST", "/_double/reset"):
            self.reset()
            return 200, b'{"ok": true}'
        with self.lock:
            status, obj = self._control(method, path, data)
            return status, json.dumps(obj, indent=2).encode()

    def _control(self, method, path, data):
        if (method, path) == ("GET", "/_double/stats"):
            def records(sender):
                return [{k: v for k, v in r.items() if k != "generation"}
                        for r in (sender.records if sender else [])]
            return 200, dict(self.api.counts, requests=self.requests,
                             webhooks=records(self.webhooks),
                             connect_webhooks=records(self.connect_webhooks),
                             by_scope=self.api.by_scope())
        if (method, path) == ("GET", "/_double/events"):
            return 200, {"data": self.api.events}
        if path.startswith("/_double/connect/"):
            return self._connect_control(method, path, data)
        if method != "POST":
            return 404, {"error": f"no control route {method} {path}"}
        if path == "/_double/fail-next":
            mode, prefix, count = data.get("mode"), data.get("path_prefix"), data.get("count", 1)
            if mode not in ("drop_response", "drop_request") or not isinstance(prefix, str) \
                    or not isinstance(count, int) or count < 1:
                return 400, {"error": "want path_prefix, mode drop_response|drop_request, "
                                      "count >= 1"}
            self.fail_rules.append({"path_prefix": prefix, "mode": mode, "count": count,
                                    "method": data.get("method")})
            return 200, {"ok": True}
        if path == "/_double/settle":
            outcome = data.get("outcome", "succeeded")
            if outcome not in ("succeeded", "failed"):
                return 400, {"error": "outcome is succeeded or failed"}
            try:
                return 200, self.api.settle(data.get("payment_intent"), outcome)
            except ValueError as error:
                return 400, {"error": str(error)}
        if path == "/_double/redeliver":
            body = self.event_bodies.get(data.get("event_id"))
            sender = self._sender_for(json.loads(body)) if body else None
            if sender is None:
                return 400, {"error": "unknown event, or no endpoint for it (--webhook-url, "
                                      "--connect-webhook-url)"}
            sender.enqueue(json.loads(body), body)
            return 200, {"ok": True}
        if path == "/_double/clock":
            # Objects made from now on say they were created at `created` (Unix seconds; null:
            # the real time). Stripe's own test clocks only move Billing; here nothing else
            # moves, so webhooks stay signed with the real time their tolerance checks.
            created = data.get("created")
            if created is not None and (not isinstance(created, int) or isinstance(created, bool) or created < 0):
                return 400, {"error": "created is Unix seconds, or null for the real time"}
            self.api.created_at = created
            return 200, {"ok": True}
        if path == "/_double/pay":
            return self._pay(data)
        if path in ("/_double/webhooks/pause", "/_double/webhooks/resume"):
            for sender in self.senders():
                sender.set_paused(path.endswith("pause"))
            return 200, {"ok": True}
        return 404, {"error": f"no control route {method} {path}"}

    CONNECT_CONTROLS = re.compile(r"/_double/connect/(accounts|links)/([A-Za-z0-9_]+)/"
                                  r"(update|deauthorize|expire)")

    def _connect_control(self, method, path, data):
        """/_double/connect/...: what Stripe or the account holder does, not the platform."""
        if (method, path) == ("GET", "/_double/connect/accounts"):
            return 200, {"data": [
                {"id": a["id"], "deauthorized": a["id"] in self.api.deauthorized,
                 "account": a, "counts": self.api.counts_of(a["id"])}
                for a in self.api.connected_accounts()]}
        match = self.CONNECT_CONTROLS.fullmatch(path)
        action = match and (match.group(1), match.group(3))
        if method != "POST" or action not in (("accounts", "update"),
                                              ("accounts", "deauthorize"), ("links", "expire")):
            return 404, {"error": f"no control route {method} {path}"}
        target = match.group(2)
        try:
            if action == ("accounts", "update"):
                return 200, self.api.control_update(target, data)
            if action == ("accounts", "deauthorize"):
                self.api.deauthorize(target)
            else:
                self.api.expire_link(target)
        except LookupError:
            return 404, {"error": f"no such connected account or link {target} (or its "
                                  "access was revoked)"}
        except ValueError as error:
            return 400, {"error": str(error)}
        return 200, {"ok": True}

    def page(self, method, path, query, body):
        """(status, headers, HTML) of the hosted pages' stand-ins: the onboarding form an
        account link leads to, and the dashboard."""
        with self.lock:
            if path == "/_double/connect/dashboard" and method == "GET":
                only = urllib.parse.parse_qs(query).get("account")
                return 200, [], connect_pages.dashboard_page([
                    (a, a["id"] in self.api.deauthorized, self.api.payment_intents_of(a["id"]))
                    for a in self.api.connected_accounts() if not only or a["id"] in only])
            token = path[len(ONBOARD_PREFIX):] if path.startswith(ONBOARD_PREFIX) else None
            link, usable = self.api.open_link(token)
            if link is None or method not in ("GET", "POST"):
                return 404, [], connect_pages.not_found_page()
            if not usable:  # expired or used: Stripe sends the user to refresh_url
                return 303, [("Location", link["refresh_url"])], b""
            account = self.api.objects[link["account"]]
            if method == "GET":
                return 200, [], connect_pages.onboarding_page(token, account)
            form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
            values = {k: (form.get(k) or [""])[0].strip()
                      for k in ("business_name", "iban", "outcome")}
            if not values["business_name"] or not values["iban"] or \
                    values["outcome"] not in OUTCOMES:
                return 400, [], connect_pages.onboarding_page(
                    token, account, values, "Indiquez le nom de l'activité, l'IBAN et le "
                                            "résultat de la vérification.")
            location = self.api.complete_onboarding(token, values["business_name"],
                                                    values["iban"], values["outcome"])
            return 303, [("Location", location)], b""

    def _pay(self, data):
        """/_double/pay: the patient confirms an intent in the browser, without a browser. The
        same request the Stripe.js stand-in sends (publishable key and client secret) goes
        through the same code as an HTTP one; the answer tells what the API answered."""
        secret, token = data.get("client_secret"), data.get("payment_method", "pm_card_visa")
        match = CLIENT_SECRET.fullmatch(secret) if isinstance(secret, str) else None
        if not match or not isinstance(token, str) or not token:
            return 400, {"error": "want client_secret (pi_..._secret_... or seti_..._secret_...) "
                                  "and payment_method (a test token such as pm_card_visa)"}
        kind = "payment_intents" if match.group(2) == "pi" else "setup_intents"
        body = urllib.parse.urlencode({"payment_method": token, "client_secret": secret})
        headers = {"Authorization": f"Bearer {self.publishable_key}",
                   "Content-Type": "application/x-www-form-urlencoded"}
        account = self.api.owner.get(match.group(1))
        if account:  # a connected account's intent: as Stripe.js with stripeAccount sends it
            headers["Stripe-Account"] = account
        status, _, payload = self.handle_api("POST", f"/v1/{kind}/{match.group(1)}/confirm", "",
                                             headers, body.encode(), new_id("req", 14),
                                             via="/_double/pay")
        answer = json.loads(payload)
        error = answer.get("error")
        intent = answer if status == 200 else (error or {}).get(kind[:-1])
        return 200, {"http_status": status, "intent": intent, "error": error}


# ---- HTTP ----

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Stripe's clients expect
    server_version = "stripe-double"
    double = None  # set by main()

    def do_GET(self):
        self._handle()

    do_POST = do_DELETE = do_GET

    def do_OPTIONS(self):
        """A browser's CORS preflight before a /v1 call with an Authorization header."""
        path = urllib.parse.urlsplit(self.path).path
        if not path.startswith("/v1/"):
            return self._send(404, [], b'{"error": "no such route"}', new_id("req", 14))
        self._send(204, CORS_PREFLIGHT, b"", new_id("req", 14))

    def log_message(self, fmt, *args):
        self.double.log(fmt % args)

    def _handle(self):
        url = urllib.parse.urlsplit(self.path)
        request_id = new_id("req", 14)
        length = self.headers.get("Content-Length") or "0"
        if self.headers.get("Transfer-Encoding") or not length.isdigit() or \
                int(length) > MAX_BODY:
            self.close_connection = True
            return self._send(400, [], b'{"error": {"type": "invalid_request_error", '
                                       b'"message": "Send a plain Content-Length body."}}',
                              request_id)
        body = self.rfile.read(int(length))
        if url.path in STRIPE_JS_FILES and self.command == "GET":
            return self._send_stripe_js(*STRIPE_JS_FILES[url.path], request_id)
        if url.path.startswith("/v3/"):
            return self._send(404, [], b"not a file of the Stripe.js stand-in\n", request_id,
                              "text/plain; charset=utf-8")
        if url.path == "/_double/connect/dashboard" or url.path.startswith(ONBOARD_PREFIX):
            status, headers, page = self.double.page(self.command, url.path, url.query, body)
            return self._send(status, headers, page, request_id, "text/html; charset=utf-8")
        if url.path.startswith("/_double/"):
            try:
                data = json.loads(body) if body.strip() else {}
            except ValueError:
                data = None
            if isinstance(data, dict):
                status, payload = self.double.control(self.command, url.path, data)
            else:
                status, payload = 400, b'{"error": "the body must be a JSON object"}'
            return self._send(status, [], payload, request_id)
        fault = self.double.take_fail_rule(self.command, url.path)
        if fault == "drop_request":
            with self.double.lock:
                self.double.requests.append({
                    "method": self.command, "path": url.path, "dropped": "request",
                    "idempotency_key": self.headers.get("Idempotency-Key"),
                    "stripe_version": self.headers.get("Stripe-Version"),
                    "stripe_account": self.headers.get("Stripe-Account"),
                    "replayed": False, "status": None})
            return self._cut()
        status, headers, payload = self.double.handle_api(
            self.command, url.path, url.query, self.headers, body, request_id,
            dropped="response" if fault == "drop_response" else None)
        if fault == "drop_response":  # processed (and saved), but the answer never arrives
            return self._cut()
        if url.path.startswith("/v1/"):
            headers = headers + CORS
        self._send(status, headers, payload, request_id)

    def _send_stripe_js(self, name, content_type, request_id):
        # Read at each request, so an edit to the stand-in shows without a restart.
        with open(os.path.join(STRIPE_JS_DIR, name), "rb") as source:
            payload = source.read()
        headers = [("X-Content-Type-Options", "nosniff"), ("Access-Control-Allow-Origin", "*")]
        if name.endswith(".html"):
            headers.append(("Content-Security-Policy", FRAME_CSP))
        self._send(200, headers, payload, request_id, content_type)

    def _send(self, status, headers, payload, request_id, content_type="application/json"):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Request-Id", request_id)
        if status != 204:
            self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-cache, no-store")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _cut(self):
        """Close the connection without a byte of answer: a network cut."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--publishable-key", default="pk_test_double",
                        help="the key Stripe.js (the /v3/ stand-in) uses (default pk_test_double)")
    parser.add_argument("--webhook-url")
    parser.add_argument("--webhook-secret")
    parser.add_argument("--connect-webhook-url",
                        help="the Connect endpoint: connected accounts' events go there only")
    parser.add_argument("--connect-webhook-secret")
    parser.add_argument("--enabled-events", default="*",
                        help="comma-separated event types the endpoints receive (default *)")
    parser.add_argument("--api-version", default="2024-06-20",
                        help="the account's API version: events' api_version, and the "
                             "Stripe-Version answered when a request sends none")
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = parser.parse_args(argv)
    if bool(args.webhook_url) != bool(args.webhook_secret):
        parser.error("--webhook-url and --webhook-secret go together")
    if bool(args.connect_webhook_url) != bool(args.connect_webhook_secret):
        parser.error("--connect-webhook-url and --connect-webhook-secret go together")

    def log(message):
        if args.verbose:
            print(f"stripe-double: {message}", file=sys.stderr, flush=True)

    Handler.double = Double(args, log)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    Handler.double.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    # A test that crashed never stops its double: it goes with its parent, instead of holding the
    # test runner's output pipe open (ctest would wait for it forever).
    parent = os.getppid()
    while not stop.wait(0.1):  # a timed wait so the signal handler runs promptly
        if os.getppid() != parent:
            break
    server.shutdown()
    server.server_close()
    for sender in Handler.double.senders():
        sender.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
