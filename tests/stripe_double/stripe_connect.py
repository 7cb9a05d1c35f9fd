"""Stripe Connect in the double: connected accounts (Accounts v1 with controller properties),
account links and what the hosted onboarding form does to an account, and the platform's
access to its accounts. Direct charges need nothing more: StripeApi keeps every object in the
scope of the account a request acts in (the Stripe-Account header; stripe_double.py checks it
with scope_for()). The onboarding page itself (HTML) is connect_pages.py.
"""

import copy
import re
import time
import urllib.parse

from stripe_api import (StripeApi, allow, get_bool, get_expand, get_metadata, get_str, invalid,
                        merge_metadata, new_id, no_such)

# The countries where Stripe offers connected accounts, and each one's currency (an account's
# default_currency when none is given).
CONNECT_COUNTRIES = {
    "AT": "eur", "AU": "aud", "BE": "eur", "BG": "bgn", "CA": "cad", "CH": "chf", "CY": "eur",
    "CZ": "czk", "DE": "eur", "DK": "dkk", "EE": "eur", "ES": "eur", "FI": "eur", "FR": "eur",
    "GB": "gbp", "GI": "gbp", "GR": "eur", "HK": "hkd", "HR": "eur", "HU": "huf", "IE": "eur",
    "IT": "eur", "JP": "jpy", "LI": "chf", "LT": "eur", "LU": "eur", "LV": "eur", "MT": "eur",
    "MX": "mxn", "NL": "eur", "NO": "nok", "NZ": "nzd", "PL": "pln", "PT": "eur", "RO": "ron",
    "SE": "sek", "SG": "sgd", "SI": "eur", "SK": "eur", "TH": "thb", "US": "usd", "AE": "aed",
    "BR": "brl", "IN": "inr", "MY": "myr",
}

# The platform's own account (GET /v1/account without Stripe-Account) and its Connect
# application (account.application.deauthorized): fixed, so tests may name them.
PLATFORM_ACCOUNT_ID = "acct_1QuittanceDouble"
APPLICATION = {"id": "ca_" + "QuittanceDouble".ljust(32, "0"), "object": "application",
               "name": "Quittance"}

LINK_SECONDS = 300  # an account link's life, as Stripe's
ONBOARDING_DUE = ["business_profile.url", "external_account", "representative.first_name",
                  "tos_acceptance.date", "tos_acceptance.ip"]
DOCUMENT = "individual.verification.document"
REQUIREMENT_LISTS = ("alternatives", "currently_due", "errors", "eventually_due", "past_due",
                     "pending_verification")
CAPABILITY_STATUSES = ("active", "inactive", "pending")
PLATFORM_ONLY = ("This request is made by the platform for its connected accounts: send it "
                 "without the Stripe-Account header.")

# Accounts v1 controller properties: parameter -> allowed values (the first is the default).
CONTROLLER = {("fees", "payer"): ("account", "application"),
              ("losses", "payments"): ("stripe", "application"),
              ("stripe_dashboard", "type"): ("full", "express", "none"),
              ("requirement_collection",): ("stripe", "application")}
# Stripe's legacy account type, which the account object still reports.
TYPE_BY_DASHBOARD = {"full": "standard", "express": "express", "none": "custom"}


def requirements(currently_due=(), past_due=(), pending=(), errors=(), disabled_reason=None):
    return {"alternatives": [], "current_deadline": None, "currently_due": list(currently_due),
            "disabled_reason": disabled_reason, "errors": list(errors),
            "eventually_due": list(currently_due), "past_due": list(past_due),
            "pending_verification": list(pending)}


# What the onboarding form's « Résultat de la vérification » does to the account.
OUTCOMES = {
    "active": dict(charges_enabled=True, payouts_enabled=True, capability="active",
                   requirements=requirements()),
    "review": dict(charges_enabled=False, payouts_enabled=False, capability="pending",
                   requirements=requirements(pending=[DOCUMENT],
                                             disabled_reason="requirements.pending_verification")),
    "restricted": dict(charges_enabled=False, payouts_enabled=False, capability="inactive",
                       requirements=requirements(
                           currently_due=[DOCUMENT], past_due=[DOCUMENT],
                           errors=[{"requirement": DOCUMENT,
                                    "code": "verification_document_failed_other",
                                    "reason": "The document could not be verified."}],
                           disabled_reason="requirements.past_due")),
}


def previous_attributes(before, after):
    """Stripe's `previous_attributes` of an update: the old value of each changed field; a
    hash only with its changed keys (a key it did not have is null)."""
    out = {}
    for key in after:
        old, new = before.get(key), after[key]
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            out[key] = previous_attributes(old, new)
            out[key].update({k: v for k, v in old.items() if k not in new})
        else:
            out[key] = copy.deepcopy(old)
    return out


# ---- parameters ----

def get_hash(params, name, keys, shown=None):
    """A nested hash parameter (`shown`: its full name in errors), checked for unknown keys."""
    shown = shown or name
    value = params.get(name, {})
    if not isinstance(value, dict):
        raise invalid("Invalid hash", shown)
    for key in value:
        if key not in keys:
            raise invalid(f"Received unknown parameter: {shown}[{key}]", f"{shown}[{key}]",
                          "parameter_unknown")
    return value


def get_choice(params, name, choices, param=None):
    value = get_str(params, name)
    if value is not None and value not in choices:
        raise invalid(f"Invalid {name}: must be one of {', '.join(choices[:-1])} or "
                      f"{choices[-1]}", param or name)
    return value


def get_country(params):
    country = get_str(params, "country") or "US"  # Stripe's default, as for the platform
    if not re.fullmatch(r"[A-Za-z]{2}", country):
        raise invalid(f"Country '{country}' is unknown. Try using a 2-character alphanumeric "
                      "country code instead, such as 'US', 'EG', or 'GB'.", "country")
    country = country.upper()
    if country not in CONNECT_COUNTRIES:
        raise invalid(f"Connected accounts cannot be created in {country}: Stripe does not "
                      "support that country for Connect.", "country")
    return country


def get_email(params):
    email = get_str(params, "email")
    if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise invalid(f"Invalid email address: {email}", "email", "email_invalid")
    return email


def get_business_profile(params):
    profile = get_hash(params, "business_profile", {"name", "mcc", "url"})
    values = {k: get_str(profile, k) for k in ("mcc", "name", "url") if k in profile}
    if values.get("mcc") is not None and not re.fullmatch(r"[0-9]{4}", values["mcc"]):
        raise invalid("Invalid mcc: a merchant category code is 4 digits.",
                      "business_profile[mcc]")
    return values


def get_controller(params):
    """The account's controller: each property given or defaulted, in Stripe's supported
    combinations (a platform liable for losses pays the fees; a platform collecting the
    requirements is liable and gives no Stripe Dashboard)."""
    given = get_hash(params, "controller", {"fees", "losses", "stripe_dashboard",
                                            "requirement_collection"})
    values = {}
    for path, choices in CONTROLLER.items():
        node, name = given, f"controller[{']['.join(path)}]"
        for i, key in enumerate(path[:-1]):
            node = get_hash(node, key, {path[i + 1]}, f"controller[{key}]")
        values[path[-1]] = get_choice(node, path[-1], choices, name) or choices[0]
    if values["payments"] == "application" and values["payer"] != "application":
        raise invalid("controller[losses][payments]=application requires "
                      "controller[fees][payer]=application.", "controller[fees][payer]")
    if values["requirement_collection"] == "application" and (
            values["payments"] != "application" or values["type"] != "none"):
        raise invalid("controller[requirement_collection]=application requires "
                      "controller[losses][payments]=application and "
                      "controller[stripe_dashboard][type]=none.",
                      "controller[requirement_collection]")
    return {"fees": {"payer": values["payer"]}, "is_controller": True,
            "losses": {"payments": values["payments"]},
            "requirement_collection": values["requirement_collection"],
            "stripe_dashboard": {"type": values["type"]}, "type": "application"}


def get_capabilities(params, controller):
    """Stripe asks which capabilities an account without a Stripe Dashboard needs; the others
    get card_payments and transfers. Each starts inactive, until onboarding."""
    given = get_hash(params, "capabilities", {"card_payments", "transfers"})
    requested = []
    for name in sorted(given):
        flag = get_hash(given, name, {"requested"}, f"capabilities[{name}]")
        if get_bool(flag, "requested"):
            requested.append(name)
    if controller["stripe_dashboard"]["type"] != "none":
        requested = ["card_payments", "transfers"]
    elif not requested:
        raise invalid("Missing required param: capabilities (an account without a Stripe "
                      "Dashboard must request its capabilities).", "capabilities",
                      "parameter_missing")
    return dict.fromkeys(requested, "inactive")


def get_url(params, name):
    url = get_str(params, name, required=True)
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise invalid("Not a valid URL", name, "url_invalid")
    return url


class ConnectApi(StripeApi):
    ROUTES = StripeApi.ROUTES + [
        ("POST", r"/v1/accounts", "create_account"),
        ("GET", r"/v1/accounts/([^/]+)", "get_account"),
        ("POST", r"/v1/accounts/([^/]+)", "update_account"),
        ("GET", r"/v1/account", "get_own_account"),
        ("POST", r"/v1/account_links", "create_account_link"),
    ]

    def reset(self):
        super().reset()
        self.links = {}           # account link token -> its state
        self.deauthorized = set()  # accounts the platform no longer has access to
        self.platform = {
            "id": PLATFORM_ACCOUNT_ID, "object": "account",
            "business_profile": {"mcc": None, "name": "Quittance", "url": None},
            "business_type": "company",
            "capabilities": {"card_payments": "active", "transfers": "active"},
            "charges_enabled": True, "controller": {"type": "account"}, "country": "FR",
            "created": int(time.time()), "default_currency": "eur", "details_submitted": True,
            "email": None, "metadata": {}, "payouts_enabled": True,
            "requirements": requirements(), "type": "standard"}

    # ---- access: which scope a Stripe-Account header names ----

    def scope_for(self, account_id):
        """The scope a request with this Stripe-Account header acts in: None (the platform) for
        no header or the platform's own id. LookupError when the platform has no access."""
        if account_id is None or account_id == PLATFORM_ACCOUNT_ID:
            return None
        account = self.objects.get(account_id)
        if account is None or account["object"] != "account" or \
                account_id in self.deauthorized:
            raise LookupError(account_id)
        return account_id

    def _platform_only(self):
        if self.scope is not None:
            raise invalid(PLATFORM_ONLY)

    def _connected(self, id_, param=None):
        """One of the platform's connected accounts, still authorized."""
        account = self.objects.get(id_) if isinstance(id_, str) else None
        if account is None or account["object"] != "account" or id_ in self.deauthorized:
            raise no_such("account", id_, param, status=400 if param else 404)
        return account

    # ---- accounts ----

    ACCOUNT_PARAMS = {"country", "email", "business_type", "business_profile",
                      "default_currency", "controller", "capabilities", "metadata", "expand",
                      "type"}

    def create_account(self, p, ctx):
        self._platform_only()
        allow(p, self.ACCOUNT_PARAMS)
        get_expand(p, "account")
        if "type" in p:
            raise invalid("The double creates accounts with controller properties "
                          "(controller[...]) only, not with type.", "type")
        country = get_country(p)
        email = get_email(p)
        business_type = get_choice(p, "business_type", ("company", "government_entity",
                                                        "individual", "non_profit"))
        profile = dict.fromkeys(("mcc", "name", "url"))
        profile.update(get_business_profile(p))
        currency = (get_str(p, "default_currency") or CONNECT_COUNTRIES[country]).lower()
        if not re.fullmatch(r"[a-z]{3}", currency):
            raise invalid(f"Invalid currency: {currency}.", "default_currency")
        controller = get_controller(p)
        capabilities = get_capabilities(p, controller)
        metadata = get_metadata(p)
        # What was given need not be asked again (Stripe's onboarding skips prefilled fields).
        due = [r for r in ONBOARDING_DUE if not (r == "business_profile.url" and profile["url"])]
        account = self._new("acct", "account", id_length=16, business_profile=profile,
                            business_type=business_type, capabilities=capabilities,
                            charges_enabled=False, controller=controller, country=country,
                            default_currency=currency, details_submitted=False, email=email,
                            metadata=metadata, payouts_enabled=False,
                            requirements=requirements(due, disabled_reason="requirements.past_due"),
                            type=TYPE_BY_DASHBOARD[controller["stripe_dashboard"]["type"]])
        account.pop("livemode")  # an account has none
        account["external_accounts"] = {"object": "list", "data": [], "has_more": False,
                                        "total_count": 0,
                                        "url": f"/v1/accounts/{account['id']}/external_accounts"}
        return account

    def get_account(self, p, ctx, id_):
        allow(p, {"expand"})
        get_expand(p, "account")
        if self.scope is not None:  # a connected account sees itself only
            if id_ != self.scope:
                raise no_such("account", id_, status=404)
            return self.objects[id_]
        if id_ == PLATFORM_ACCOUNT_ID:
            return self.platform
        return self._connected(id_)

    def get_own_account(self, p, ctx):
        allow(p, {"expand"})
        get_expand(p, "account")
        return self.objects[self.scope] if self.scope else self.platform

    def update_account(self, p, ctx, id_):
        """POST /v1/accounts/:id: what the double lets a platform change: metadata (merged key
        by key), email, business_profile."""
        self._platform_only()
        allow(p, {"metadata", "email", "business_profile", "expand"})
        get_expand(p, "account")
        changes = {}
        if "email" in p:
            changes["email"] = get_email(p)
        if "business_profile" in p:
            changes["business_profile"] = get_business_profile(p)
        account = self._connected(id_)
        if "metadata" in p:
            changes["metadata"] = merge_metadata(account["metadata"], p)
        if "business_profile" in changes:
            changes["business_profile"] = dict(account["business_profile"],
                                               **changes["business_profile"])
            if changes["business_profile"]["url"]:
                due = account["requirements"]
                changes["requirements"] = dict(due, **{
                    k: [r for r in due[k] if r != "business_profile.url"]
                    for k in ("currently_due", "eventually_due", "past_due")})
        self.change_account(account, changes, ctx)
        return account

    def change_account(self, account, changes, ctx=None):
        """Applies changes to an account and, if anything changed, emits account.updated on
        that account (with previous_attributes), as Stripe does for every change."""
        before = copy.deepcopy(account)
        account.update(copy.deepcopy(changes))
        previous = previous_attributes(before, account)
        if not previous:
            return
        scope, self.scope = self.scope, account["id"]
        try:
            self.emit("account.updated", account, ctx, previous)
        finally:
            self.scope = scope

    # ---- account links and the onboarding form ----

    def create_account_link(self, p, ctx):
        self._platform_only()
        allow(p, {"account", "refresh_url", "return_url", "type", "collection_options",
                  "expand"})
        get_expand(p, "account_link")
        account_id = get_str(p, "account", required=True)
        kind = get_str(p, "type", required=True)
        get_choice(p, "type", ("account_onboarding", "account_update"))
        # The double's form always sends the user somewhere: both are needed for either type.
        refresh_url, return_url = get_url(p, "refresh_url"), get_url(p, "return_url")
        options = get_hash(p, "collection_options", {"fields", "future_requirements"})
        get_choice(options, "fields", ("currently_due", "eventually_due"),
                   "collection_options[fields]")
        get_choice(options, "future_requirements", ("include", "omit"),
                   "collection_options[future_requirements]")
        account = self._connected(account_id, "account")
        if kind == "account_update" and account["controller"]["requirement_collection"] != \
                "application":
            raise invalid("account_update links are only for accounts whose requirements the "
                          "platform collects (controller[requirement_collection]=application); "
                          "use account_onboarding.", "type")
        token = new_id("x", 32)[2:]
        created = int(time.time())
        self.links[token] = {"account": account_id, "refresh_url": refresh_url,
                             "return_url": return_url, "type": kind,
                             "expires_at": created + LINK_SECONDS, "used": False}
        return {"object": "account_link", "created": created,
                "expires_at": created + LINK_SECONDS,
                "url": f"{ctx.base_url}/_double/connect/onboard/{token}"}

    def open_link(self, token):
        """(link, usable): (None, False) for an unknown token; an expired or used link, or one
        whose account the platform lost, is not usable (its user goes to refresh_url)."""
        link = self.links.get(token)
        if link is None:
            return None, False
        usable = not link["used"] and time.time() < link["expires_at"] and \
            link["account"] not in self.deauthorized
        return link, usable

    def complete_onboarding(self, token, business_name, iban, outcome):
        """The form sent: the account is as Stripe's verification left it. The link is used."""
        link = self.links[token]
        link["used"] = True
        account = self.objects[link["account"]]
        state = OUTCOMES[outcome]
        iban = re.sub(r"\s", "", iban).upper()
        bank = {"id": new_id("ba"), "object": "bank_account", "account": account["id"],
                "account_holder_name": business_name, "bank_name": None,
                "country": iban[:2], "currency": account["default_currency"],
                "default_for_currency": True, "last4": iban[-4:], "status": "new"}
        self.change_account(account, {
            "business_profile": dict(account["business_profile"], name=business_name),
            "capabilities": dict.fromkeys(account["capabilities"], state["capability"]),
            "charges_enabled": state["charges_enabled"], "details_submitted": True,
            "external_accounts": dict(account["external_accounts"], data=[bank], total_count=1),
            "payouts_enabled": state["payouts_enabled"],
            "requirements": state["requirements"]})
        return link["return_url"]

    # ---- controls (/_double/connect/...) ----

    def _controlled(self, account_id):
        """A connected account the platform still has access to, else LookupError."""
        if self.scope_for(account_id) is None:
            raise LookupError(account_id)
        return account_id

    def connected_accounts(self):
        return [o for o in self.objects.values() if o["object"] == "account"]

    def control_update(self, account_id, data):
        """/_double/connect/accounts/<id>/update: Stripe changes its mind about an account. A
        change of charges_enabled or payouts_enabled moves card_payments or transfers along,
        unless capabilities are given."""
        account = self.objects[self._controlled(account_id)]
        fields = {"charges_enabled", "payouts_enabled", "details_submitted", "requirements",
                  "capabilities"}
        if not set(data) <= fields:
            raise ValueError(f"known fields: {', '.join(sorted(fields))}")
        changes = {}
        for name in ("charges_enabled", "payouts_enabled", "details_submitted"):
            if name in data:
                if not isinstance(data[name], bool):
                    raise ValueError(f"{name} is a boolean")
                changes[name] = data[name]
        capabilities = dict(account["capabilities"])
        for flag, capability in (("charges_enabled", "card_payments"),
                                 ("payouts_enabled", "transfers")):
            if flag in changes and capability in capabilities:
                capabilities[capability] = "active" if changes[flag] else "inactive"
        capabilities.update(self._control_capabilities(data.get("capabilities", {})))
        changes["capabilities"] = capabilities
        changes["requirements"] = dict(account["requirements"],
                                       **self._control_requirements(data.get("requirements", {})))
        self.change_account(account, changes)
        return account

    @staticmethod
    def _control_capabilities(given):
        if not isinstance(given, dict) or not all(
                k in ("card_payments", "transfers") and v in CAPABILITY_STATUSES
                for k, v in given.items()):
            raise ValueError("capabilities: {card_payments|transfers: active|inactive|pending}")
        return given

    @staticmethod
    def _control_requirements(given):
        if not isinstance(given, dict):
            raise ValueError("requirements is an object")
        for key, value in given.items():
            if key in REQUIREMENT_LISTS:
                ok = isinstance(value, list)
            elif key == "disabled_reason":
                ok = value is None or isinstance(value, str)
            elif key == "current_deadline":
                ok = value is None or isinstance(value, int)
            else:
                ok = False
            if not ok:
                raise ValueError(f"requirements: bad or unknown field {key}")
        return given

    def deauthorize(self, account_id):
        """The account disconnects the platform: account.application.deauthorized, on that
        account, then no more access."""
        self.scope = self._controlled(account_id)
        try:
            self.emit("account.application.deauthorized", APPLICATION, None)
        finally:
            self.scope = None
        self.deauthorized.add(account_id)

    def expire_link(self, token):
        if token not in self.links:
            raise LookupError(token)
        self.links[token]["expires_at"] = time.time()

    def by_scope(self):
        counts = {"platform": self.counts_of(None)}
        counts.update((a["id"], self.counts_of(a["id"])) for a in self.connected_accounts())
        return counts

    def payment_intents_of(self, scope):
        return [o for id_, o in self.objects.items()
                if o["object"] == "payment_intent" and self.owner[id_] == scope]
