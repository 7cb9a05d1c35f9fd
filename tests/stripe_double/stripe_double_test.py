"""Self-test of the Stripe double: runs it as a subprocess, as the server's tests will, with a
small webhook receiver that checks every delivery's signature.

    /usr/bin/python3 -m unittest discover -s tests/stripe_double -p '*_test.py'
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import unittest
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ left in the source tree
from stripe_double import parse_form  # noqa: E402  (the parser is also tested on its own)

KEY, SECRET, VERSION = "sk_test_double", "whsec_selftest_secret", "2024-06-20"
CONNECT_SECRET = "whsec_selftest_connect_secret"
PK = "pk_test_double"  # the double's default publishable key
PUBLISHABLE_REFUSED = "This API call cannot be made with a publishable API key."
PLATFORM_ACCOUNT = "acct_1QuittanceDouble"


class Receiver(BaseHTTPRequestHandler):
    """The webhook endpoint: verifies Stripe-Signature over the raw body, as our server must."""
    deliveries, fail_next, lock, secret = [], 0, threading.Lock(), SECRET

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        parts = dict(p.split("=", 1) for p in self.headers.get("Stripe-Signature", "").split(","))
        expected = hmac.new(self.secret.encode(), parts.get("t", "").encode() + b"." + body,
                            hashlib.sha256).hexdigest()
        verified = hmac.compare_digest(expected, parts.get("v1", "")) and \
            abs(time.time() - int(parts["t"])) < 300
        endpoint = type(self)
        with endpoint.lock:
            failing = endpoint.fail_next > 0
            endpoint.fail_next -= failing
            if not failing:
                endpoint.deliveries.append({"event": json.loads(body), "verified": verified,
                                            "content_type": self.headers["Content-Type"]})
        self.send_response(500 if failing else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class ConnectReceiver(Receiver):
    """The platform's Connect endpoint: connected accounts' events, signed with its own secret."""
    deliveries, fail_next, lock, secret = [], 0, threading.Lock(), CONNECT_SECRET


def start_double(*extra):
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "stripe_double.py"), "--port",
                             "0", "--api-key", KEY, *extra], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()  # the one line `{"port": N}`, once listening
    return proc, json.loads(line)["port"]


def serve(handler):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/api/stripe/webhook"


def setUpModule():
    global RECEIVER, CONNECT_RECEIVER, URL, CONNECT_URL, DOUBLE, PORT
    RECEIVER, URL = serve(Receiver)
    CONNECT_RECEIVER, CONNECT_URL = serve(ConnectReceiver)
    DOUBLE, PORT = start_double("--webhook-url", URL, "--webhook-secret", SECRET,
                                "--connect-webhook-url", CONNECT_URL,
                                "--connect-webhook-secret", CONNECT_SECRET)


def tearDownModule():
    DOUBLE.terminate()
    DOUBLE.wait(5)
    DOUBLE.stdout.close()
    for server in (RECEIVER, CONNECT_RECEIVER):
        server.shutdown()
        server.server_close()


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body
        is_json = (headers.get("Content-Type") or "").startswith("application/json")
        self.json = json.loads(body) if body and is_json else None

    @property
    def error(self):
        return self.json["error"]


def call(method, path, params=None, key=KEY, idem=None, body=None, headers=None, port=None,
         account=None):
    """One request to the double; `params` is a list of (name, value) pairs, form-encoded;
    `account`: the Stripe-Account header (a connected account's id)."""
    headers = dict(headers or {})
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    if account is not None:
        headers["Stripe-Account"] = account
    headers.setdefault("Stripe-Version", VERSION)
    if idem:
        headers["Idempotency-Key"] = idem
    if method == "GET" and params:
        path += "?" + urllib.parse.urlencode(params)
    elif method == "POST" and body is None:
        body = urllib.parse.urlencode(params or [])
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection("127.0.0.1", port or PORT, timeout=5)
    try:
        conn.request(method, path, body=body, headers=headers)
        answer = conn.getresponse()
        return Answer(answer.status, answer.headers, answer.read())
    finally:
        conn.close()


def control(method, path, data=None, port=None):
    conn = http.client.HTTPConnection("127.0.0.1", port or PORT, timeout=5)
    try:
        conn.request(method, path, body=json.dumps(data) if data is not None else None)
        answer = conn.getresponse()
        return answer.status, json.loads(answer.read())
    finally:
        conn.close()


def stats():
    return control("GET", "/_double/stats")[1]


def events():
    return control("GET", "/_double/events")[1]["data"]


def event_types():
    return [e["type"] for e in events()]


class DoubleTest(unittest.TestCase):
    def setUp(self):
        self.assertEqual(control("POST", "/_double/reset")[0], 200)
        for endpoint in (Receiver, ConnectReceiver):
            with endpoint.lock:
                endpoint.deliveries.clear()
                endpoint.fail_next = 0

    def ok(self, *args, **kwargs):
        answer = call(*args, **kwargs)
        self.assertEqual(answer.status, 200, answer.json)
        return answer.json

    def saved_card(self, token="pm_card_visa"):
        """customer -> setup intent -> confirm: (customer id, saved pm id)."""
        cus = self.ok("POST", "/v1/customers", [("name", "Ada"), ("email", "ada@example.fr")])
        si = self.ok("POST", "/v1/setup_intents", [
            ("customer", cus["id"]), ("usage", "off_session"), ("payment_method_types[]", "card")])
        si = self.ok("POST", f"/v1/setup_intents/{si['id']}/confirm",
                     [("payment_method", token)])
        return cus["id"], si["payment_method"]

    def charge(self, customer, pm, amount=1000, idem=None, extra=()):
        return call("POST", "/v1/payment_intents", [
            ("amount", str(amount)), ("currency", "eur"), ("customer", customer),
            ("payment_method", pm), ("off_session", "true"), ("confirm", "true"),
            ("metadata[invoice_id]", "inv_1"), *extra], idem=idem)

    def wait_deliveries(self, count, timeout=3.0, endpoint=Receiver):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with endpoint.lock:
                if len(endpoint.deliveries) >= count:
                    return list(endpoint.deliveries)
            time.sleep(0.02)
        self.fail(f"expected {count} webhook deliveries, got {len(endpoint.deliveries)}")

    # ---- tests ----

    def test_form_parser(self):
        self.assertEqual(parse_form("a[b][c]=1&a[b][d]=2&e[]=x&e[]=y&f[1]=q&f[0]=p"),
                         {"a": {"b": {"c": "1", "d": "2"}}, "e": ["x", "y"], "f": ["p", "q"]})
        self.assertEqual(parse_form("metadata[0]=z&metadata[1]=v+w"),  # keys, not a list
                         {"metadata": {"0": "z", "1": "v w"}})
        for bad in ("a=1&a[b]=2", "a[b]=1&a=2", "a[][b]=1"):
            with self.assertRaises(Exception, msg=bad):
                parse_form(bad)

    def test_auth(self):
        answer = call("GET", "/v1/customers/cus_x", key=None)
        self.assertEqual(answer.status, 401)
        self.assertEqual(answer.error["type"], "invalid_request_error")
        self.assertTrue(answer.error["message"].startswith("You did not provide an API key."))
        answer = call("POST", "/v1/customers", key="sk_test_wrongwrongkey")
        self.assertEqual(answer.status, 401)
        self.assertIn("Invalid API Key provided: sk_test_", answer.error["message"])
        self.assertNotIn("wrongwrongkey", answer.error["message"])  # masked, like Stripe
        basic = base64.b64encode(f"{KEY}:".encode()).decode()
        answer = call("POST", "/v1/customers", key=None,
                      headers={"Authorization": "Basic " + basic})
        self.assertEqual(answer.status, 200)
        self.assertTrue(answer.headers["Request-Id"].startswith("req_"))
        self.assertEqual(stats()["customers"], 1)
        versions = [r["stripe_version"] for r in stats()["requests"]]
        self.assertEqual(versions, [VERSION] * 3)

    def test_form_bodies_and_errors(self):
        # Literal brackets, as curl sends them; urlencode() in call() sends them escaped.
        answer = call("POST", "/v1/customers", body="name=B%C3%A9a&metadata[invoice_id]=inv_9"
                      "&metadata[patient]=p+1", headers={"Content-Type":
                                                          "application/x-www-form-urlencoded"})
        self.assertEqual(answer.status, 200, answer.json)
        cus = answer.json
        self.assertEqual((cus["name"], cus["metadata"]), ("Béa", {"invoice_id": "inv_9",
                                                                   "patient": "p 1"}))
        self.assertTrue(cus["id"].startswith("cus_"))
        self.assertEqual((cus["object"], cus["livemode"]), ("customer", False))
        self.assertEqual(self.ok("GET", f"/v1/customers/{cus['id']}")["id"], cus["id"])
        for kind in ("application/json", "application/x-www-form-urlencoded"):
            answer = call("POST", "/v1/customers", body=json.dumps({"name": "J"}),
                          headers={"Content-Type": kind})
            self.assertEqual((answer.status, answer.error["type"]), (400, "invalid_request_error"))
            self.assertIn("not JSON", answer.error["message"])
        answer = call("POST", "/v1/customers", [("nmae", "typo")])
        self.assertEqual((answer.status, answer.error["code"], answer.error["param"]),
                         (400, "parameter_unknown", "nmae"))
        answer = call("GET", "/v1/customers/cus_nope")
        self.assertEqual((answer.status, answer.error["code"]), (404, "resource_missing"))
        self.assertEqual(answer.error["message"], "No such customer: 'cus_nope'")
        self.assertEqual(call("GET", "/v1/nothing").status, 404)
        answer = call("POST", "/v1/payment_intents", [("amount", "ten"), ("currency", "eur")])
        self.assertEqual((answer.status, answer.error["param"]), (400, "amount"))

    def test_setup_intent_saves_a_card(self):
        cus = self.ok("POST", "/v1/customers", [("name", "Ada")])
        si = self.ok("POST", "/v1/setup_intents", [
            ("customer", cus["id"]), ("usage", "off_session"), ("payment_method_types[]", "card"),
            ("metadata[device]", "d1")])
        self.assertEqual(si["status"], "requires_payment_method")
        self.assertTrue(si["client_secret"].startswith(si["id"] + "_secret_"))
        self.assertEqual((si["usage"], si["metadata"]), ("off_session", {"device": "d1"}))
        si = self.ok("POST", f"/v1/setup_intents/{si['id']}/confirm",
                     [("payment_method", "pm_card_mastercard")])
        self.assertEqual(si["status"], "succeeded")
        pm_id = si["payment_method"]
        self.assertTrue(pm_id.startswith("pm_") and pm_id != "pm_card_mastercard")
        pm = self.ok("GET", f"/v1/payment_methods/{pm_id}")
        self.assertEqual((pm["type"], pm["customer"], pm["card"]["brand"], pm["card"]["last4"]),
                         ("card", cus["id"], "mastercard", "4444"))
        self.assertEqual(set(pm["card"]), {"brand", "last4", "exp_month", "exp_year", "country",
                                           "funding", "fingerprint"})
        listing = self.ok("GET", f"/v1/customers/{cus['id']}/payment_methods", [("type", "card")])
        self.assertEqual((listing["object"], listing["has_more"]), ("list", False))
        self.assertEqual([p["id"] for p in listing["data"]], [pm_id])
        self.assertEqual(self.ok("GET", f"/v1/setup_intents/{si['id']}")["status"], "succeeded")
        self.assertIn("setup_intent.succeeded", event_types())

    def test_off_session_charge_with_fee(self):
        cus, pm = self.saved_card()
        for amount, fee in ((12345, 210), (1100, 42), (1000, 40)):  # 1.5 % half up + 25
            answer = self.charge(cus, pm, amount, extra=[
                ("expand[]", "latest_charge.balance_transaction"), ("description", "Séance")])
            self.assertEqual(answer.status, 200, answer.json)
            pi = answer.json
            self.assertEqual((pi["status"], pi["amount_received"], pi["currency"]),
                             ("succeeded", amount, "eur"))
            self.assertEqual(pi["metadata"], {"invoice_id": "inv_1"})
            txn = pi["latest_charge"]["balance_transaction"]
            self.assertEqual((txn["object"], txn["amount"], txn["fee"], txn["net"]),
                             ("balance_transaction", amount, fee, amount - fee))
            self.assertEqual(txn["fee_details"][0]["amount"], fee)
        plain = self.ok("GET", f"/v1/payment_intents/{pi['id']}")
        self.assertEqual(plain["latest_charge"], pi["latest_charge"]["id"])
        ch = self.ok("GET", f"/v1/charges/{plain['latest_charge']}",
                     [("expand[]", "balance_transaction")])
        self.assertEqual((ch["balance_transaction"]["fee"], ch["payment_intent"]), (40, pi["id"]))
        self.assertEqual(stats()["charges"], 3)
        answer = call("POST", "/v1/payment_intents", [("amount", "500"), ("currency", "eur"),
                                                      ("confirm", "true")])
        self.assertEqual((answer.status, answer.error["code"], answer.error["param"]),
                         (400, "parameter_missing", "payment_method"))
        answer = call("GET", f"/v1/payment_intents/{pi['id']}", [("expand[]", "nope")])
        self.assertEqual(answer.status, 400)

    def test_declines(self):
        cases = [("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds",
                  "Your card has insufficient funds.", "9995"),
                 ("pm_card_chargeDeclined", "card_declined", "generic_decline",
                  "Your card was declined.", "0002"),
                 ("pm_card_authenticationRequired", "authentication_required",
                  "authentication_required", None, "3184")]
        for token, code, decline_code, message, last4 in cases:
            with self.subTest(token=token):
                cus, pm = self.saved_card(token)  # these cards save fine
                self.assertEqual(self.ok("GET", f"/v1/payment_methods/{pm}")["card"]["last4"],
                                 last4)
                answer = self.charge(cus, pm)
                self.assertEqual(answer.status, 402)
                error = answer.error
                self.assertEqual((error["type"], error["code"], error["decline_code"]),
                                 ("card_error", code, decline_code))
                if message:
                    self.assertEqual(error["message"], message)
                self.assertEqual(error["payment_intent"]["status"], "requires_payment_method")
                self.assertEqual(error["payment_intent"]["last_payment_error"]["code"], code)
                self.assertTrue(error["request_log_url"].startswith("https://"))
                pi = self.ok("GET", f"/v1/payment_intents/{error['payment_intent']['id']}")
                self.assertEqual(pi["status"], "requires_payment_method")
        self.assertEqual(stats()["charges"], 0)
        self.assertEqual(event_types().count("payment_intent.payment_failed"), 3)
        # On session, the authentication card asks for 3-D Secure instead of failing.
        answer = call("POST", "/v1/payment_intents", [
            ("amount", "1000"), ("currency", "eur"),
            ("payment_method", "pm_card_authenticationRequired"), ("confirm", "true")])
        self.assertEqual((answer.status, answer.json["status"]), (200, "requires_action"))

    def test_idempotent_replay(self):
        cus, pm = self.saved_card()
        first = self.charge(cus, pm, idem="k-1")
        events = len(event_types())
        again = self.charge(cus, pm, idem="k-1")
        self.assertEqual((first.status, again.status), (200, 200))
        self.assertEqual(again.json, first.json)
        self.assertEqual(again.headers["Idempotent-Replayed"], "true")
        self.assertIsNone(first.headers["Idempotent-Replayed"])
        self.assertEqual((stats()["charges"], stats()["payment_intents"]), (1, 1))
        self.assertEqual(len(event_types()), events)  # a replay emits nothing
        other = self.charge(cus, pm, amount=2000, idem="k-1")
        self.assertEqual((other.status, other.error["type"]), (400, "idempotency_error"))
        self.assertTrue(other.error["message"].startswith(
            "Keys for idempotent requests can only be used with the same parameters they were "
            "first used with."))
        self.assertEqual(stats()["charges"], 1)
        self.assertEqual(self.charge(cus, pm).status, 200)  # no key: processed each time
        self.assertEqual(self.charge(cus, pm).status, 200)
        self.assertEqual(stats()["charges"], 3)
        replayed = [r["replayed"] for r in stats()["requests"] if r["idempotency_key"] == "k-1"]
        self.assertEqual(replayed, [False, True, False])
        # A declined charge is saved too: its retry replays the 402 and charges nothing.
        cus2, bad = self.saved_card("pm_card_chargeDeclined")
        self.assertEqual(self.charge(cus2, bad, idem="k-2").status, 402)
        self.assertEqual(self.charge(cus2, bad, idem="k-2").headers["Idempotent-Replayed"], "true")
        self.assertEqual(stats()["failed_charges"], 1)

    def test_network_cuts(self):
        cus, pm = self.saved_card()
        control("POST", "/_double/fail-next", {"path_prefix": "/v1/payment_intents",
                                               "mode": "drop_response"})
        with self.assertRaises((http.client.HTTPException, ConnectionError)):
            self.charge(cus, pm, idem="cut-1")
        self.assertEqual(stats()["charges"], 1)  # Stripe charged; we never heard back
        retry = self.charge(cus, pm, idem="cut-1")
        self.assertEqual((retry.status, retry.json["status"]), (200, "succeeded"))
        self.assertEqual(retry.headers["Idempotent-Replayed"], "true")
        self.assertEqual((stats()["charges"], stats()["payment_intents"]), (1, 1))
        self.assertEqual(event_types().count("payment_intent.succeeded"), 1)
        control("POST", "/_double/fail-next", {"path_prefix": "/v1/payment_intents",
                                               "mode": "drop_request"})
        with self.assertRaises((http.client.HTTPException, ConnectionError)):
            self.charge(cus, pm, idem="cut-2")
        self.assertEqual(stats()["charges"], 1)  # never processed
        retry = self.charge(cus, pm, idem="cut-2")
        self.assertEqual((retry.status, retry.headers["Idempotent-Replayed"]), (200, None))
        self.assertEqual(stats()["charges"], 2)
        self.assertEqual([r["dropped"] for r in stats()["requests"][-4:]],
                         ["response", None, "request", None])

    def test_refunds(self):
        cus, pm = self.saved_card()
        pi = self.charge(cus, pm, amount=1000).json
        refund = self.ok("POST", "/v1/refunds", [("payment_intent", pi["id"]), ("amount", "300"),
                                                 ("reason", "requested_by_customer"),
                                                 ("metadata[invoice_id]", "inv_1")])
        self.assertTrue(refund["id"].startswith("re_"))
        self.assertEqual((refund["status"], refund["amount"], refund["charge"]),
                         ("succeeded", 300, pi["latest_charge"]))
        ch = self.ok("GET", f"/v1/charges/{pi['latest_charge']}")
        self.assertEqual((ch["amount_refunded"], ch["refunded"]), (300, False))
        too_much = call("POST", "/v1/refunds", [("payment_intent", pi["id"]), ("amount", "800")])
        self.assertEqual((too_much.status, too_much.error["type"]), (400, "invalid_request_error"))
        self.assertEqual(too_much.error["message"], "Refund amount (€8.00) is greater than "
                                                    "unrefunded amount on charge (€7.00)")
        rest = self.ok("POST", "/v1/refunds", [("charge", pi["latest_charge"])])
        self.assertEqual(rest["amount"], 700)
        ch = self.ok("GET", f"/v1/charges/{pi['latest_charge']}")
        self.assertEqual((ch["amount_refunded"], ch["refunded"]), (1000, True))
        again = call("POST", "/v1/refunds", [("payment_intent", pi["id"])])
        self.assertEqual((again.status, again.error["code"]), (400, "charge_already_refunded"))
        cus2, bad = self.saved_card("pm_card_chargeDeclined")
        failed = self.charge(cus2, bad).error["payment_intent"]
        answer = call("POST", "/v1/refunds", [("payment_intent", failed["id"])])
        self.assertEqual(answer.status, 400)
        answer = call("POST", "/v1/refunds", [("payment_intent", pi["id"]), ("reason", "oops")])
        self.assertEqual((answer.status, answer.error["param"]), (400, "reason"))
        self.assertEqual(stats()["refunds"], 2)
        refunded = [e["data"]["object"] for e in control("GET", "/_double/events")[1]["data"]
                    if e["type"] == "charge.refunded"]
        self.assertEqual([(c["payment_intent"], c["amount_refunded"]) for c in refunded],
                         [(pi["id"], 300), (pi["id"], 1000)])
        self.assertEqual(event_types().count("refund.created"), 2)

    def test_processing_then_settle(self):
        cus, pm = self.saved_card("pm_card_processing")
        pi = self.charge(cus, pm).json
        self.assertEqual(pi["status"], "processing")
        self.assertEqual(stats()["charges"], 0)
        status, settled = control("POST", "/_double/settle", {"payment_intent": pi["id"]})
        self.assertEqual((status, settled["status"]), (200, "succeeded"))
        self.assertEqual(stats()["charges"], 1)
        types = event_types()
        self.assertLess(types.index("payment_intent.processing"),
                        types.index("payment_intent.succeeded"))
        self.assertEqual(control("POST", "/_double/settle", {"payment_intent": pi["id"]})[0], 400)

    def test_webhooks_signed_and_in_order(self):
        # Held while the flow runs, so every event is queued at once: the order of delivery is
        # then the sender's doing alone, not the timing of the requests.
        control("POST", "/_double/webhooks/pause")
        cus, pm = self.saved_card()
        pi = self.charge(cus, pm, idem="wh-1").json
        emitted = control("GET", "/_double/events")[1]["data"]
        self.assertEqual(Receiver.deliveries, [])
        control("POST", "/_double/webhooks/resume")
        got = self.wait_deliveries(len(emitted))
        self.assertTrue(all(d["verified"] for d in got))
        self.assertEqual([d["event"]["id"] for d in got], [e["id"] for e in emitted])
        self.assertEqual(got[0]["content_type"], "application/json; charset=utf-8")
        succeeded = [d["event"] for d in got if d["event"]["type"] == "payment_intent.succeeded"]
        self.assertEqual(len(succeeded), 1)
        event = succeeded[0]
        self.assertTrue(event["id"].startswith("evt_"))
        self.assertEqual((event["object"], event["livemode"], event["pending_webhooks"]),
                         ("event", False, 1))
        self.assertEqual(event["request"]["idempotency_key"], "wh-1")
        self.assertEqual(event["data"]["object"]["id"], pi["id"])
        types = [d["event"]["type"] for d in got]
        self.assertLess(types.index("setup_intent.succeeded"), types.index("charge.succeeded"))
        self.assertLess(types.index("charge.succeeded"), types.index("payment_intent.succeeded"))

    def test_webhook_retry_pause_redeliver(self):
        Receiver.fail_next = 2  # two 500s, then accepted
        self.ok("POST", "/v1/customers", [("name", "R")])
        got = self.wait_deliveries(1)
        # The receiver has the event before the sender has written down the answer: wait for it.
        deadline = time.time() + 5
        record = stats()["webhooks"][0]
        while record["status"] == "pending" and time.time() < deadline:
            time.sleep(0.02)
            record = stats()["webhooks"][0]
        self.assertEqual((record["status"], record["attempts"]), ("delivered", 3))
        self.assertTrue(got[0]["verified"])
        control("POST", "/_double/webhooks/pause")
        self.ok("POST", "/v1/customers", [("name", "S")])
        time.sleep(0.2)
        self.assertEqual(len(Receiver.deliveries), 1)  # held while paused
        self.assertEqual(stats()["webhooks"][1]["status"], "pending")
        control("POST", "/_double/webhooks/resume")
        got = self.wait_deliveries(2)
        status, _ = control("POST", "/_double/redeliver", {"event_id": got[0]["event"]["id"]})
        self.assertEqual(status, 200)
        got = self.wait_deliveries(3)
        self.assertEqual(got[2]["event"], got[0]["event"])
        self.assertTrue(got[2]["verified"])

    # ---- the browser's side: publishable key, client secrets, CORS, /v3/, /_double/pay ----

    def intent(self, *extra, amount="6000"):
        """A payment intent as the server creates it for the payment page."""
        return self.ok("POST", "/v1/payment_intents", [
            ("amount", amount), ("currency", "eur"), ("automatic_payment_methods[enabled]", "true"),
            *extra])

    def confirm_as_browser(self, intent, token="pm_card_visa", secret=None):
        kind = "payment_intents" if intent["object"] == "payment_intent" else "setup_intents"
        return call("POST", f"/v1/{kind}/{intent['id']}/confirm", [
            ("payment_method", token), ("client_secret", secret or intent["client_secret"]),
            ("return_url", "https://cabinet.example/pay/t")], key=PK)

    def test_publishable_key_only_reads_and_confirms_with_a_client_secret(self):
        pi = self.intent()
        cus = self.ok("POST", "/v1/customers", [("name", "Ada")])
        secret = [("client_secret", pi["client_secret"])]
        refused = [
            ("POST", "/v1/customers", [("name", "Eve")]),
            ("GET", f"/v1/customers/{cus['id']}", []),
            ("GET", f"/v1/customers/{cus['id']}/payment_methods", []),
            ("POST", "/v1/payment_intents", [("amount", "6000"), ("currency", "eur")]),
            ("POST", f"/v1/payment_intents/{pi['id']}", [("amount", "1"), *secret]),
            ("POST", f"/v1/payment_intents/{pi['id']}/cancel", secret),
            ("POST", "/v1/refunds", [("payment_intent", pi["id"])]),
            ("POST", "/v1/setup_intents", [("customer", cus["id"])]),
            ("GET", f"/v1/payment_intents/{pi['id']}", []),  # no client secret
            ("POST", f"/v1/payment_intents/{pi['id']}/confirm", [("payment_method",
                                                                  "pm_card_visa")]),
        ]
        for method, path, params in refused:
            with self.subTest(method=method, path=path):
                answer = call(method, path, params, key=PK)
                self.assertEqual((answer.status, answer.error["type"]),
                                 (401, "invalid_request_error"))
                self.assertTrue(answer.error["message"].startswith(PUBLISHABLE_REFUSED))
        self.assertEqual(self.ok("GET", f"/v1/payment_intents/{pi['id']}")["amount"], 6000)
        self.assertEqual(stats()["charges"], 0)
        # With the intent's own secret: read it, confirm it.
        got = call("GET", f"/v1/payment_intents/{pi['id']}", secret, key=PK)
        self.assertEqual((got.status, got.json["id"]), (200, pi["id"]))
        paid = self.confirm_as_browser(pi)
        self.assertEqual((paid.status, paid.json["status"]), (200, "succeeded"))
        self.assertEqual(stats()["charges"], 1)
        self.assertEqual([r["publishable"] for r in stats()["requests"][-2:]], [True, True])
        wrong = call("GET", f"/v1/payment_intents/{pi['id']}", secret, key="pk_test_other_key")
        self.assertEqual(wrong.status, 401)
        self.assertIn("Invalid API Key provided", wrong.error["message"])

    def test_publishable_key_option(self):
        proc, port = start_double("--publishable-key", "pk_test_custom")
        try:
            answer = call("POST", "/v1/payment_intents", [("amount", "600"), ("currency", "eur")],
                          port=port)
            self.assertEqual(answer.status, 200)
            pi = answer.json
            path = f"/v1/payment_intents/{pi['id']}"
            params = [("client_secret", pi["client_secret"])]
            self.assertEqual(call("GET", path, params, key="pk_test_custom", port=port).status,
                             200)
            self.assertEqual(call("GET", path, params, key=PK, port=port).status, 401)
        finally:
            proc.terminate()
            proc.wait(5)
            proc.stdout.close()

    def test_client_secret_must_be_the_intents_own(self):
        pi, other = self.intent(), self.intent()
        cus = self.ok("POST", "/v1/customers", [("name", "Ada")])
        si = self.ok("POST", "/v1/setup_intents", [("customer", cus["id"])])
        cases = [(pi, other["client_secret"], "PaymentIntent"),
                 (pi, pi["client_secret"] + "x", "PaymentIntent"),
                 (si, si["client_secret"][:-1], "SetupIntent")]
        for intent, secret, name in cases:
            kind = "payment_intents" if name == "PaymentIntent" else "setup_intents"
            for key in (PK, KEY):  # checked whenever given, whatever the key
                with self.subTest(intent=intent["id"], key=key):
                    for answer in (self.confirm_as_browser(intent, secret=secret) if key == PK
                                   else call("POST", f"/v1/{kind}/{intent['id']}/confirm",
                                             [("payment_method", "pm_card_visa"),
                                              ("client_secret", secret)]),
                                   call("GET", f"/v1/{kind}/{intent['id']}",
                                        [("client_secret", secret)], key=key)):
                        self.assertEqual((answer.status, answer.error["code"],
                                          answer.error["param"]),
                                         (400, "resource_missing", "client_secret"))
                        self.assertEqual(answer.error["message"],
                                         f"The client_secret provided does not match the "
                                         f"client_secret associated with the {name}.")
        # An intent that does not exist at all: 404, as for any unknown id in the URL.
        missing = call("GET", "/v1/payment_intents/pi_nope",
                       [("client_secret", "pi_nope_secret_x")], key=PK)
        self.assertEqual((missing.status, missing.error["code"]), (404, "resource_missing"))
        self.assertEqual((stats()["charges"], self.ok("GET", f"/v1/setup_intents/{si['id']}")[
            "status"]), (0, "requires_payment_method"))

    def test_cors(self):
        answer = call("OPTIONS", "/v1/payment_intents/pi_x/confirm", key=None, headers={
            "Origin": "http://127.0.0.1:8080", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type"})
        self.assertIn(answer.status, (200, 204))
        self.assertEqual(answer.headers["Access-Control-Allow-Origin"], "*")
        allowed = {h.strip().lower() for h in
                   answer.headers["Access-Control-Allow-Headers"].split(",")}
        self.assertLessEqual({"authorization", "content-type", "stripe-version",
                              "stripe-account"}, allowed)
        methods = {m.strip() for m in answer.headers["Access-Control-Allow-Methods"].split(",")}
        self.assertLessEqual({"GET", "POST"}, methods)
        self.assertEqual(stats()["requests"], [])  # a preflight is not an API request
        # Every /v1 answer, errors included, may be read by the page.
        for answer in (self.confirm_as_browser(self.intent()),
                       call("POST", "/v1/customers", key=PK),
                       call("GET", "/v1/customers/cus_x", key=None)):
            self.assertEqual(answer.headers["Access-Control-Allow-Origin"], "*")
        self.assertIsNone(call("GET", "/_double/stats", key=None).headers[
            "Access-Control-Allow-Origin"])
        self.assertEqual(call("OPTIONS", "/_double/stats", key=None).status, 404)

    def test_update_payment_intent(self):
        pi = self.intent(("metadata[request]", "r1"), ("metadata[clinic]", "c1"),
                         ("description", "Acompte"))
        path = f"/v1/payment_intents/{pi['id']}"
        pi = self.ok("POST", path, [("amount", "7000"), ("setup_future_usage", "off_session"),
                                    ("metadata[clinic]", ""), ("metadata[invoice]", "i1"),
                                    ("receipt_email", "eloise@example.fr")])
        self.assertEqual((pi["amount"], pi["setup_future_usage"], pi["receipt_email"]),
                         (7000, "off_session", "eloise@example.fr"))
        self.assertEqual(pi["metadata"], {"request": "r1", "invoice": "i1"})  # merged
        self.assertEqual(pi["description"], "Acompte")  # not given: kept
        pi = self.ok("POST", path, [("setup_future_usage", ""), ("description", "")])
        self.assertEqual((pi["setup_future_usage"], pi["description"], pi["amount"]),
                         (None, None, 7000))
        self.assertEqual(self.ok("GET", path)["amount"], 7000)
        for params, param in (([("amount", "10")], "amount"),
                              ([("setup_future_usage", "always")], "setup_future_usage"),
                              ([("currency", "usd")], "currency")):
            answer = call("POST", path, params)
            self.assertEqual((answer.status, answer.error["param"]), (400, param))
        self.assertEqual(call("POST", "/v1/payment_intents/pi_nope", [("amount", "700")]).status,
                         404)
        self.assertEqual(self.confirm_as_browser(pi).json["amount_received"], 7000)
        late = call("POST", path, [("amount", "8000")])
        self.assertEqual((late.status, late.error["code"]),
                         (400, "payment_intent_unexpected_state"))
        self.assertIn("status of succeeded", late.error["message"])
        self.assertEqual(self.ok("GET", path)["amount"], 7000)

    def test_cancel_payment_intent(self):
        pi = self.intent()
        path = f"/v1/payment_intents/{pi['id']}"
        canceled = self.ok("POST", path + "/cancel", [("cancellation_reason", "abandoned")])
        self.assertEqual((canceled["status"], canceled["cancellation_reason"]),
                         ("canceled", "abandoned"))
        self.assertIsInstance(canceled["canceled_at"], int)
        events = [e for e in control("GET", "/_double/events")[1]["data"]
                  if e["type"] == "payment_intent.canceled"]
        self.assertEqual([e["data"]["object"]["id"] for e in events], [pi["id"]])
        # A page left open cannot pay it any more; nor can it be changed or canceled again.
        for answer in (self.confirm_as_browser(pi), call("POST", path, [("amount", "7000")]),
                       call("POST", path + "/cancel")):
            self.assertEqual((answer.status, answer.error["code"]),
                             (400, "payment_intent_unexpected_state"))
            self.assertIn("status of canceled", answer.error["message"])
        self.assertEqual(stats()["charges"], 0)
        paid = self.intent()
        self.confirm_as_browser(paid)
        answer = call("POST", f"/v1/payment_intents/{paid['id']}/cancel")
        self.assertEqual((answer.status, answer.error["code"]),
                         (400, "payment_intent_unexpected_state"))
        answer = call("POST", f"/v1/payment_intents/{self.intent()['id']}/cancel",
                      [("cancellation_reason", "bored")])
        self.assertEqual((answer.status, answer.error["param"]), (400, "cancellation_reason"))

    def test_setup_future_usage_keeps_the_card(self):
        cus = self.ok("POST", "/v1/customers", [("name", "Ada")])["id"]

        def cards():
            return [c["card"]["last4"] for c in
                    self.ok("GET", f"/v1/customers/{cus}/payment_methods")["data"]]

        plain = self.confirm_as_browser(self.intent(("customer", cus))).json
        self.assertEqual((plain["status"], cards()), ("succeeded", []))  # not asked: not kept
        declined = self.confirm_as_browser(self.intent(
            ("customer", cus), ("setup_future_usage", "off_session")), "pm_card_chargeDeclined")
        self.assertEqual((declined.status, cards()), (402, []))  # a declined card is not kept
        control("POST", "/_double/reset")
        cus = self.ok("POST", "/v1/customers", [("name", "Ada")])["id"]
        pi = self.intent(("customer", cus), ("setup_future_usage", "off_session"),
                         ("receipt_email", "ada@example.fr"))
        paid = self.confirm_as_browser(pi, "pm_card_mastercard").json
        self.assertEqual(paid["status"], "succeeded")
        self.assertTrue(paid["payment_method"].startswith("pm_"))  # kept on the intent
        self.assertEqual(cards(), ["4444"])
        pm = self.ok("GET", f"/v1/payment_methods/{paid['payment_method']}")
        self.assertEqual(pm["customer"], cus)
        types = event_types()
        self.assertLess(types.index("payment_method.attached"),
                        types.index("payment_intent.succeeded"))
        # The saved card then pays off session, as the server will charge it later.
        self.assertEqual(self.charge(cus, pm["id"]).json["status"], "succeeded")
        # Consent given after creation, through an update.
        pi = self.intent(("customer", cus))
        self.ok("POST", f"/v1/payment_intents/{pi['id']}", [("setup_future_usage", "on_session")])
        self.confirm_as_browser(pi)
        self.assertEqual(sorted(cards()), ["4242", "4444"])

    def test_automatic_payment_methods(self):
        pi = self.intent()
        self.assertEqual(pi["payment_method_types"], ["card"])
        self.assertEqual(pi["automatic_payment_methods"],
                         {"allow_redirects": "always", "enabled": True})
        self.assertEqual(self.confirm_as_browser(pi).json["status"], "succeeded")
        plain = self.ok("POST", "/v1/payment_intents", [("amount", "600"), ("currency", "eur")])
        self.assertIsNone(plain["automatic_payment_methods"])
        base = [("amount", "600"), ("currency", "eur")]
        for extra, param in (
                ([("automatic_payment_methods[enabled]", "true"),
                  ("payment_method_types[]", "card")], "automatic_payment_methods"),
                ([("payment_method_types[]", "sepa_debit")], "payment_method_types"),
                ([("automatic_payment_methods[enabled]", "yes")], "enabled"),
                ([("automatic_payment_methods[allow_redirects]", "never")],
                 "automatic_payment_methods[enabled]")):
            answer = call("POST", "/v1/payment_intents", base + extra)
            self.assertEqual((answer.status, answer.error["param"]), (400, param), extra)
        cus = self.ok("POST", "/v1/customers", [("name", "Ada")])
        si = self.ok("POST", "/v1/setup_intents", [
            ("customer", cus["id"]), ("automatic_payment_methods[enabled]", "true"),
            ("automatic_payment_methods[allow_redirects]", "never")])
        self.assertEqual((si["payment_method_types"], si["automatic_payment_methods"]),
                         (["card"], {"allow_redirects": "never", "enabled": True}))
        self.assertEqual(self.confirm_as_browser(si, "pm_card_visa").json["status"], "succeeded")

    def test_double_pay(self):
        pi = self.intent()
        status, paid = control("POST", "/_double/pay", {"client_secret": pi["client_secret"],
                                                         "payment_method": "pm_card_visa"})
        self.assertEqual((status, paid["http_status"], paid["error"]), (200, 200, None))
        self.assertEqual((paid["intent"]["id"], paid["intent"]["status"]), (pi["id"], "succeeded"))
        record = stats()["requests"][-1]
        self.assertEqual((record["path"], record["publishable"], record["via"]),
                         (f"/v1/payment_intents/{pi['id']}/confirm", True, "/_double/pay"))
        self.assertEqual(stats()["charges"], 1)
        # Paid already: what the page would be told.
        _, again = control("POST", "/_double/pay", {"client_secret": pi["client_secret"]})
        self.assertEqual((again["http_status"], again["error"]["code"]),
                         (400, "payment_intent_unexpected_state"))
        _, declined = control("POST", "/_double/pay", {
            "client_secret": self.intent()["client_secret"],
            "payment_method": "pm_card_chargeDeclinedInsufficientFunds"})
        self.assertEqual((declined["http_status"], declined["error"]["decline_code"],
                          declined["intent"]["status"]),
                         (402, "insufficient_funds", "requires_payment_method"))
        _, auth = control("POST", "/_double/pay", {
            "client_secret": self.intent()["client_secret"],
            "payment_method": "pm_card_authenticationRequired"})
        self.assertEqual((auth["http_status"], auth["intent"]["status"]), (200, "requires_action"))
        cus = self.ok("POST", "/v1/customers", [("name", "Ada")])
        si = self.ok("POST", "/v1/setup_intents", [("customer", cus["id"])])
        _, saved = control("POST", "/_double/pay", {"client_secret": si["client_secret"],
                                                     "payment_method": "pm_card_mastercard"})
        self.assertEqual((saved["http_status"], saved["intent"]["status"]), (200, "succeeded"))
        listing = self.ok("GET", f"/v1/customers/{cus['id']}/payment_methods")
        self.assertEqual([c["card"]["last4"] for c in listing["data"]], ["4444"])
        _, wrong = control("POST", "/_double/pay", {"client_secret": pi["id"] + "_secret_nope"})
        self.assertEqual((wrong["http_status"], wrong["error"]["code"]), (400, "resource_missing"))
        for bad in ({}, {"client_secret": "sk_test_x"}, {"client_secret": pi["client_secret"],
                                                         "payment_method": 4}):
            self.assertEqual(control("POST", "/_double/pay", bad)[0], 400, bad)
        self.assertEqual(stats()["charges"], 1)

    def test_serves_the_stripe_js_stand_in(self):
        for path in ("/v3/", "/v3"):
            answer = call("GET", path, key=None)
            self.assertEqual(answer.status, 200)
            self.assertEqual(answer.headers["Content-Type"],
                             "application/javascript; charset=utf-8")
            self.assertIn(b"window.Stripe = Stripe", answer.body)
        frame = call("GET", "/v3/elements-frame.html", key=None)
        self.assertEqual((frame.status, frame.headers["Content-Type"]),
                         (200, "text/html; charset=utf-8"))
        html = frame.body.decode()
        self.assertIn("script-src 'self'", frame.headers["Content-Security-Policy"])
        self.assertNotIn("unsafe-inline", frame.headers["Content-Security-Policy"])
        # Nothing inline, which that CSP (and the page's) would block.
        self.assertNotRegex(html, r"<script(?![^>]*\ssrc=)")
        self.assertNotRegex(html, r"\sstyle=|<style|\son[a-z]+=")
        for label, autocomplete in (("Numéro de carte", "cc-number"),
                                    ("Date d'expiration (MM/AA)", "cc-exp"),
                                    ("Code de sécurité (CVC)", "cc-csc")):
            self.assertIn(f">{label}</label>", html)
            self.assertIn(f'autocomplete="{autocomplete}"', html)
        for path, kind in (("/v3/elements-frame.js", "application/javascript"),
                           ("/v3/elements-frame.css", "text/css")):
            answer = call("GET", path, key=None)
            self.assertEqual(answer.status, 200, path)
            self.assertTrue(answer.headers["Content-Type"].startswith(kind))
        for path in ("/v3/stripe_double.py", "/v3/../stripe_double.py", "/v3/x.js"):
            self.assertEqual(call("GET", path, key=None).status, 404, path)  # only its files
        self.assertEqual(stats()["requests"], [])  # none of these is an API request

    # ---- Stripe Connect: accounts, links, onboarding, the Stripe-Account scope ----

    def account(self, *extra, enabled=True):
        """A connected account (France, Stripe's defaults: a Standard account), charges
        enabled by the control unless `enabled` is False."""
        acct = self.ok("POST", "/v1/accounts", [("country", "FR"), ("email", "cab@example.fr"),
                                                 ("business_profile[name]", "Cabinet"), *extra])
        if enabled:
            status, acct = control("POST", f"/_double/connect/accounts/{acct['id']}/update",
                                   {"charges_enabled": True})
            self.assertEqual(status, 200, acct)
        return acct

    def link(self, account, *extra):
        return self.ok("POST", "/v1/account_links", [
            ("account", account), ("type", "account_onboarding"),
            ("refresh_url", "https://cabinet.example/connect/refresh"),
            ("return_url", "https://cabinet.example/connect/return"), *extra])

    def test_create_and_read_accounts(self):
        acct = self.ok("POST", "/v1/accounts", [
            ("country", "FR"), ("email", "cab@example.fr"), ("business_type", "individual"),
            ("business_profile[name]", "Cabinet Dupré"), ("business_profile[mcc]", "8099"),
            ("metadata[clinic]", "c1"), ("metadata[x]", "y")])
        self.assertRegex(acct["id"], r"^acct_[A-Za-z0-9]{16}$")
        self.assertEqual((acct["object"], acct["country"], acct["default_currency"],
                          acct["type"], acct["email"], acct["business_type"]),
                         ("account", "FR", "eur", "standard", "cab@example.fr", "individual"))
        self.assertEqual(acct["controller"], {
            "fees": {"payer": "account"}, "is_controller": True,
            "losses": {"payments": "stripe"}, "requirement_collection": "stripe",
            "stripe_dashboard": {"type": "full"}, "type": "application"})
        self.assertEqual((acct["charges_enabled"], acct["payouts_enabled"],
                          acct["details_submitted"]), (False, False, False))
        self.assertEqual(acct["capabilities"], {"card_payments": "inactive",
                                                "transfers": "inactive"})
        due = ["business_profile.url", "external_account", "representative.first_name",
               "tos_acceptance.date", "tos_acceptance.ip"]
        self.assertEqual(acct["requirements"], {
            "currently_due": due, "eventually_due": due, "past_due": [],
            "pending_verification": [], "errors": [], "alternatives": [],
            "disabled_reason": "requirements.past_due", "current_deadline": None})
        self.assertEqual(acct["business_profile"], {"name": "Cabinet Dupré", "mcc": "8099",
                                                    "url": None})
        self.assertEqual(acct["metadata"], {"clinic": "c1", "x": "y"})
        self.assertIsInstance(acct["created"], int)
        # Stripe's defaults: the United States; and the legacy type of each dashboard.
        us = self.ok("POST", "/v1/accounts")
        self.assertEqual((us["country"], us["default_currency"]), ("US", "usd"))
        for dashboard, kind, extra in (
                ("express", "express", []),
                ("none", "custom", [("controller[requirement_collection]", "application"),
                                    ("capabilities[card_payments][requested]", "true")])):
            made = self.ok("POST", "/v1/accounts", [
                ("controller[stripe_dashboard][type]", dashboard),
                ("controller[fees][payer]", "application"),
                ("controller[losses][payments]", "application"), *extra])
            self.assertEqual((made["type"], made["controller"]["stripe_dashboard"]["type"]),
                             (kind, dashboard))
        self.assertEqual(made["capabilities"], {"card_payments": "inactive"})
        self.assertEqual(made["controller"]["requirement_collection"], "application")
        # Read back: by id, and /v1/account (the platform's own, or the header's).
        self.assertEqual(self.ok("GET", f"/v1/accounts/{acct['id']}"), acct)
        own = self.ok("GET", "/v1/account")
        self.assertEqual((own["id"], own["charges_enabled"]), (PLATFORM_ACCOUNT, True))
        self.assertEqual(self.ok("GET", f"/v1/accounts/{PLATFORM_ACCOUNT}"), own)
        self.assertEqual(self.ok("GET", "/v1/account", account=acct["id"])["id"], acct["id"])
        self.assertEqual(self.ok("GET", f"/v1/accounts/{acct['id']}", account=acct["id"])["id"],
                         acct["id"])
        missing = call("GET", "/v1/accounts/acct_0000000000000000")
        self.assertEqual((missing.status, missing.error["code"], missing.error["message"]),
                         (404, "resource_missing", "No such account: 'acct_0000000000000000'"))
        other = call("GET", f"/v1/accounts/{us['id']}", account=acct["id"])
        self.assertEqual(other.status, 404)  # a connected account sees itself only
        self.assertEqual(event_types(), [])  # creating an account emits nothing

    def test_account_creation_is_strict(self):
        cases = [
            ([("country", "CN")], 400, "country", None),
            ([("country", "France")], 400, "country", None),
            ([("controller[fees][payer]", "platform")], 400, "controller[fees][payer]", None),
            ([("controller[stripe_dashboard][kind]", "full")], 400,
             "controller[stripe_dashboard][kind]", "parameter_unknown"),
            ([("controller[losses][payments]", "application")], 400, "controller[fees][payer]",
             None),
            ([("controller[requirement_collection]", "application")], 400,
             "controller[requirement_collection]", None),
            ([("controller[stripe_dashboard][type]", "none"), ("controller[fees][payer]",
              "application"), ("controller[losses][payments]", "application")], 400,
             "capabilities", "parameter_missing"),
            ([("business_profile[mcc]", "medical")], 400, "business_profile[mcc]", None),
            ([("business_profile[support_email]", "a@b.fr")], 400,
             "business_profile[support_email]", "parameter_unknown"),
            ([("email", "not-an-email")], 400, "email", "email_invalid"),
            ([("business_type", "person")], 400, "business_type", None),
            ([("type", "express")], 400, "type", None),
            ([("tos_acceptance[date]", "1")], 400, "tos_acceptance", "parameter_unknown"),
        ]
        for params, status, param, code in cases:
            with self.subTest(params=params):
                answer = call("POST", "/v1/accounts", params)
                self.assertEqual((answer.status, answer.error["type"], answer.error.get("param")),
                                 (status, "invalid_request_error", param))
                if code:
                    self.assertEqual(answer.error["code"], code)
        # A connected account does not create accounts.
        acct = self.account()
        answer = call("POST", "/v1/accounts", [("country", "FR")], account=acct["id"])
        self.assertEqual((answer.status, answer.error["type"]), (400, "invalid_request_error"))
        self.assertEqual(len(control("GET", "/_double/connect/accounts")[1]["data"]), 1)

    def test_update_account_emits_account_updated(self):
        acct = self.account(enabled=False)
        updated = self.ok("POST", f"/v1/accounts/{acct['id']}", [
            ("metadata[clinic]", "c2"), ("email", "new@example.fr"),
            ("business_profile[url]", "https://cabinet.example")])
        self.assertEqual((updated["email"], updated["metadata"], updated["business_profile"]),
                         ("new@example.fr", {"clinic": "c2"},
                          {"name": "Cabinet", "mcc": None, "url": "https://cabinet.example"}))
        self.assertNotIn("business_profile.url", updated["requirements"]["currently_due"])
        event = events()[-1]
        self.assertEqual((event["type"], event["account"], event["data"]["object"]["id"]),
                         ("account.updated", acct["id"], acct["id"]))
        previous = event["data"]["previous_attributes"]
        self.assertEqual((previous["email"], previous["business_profile"], previous["metadata"]),
                         ("cab@example.fr", {"url": None}, {"clinic": None}))
        for params in ([("country", "DE")], [("controller[fees][payer]", "application")]):
            answer = call("POST", f"/v1/accounts/{acct['id']}", params)
            self.assertEqual((answer.status, answer.error["code"]), (400, "parameter_unknown"))
        self.assertEqual(call("POST", "/v1/accounts/acct_0000000000000000",
                              [("email", "a@b.fr")]).status, 404)
        count = len(events())
        self.ok("POST", f"/v1/accounts/{acct['id']}", [("email", "new@example.fr")])
        self.assertEqual(len(events()), count)  # nothing changed: no event

    def test_objects_belong_to_their_account(self):
        a, b = self.account()["id"], self.account()["id"]
        platform_cus = self.ok("POST", "/v1/customers", [("name", "Platform")])["id"]
        cus = self.ok("POST", "/v1/customers", [("name", "Ada")], account=a)["id"]
        si = self.ok("POST", "/v1/setup_intents", [("customer", cus)], account=a)
        si = self.ok("POST", f"/v1/setup_intents/{si['id']}/confirm",
                     [("payment_method", "pm_card_visa")], account=a)  # tokens work everywhere
        pm = si["payment_method"]
        pi = self.ok("POST", "/v1/payment_intents", [
            ("amount", "2500"), ("currency", "eur"), ("customer", cus), ("payment_method", pm),
            ("confirm", "true"), ("off_session", "true")], account=a)
        self.assertEqual(pi["status"], "succeeded")
        refund = self.ok("POST", "/v1/refunds", [("payment_intent", pi["id"]),
                                                  ("amount", "500")], account=a)
        event = self.ok("GET", "/v1/events", [("limit", "1")], account=a)["data"][0]
        self.assertEqual((event["type"], event["account"]), ("refund.created", a))
        urls = [(f"/v1/customers/{cus}", "customer"),
                (f"/v1/customers/{cus}/payment_methods", "customer"),
                (f"/v1/setup_intents/{si['id']}", "setupintent"),
                (f"/v1/payment_methods/{pm}", "PaymentMethod"),
                (f"/v1/payment_intents/{pi['id']}", "payment_intent"),
                (f"/v1/charges/{pi['latest_charge']}", "charge"),
                (f"/v1/refunds/{refund['id']}", "refund"),
                (f"/v1/events/{event['id']}", "event")]
        for path, kind in urls:
            self.assertEqual(call("GET", path, account=a).status, 200, path)
            for scope in (None, b):  # the platform and another account: as if it did not exist
                with self.subTest(path=path, scope=scope):
                    answer = call("GET", path, account=scope)
                    self.assertEqual((answer.status, answer.error["code"]),
                                     (404, "resource_missing"))
                    self.assertEqual(answer.error["message"],
                                     f"No such {kind}: '{path.split('/')[3]}'")
        # References in a request: 400 resource_missing naming the parameter.
        for path, params, param in (
                ("/v1/payment_intents", [("amount", "900"), ("currency", "eur"),
                                         ("customer", platform_cus)], "customer"),
                ("/v1/setup_intents", [("payment_method", pm)], "payment_method"),
                ("/v1/refunds", [("payment_intent", pi["id"])], "payment_intent"),
                ("/v1/refunds", [("charge", pi["latest_charge"])], "charge")):
            with self.subTest(path=path, param=param):
                answer = call("POST", path, params, account=b)
                self.assertEqual((answer.status, answer.error["code"], answer.error["param"]),
                                 (400, "resource_missing", param))
        # The browser's side: the client secret is no use outside the intent's account.
        other = self.ok("POST", "/v1/payment_intents", [
            ("amount", "4000"), ("currency", "eur"),
            ("automatic_payment_methods[enabled]", "true")], account=a)
        for scope in (None, b):
            answer = call("POST", f"/v1/payment_intents/{other['id']}/confirm", [
                ("payment_method", "pm_card_visa"), ("client_secret", other["client_secret"])],
                key=PK, account=scope)
            self.assertEqual((answer.status, answer.error["code"]), (404, "resource_missing"))
        paid = call("POST", f"/v1/payment_intents/{other['id']}/confirm", [
            ("payment_method", "pm_card_visa"), ("client_secret", other["client_secret"])],
            key=PK, account=a)
        self.assertEqual((paid.status, paid.json["status"]), (200, "succeeded"))
        # Events: each scope lists its own.
        platform_events = self.ok("GET", "/v1/events")["data"]
        self.assertEqual([e["type"] for e in platform_events], ["customer.created"])
        self.assertNotIn("account", platform_events[0])
        listed = self.ok("GET", "/v1/events", [("limit", "100")], account=a)
        self.assertTrue(all(e["account"] == a for e in listed["data"]))
        self.assertFalse(listed["has_more"])
        self.assertEqual([e["type"] for e in self.ok("GET", "/v1/events", account=b)["data"]],
                         ["account.updated"])  # the control enabling its charges
        # Counts, per scope: the platform stayed untouched.
        by_scope = stats()["by_scope"]
        self.assertEqual(by_scope["platform"], {
            "charges": 0, "failed_charges": 0, "payment_intents": 0, "refunds": 0,
            "customers": 1, "setup_intents": 0, "payment_methods": 0,
            "payment_intents_succeeded": 0})
        self.assertEqual((by_scope[a]["charges"], by_scope[a]["payment_intents_succeeded"],
                          by_scope[a]["refunds"], by_scope[b]["payment_intents"]), (2, 2, 1, 0))
        listing = {r["id"]: r for r in control("GET", "/_double/connect/accounts")[1]["data"]}
        self.assertEqual((listing[a]["counts"]["customers"], listing[a]["counts"]["setup_intents"],
                          listing[a]["counts"]["payment_intents"], listing[a]["deauthorized"]),
                         (1, 1, 2, False))
        self.assertEqual(listing[b]["account"]["charges_enabled"], True)

    def test_idempotency_keys_are_per_account(self):
        a = self.account()["id"]
        params = [("amount", "1500"), ("currency", "eur")]
        first = call("POST", "/v1/payment_intents", params, idem="same", account=a)
        platform = call("POST", "/v1/payment_intents", params, idem="same")
        self.assertEqual((first.status, platform.status), (200, 200))
        self.assertIsNone(platform.headers["Idempotent-Replayed"])
        self.assertNotEqual(first.json["id"], platform.json["id"])
        again = call("POST", "/v1/payment_intents", params, idem="same", account=a)
        self.assertEqual((again.headers["Idempotent-Replayed"], again.json["id"]),
                         ("true", first.json["id"]))
        self.assertEqual(call("GET", f"/v1/payment_intents/{platform.json['id']}").status, 200)
        self.assertEqual((stats()["by_scope"][a]["payment_intents"],
                          stats()["by_scope"]["platform"]["payment_intents"]), (1, 1))

    def test_no_charges_until_the_account_may_charge(self):
        acct = self.account(enabled=False)["id"]
        for params in ([("amount", "1500"), ("currency", "eur")],
                       [("amount", "1500"), ("currency", "eur"),
                        ("payment_method", "pm_card_visa"), ("confirm", "true")]):
            answer = call("POST", "/v1/payment_intents", params, account=acct)
            self.assertEqual((answer.status, answer.error["type"], answer.error["message"]),
                             (400, "invalid_request_error",
                              "Your account cannot currently make charges."))
        control("POST", f"/_double/connect/accounts/{acct}/update", {"charges_enabled": True})
        pi = self.ok("POST", "/v1/payment_intents", [("amount", "1500"), ("currency", "eur")],
                     account=acct)
        status, updated = control("POST", f"/_double/connect/accounts/{acct}/update", {
            "charges_enabled": False, "requirements": {"past_due": ["external_account"],
                                                       "disabled_reason": "requirements.past_due"}})
        self.assertEqual((status, updated["capabilities"]["card_payments"],
                          updated["requirements"]["past_due"]),
                         (200, "inactive", ["external_account"]))
        answer = call("POST", f"/v1/payment_intents/{pi['id']}/confirm",
                      [("payment_method", "pm_card_visa")], account=acct)
        self.assertEqual((answer.status, answer.error["message"]),
                         (400, "Your account cannot currently make charges."))
        self.assertEqual(stats()["charges"], 0)
        updates = [e for e in events() if e["type"] == "account.updated"]
        self.assertEqual(updates[-1]["data"]["previous_attributes"]["charges_enabled"], True)
        for bad in ({"charges_enabled": "yes"}, {"type": "custom"},
                    {"requirements": {"currently_due": "x"}}):
            self.assertEqual(control("POST", f"/_double/connect/accounts/{acct}/update",
                                     bad)[0], 400, bad)
        self.assertEqual(control("POST", "/_double/connect/accounts/acct_nope/update", {})[0],
                         404)

    def test_unknown_or_deauthorized_account_is_refused(self):
        message = ("The provided key 'sk_test_**uble' does not have access to account '{}' (or "
                   "that account does not exist). Application access may have been revoked.")
        for key in (KEY, PK):
            answer = call("GET", "/v1/customers/cus_x", key=key, account="acct_0000000000000000")
            self.assertEqual((answer.status, answer.error["type"], answer.error["code"]),
                             (403, "invalid_request_error", "account_invalid"))
            self.assertNotIn(key, answer.error["message"])  # the key masked
        self.assertEqual(answer.error["message"], message.format("acct_0000000000000000")
                         .replace("sk_test_**uble", "pk_test_**uble"))
        acct = self.account()["id"]
        pi = self.ok("POST", "/v1/payment_intents", [("amount", "1500"), ("currency", "eur")],
                     account=acct)
        self.assertEqual(control("POST", f"/_double/connect/accounts/{acct}/deauthorize")[0], 200)
        answer = call("GET", f"/v1/payment_intents/{pi['id']}", account=acct)
        self.assertEqual((answer.status, answer.error["message"]), (403, message.format(acct)))
        event = events()[-1]
        self.assertEqual((event["type"], event["account"], event["data"]["object"]),
                         ("account.application.deauthorized", acct,
                          {"id": "ca_QuittanceDouble00000000000000000", "object": "application",
                           "name": "Quittance"}))
        self.assertEqual(call("GET", f"/v1/accounts/{acct}").status, 404)
        answer = call("POST", "/v1/account_links", [
            ("account", acct), ("type", "account_onboarding"),
            ("refresh_url", "https://c.example/r"), ("return_url", "https://c.example/d")])
        self.assertEqual((answer.status, answer.error["param"]), (400, "account"))
        self.assertTrue(control("GET", "/_double/connect/accounts")[1]["data"][0]["deauthorized"])
        self.assertEqual(control("POST", f"/_double/connect/accounts/{acct}/deauthorize")[0], 404)
        # The platform's own id is the platform.
        self.assertEqual(self.ok("GET", "/v1/account", account=PLATFORM_ACCOUNT)["id"],
                         PLATFORM_ACCOUNT)

    def test_account_links(self):
        acct = self.account(enabled=False)["id"]
        link = self.link(acct, ("collection_options[fields]", "eventually_due"),
                         ("collection_options[future_requirements]", "include"))
        self.assertEqual(link["object"], "account_link")
        self.assertEqual(link["expires_at"], link["created"] + 300)
        self.assertRegex(link["url"],
                         rf"^http://127\.0\.0\.1:{PORT}/_double/connect/onboard/[A-Za-z0-9]+$")
        base = [("account", acct), ("type", "account_onboarding"),
                ("refresh_url", "https://c.example/r"), ("return_url", "https://c.example/d")]
        without = lambda name: [p for p in base if p[0] != name]  # noqa: E731
        for params, param, code in (
                (without("account"), "account", "parameter_missing"),
                (without("type"), "type", "parameter_missing"),
                (without("refresh_url"), "refresh_url", "parameter_missing"),
                (without("return_url"), "return_url", "parameter_missing"),
                (without("account") + [("account", "acct_0000000000000000")], "account",
                 "resource_missing"),
                (without("type") + [("type", "onboarding")], "type", None),
                (without("return_url") + [("return_url", "javascript:alert(1)")], "return_url",
                 "url_invalid"),
                (base + [("collection_options[fields]", "all")], "collection_options[fields]",
                 None),
                (base + [("collect", "eventually_due")], "collect", "parameter_unknown"),
                (without("type") + [("type", "account_update")], "type", None)):
            with self.subTest(params=params):
                answer = call("POST", "/v1/account_links", params)
                self.assertEqual((answer.status, answer.error["type"], answer.error["param"]),
                                 (400, "invalid_request_error", param))
                if code:
                    self.assertEqual(answer.error["code"], code)
        self.assertEqual(call("POST", "/v1/account_links", base, account=acct).status, 400)

    def onboard(self, link, outcome="active", name="Cabinet Dupré"):
        body = urllib.parse.urlencode({"business_name": name, "iban": "FR76 3000 6000 0112 3456",
                                       "outcome": outcome})
        return call("POST", urllib.parse.urlsplit(link["url"]).path, key=None, body=body,
                    headers={"Content-Type": "application/x-www-form-urlencoded"})

    def test_onboarding_page(self):
        acct = self.account(enabled=False)["id"]
        link = self.link(acct)
        path = urllib.parse.urlsplit(link["url"]).path
        page = call("GET", path, key=None)
        self.assertEqual((page.status, page.headers["Content-Type"]),
                         (200, "text/html; charset=utf-8"))
        html = page.body.decode()
        self.assertIn('<html lang="fr">', html)
        self.assertIn("<title>Activer les paiements — Stripe (double)</title>", html)
        self.assertRegex(html, rf'<form method="post" action="{path}">')
        for field, label in (("business_name", "Nom de l'activité"), ("iban", "IBAN"),
                             ("outcome", "Résultat de la vérification")):
            self.assertIn(f'<label for="{field}">{label}</label>', html)
            self.assertRegex(html, rf'<(input|select) id="{field}" name="{field}"')
        self.assertRegex(html, r'id="business_name"[^>]*value="Cabinet"')
        self.assertIn('value="FR1420041010050500013M02606"', html)
        self.assertIn('<option value="active" selected>Vérifié : paiements actifs</option>', html)
        self.assertIn('<option value="review">En cours de vérification</option>', html)
        self.assertIn("<option value=\"restricted\">Pièce d'identité refusée</option>", html)
        self.assertIn('<button type="submit">Envoyer</button>', html)
        # Sent without a name: the form again, the error tied to the field.
        empty = self.onboard(link, name="")
        self.assertEqual(empty.status, 400)
        self.assertRegex(empty.body.decode(), r'id="business_name"[^>]*aria-invalid="true"')
        done = self.onboard(link)
        self.assertEqual((done.status, done.headers["Location"]),
                         (303, "https://cabinet.example/connect/return"))
        acct_now = self.ok("GET", f"/v1/accounts/{acct}")
        self.assertEqual((acct_now["charges_enabled"], acct_now["payouts_enabled"],
                          acct_now["details_submitted"], acct_now["business_profile"]["name"]),
                         (True, True, True, "Cabinet Dupré"))
        self.assertEqual(acct_now["capabilities"], {"card_payments": "active",
                                                    "transfers": "active"})
        self.assertEqual((acct_now["requirements"]["currently_due"],
                          acct_now["requirements"]["disabled_reason"]), ([], None))
        self.assertEqual(acct_now["external_accounts"]["data"][0]["last4"], "3456")
        event = events()[-1]
        self.assertEqual((event["type"], event["account"],
                          event["data"]["previous_attributes"]["charges_enabled"]),
                         ("account.updated", acct, False))
        # Used: GET or POST go to refresh_url, and nothing changes.
        for answer in (call("GET", path, key=None), self.onboard(link, "restricted")):
            self.assertEqual((answer.status, answer.headers["Location"]),
                             (303, "https://cabinet.example/connect/refresh"))
        self.assertTrue(self.ok("GET", f"/v1/accounts/{acct}")["charges_enabled"])
        # Expired: likewise.
        late = self.link(acct)
        token = late["url"].rsplit("/", 1)[1]
        self.assertEqual(control("POST", f"/_double/connect/links/{token}/expire")[0], 200)
        self.assertEqual(call("GET", urllib.parse.urlsplit(late["url"]).path, key=None)
                         .headers["Location"], "https://cabinet.example/connect/refresh")
        self.assertEqual(control("POST", "/_double/connect/links/nope/expire")[0], 404)
        missing = call("GET", "/_double/connect/onboard/nope", key=None)
        self.assertEqual((missing.status, missing.headers["Content-Type"]),
                         (404, "text/html; charset=utf-8"))

    def test_onboarding_outcomes(self):
        document = "individual.verification.document"
        acct = self.account(enabled=False)["id"]
        self.onboard(self.link(acct), "review")
        review = self.ok("GET", f"/v1/accounts/{acct}")
        self.assertEqual((review["charges_enabled"], review["payouts_enabled"],
                          review["details_submitted"]), (False, False, True))
        self.assertEqual((review["requirements"]["pending_verification"],
                          review["requirements"]["currently_due"],
                          review["requirements"]["disabled_reason"]),
                         ([document], [], "requirements.pending_verification"))
        self.onboard(self.link(acct), "restricted")
        restricted = self.ok("GET", f"/v1/accounts/{acct}")["requirements"]
        self.assertEqual((restricted["currently_due"], restricted["past_due"],
                          restricted["disabled_reason"]),
                         ([document], [document], "requirements.past_due"))
        self.assertEqual(restricted["errors"], [{
            "requirement": document, "code": "verification_document_failed_other",
            "reason": "The document could not be verified."}])
        answer = call("POST", "/v1/payment_intents", [("amount", "900"), ("currency", "eur")],
                      account=acct)
        self.assertEqual(answer.status, 400)
        self.assertEqual(event_types(), ["account.updated"] * 2)  # one for each form sent

    def test_connect_webhooks(self):
        control("POST", "/_double/webhooks/pause")
        acct = self.account()["id"]
        self.ok("POST", "/v1/customers", [("name", "Platform")])
        pi = self.ok("POST", "/v1/payment_intents", [
            ("amount", "2000"), ("currency", "eur"), ("payment_method", "pm_card_visa"),
            ("confirm", "true")], account=acct)
        emitted = events()
        connected = [e for e in emitted if e.get("account") == acct]
        self.assertEqual([e["type"] for e in connected],
                         ["account.updated", "payment_intent.created", "charge.succeeded",
                          "payment_intent.succeeded"])
        self.assertEqual(ConnectReceiver.deliveries, [])
        control("POST", "/_double/webhooks/resume")
        got = self.wait_deliveries(len(connected), endpoint=ConnectReceiver)
        self.assertTrue(all(d["verified"] for d in got))  # signed with the Connect secret
        self.assertEqual([d["event"]["id"] for d in got], [e["id"] for e in connected])
        self.assertTrue(all(d["event"]["account"] == acct for d in got))
        self.assertEqual(got[-1]["event"]["data"]["object"]["id"], pi["id"])
        platform = self.wait_deliveries(1)
        time.sleep(0.1)
        self.assertEqual([d["event"]["type"] for d in Receiver.deliveries], ["customer.created"])
        self.assertTrue(platform[0]["verified"])
        self.assertNotIn("account", platform[0]["event"])
        deliveries = stats()["connect_webhooks"]
        self.assertEqual([r["event_id"] for r in deliveries], [e["id"] for e in connected])
        self.assertEqual([r["event_id"] for r in stats()["webhooks"]],
                         [e["id"] for e in emitted if "account" not in e])
        control("POST", "/_double/redeliver", {"event_id": connected[-1]["id"]})
        again = self.wait_deliveries(len(connected) + 1, endpoint=ConnectReceiver)
        self.assertEqual(again[-1]["event"], got[-1]["event"])
        self.assertEqual(len(Receiver.deliveries), 1)

    def test_connected_events_without_a_connect_endpoint(self):
        proc, port = start_double("--webhook-url", URL, "--webhook-secret", SECRET,
                                  "--enabled-events", "customer.created,account.updated")
        try:
            acct = call("POST", "/v1/accounts", [("country", "FR")], port=port).json["id"]
            control("POST", f"/_double/connect/accounts/{acct}/update", {"charges_enabled": True},
                    port=port)
            self.assertEqual(call("POST", "/v1/customers", [("name", "A")], port=port,
                                  account=acct).status, 200)
            self.assertEqual(call("POST", "/v1/customers", [("name", "P")], port=port).status,
                             200)
            platform = self.wait_deliveries(1)
            time.sleep(0.2)
            self.assertEqual([d["event"]["data"]["object"]["name"] for d in Receiver.deliveries],
                             ["P"])  # the account's customer.created is recorded only
            self.assertEqual(platform[0]["event"]["pending_webhooks"], 1)
            recorded = control("GET", "/_double/events", port=port)[1]["data"]
            self.assertEqual([(e["type"], e.get("account"), e["pending_webhooks"])
                              for e in recorded],
                             [("account.updated", acct, 0), ("customer.created", acct, 0),
                              ("customer.created", None, 1)])
            self.assertEqual(control("POST", "/_double/redeliver",
                                     {"event_id": recorded[0]["id"]}, port=port)[0], 400)
        finally:
            proc.terminate()
            proc.wait(5)
            proc.stdout.close()
        # --enabled-events applies to the Connect endpoint too.
        proc, port = start_double("--connect-webhook-url", CONNECT_URL,
                                  "--connect-webhook-secret", CONNECT_SECRET,
                                  "--enabled-events", "customer.created")
        try:
            acct = call("POST", "/v1/accounts", [("country", "FR")], port=port).json["id"]
            control("POST", f"/_double/connect/accounts/{acct}/update", {"charges_enabled": True},
                    port=port)
            call("POST", "/v1/customers", [("name", "A")], port=port, account=acct)
            got = self.wait_deliveries(1, endpoint=ConnectReceiver)
            time.sleep(0.2)
            self.assertEqual([d["event"]["type"] for d in ConnectReceiver.deliveries],
                             ["customer.created"])
            self.assertTrue(got[0]["verified"])
        finally:
            proc.terminate()
            proc.wait(5)
            proc.stdout.close()

    def test_controls_reach_every_account(self):
        acct = self.account()["id"]
        pi = self.ok("POST", "/v1/payment_intents", [("amount", "3000"), ("currency", "eur"),
                                                      ("description", "Séance")], account=acct)
        status, paid = control("POST", "/_double/pay", {"client_secret": pi["client_secret"]})
        self.assertEqual((status, paid["http_status"], paid["intent"]["status"]),
                         (200, 200, "succeeded"))
        record = stats()["requests"][-1]
        self.assertEqual((record["stripe_account"], record["via"]), (acct, "/_double/pay"))
        cus = self.ok("POST", "/v1/customers", [("name", "Ada")], account=acct)["id"]
        slow = self.ok("POST", "/v1/payment_intents", [
            ("amount", "3000"), ("currency", "eur"), ("customer", cus),
            ("payment_method", "pm_card_processing"), ("confirm", "true")], account=acct)
        self.assertEqual(slow["status"], "processing")
        status, settled = control("POST", "/_double/settle", {"payment_intent": slow["id"]})
        self.assertEqual((status, settled["status"]), (200, "succeeded"))
        self.assertEqual(events()[-1]["account"], acct)
        self.assertEqual(stats()["by_scope"][acct]["charges"], 2)
        self.assertEqual(stats()["by_scope"]["platform"]["charges"], 0)
        dashboard = call("GET", "/_double/connect/dashboard", key=None)
        self.assertEqual((dashboard.status, dashboard.headers["Content-Type"]),
                         (200, "text/html; charset=utf-8"))
        html = dashboard.body.decode()
        self.assertIn('<html lang="fr">', html)
        self.assertIn("<title>Tableau de bord Stripe (double)</title>", html)
        for text in (acct, pi["id"], slow["id"], "30,00 €", "Séance"):
            self.assertIn(text, html)

    def test_sigterm_exits_cleanly(self):
        url = f"http://127.0.0.1:{RECEIVER.server_address[1]}/unused"
        proc, port = start_double("--webhook-url", url, "--webhook-secret", SECRET)
        self.assertGreater(port, 0)
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(5), 0)
        self.assertEqual(proc.stdout.read(), "")  # exactly one line was printed
        proc.stdout.close()


if __name__ == "__main__":
    unittest.main()
