"""The Stripe resources the double keeps: customers, setup intents, payment methods, payment
intents, charges, balance transactions, refunds and events, in memory, each in a scope: the
platform, or one connected account (Stripe Connect; accounts themselves: stripe_connect.py).

No HTTP here: StripeApi.call() takes a method, a path and the already parsed parameters and
returns (status, object) or raises StripeError; stripe_double.py adds authentication (which
routes a publishable key may call), idempotency, webhooks and the wire format. The objects
follow Stripe's API reference for API versions from 2022-11-15 on (PaymentIntent.latest_charge,
no embedded `charges` list), with the fields a billing server reads; rarely used fields are left
out rather than invented.
"""

import copy
import hmac
import re
import secrets
import string
import time

_ALNUM = string.ascii_letters + string.digits


def new_id(prefix, length=24):
    return prefix + "_" + "".join(secrets.choice(_ALNUM) for _ in range(length))


class StripeError(Exception):
    """An error answered as Stripe does: {"error": {...}} with an HTTP status.

    `saved` follows Stripe's idempotency rule: a result is stored under an idempotency key only
    once the endpoint has begun executing. Parameter validation failures happen before that, so
    they are not saved and a retry with the same key is processed afresh."""

    def __init__(self, status, type_, message, code=None, param=None, saved=True, **extra):
        super().__init__(message)
        self.status, self.saved = status, saved
        self.body = {"type": type_, "message": message}
        if code:
            self.body["code"] = code
            self.body["doc_url"] = "https://stripe.com/docs/error-codes/" + code.replace("_", "-")
        if param:
            self.body["param"] = param
        self.body.update(extra)


def invalid(message, param=None, code=None):
    return StripeError(400, "invalid_request_error", message, code, param, saved=False)


def missing(param):
    return invalid(f"Missing required param: {param}.", param, "parameter_missing")


def no_such(kind, id_, param=None, status=400):
    # Stripe answers 404 for an unknown id in the URL and 400 for one given as a parameter.
    return StripeError(status, "invalid_request_error", f"No such {kind}: '{id_}'",
                       "resource_missing", param, saved=status != 400)


def state_error(code, message):
    return StripeError(400, "invalid_request_error", message, code)


def unexpected_state(kind, action, status, allowed):
    """Stripe's answer to an action the intent's status does not allow."""
    name = {"payment_intent": "PaymentIntent", "setup_intent": "SetupIntent"}[kind]
    return state_error(f"{kind}_unexpected_state",
                       f"You cannot {action} this {name} because it has a status of {status}. "
                       f"Only a {name} with one of the following statuses may be {action}"
                       f"{'d' if action.endswith('e') else 'ed'}: {', '.join(allowed)}.")


# Stripe's test-mode shortcuts. Each use creates a new pm_ object, as Stripe does.
# `outcome` is what happens when a payment is confirmed with the card.
TEST_CARDS = {
    "pm_card_visa": ("visa", "4242", "US", "succeed"),
    "pm_card_mastercard": ("mastercard", "4444", "US", "succeed"),
    "pm_card_chargeDeclinedInsufficientFunds": ("visa", "9995", "US", "insufficient_funds"),
    "pm_card_chargeDeclined": ("visa", "0002", "US", "generic_decline"),
    "pm_card_authenticationRequired": ("visa", "3184", "DE", "authentication_required"),
    "pm_card_processing": ("visa", "0000", "US", "processing"),  # double-only: see /_double/settle
}

DECLINES = {  # decline_code -> (error code, message shown to the card holder)
    "insufficient_funds": ("card_declined", "Your card has insufficient funds."),
    "generic_decline": ("card_declined", "Your card was declined."),
    "authentication_required": (
        "authentication_required",
        "Your card was declined. This transaction requires authentication."),
}

# What `expand[]` may reach from each object type, and the type found there.
EXPANDABLE = {
    "payment_intent": {"latest_charge": "charge", "customer": "customer",
                       "payment_method": "payment_method"},
    "charge": {"balance_transaction": "balance_transaction", "customer": "customer",
               "payment_intent": "payment_intent"},
    "setup_intent": {"customer": "customer", "payment_method": "payment_method"},
    "refund": {"charge": "charge", "balance_transaction": "balance_transaction",
               "payment_intent": "payment_intent"},
    "payment_method": {"customer": "customer"},
}

COUNTERS = ("charges", "failed_charges", "payment_intents", "refunds", "customers",
            "setup_intents", "payment_methods")
CANNOT_CHARGE = "Your account cannot currently make charges."

_SYMBOLS = {"eur": "€", "usd": "$", "gbp": "£"}


def money(amount, currency):
    """Stripe's way of writing an amount in its messages: €10.00."""
    text = f"{amount // 100}.{amount % 100:02d}"
    symbol = _SYMBOLS.get(currency)
    return symbol + text if symbol else f"{text} {currency.upper()}"


def stripe_fee(amount):
    """EEA standard card pricing: 1.5 % (rounded half up to the cent) + 25 cents."""
    return (amount * 15 + 500) // 1000 + 25


# ---- parameter checks (Stripe refuses unknown parameters, which catches typos early) ----

def allow(params, names):
    for name in params:
        if name not in names:
            raise invalid(f"Received unknown parameter: {name}", name, "parameter_unknown")


def get_str(params, name, required=False):
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise missing(name)
        return None
    if not isinstance(value, str):
        raise invalid(f"Invalid string: {value!r}", name, "parameter_invalid_string")
    return value


def get_int(params, name, required=False):
    value = get_str(params, name, required)
    if value is None:
        return None
    if not re.fullmatch(r"-?[0-9]+", value):
        raise invalid(f"Invalid integer: {value}", name, "parameter_invalid_integer")
    return int(value)


def get_bool(params, name, extra=()):
    value = get_str(params, name)
    if value is None or value == "false":
        return False
    if value == "true" or value in extra:
        return True
    raise invalid(f"Invalid boolean: {value}", name)


def get_metadata(params):
    value = params.get("metadata", {})
    if value == "":  # `metadata=` clears it
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise invalid("Invalid hash", "metadata")
    for key, item in value.items():
        if len(key) > 40 or len(item) > 500:
            raise invalid("Metadata keys are at most 40 characters and values at most 500.",
                          f"metadata[{key}]")
    return dict(value)


def get_expand(params, type_):
    paths = params.get("expand", [])
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise invalid("Invalid array", "expand")
    for path in paths:  # checked before anything runs, as a validation error
        kind = type_
        for field in path.split("."):
            kind = EXPANDABLE.get(kind, {}).get(field)
            if kind is None:
                raise invalid(f"This property cannot be expanded ({field}).", "expand")
    return paths


def check_amount(amount, currency):
    if amount < 1:
        raise invalid("This value must be greater than or equal to 1.", "amount",
                      "parameter_invalid_integer")
    if amount < 50:  # Stripe's minimum charge for eur/usd/gbp-like currencies
        raise invalid(f"Amount must be at least {money(50, currency)} {currency}", "amount",
                      "amount_too_small")
    if amount > 99999999:
        raise invalid(f"Amount must be no more than {money(99999999, currency)}", "amount",
                      "amount_too_large")


def get_future_usage(params):
    """setup_future_usage: on_session, off_session, or None (absent, or "" to unset it)."""
    usage = get_str(params, "setup_future_usage")
    if usage not in (None, "on_session", "off_session"):
        raise invalid("Invalid setup_future_usage: must be one of on_session or off_session",
                      "setup_future_usage")
    return usage


def get_automatic_payment_methods(params):
    """The intent's `automatic_payment_methods` field from `automatic_payment_methods[enabled]`
    (what a server using the Payment Element sends), checking payment_method_types: the double
    knows cards only, so either way the intent's payment_method_types is ["card"]."""
    value = params.get("automatic_payment_methods")
    types = params.get("payment_method_types")
    if types is not None and types != ["card"]:
        raise invalid("The double only knows payment_method_types[]=card.",
                      "payment_method_types")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid("Invalid hash", "automatic_payment_methods")
    allow(value, {"enabled", "allow_redirects"})
    if "enabled" not in value:
        raise missing("automatic_payment_methods[enabled]")
    if not get_bool(value, "enabled"):
        return {"enabled": False}
    if types is not None:
        raise invalid("You may only specify one of these parameters: automatic_payment_methods, "
                      "payment_method_types.", "automatic_payment_methods")
    redirects = get_str(value, "allow_redirects") or "always"
    if redirects not in ("always", "never"):
        raise invalid("Invalid automatic_payment_methods[allow_redirects]: must be one of always "
                      "or never", "automatic_payment_methods[allow_redirects]")
    return {"allow_redirects": redirects, "enabled": True}


def merge_metadata(current, params):
    """metadata on an update: keys merge into what is there, a key set to "" is removed, and
    `metadata=` (empty) clears them all, as Stripe's updates do."""
    if params.get("metadata") == "":
        return {}
    merged = dict(current)
    for key, value in get_metadata(params).items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


class StripeApi:
    """The resources. Requests are handled one at a time (stripe_double.py holds a lock), so
    `self.scope`, the account the current request acts in (None: the platform; "acct_...": a
    connected account, from the Stripe-Account header), is plain state set by call()."""

    def __init__(self, api_version, on_event, webhooks_enabled, connect_webhooks_enabled=False):
        self.api_version = api_version
        self.on_event = on_event  # called with each new event (webhook delivery)
        # Whether an endpoint receives the platform's events, and the connected accounts'.
        self.endpoints = {False: webhooks_enabled, True: connect_webhooks_enabled}
        self.reset()

    def reset(self):
        self.objects = {}      # every object by id
        self.owner = {}        # object id -> its scope (None: the platform)
        self.scope = None
        self.events = []       # in emission order
        self.created_at = None  # /_double/clock: the `created` of new objects (None: now)
        self.outcome = {}      # pm id -> the test card's outcome
        self.counts = dict.fromkeys(COUNTERS, 0)  # over all scopes
        self.scope_counts = {}  # scope -> the same counters, for that scope alone

    # ---- routing ----

    ROUTES = [
        ("POST", r"/v1/customers", "create_customer"),
        ("GET", r"/v1/customers/([^/]+)", "get_customer"),
        ("GET", r"/v1/customers/([^/]+)/payment_methods", "list_customer_pms"),
        ("POST", r"/v1/setup_intents", "create_setup_intent"),
        ("GET", r"/v1/setup_intents/([^/]+)", "get_setup_intent"),
        ("POST", r"/v1/setup_intents/([^/]+)/confirm", "confirm_setup_intent"),
        ("GET", r"/v1/payment_methods/([^/]+)", "get_payment_method"),
        ("POST", r"/v1/payment_methods/([^/]+)/detach", "detach_payment_method"),
        ("POST", r"/v1/payment_intents", "create_payment_intent"),
        ("GET", r"/v1/payment_intents/([^/]+)", "get_payment_intent"),
        ("POST", r"/v1/payment_intents/([^/]+)", "update_payment_intent"),
        ("POST", r"/v1/payment_intents/([^/]+)/confirm", "confirm_payment_intent"),
        ("POST", r"/v1/payment_intents/([^/]+)/cancel", "cancel_payment_intent"),
        ("GET", r"/v1/charges/([^/]+)", "get_charge"),
        ("POST", r"/v1/refunds", "create_refund"),
        ("GET", r"/v1/refunds/([^/]+)", "get_refund"),
        ("GET", r"/v1/events", "list_events"),
        ("GET", r"/v1/events/([^/]+)", "get_event"),
    ]

    def call(self, method, path, params, ctx):
        self.scope = ctx.account  # what is made or found from here on belongs to this scope
        for route_method, pattern, name in self.ROUTES:
            match = re.fullmatch(pattern, path)
            if match and route_method == method:
                return 200, getattr(self, name)(params, ctx, *match.groups())
        raise StripeError(404, "invalid_request_error",
                          f"Unrecognized request URL ({method}: {path}). Please see "
                          "https://stripe.com/docs or we can help at https://support.stripe.com/.",
                          saved=False)

    # ---- helpers ----

    def _new(self, prefix, obj_type, id_length=24, **fields):
        created = self.created_at if self.created_at is not None else int(time.time())
        obj = {"id": new_id(prefix, id_length), "object": obj_type, "created": created,
               "livemode": False}
        obj.update(fields)
        self.objects[obj["id"]] = obj
        self.owner[obj["id"]] = self.scope
        return obj

    def _find(self, obj_type, id_, kind, param=None):
        """An object of the current scope. Another scope's is missing, as with Stripe: an
        account never learns that an id exists elsewhere."""
        obj = self.objects.get(id_) if isinstance(id_, str) else None
        if obj is None or obj["object"] != obj_type or self.owner[id_] != self.scope:
            raise no_such(kind, id_, param, status=400 if param else 404)
        return obj

    def _count(self, name):
        self.counts[name] += 1
        self.scope_counts.setdefault(self.scope, dict.fromkeys(COUNTERS, 0))[name] += 1

    def counts_of(self, scope):
        """The counters of one scope, and how many of its payment intents have succeeded."""
        counts = dict(self.scope_counts.get(scope, dict.fromkeys(COUNTERS, 0)))
        counts["payment_intents_succeeded"] = sum(
            1 for id_, o in self.objects.items() if o["object"] == "payment_intent"
            and o["status"] == "succeeded" and self.owner[id_] == scope)
        return counts

    def _check_can_charge(self):
        """A connected account takes payments once Stripe has enabled charges on it."""
        account = self.objects.get(self.scope) if self.scope else None
        if account is not None and not account["charges_enabled"]:
            raise StripeError(400, "invalid_request_error", CANNOT_CHARGE, saved=False)

    def _find_intent(self, obj_type, id_, p, ctx):
        """A payment or setup intent named in the URL. Its `client_secret`, when given, must be
        the intent's own: that is all that lets Stripe.js, with only a publishable key, read and
        confirm it (stripe_double.py refuses a publishable key without one)."""
        kind, name = {"payment_intent": ("payment_intent", "PaymentIntent"),
                      "setup_intent": ("setupintent", "SetupIntent")}[obj_type]
        intent = self._find(obj_type, id_, kind)
        secret = get_str(p, "client_secret")
        if secret is None and getattr(ctx, "publishable", False):
            raise missing("client_secret")
        if secret is not None and not hmac.compare_digest(secret.encode(),
                                                          intent["client_secret"].encode()):
            raise StripeError(400, "invalid_request_error",
                              f"The client_secret provided does not match the client_secret "
                              f"associated with the {name}.", "resource_missing",
                              "client_secret", saved=False)
        return intent

    def _expand(self, obj, paths):
        """A copy of obj with the expand[] paths (already checked) replaced by the objects."""
        obj = copy.deepcopy(obj)
        for path in paths:
            node = obj
            for field in path.split("."):
                value = node.get(field)
                if isinstance(value, str):
                    value = node[field] = copy.deepcopy(self.objects[value])
                if not isinstance(value, dict):
                    break
                node = value
        return obj

    def emit(self, type_, obj, ctx, previous=None):
        """An event of the current scope; a connected account's carries its id in `account`
        (and goes to the Connect endpoint), the platform's has no `account`."""
        request = {"id": ctx.request_id, "idempotency_key": ctx.idempotency_key} if ctx \
            else {"id": None, "idempotency_key": None}  # events caused by a /_double/ control
        data = {"object": copy.deepcopy(obj)}
        if previous is not None:
            data["previous_attributes"] = copy.deepcopy(previous)
        account = {"account": self.scope} if self.scope else {}
        event = self._new("evt", "event", **account, api_version=self.api_version, data=data,
                          pending_webhooks=1 if self.endpoints[bool(self.scope)] else 0,
                          request=request, type=type_)
        self.events.append(event)
        self.on_event(event)

    def list_events(self, p, ctx):
        """GET /v1/events: the scope's events, newest first (`type`, `limit`, `starting_after`)."""
        allow(p, {"type", "limit", "starting_after", "expand"})
        get_expand(p, "event")
        limit = get_int(p, "limit")
        limit = 10 if limit is None else limit
        if limit < 1:
            raise invalid("This value must be greater than or equal to 1.", "limit")
        if limit > 100:
            raise invalid("This value must be less than or equal to 100.", "limit")
        kind, after = get_str(p, "type"), get_str(p, "starting_after")
        data = [e for e in reversed(self.events)
                if self.owner[e["id"]] == self.scope and kind in (None, e["type"])]
        if after is not None:
            self._find("event", after, "event", "starting_after")
            ids = [e["id"] for e in data]
            data = data[ids.index(after) + 1:] if after in ids else []
        return {"object": "list", "data": data[:limit], "has_more": len(data) > limit,
                "url": "/v1/events"}

    # ---- customers ----

    def create_customer(self, p, ctx):
        allow(p, {"name", "email", "metadata", "description", "phone", "preferred_locales",
                  "expand"})
        get_expand(p, "customer")
        cus = self._new("cus", "customer", address=None, balance=0, currency=None,
                        default_source=None, delinquent=False,
                        description=get_str(p, "description"), email=get_str(p, "email"),
                        invoice_settings={"default_payment_method": None},
                        metadata=get_metadata(p), name=get_str(p, "name"),
                        phone=get_str(p, "phone"), preferred_locales=[], tax_exempt="none")
        self._count("customers")
        self.emit("customer.created", cus, ctx)
        return cus

    def get_customer(self, p, ctx, id_):
        allow(p, {"expand"})
        get_expand(p, "customer")
        return self._find("customer", id_, "customer")

    def list_customer_pms(self, p, ctx, id_):
        allow(p, {"type", "limit", "expand"})
        self._find("customer", id_, "customer")
        kind = get_str(p, "type")
        data = [o for o in self.objects.values() if o["object"] == "payment_method"
                and o["customer"] == id_ and kind in (None, o["type"])]
        data.sort(key=lambda o: o["created"], reverse=True)  # newest first, like Stripe lists
        return {"object": "list", "data": data, "has_more": False,
                "url": f"/v1/customers/{id_}/payment_methods"}

    # ---- payment methods ----

    def _payment_method(self, value, param="payment_method"):
        """A pm_ object: a fresh one for a test token, else an existing one."""
        if value in TEST_CARDS:
            brand, last4, country, outcome = TEST_CARDS[value]
            year = time.gmtime().tm_year + 1
            pm = self._new("pm", "payment_method", type="card",
                           billing_details={"address": None, "email": None, "name": None,
                                            "phone": None},
                           card={"brand": brand, "last4": last4, "exp_month": 12,
                                 "exp_year": year, "country": country, "funding": "credit",
                                 "fingerprint": new_id("fp", 16)[3:]},
                           customer=None, metadata={})
            self.outcome[pm["id"]] = outcome
            self._count("payment_methods")
            return pm
        return self._find("payment_method", value, "PaymentMethod", param)

    def _attach(self, pm, customer, ctx):
        if customer and pm["customer"] is None:
            pm["customer"] = customer
            self.emit("payment_method.attached", pm, ctx)

    def _check_owner(self, pm, customer):
        # Stripe refuses a saved card used for another customer (or with no customer).
        if pm["customer"] is not None and pm["customer"] != customer:
            raise invalid(f"The provided PaymentMethod ({pm['id']}) is attached to another "
                          f"Customer; pass customer={pm['customer']} to use it.",
                          "payment_method")

    def get_payment_method(self, p, ctx, id_):
        allow(p, {"expand"})
        return self._expand(self._find("payment_method", id_, "PaymentMethod"),
                            get_expand(p, "payment_method"))

    def detach_payment_method(self, p, ctx, id_):
        allow(p, {"expand"})
        pm = self._find("payment_method", id_, "PaymentMethod")
        if pm["customer"] is None:
            raise state_error(None, f"The payment method {id_} is not attached to a customer "
                                    "so detachment is impossible.")
        pm["customer"] = None
        self.emit("payment_method.detached", pm, ctx)
        return pm

    # ---- setup intents ----

    def create_setup_intent(self, p, ctx):
        allow(p, {"customer", "usage", "payment_method_types", "metadata", "payment_method",
                  "confirm", "description", "expand", "return_url", "automatic_payment_methods"})
        expand = get_expand(p, "setup_intent")
        customer = get_str(p, "customer")
        if customer:
            self._find("customer", customer, "customer", "customer")
        usage = get_str(p, "usage") or "off_session"
        if usage not in ("off_session", "on_session"):
            raise invalid("Invalid usage: must be one of off_session or on_session", "usage")
        automatic = get_automatic_payment_methods(p)
        confirm = get_bool(p, "confirm")
        pm_value = get_str(p, "payment_method")
        if confirm and not pm_value:
            raise missing("payment_method")
        pm = self._payment_method(pm_value) if pm_value else None
        if pm:
            self._check_owner(pm, customer)
        si = self._new("seti", "setup_intent", automatic_payment_methods=automatic,
                       cancellation_reason=None, customer=customer,
                       description=get_str(p, "description"), last_setup_error=None,
                       metadata=get_metadata(p), next_action=None,
                       payment_method=pm["id"] if pm else None, payment_method_types=["card"],
                       status="requires_confirmation" if pm else "requires_payment_method",
                       usage=usage)
        si["client_secret"] = f"{si['id']}_secret_{new_id('x', 25)[2:]}"
        self._count("setup_intents")
        self.emit("setup_intent.created", si, ctx)
        if confirm:
            self._confirm_setup(si, pm, ctx)
        return self._expand(si, expand)

    def _confirm_setup(self, si, pm, ctx):
        # The double succeeds every card on setup: it has no 3-D Secure step (see README).
        si["payment_method"], si["status"] = pm["id"], "succeeded"
        self._attach(pm, si["customer"], ctx)
        self.emit("setup_intent.succeeded", si, ctx)

    SI_CONFIRMABLE = ("requires_confirmation", "requires_payment_method", "requires_action")

    def get_setup_intent(self, p, ctx, id_):
        allow(p, {"expand", "client_secret"})
        expand = get_expand(p, "setup_intent")
        return self._expand(self._find_intent("setup_intent", id_, p, ctx), expand)

    def confirm_setup_intent(self, p, ctx, id_):
        allow(p, {"payment_method", "expand", "return_url", "mandate_data", "client_secret"})
        expand = get_expand(p, "setup_intent")
        si = self._find_intent("setup_intent", id_, p, ctx)
        if si["status"] not in self.SI_CONFIRMABLE:
            raise unexpected_state("setup_intent", "confirm", si["status"], self.SI_CONFIRMABLE)
        pm_value = get_str(p, "payment_method") or si["payment_method"]
        if not pm_value:
            raise missing("payment_method")
        pm = self._payment_method(pm_value)
        self._check_owner(pm, si["customer"])
        self._confirm_setup(si, pm, ctx)
        return self._expand(si, expand)

    # ---- payment intents and charges ----

    PI_PARAMS = {"amount", "currency", "customer", "payment_method", "off_session", "confirm",
                 "metadata", "description", "expand", "payment_method_types", "receipt_email",
                 "setup_future_usage", "statement_descriptor_suffix", "capture_method",
                 "automatic_payment_methods", "return_url", "error_on_requires_action"}
    PI_UPDATE_PARAMS = {"amount", "setup_future_usage", "metadata", "description",
                        "receipt_email", "expand"}
    PI_CONFIRMABLE = ("requires_confirmation", "requires_payment_method", "requires_action")
    PI_UPDATABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
    PI_CANCELABLE = ("requires_payment_method", "requires_capture", "requires_confirmation",
                     "requires_action")

    def create_payment_intent(self, p, ctx):
        allow(p, self.PI_PARAMS)
        expand = get_expand(p, "payment_intent")
        amount = get_int(p, "amount", required=True)
        currency = get_str(p, "currency", required=True).lower()
        if not re.fullmatch(r"[a-z]{3}", currency):
            raise invalid(f"Invalid currency: {currency}.", "currency")
        check_amount(amount, currency)
        if (get_str(p, "capture_method") or "automatic") not in ("automatic", "automatic_async"):
            raise invalid("The double supports automatic capture only.", "capture_method")
        automatic = get_automatic_payment_methods(p)
        customer = get_str(p, "customer")
        if customer:
            self._find("customer", customer, "customer", "customer")
        confirm = get_bool(p, "confirm")
        off_session = get_bool(p, "off_session", extra=("one_off", "recurring"))
        if off_session and not confirm:
            raise invalid("off_session can only be used when confirm=true.", "off_session")
        pm_value = get_str(p, "payment_method")
        if confirm and not pm_value:
            raise missing("payment_method")
        usage = get_future_usage(p)
        self._check_can_charge()
        pm = self._payment_method(pm_value) if pm_value else None
        if pm:
            self._check_owner(pm, customer)
        pi = self._new("pi", "payment_intent", amount=amount, amount_capturable=0,
                       amount_received=0, automatic_payment_methods=automatic, canceled_at=None,
                       cancellation_reason=None, capture_method="automatic",
                       confirmation_method="automatic", currency=currency, customer=customer,
                       description=get_str(p, "description"), last_payment_error=None,
                       latest_charge=None, metadata=get_metadata(p), next_action=None,
                       payment_method=pm["id"] if pm else None, payment_method_types=["card"],
                       receipt_email=get_str(p, "receipt_email"), setup_future_usage=usage,
                       status="requires_confirmation" if pm else "requires_payment_method")
        pi["client_secret"] = f"{pi['id']}_secret_{new_id('x', 25)[2:]}"
        self._count("payment_intents")
        self.emit("payment_intent.created", pi, ctx)
        if confirm:
            self._confirm_payment(pi, pm, off_session, ctx)
        return self._expand(pi, expand)

    def get_payment_intent(self, p, ctx, id_):
        allow(p, {"expand", "client_secret"})
        expand = get_expand(p, "payment_intent")
        return self._expand(self._find_intent("payment_intent", id_, p, ctx), expand)

    def update_payment_intent(self, p, ctx, id_):
        """POST /v1/payment_intents/:id: the server changes an intent the patient has not paid
        yet (a new amount, the patient's consent to keep the card). An empty string unsets a
        field; metadata merges key by key, as Stripe's updates do."""
        allow(p, self.PI_UPDATE_PARAMS)
        expand = get_expand(p, "payment_intent")
        pi = self._find("payment_intent", id_, "payment_intent")
        changes = {}
        if "amount" in p:
            changes["amount"] = get_int(p, "amount", required=True)
            check_amount(changes["amount"], pi["currency"])
        if "setup_future_usage" in p:
            changes["setup_future_usage"] = get_future_usage(p)
        for name in ("description", "receipt_email"):
            if name in p:
                changes[name] = get_str(p, name)
        metadata = merge_metadata(pi["metadata"], p) if "metadata" in p else None
        if pi["status"] not in self.PI_UPDATABLE:  # after validation, like Stripe
            raise unexpected_state("payment_intent", "update", pi["status"], self.PI_UPDATABLE)
        pi.update(changes)
        if metadata is not None:
            pi["metadata"] = metadata
        return self._expand(pi, expand)

    def cancel_payment_intent(self, p, ctx, id_):
        """The server cancels an intent it will not use again (its amount became stale), so a
        page left open cannot pay it any more."""
        allow(p, {"cancellation_reason", "expand"})
        expand = get_expand(p, "payment_intent")
        reason = get_str(p, "cancellation_reason")
        if reason not in (None, "duplicate", "fraudulent", "requested_by_customer", "abandoned"):
            raise invalid("Invalid cancellation_reason: must be one of duplicate, fraudulent, "
                          "requested_by_customer, or abandoned", "cancellation_reason")
        pi = self._find("payment_intent", id_, "payment_intent")
        if pi["status"] not in self.PI_CANCELABLE:
            raise unexpected_state("payment_intent", "cancel", pi["status"], self.PI_CANCELABLE)
        pi.update(status="canceled", canceled_at=int(time.time()), cancellation_reason=reason,
                  next_action=None)
        self.emit("payment_intent.canceled", pi, ctx)
        return self._expand(pi, expand)

    def confirm_payment_intent(self, p, ctx, id_):
        allow(p, {"payment_method", "off_session", "expand", "return_url", "setup_future_usage",
                  "error_on_requires_action", "receipt_email", "client_secret"})
        expand = get_expand(p, "payment_intent")
        off_session = get_bool(p, "off_session", extra=("one_off", "recurring"))
        usage = get_future_usage(p) if "setup_future_usage" in p else None
        pi = self._find_intent("payment_intent", id_, p, ctx)
        if pi["status"] not in self.PI_CONFIRMABLE:
            raise unexpected_state("payment_intent", "confirm", pi["status"], self.PI_CONFIRMABLE)
        pm_value = get_str(p, "payment_method") or pi["payment_method"]
        if not pm_value:
            raise missing("payment_method")
        self._check_can_charge()
        pm = self._payment_method(pm_value)
        self._check_owner(pm, pi["customer"])
        # Given at confirmation, these replace what the intent was created with.
        if "setup_future_usage" in p:
            pi["setup_future_usage"] = usage
        if "receipt_email" in p:
            pi["receipt_email"] = get_str(p, "receipt_email")
        self._confirm_payment(pi, pm, off_session, ctx)
        return self._expand(pi, expand)

    def _confirm_payment(self, pi, pm, off_session, ctx):
        outcome = self.outcome.get(pm["id"], "succeed")
        pi.update(payment_method=pm["id"], last_payment_error=None, next_action=None)
        if outcome == "authentication_required" and not off_session:
            # On session Stripe asks the customer to authenticate (3-D Secure) in the browser.
            pi.update(status="requires_action",
                      next_action={"type": "use_stripe_sdk", "use_stripe_sdk": {}})
            self.emit("payment_intent.requires_action", pi, ctx)
            return
        ch = self._new("ch", "charge", amount=pi["amount"], amount_captured=0, amount_refunded=0,
                       balance_transaction=None, billing_details=pm["billing_details"],
                       captured=False, currency=pi["currency"], customer=pi["customer"],
                       description=pi["description"], failure_code=None, failure_message=None,
                       metadata=dict(pi["metadata"]), outcome=None, paid=False,
                       payment_intent=pi["id"], payment_method=pm["id"],
                       payment_method_details={"type": "card", "card": {
                           k: pm["card"][k] for k in ("brand", "last4", "exp_month", "exp_year",
                                                      "country", "funding")}},
                       receipt_email=pi["receipt_email"], refunded=False, status="pending")
        pi["latest_charge"] = ch["id"]
        if outcome in ("succeed", "processing") and pi["setup_future_usage"]:
            # Stripe saves the card for later only once the payment went through (a declined
            # card is not kept), before it tells of the success.
            self._attach(pm, pi["customer"], ctx)
        if outcome == "processing":
            pi["status"] = "processing"
            self.emit("charge.pending", ch, ctx)
            self.emit("payment_intent.processing", pi, ctx)
        elif outcome == "succeed":
            self._succeed(pi, ch, ctx)
        else:
            self._decline(pi, ch, pm, outcome, ctx)

    def _succeed(self, pi, ch, ctx):
        fee = stripe_fee(ch["amount"])
        txn = self._new("txn", "balance_transaction", amount=ch["amount"],
                        available_on=int(time.time()) + 7 * 86400, currency=ch["currency"],
                        description=ch["description"], exchange_rate=None, fee=fee,
                        fee_details=[{"amount": fee, "application": None,
                                      "currency": ch["currency"],
                                      "description": "Stripe processing fees",
                                      "type": "stripe_fee"}],
                        net=ch["amount"] - fee, reporting_category="charge", source=ch["id"],
                        status="pending", type="charge")
        ch.update(status="succeeded", paid=True, captured=True, amount_captured=ch["amount"],
                  balance_transaction=txn["id"],
                  outcome={"network_status": "approved_by_network", "reason": None,
                           "risk_level": "normal", "seller_message": "Payment complete.",
                           "type": "authorized"})
        pi.update(status="succeeded", amount_received=pi["amount"])
        self._count("charges")
        self.emit("charge.succeeded", ch, ctx)
        self.emit("payment_intent.succeeded", pi, ctx)

    def _decline(self, pi, ch, pm, decline_code, ctx):
        code, message = DECLINES[decline_code]
        ch.update(status="failed", failure_code=code, failure_message=message,
                  outcome={"network_status": "declined_by_network", "reason": decline_code,
                           "risk_level": "normal", "type": "issuer_declined",
                           "seller_message": "The bank did not return any further details "
                                             "with this decline."})
        error = StripeError(402, "card_error", message, code, None,
                            decline_code=decline_code, charge=ch["id"])
        # After a failed attempt Stripe empties payment_method and keeps the card in the error.
        pi.update(status="requires_payment_method", payment_method=None,
                  last_payment_error=dict(error.body, payment_method=copy.deepcopy(pm)))
        self._count("failed_charges")
        self.emit("charge.failed", ch, ctx)
        self.emit("payment_intent.payment_failed", pi, ctx)
        error.body.update(payment_intent=copy.deepcopy(pi), payment_method=copy.deepcopy(pm))
        raise error

    def settle(self, pi_id, outcome):
        """/_double/settle: a `processing` payment intent (of any scope) succeeds (or fails)."""
        pi = self.objects.get(pi_id) if isinstance(pi_id, str) else None
        if not pi or pi["object"] != "payment_intent" or pi["status"] != "processing":
            raise ValueError(f"{pi_id} is not a payment intent in status processing")
        self.scope = self.owner[pi_id]  # its events are its account's
        ch = self.objects[pi["latest_charge"]]
        if outcome == "succeeded":
            self._succeed(pi, ch, None)
        else:
            try:
                self._decline(pi, ch, self.objects[ch["payment_method"]], "generic_decline", None)
            except StripeError:
                pass  # nobody is waiting for an HTTP answer
        return pi

    def get_charge(self, p, ctx, id_):
        allow(p, {"expand"})
        return self._expand(self._find("charge", id_, "charge"), get_expand(p, "charge"))

    # ---- refunds ----

    def create_refund(self, p, ctx):
        allow(p, {"payment_intent", "charge", "amount", "reason", "metadata", "expand",
                  "instructions_email"})
        expand = get_expand(p, "refund")
        pi_id, ch_id = get_str(p, "payment_intent"), get_str(p, "charge")
        if not pi_id and not ch_id:
            raise invalid("One of the following params should be provided for this request: "
                          "payment_intent or charge.", None, "parameter_missing")
        if pi_id and ch_id:
            raise invalid("You can only pass one of charge or payment_intent.", "charge")
        amount = get_int(p, "amount")
        if amount is not None and amount < 1:
            raise invalid("This value must be greater than or equal to 1.", "amount",
                          "parameter_invalid_integer")
        reason = get_str(p, "reason")
        if reason not in (None, "duplicate", "fraudulent", "requested_by_customer"):
            raise invalid("Invalid reason: must be one of duplicate, fraudulent, or "
                          "requested_by_customer", "reason")
        metadata = get_metadata(p)
        if pi_id:
            pi = self._find("payment_intent", pi_id, "payment_intent", "payment_intent")
            if pi["status"] != "succeeded":
                raise state_error(None, f"This PaymentIntent ({pi_id}) does not have a "
                                        "successful charge to refund.")
            ch = self.objects[pi["latest_charge"]]
        else:
            ch = self._find("charge", ch_id, "charge", "charge")
            if ch["status"] != "succeeded":
                raise state_error(None, f"Charge {ch_id} has not succeeded and cannot be "
                                        "refunded.")
        remaining = ch["amount"] - ch["amount_refunded"]
        if remaining == 0:
            raise state_error("charge_already_refunded",
                              f"Charge {ch['id']} has already been refunded.")
        if amount is None:
            amount = remaining
        if amount > remaining:
            raise StripeError(400, "invalid_request_error",
                              f"Refund amount ({money(amount, ch['currency'])}) is greater than "
                              f"unrefunded amount on charge ({money(remaining, ch['currency'])})",
                              param="amount")
        txn = self._new("txn", "balance_transaction", amount=-amount,
                        available_on=int(time.time()), currency=ch["currency"],
                        description="REFUND FOR CHARGE", exchange_rate=None, fee=0,
                        fee_details=[], net=-amount, reporting_category="refund",
                        status="available", type="refund")
        refund = self._new("re", "refund", amount=amount, balance_transaction=txn["id"],
                           charge=ch["id"], currency=ch["currency"], metadata=metadata,
                           payment_intent=ch["payment_intent"], reason=reason,
                           receipt_number=None, status="succeeded")
        txn["source"] = refund["id"]
        ch["amount_refunded"] += amount
        ch["refunded"] = ch["amount_refunded"] == ch["amount"]
        self._count("refunds")
        self.emit("charge.refunded", ch, ctx)
        self.emit("refund.created", refund, ctx)
        return self._expand(refund, expand)

    def get_refund(self, p, ctx, id_):
        allow(p, {"expand"})
        return self._expand(self._find("refund", id_, "refund"), get_expand(p, "refund"))

    def get_event(self, p, ctx, id_):
        allow(p, {"expand"})
        return self._find("event", id_, "event")
