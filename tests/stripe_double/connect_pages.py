"""The double's HTML pages standing in for Stripe's hosted Connect pages, in French: the
onboarding form an account link leads to, and a dashboard of the connected accounts. Plain
HTML, no script: a browser test fills the form as a user would."""

from html import escape

DEFAULT_IBAN = "FR1420041010050500013M02606"
OUTCOME_LABELS = [("active", "Vérifié : paiements actifs"),
                  ("review", "En cours de vérification"),
                  ("restricted", "Pièce d'identité refusée")]
STYLE = """body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#f6f8fa}
main{max-width:40rem;margin:0 auto;padding:1.5rem}
label{display:block;font-weight:600;margin-top:1rem}
input,select{font:inherit;width:100%;box-sizing:border-box;padding:.6rem;margin-top:.25rem}
button{font:inherit;margin-top:1.5rem;padding:.7rem 1.5rem;background:#635bff;color:#fff;
border:0;border-radius:6px}
.error{color:#b3261e;font-weight:600}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #d0d7de}"""


def text(value):
    """Escaped for a text node: an apostrophe stays one (« Pièce d'identité »)."""
    return escape(value, quote=False)


def amount_fr(amount, currency):
    """10,00 € (or 10,00 USD): amounts as a French reader writes them."""
    figure = f"{amount // 100},{amount % 100:02d}"
    return f"{figure} €" if currency == "eur" else f"{figure} {currency.upper()}"


def _page(title, body):
    return (f'<!doctype html>\n<html lang="fr"><head><meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{text(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
            f"<body><main>\n{body}\n</main></body></html>\n").encode()


def onboarding_page(token, account, values=None, error=None):
    """The form: business name (prefilled from the account), IBAN (a test one), and the
    verification's outcome the test wants. `error` (a French sentence) is shown above it and
    tied to the empty fields."""
    values = values or {}
    name = values.get("business_name", account["business_profile"]["name"] or "")
    iban = values.get("iban", DEFAULT_IBAN)
    chosen = values.get("outcome", "active")

    def invalid(value):
        return ' aria-invalid="true" aria-describedby="erreur"' if error and not value else ""

    options = "\n".join(
        f'<option value="{v}"{" selected" if v == chosen else ""}>{text(label)}</option>'
        for v, label in OUTCOME_LABELS)
    alert = f'<p id="erreur" class="error" role="alert">{text(error)}</p>\n' if error else ""
    return _page("Activer les paiements — Stripe (double)", f"""<h1>Activer les paiements</h1>
<p>Compte {text(account["id"])}. Cette page du double de Stripe tient lieu du formulaire
d'inscription hébergé par Stripe.</p>
{alert}<form method="post" action="/_double/connect/onboard/{escape(token)}">
<label for="business_name">Nom de l'activité</label>
<input id="business_name" name="business_name" type="text" autocomplete="organization" required
 value="{escape(name)}"{invalid(name)}>
<label for="iban">IBAN</label>
<input id="iban" name="iban" type="text" autocomplete="off" spellcheck="false" required
 value="{escape(iban)}"{invalid(iban)}>
<label for="outcome">Résultat de la vérification</label>
<select id="outcome" name="outcome">
{options}
</select>
<button type="submit">Envoyer</button>
</form>""")


def not_found_page():
    return _page("Lien introuvable — Stripe (double)",
                 "<h1>Lien introuvable</h1>\n<p>Ce lien d'inscription n'existe pas.</p>")


STATUS_LABELS = {"succeeded": "Réussi", "processing": "En cours", "canceled": "Annulé",
                 "requires_payment_method": "En attente d'un moyen de paiement",
                 "requires_confirmation": "À confirmer", "requires_action": "Action requise"}


def dashboard_page(rows):
    """rows: (account, deauthorized, its payment intents), one per connected account."""
    parts = ["<h1>Tableau de bord Stripe (double)</h1>"]
    if not rows:
        parts.append("<p>Aucun compte connecté.</p>")
    for account, deauthorized, intents in rows:
        name = account["business_profile"]["name"] or "(sans nom)"
        state = "Accès révoqué" if deauthorized else (
            "Paiements actifs" if account["charges_enabled"] else "Paiements inactifs")
        parts.append(f'<section aria-labelledby="{escape(account["id"])}">\n'
                     f'<h2 id="{escape(account["id"])}">{text(name)}</h2>\n'
                     f'<p>{text(account["id"])} · {text(account["email"] or "")} · '
                     f'{text(state)}</p>')
        if not intents:
            parts.append("<p>Aucun paiement.</p></section>")
            continue
        lines = "\n".join(
            f'<tr><td>{text(pi["id"])}</td><td>{text(amount_fr(pi["amount"], pi["currency"]))}'
            f'</td><td>{text(STATUS_LABELS.get(pi["status"], pi["status"]))}</td>'
            f'<td>{text(pi["description"] or "")}</td></tr>' for pi in intents)
        parts.append(f'<table><caption>Paiements</caption>\n<thead><tr><th scope="col">'
                     f'Identifiant</th><th scope="col">Montant</th><th scope="col">État</th>'
                     f'<th scope="col">Description</th></tr></thead>\n<tbody>\n{lines}\n'
                     f'</tbody></table></section>')
    return _page("Tableau de bord Stripe (double)", "\n".join(parts))
