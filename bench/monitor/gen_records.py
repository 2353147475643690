#!/usr/bin/python3
"""Writes synthetic production records for timing `qualbar monitor ingest`.

    /usr/bin/python3 bench/monitor/gen_records.py COUNT OUT.jsonl [--short-outputs] [--seed N]

COUNT records of about 1 KB each, one JSON object a line, in time order over 26 weeks from
2026-06-01: a support bot's answers with the question, 3-4 retrieved passages, latency, cost, the
model, an error on 0.5% of calls and two metadata keys. Categories are skewed (billing 30% ...
privacy 0.4%, the rare one); 94% English, 4% Spanish, 2% German. About 1% of outputs carry an
e-mail address, 0.5% a phone number, 0.1% an API key and 2% are refusals ("I'm sorry, I can't
help with that."), so the pii, secrets and refused scorers find something now and then.

--short-outputs keeps the records at about 1 KB but makes every output one short sentence (the
bytes go to the passages, which ingest skips): comparing it with the default file separates the
scorers' cost per output byte from the cost per record. The same COUNT and seed always write the
same bytes.
"""
import argparse
import json
import random
import time

START = 1780272000  # 2026-06-01T00:00:00Z
SPAN = 26 * 7 * 86400

CATEGORIES = [  # (name, weight): one rare category
    ("billing", 30), ("shipping", 20), ("returns", 15), ("account-access", 12),
    ("technical-support", 10), ("product-info", 7.6), ("warranty", 5), ("privacy", 0.4)]
LANGUAGES = [("en", 94), ("es", 4), ("de", 2)]
TIERS = [("free", 60), ("pro", 32), ("enterprise", 8)]
REGIONS = [("eu", 45), ("us", 40), ("apac", 15)]

PRODUCTS = ["the Aero 2 headphones", "the Nimbus kettle", "the Trail backpack", "the Orbit lamp",
            "the Pulse smartwatch", "the Terra blender", "the Vista monitor", "the Echo speaker",
            "the Flux keyboard", "the Haven duvet", "the Summit tent", "the Glide scooter"]
PLANS = ["Basic", "Plus", "Pro", "Team", "Family"]
CARRIERS = ["DHL", "UPS", "FedEx", "the national post", "our courier partner"]
DAYS = ["2", "3", "5", "7", "10", "14", "30"]
MONTHS = ["January", "March", "April", "June", "July", "September", "October", "November"]

QUESTIONS = {
    "billing": [
        "I was charged twice for my {plan} plan this month. Can you refund one of the payments?",
        "Why did my invoice go up from {amount} to {amount2}? I did not change anything.",
        "How do I change the card you charge for my {plan} subscription?",
        "Can I get a VAT invoice for my order {order}? Our accounting team needs it by Friday.",
        "My payment failed but the money left my account. What happens now?",
        "Is there a discount if I pay for the {plan} plan yearly instead of monthly?",
    ],
    "shipping": [
        "My order {order} still says processing after {days} days. When will it ship?",
        "Do you deliver to {city}, and how long does it usually take?",
        "The tracking number for {order} does not work on the {carrier} site.",
        "Can I change the delivery address for {order}? I moved last week.",
        "The parcel was marked delivered but nothing arrived. What should I do?",
    ],
    "returns": [
        "I want to return {product}; it is not what I expected. How do I start?",
        "How long do refunds take after you receive a return?",
        "Can I return {product} without the original box?",
        "I sent back order {order} {days} days ago and have not heard anything.",
        "Do I have to pay for the return label if the item arrived damaged?",
    ],
    "account-access": [
        "I can't log in; it says my password is wrong but I just reset it.",
        "The two-factor code never arrives on my phone. How do I get into my account?",
        "How do I change the e-mail address on my account?",
        "My account was locked after too many attempts. How long do I have to wait?",
        "Someone else may have used my account. How do I secure it?",
    ],
    "technical-support": [
        "{product} won't connect to Wi-Fi after the latest update.",
        "The app crashes every time I open the settings page on Android.",
        "{product} keeps turning off after a few minutes. Is it faulty?",
        "How do I reset {product} to its factory settings?",
        "The firmware update for {product} stops at 60 percent. What can I try?",
    ],
    "product-info": [
        "Is {product} compatible with the charger of the previous model?",
        "What is the difference between the {plan} and {plan2} plans?",
        "Does {product} come in other colours, or only black?",
        "How much does {product} weigh, and is it waterproof?",
    ],
    "warranty": [
        "{product} stopped working after {months} months. Is it still under warranty?",
        "Does the warranty cover accidental damage to {product}?",
        "How do I make a warranty claim if I lost the receipt?",
    ],
    "privacy": [
        "Please delete all the personal data you hold about me.",
        "Which third parties do you share my order history with?",
        "How can I download a copy of my data under GDPR?",
    ],
}
QUESTIONS_ES = ["Me cobraron dos veces este mes. ¿Pueden devolverme uno de los pagos?",
                "Mi pedido {order} sigue sin enviarse después de {days} días.",
                "¿Cómo devuelvo {product}? No es lo que esperaba.",
                "No puedo iniciar sesión aunque acabo de cambiar la contraseña."]
QUESTIONS_DE = ["Mir wurde diesen Monat zweimal abgebucht. Können Sie eine Zahlung erstatten?",
                "Meine Bestellung {order} ist nach {days} Tagen noch nicht verschickt.",
                "Wie kann ich {product} zurückschicken?",
                "Ich kann mich nicht anmelden, obwohl ich das Passwort zurückgesetzt habe."]
PREFIXES = ["", "", "", "Hi, ", "Hello, ", "Hi there. ", "Quick question: ", "Following up: ",
            "Sorry to bother you again. ", "Good morning! "]

PASSAGES = [
    "Refunds are issued to the original payment method within {days} business days of approval.",
    "Orders placed before 2 pm ship the same working day; others ship the next working day.",
    "Customers can return most items within 30 days of delivery if they are unused and in their "
    "original condition.",
    "Duplicate charges are usually pre-authorisations that the bank releases within {days} days.",
    "Annual plans are billed once a year and cost the same as ten months of the monthly plan.",
    "Tracking numbers become active once {carrier} scans the parcel, usually within 24 hours.",
    "A damaged item is replaced or refunded at no cost; a prepaid label is sent by e-mail.",
    "Two-factor codes expire after 10 minutes; a new code can be requested from the sign-in page.",
    "After five failed sign-in attempts the account is locked for 30 minutes for security.",
    "Firmware updates need at least 40 percent battery and a stable Wi-Fi connection.",
    "The standard warranty covers manufacturing defects for 24 months from the date of purchase.",
    "Accidental damage is not covered by the standard warranty but can be added with Care+.",
    "A factory reset erases all settings; hold the power button for 15 seconds to start it.",
    "Delivery addresses can be changed until the order leaves the warehouse.",
    "Customers can request a copy or the deletion of their personal data from the privacy page.",
    "VAT invoices are available from the orders page once the order has shipped.",
    "Parcels marked delivered but not received should be reported within 7 days.",
    "Plan changes take effect at the next billing date; the difference is prorated.",
]

OPENERS = ["", "", "Thanks for reaching out. ", "Sorry about that. ", "Good question. ",
           "I understand how frustrating that is. ", "Happy to help. ", "Thanks for your patience. "]
ANSWERS = {
    "billing": [
        "A second charge is usually a pre-authorisation that your bank releases within {days} "
        "days, so you may not need a refund at all.",
        "Your invoice changed because the {plan} plan price was updated in {month}; you were "
        "notified by e-mail 30 days before.",
        "You can change the card under Settings, then Billing, then Payment method; the new card "
        "is used from the next billing date.",
        "VAT invoices for order {order} are on the orders page once it has shipped; choose "
        "Download invoice next to the order.",
        "If a payment failed but the money left your account, the bank returns it within {days} "
        "business days; nothing else is charged.",
        "Paying yearly for the {plan} plan costs the same as ten months of the monthly price.",
    ],
    "shipping": [
        "Order {order} is being packed and should leave our warehouse within 2 working days; you "
        "will get the tracking link by e-mail.",
        "We deliver there with {carrier}; delivery usually takes {days} working days after "
        "dispatch.",
        "Tracking numbers start working once {carrier} scans the parcel, usually within 24 hours "
        "of dispatch.",
        "The address can be changed until the order leaves the warehouse; I have updated it for "
        "order {order}.",
        "Please report a parcel marked delivered within 7 days and we will open an investigation "
        "with {carrier}.",
    ],
    "returns": [
        "You can return {product} within 30 days of delivery from the orders page; choose Return "
        "item and print the label.",
        "Refunds are issued to the original payment method within {days} business days after the "
        "return is approved.",
        "The original box is not required, but please pack {product} so it cannot be damaged in "
        "transit.",
        "Return labels are free when the item arrived damaged; we e-mail a prepaid label within a "
        "day.",
    ],
    "account-access": [
        "Please clear your browser's saved password and sign in with the new one; the old one no "
        "longer works after a reset.",
        "Two-factor codes expire after 10 minutes; request a new one from the sign-in page and "
        "check that your phone has signal.",
        "You can change the e-mail address under Settings, then Account; we send a confirmation "
        "link to the new address.",
        "After five failed attempts the account is locked for 30 minutes; you can then sign in "
        "again or reset your password.",
    ],
    "technical-support": [
        "Please restart {product} and your router, then reconnect; the update changed the Wi-Fi "
        "settings on some units.",
        "Turning off battery saver usually stops {product} from switching itself off; if it "
        "continues, we will replace it.",
        "To reset {product}, hold the power button for 15 seconds until the light blinks twice.",
        "Firmware updates need at least 40 percent battery and a stable connection; please charge "
        "{product} and try again.",
    ],
    "product-info": [
        "{product} works with the previous charger, although charging is slower with it.",
        "The {plan} plan adds priority support and more storage compared with the {plan2} plan.",
        "{product} comes in black, white and forest green.",
    ],
    "warranty": [
        "{product} is covered for 24 months against manufacturing defects, so a repair or "
        "replacement is free.",
        "Accidental damage is not covered by the standard warranty, but Care+ covers it.",
        "We can find your purchase from the e-mail address on the order, so the receipt is not "
        "needed.",
    ],
    "privacy": [
        "You can request the deletion of your data from the privacy page; we confirm within 30 "
        "days.",
        "We share order details only with the carrier and the payment provider needed to deliver "
        "your order.",
        "You can download a copy of your data from the privacy page; the file is ready within 48 "
        "hours.",
    ],
}
ANSWERS_ES = ["El reembolso llega a su método de pago original en {days} días hábiles.",
              "Su pedido {order} sale del almacén en un plazo de 2 días laborables.",
              "Puede devolver {product} en un plazo de 30 días desde la página de pedidos."]
ANSWERS_DE = ["Die Erstattung erfolgt innerhalb von {days} Werktagen auf das ursprüngliche "
              "Zahlungsmittel.",
              "Ihre Bestellung {order} verlässt unser Lager innerhalb von 2 Werktagen.",
              "Sie können {product} innerhalb von 30 Tagen über die Bestellseite zurückgeben."]
FOLLOW_UPS = ["Let me know if you need anything else.", "Is there anything else I can help with?",
              "I hope this helps.", "You will also find this in the help centre.",
              "We are sorry for the inconvenience.", "Thanks for being a customer.",
              "If the problem continues, reply to this message and we will look into it."]
REFUSALS = ["I'm sorry, I can't help with that.",
            "I'm sorry, but I can't share other customers' information.",
            "I can't help with that request, but our support team can.",
            "Sorry, I'm not able to assist with that."]
CITIES = ["Lisbon", "Oslo", "Toronto", "Dublin", "Kraków", "Lyon", "Austin", "Melbourne"]
NAMES = ["maria.lopez", "j.smith", "anna.k", "tom.becker", "li.wei", "sara.n"]


def pick(rng, weighted):
    names = [n for n, _ in weighted]
    weights = [w for _, w in weighted]
    return lambda: rng.choices(names, weights)[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("count", type=int)
    ap.add_argument("out")
    ap.add_argument("--short-outputs", action="store_true")
    ap.add_argument("--seed", type=int, default=20261127)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    category, language = pick(rng, CATEGORIES), pick(rng, LANGUAGES)
    tier, region = pick(rng, TIERS), pick(rng, REGIONS)

    def fill(template):
        return template.format(
            plan=rng.choice(PLANS), plan2=rng.choice(PLANS), product=rng.choice(PRODUCTS),
            carrier=rng.choice(CARRIERS), days=rng.choice(DAYS), month=rng.choice(MONTHS),
            months=rng.randint(3, 30), city=rng.choice(CITIES),
            order=f"#{rng.randint(100000, 999999)}",
            amount=f"${rng.randint(5, 40)}.{rng.randint(0, 99):02d}",
            amount2=f"${rng.randint(41, 90)}.{rng.randint(0, 99):02d}")

    step = SPAN / max(a.count, 1)
    with open(a.out, "w", encoding="utf-8") as f:
        for i in range(a.count):
            t = START + (i + rng.random()) * step
            cat, lang = category(), language()
            if lang == "es":
                question, answer = fill(rng.choice(QUESTIONS_ES)), fill(rng.choice(ANSWERS_ES))
            elif lang == "de":
                question, answer = fill(rng.choice(QUESTIONS_DE)), fill(rng.choice(ANSWERS_DE))
            else:
                question = rng.choice(PREFIXES) + fill(rng.choice(QUESTIONS[cat]))
                if rng.random() < 0.3:
                    question += " " + fill(rng.choice(QUESTIONS[cat]))
                answer = rng.choice(OPENERS) + fill(rng.choice(ANSWERS[cat]))
            n_passages = rng.choice((3, 3, 4, 4))
            if a.short_outputs:
                n_passages += 2
                answer = answer.split(";")[0].split(",")[0].rstrip(".") + "."
            else:
                for _ in range(rng.choice((1, 2, 2, 3))):
                    answer += " " + fill(rng.choice(ANSWERS[cat] + FOLLOW_UPS))
                answer += " " + rng.choice(FOLLOW_UPS)
            roll = rng.random()
            if roll < 0.02:
                answer = rng.choice(REFUSALS)
            elif roll < 0.03:
                answer += f" You can also write to {rng.choice(NAMES)}@example.com directly."
            elif roll < 0.035:
                answer += f" Or call us on +1 415-555-{rng.randint(1000, 9999)}."
            elif roll < 0.036:
                key = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(40))
                answer += f" Use the key sk-proj-{key} in the app settings."
            contexts = [{"id": f"kb-{rng.randint(1, 400)}#{rng.randint(1, 9)}",
                         "text": fill(rng.choice(PASSAGES))} for _ in range(n_passages)]
            failed = rng.random() < 0.005
            latency = round(rng.lognormvariate(6.6, 0.45) * (4 if failed else 1))
            in_tokens = 250 + len(question) // 4 + sum(len(c["text"]) for c in contexts) // 4
            out_tokens = len(answer) // 4
            record = {
                "id": f"p-{i + 1:07d}",
                "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)),
                "category": cat,
                "language": lang,
                "input": question,
                "contexts": contexts,
                "output": None if failed else answer,
                "latency_ms": latency,
                "cost_usd": round((in_tokens * 0.15 + out_tokens * 0.6) / 1e6 * 10, 6),
                "model": "bot-v3" if i * 5 >= a.count * 4 else "bot-v2",
                "error": rng.choice(("timeout", "rate_limited", "upstream 503")) if failed else None,
                "metadata": {"tier": tier(), "region": region()},
            }
            f.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
