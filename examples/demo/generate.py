#!/usr/bin/env python3
# qualbar demo data generator.
#
# THIS IS DEMO DATA. Everything it writes is synthetic: the questions, the knowledge-base
# passages, the customers and both "model" versions are invented; no real system produced them.
#
# What it models: a retrieval-augmented (RAG) customer-support assistant for a small online shop
# and SaaS product. Each case is a customer question with the correct short answer (reference),
# the knowledge-base passages the retriever returned (contexts), the queue the ticket should be
# routed to (expected_label) and per-case behavioural checks (assert). Two recorded versions of
# the assistant answer every case:
#   - support-bot-v1: about 87% correct, 91% grounded (asserts pass), 93% routed correctly.
#   - support-bot-v2: the "upgrade": about 89% correct and 94% routed correctly, but it invents
#     guarantees ("We guarantee a 100% refund ...") so only about 78% of its answers are grounded.
#   - In both versions refund disputes are the weakest category (8 of 17 correct, ~47%).
# Around them:
#   - a recorded judge model grades `helpful` on both versions' answers (judge-grades.jsonl): it
#     passes ~86% of v2's answers, with a verbosity bias and too lenient on invented guarantees;
#   - two reviewers grade `helpful` on v2's answers (grades/): ~90% agreement, kappa ~0.7; the
#     judge agrees with their shared grade ~89% of the time (kappa ~0.65) and passes more;
#   - eight weeks of v2's production traffic (production.jsonl), with an incident from 2026-W45:
#     the bot repeats customers' card numbers and gets ~40% slower.
#
# Run from the repository root:  python3 examples/demo/generate.py
# It (re)writes, next to this file: cases.jsonl, responses/bot-v1.jsonl, responses/bot-v2.jsonl,
# judge-grades.jsonl, grades/reviewer-1.jsonl, grades/reviewer-2.csv and production.jsonl.
# Standard library only; deterministic (random.Random(20261127), and seeds 20261128-20261130 for
# the judge, the reviewers and production, so the first files do not depend on them); it asserts
# its target rates and prints a summary table per version and per category, then the judge's,
# the reviewers' and the production weeks' figures.

import csv
import datetime
import json
import math
import os
import re
import statistics
from collections import Counter, defaultdict
import random

SEED = 20261127
HERE = os.path.dirname(os.path.abspath(__file__))

CATEGORIES = [
    "billing", "shipping", "returns", "account-access", "password-reset", "product-info",
    "warranty", "order-status", "subscriptions", "technical-support", "privacy", "refund-dispute",
]
GUARANTEE_REGEX = "(?i)(guarantee|always refund|100% refund|lifetime)"
GUARANTEE_RE = re.compile(GUARANTEE_REGEX)


# ---------------------------------------------------------------------------------------------
# Scoring helpers (the same definitions the harness uses for the demo dimensions)
# ---------------------------------------------------------------------------------------------
def tokens(text):
    return re.findall(r"\w+", text.lower(), re.UNICODE)


def token_f1(prediction, reference):
    p, r = tokens(prediction), tokens(reference)
    if not p or not r:
        return 0.0
    same = sum((Counter(p) & Counter(r)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(p), same / len(r)
    return 2 * precision * recall / (precision + recall)


def asserts_pass(output, checks):
    for check in checks:
        if check["type"] == "contains" and check["value"] not in output:
            return False
        if check["type"] == "not-regex" and re.search(check["value"], output):
            return False
    return True


def percentile(values, q):
    """Linear interpolation between closest ranks (numpy's default)."""
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


# ---------------------------------------------------------------------------------------------
# Knowledge base. One entry per article: question phrasings (q), the reference answer (ref),
# the key fact (key, an exact substring of ref and of the supporting passage kp), a related
# passage without the key fact (np), a plausible wrong answer without the key fact (wn) and,
# for English articles, a wrong answer that mentions the key fact but misapplies it (wk).
# ---------------------------------------------------------------------------------------------
def A(q, ref, key, kp, np, wn, wk=None, tags=()):
    return {"q": q, "ref": ref, "key": key, "kp": kp, "np": np, "wn": wn, "wk": wk,
            "tags": list(tags)}


KB = {
    "billing": {
        "en": [
            A(["Why was I charged twice this month?",
               "I see two identical charges on my card. What happened?",
               "There's a duplicate payment on my statement, can you explain it?"],
              "A duplicate charge is usually a temporary authorization hold; it drops off within 3 business days.",
              "3 business days",
              "Duplicate charges are usually pre-authorization holds placed by the card issuer. Holds that are not captured drop off automatically within 3 business days.",
              "Invoices are issued on the first day of each billing cycle and can be downloaded from Settings > Billing.",
              "Each charge belongs to a separate invoice; download both from Settings > Billing to compare them.",
              "Please open a ticket with your bank; refunds for disputed card payments are processed in 3 business days."),
            A(["Can I get an invoice with my company's VAT number on it?",
               "How do I add a VAT ID to my invoices?",
               "Our finance team needs our tax number on invoices. Where do I set it?"],
              "Add your VAT number under Settings > Billing > Tax details; it appears on all invoices issued after you save it.",
              "Tax details",
              "Business customers can enter a VAT or tax number under Settings > Billing > Tax details. The number is printed on every invoice issued after it is saved; past invoices are not reissued.",
              "Invoices are issued on the first day of each billing cycle and can be downloaded as PDF files.",
              "Invoices can't be edited, but finance can email us the company details and we post a paper copy.",
              "Tax details can only be changed by our accounts team, so send them a signed letter first."),
            A(["Which payment methods do you accept?",
               "Can I pay with PayPal?",
               "Is it possible to pay by bank transfer?"],
              "We accept Visa, Mastercard, American Express and PayPal; bank transfer is only available on annual enterprise plans.",
              "annual enterprise plans",
              "Accepted payment methods: Visa, Mastercard, American Express and PayPal. Bank transfer is offered only on annual enterprise plans.",
              "Payments are processed in US dollars; your bank may add a currency conversion fee.",
              "All major cards plus Apple Pay work, and transfers are possible for any customer once sales approves them.",
              "Card payments are blocked for annual enterprise plans, which must use direct debit through our partner.",
              tags=["pricing"]),
            A(["How much does the Pro plan cost?",
               "What's the price of Pro per month?",
               "Can you tell me the Pro plan pricing?"],
              "The Pro plan costs $29 per user per month, or $290 per user per year if billed annually.",
              "$29 per user per month",
              "Pro plan pricing: $29 per user per month when billed monthly, $290 per user per year when billed annually. Prices exclude VAT.",
              "The Free plan includes up to 3 users and 2 GB of storage.",
              "Pro is a flat $19 for the whole team, with no seat charges.",
              "That $29 per user per month figure is our Enterprise rate, which needs a 50-seat minimum commitment signed with sales.",
              tags=["pricing"]),
        ],
        "es": [
            A(["¿Por qué me cobraron dos veces este mes?",
               "Veo dos cargos iguales en mi tarjeta, ¿qué pasó?"],
              "El cargo duplicado suele ser una retención temporal del banco; desaparece en 3 días hábiles.",
              "3 días hábiles",
              "Los cargos duplicados suelen ser retenciones de preautorización. Si no se capturan, desaparecen automáticamente en 3 días hábiles.",
              "Las facturas se emiten el primer día de cada ciclo y se descargan en Ajustes > Facturación.",
              "Cada cargo corresponde a una factura distinta; puede descargar ambas en Ajustes > Facturación."),
        ],
        "de": [
            A(["Warum wurde mir diesen Monat doppelt abgebucht?",
               "Ich sehe zwei gleiche Abbuchungen auf meiner Karte – was ist passiert?"],
              "Die doppelte Abbuchung ist meist eine vorübergehende Reservierung der Bank; sie verschwindet innerhalb von 3 Werktagen.",
              "3 Werktagen",
              "Doppelte Abbuchungen sind meist Vorautorisierungen der Kartenbank. Nicht eingezogene Reservierungen verfallen automatisch innerhalb von 3 Werktagen.",
              "Rechnungen werden am ersten Tag jedes Abrechnungszeitraums erstellt und stehen unter Einstellungen > Abrechnung bereit.",
              "Jede Abbuchung gehört zu einer eigenen Rechnung; beide finden Sie unter Einstellungen > Abrechnung."),
        ],
        "fr": [
            A(["Quels moyens de paiement acceptez-vous ?",
               "Puis-je payer par virement bancaire ?"],
              "Nous acceptons Visa, Mastercard, American Express et PayPal ; le virement est réservé aux offres entreprise annuelles.",
              "offres entreprise annuelles",
              "Moyens de paiement acceptés : Visa, Mastercard, American Express et PayPal. Le virement bancaire est réservé aux offres entreprise annuelles.",
              "Les paiements sont traités en euros ; votre banque peut appliquer des frais de change.",
              "Seules les cartes bancaires et Apple Pay fonctionnent, pour tous les clients sans exception.",
              tags=["pricing"]),
        ],
    },
    "shipping": {
        "en": [
            A(["How long does standard shipping take?",
               "When will my package arrive with standard delivery?",
               "What's the delivery time for standard shipping?"],
              "Standard shipping takes 3–5 business days within the continental US.",
              "3–5 business days",
              "Standard shipping: 3–5 business days within the continental US. Orders placed after 2 pm ship the next business day.",
              "Express shipping costs $14.95 and arrives in 1–2 business days.",
              "Orders placed before 2 pm arrive the next morning at no extra cost.",
              "Most parcels come the next morning by courier at no cost; only remote addresses in Alaska, Hawaii and Puerto Rico need 3–5 business days."),
            A(["Do you ship internationally?",
               "Can you deliver to Canada?",
               "Which countries do you ship to?"],
              "We ship to 38 countries; international orders take 7–14 business days and duties are paid by the recipient.",
              "7–14 business days",
              "International shipping is available to 38 countries. Delivery takes 7–14 business days; customs duties and import taxes are paid by the recipient.",
              "Orders ship from our warehouse in Reno, Nevada.",
              "At the moment, deliveries go only to addresses inside the United States.",
              "Parcels bound for Canada sit in customs for 7–14 business days before we can send a replacement."),
            A(["Is shipping free?",
               "What's the minimum order for free shipping?",
               "Do I get free delivery on a $40 order?"],
              "Standard shipping is free on orders over $50; below that it costs $5.99.",
              "over $50",
              "Free standard shipping applies to orders over $50 after discounts. Orders below the threshold pay a flat $5.99.",
              "Gift cards are delivered by email and never incur shipping fees.",
              "Delivery costs nothing for Pro members only; everyone else pays $9.99 per parcel.",
              "Only express parcels over $50 sent at weekends travel at no charge; regular delivery always has a fee.",
              tags=["pricing"]),
            A(["Can I change my delivery address after ordering?",
               "I typed the wrong address. Can I fix it?",
               "How do I update the shipping address on an order?"],
              "You can change the address in Orders > Edit until the order is packed, usually within 1 hour of purchase.",
              "within 1 hour",
              "Shipping addresses can be edited under Orders > Edit until the order is packed, which usually happens within 1 hour of purchase. After that, contact the carrier.",
              "Carriers: UPS for standard orders, FedEx for express orders.",
              "Addresses are locked once payment goes through; cancel it and place a new one instead.",
              "Call UPS directly; they answer redirect requests within 1 hour on weekdays."),
        ],
        "es": [
            A(["¿Cuánto tarda el envío estándar?",
               "¿En cuántos días llega un pedido normal?"],
              "El envío estándar tarda de 3 a 5 días hábiles en la península.",
              "de 3 a 5 días hábiles",
              "Envío estándar: de 3 a 5 días hábiles en la península. Baleares y Canarias: de 5 a 8 días hábiles.",
              "El envío urgente cuesta 9,95 € y llega en 24 horas.",
              "Todos los paquetes llegan al día siguiente sin coste adicional."),
        ],
        "de": [
            A(["Liefern Sie auch nach Österreich und in die Schweiz?",
               "Versendet ihr in die Schweiz?"],
              "Ja, wir liefern nach Österreich und in die Schweiz; die Lieferung dauert 4–7 Werktage.",
              "4–7 Werktage",
              "Lieferungen nach Österreich und in die Schweiz dauern 4–7 Werktage. Bei Sendungen in die Schweiz fallen Zollgebühren für den Empfänger an.",
              "Bestellungen werden aus unserem Lager in Leipzig versendet.",
              "Nein, derzeit versenden wir leider nur innerhalb Deutschlands."),
        ],
        "fr": [
            A(["Quels sont les frais de livraison ?",
               "La livraison est-elle gratuite ?"],
              "La livraison standard est gratuite dès 50 € d'achat ; en dessous, elle coûte 4,90 €.",
              "dès 50 €",
              "La livraison standard est offerte dès 50 € d'achat. En dessous de ce montant, un forfait de 4,90 € s'applique.",
              "La livraison express coûte 12 € et arrive en 24 à 48 heures.",
              "Chaque commande paie 12 € de port, quel que soit son montant.",
              tags=["pricing"]),
        ],
    },
    "returns": {
        "en": [
            A(["What is your return policy?",
               "How long do I have to return something?",
               "Can I still return shoes I bought three weeks ago?"],
              "You can return unused items within 30 days of delivery for a full refund to the original payment method.",
              "30 days",
              "Unused items in their original packaging can be returned within 30 days of delivery. Refunds go to the original payment method.",
              "Final-sale items, gift cards and opened software cannot be returned.",
              "Returns are accepted for two weeks after purchase, and you receive store credit rather than cash.",
              "Only defective products can be sent back, and the inspection takes 30 days.",
              tags=["policy"]),
            A(["Do I have to pay for return shipping?",
               "Is the return label free?",
               "Who covers the cost of sending an item back?"],
              "Use the prepaid label on your Orders page; it is free unless you return because you changed your mind, in which case $6 is deducted.",
              "prepaid label",
              "Every return includes a prepaid label, available on the Orders page. For change-of-mind returns, a $6 label fee is deducted from the refund.",
              "Drop returns at any UPS location or schedule a pickup for $3.",
              "Customers pay for sending parcels back themselves and should use tracked mail.",
              "Only Pro members get a prepaid label by email; other customers buy postage at a post office.",
              tags=["policy"]),
            A(["How long does a refund take after I send a return?",
               "I shipped my return last week. When do I get my money?",
               "When will the refund for my return show up?"],
              "Refunds are issued within 5 business days after the return arrives at our warehouse.",
              "5 business days",
              "Once a return is received and inspected at the warehouse, the refund is issued within 5 business days. Banks may take a few more days to post it.",
              "You can track a return with the carrier's tracking number from the Orders page.",
              "Money for returned goods is paid out at the end of each month in a single batch.",
              "You need to post it back within 5 business days of requesting a label, otherwise it expires and no money is paid."),
            A(["Can I exchange an item for a different size?",
               "I want a smaller size instead. How do I swap it?",
               "Do you do exchanges?"],
              "Yes, start an exchange from Orders > Return or exchange; we ship the new size once the original is scanned by the carrier.",
              "scanned by the carrier",
              "Exchanges for a different size or colour are started from Orders > Return or exchange. The replacement ships as soon as the original item is scanned by the carrier.",
              "Exchanges are subject to stock availability.",
              "Swaps aren't offered; send it back for your money and place a fresh purchase.",
              "Exchanges happen only in store; online purchases are credited as soon as they are scanned by the carrier."),
        ],
        "es": [
            A(["¿Cuál es el plazo para devolver un producto?",
               "¿Puedo devolver algo que compré hace tres semanas?"],
              "Puede devolver artículos sin usar en un plazo de 30 días desde la entrega.",
              "30 días",
              "Los artículos sin usar y en su embalaje original pueden devolverse en un plazo de 30 días desde la entrega.",
              "Las tarjetas regalo y los artículos en liquidación no admiten devolución.",
              "Solo aceptamos devoluciones la primera semana y se abonan como saldo en la tienda.",
              tags=["policy"]),
        ],
        "de": [
            A(["Wie lange habe ich Zeit, einen Artikel zurückzuschicken?",
               "Kann ich Schuhe nach drei Wochen noch zurückgeben?"],
              "Unbenutzte Artikel können Sie innerhalb von 30 Tagen nach Lieferung zurückgeben.",
              "30 Tagen",
              "Unbenutzte Artikel in Originalverpackung können innerhalb von 30 Tagen nach Lieferung zurückgegeben werden.",
              "Gutscheine und reduzierte Artikel sind vom Umtausch ausgeschlossen.",
              "Rücksendungen sind nur eine Woche lang möglich, und dafür gibt es einen Gutschein.",
              tags=["policy"]),
        ],
        "fr": [
            A(["Le retour est-il gratuit ?",
               "Dois-je payer les frais de retour ?"],
              "Oui, le retour est gratuit avec l'étiquette prépayée disponible dans Mes commandes.",
              "étiquette prépayée",
              "Chaque retour comprend une étiquette prépayée, à télécharger dans Mes commandes.",
              "Les colis retournés sont inspectés sous 48 heures.",
              "Les frais de renvoi sont à votre charge et le colis doit partir en recommandé.",
              tags=["policy"]),
        ],
    },
    "account-access": {
        "en": [
            A(["My account is locked. What do I do?",
               "It says my account is temporarily locked after failed logins.",
               "Why can't I log in after too many attempts?"],
              "After 5 failed sign-in attempts the account locks for 15 minutes; wait and try again, or reset your password.",
              "15 minutes",
              "For security, an account is locked for 15 minutes after 5 failed sign-in attempts. The lock lifts automatically.",
              "Administrators can unlock team members from Admin > Users.",
              "A locked profile has to be verified by our security team, which can take up to two days.",
              "Only an administrator can reopen it; admins review unlock requests in batches every 15 minutes."),
            A(["How do I turn on two-factor authentication?",
               "Where can I enable 2FA?",
               "Can I use an authenticator app to secure my account?"],
              "Go to Settings > Security > Two-factor authentication and scan the QR code with an authenticator app.",
              "Settings > Security",
              "Two-factor authentication is enabled under Settings > Security > Two-factor authentication. Scan the QR code with any TOTP authenticator app.",
              "SMS codes are available in 40 countries.",
              "2FA is offered only to enterprise customers through single sign-on.",
              "Open Settings > Security to request SMS codes; apps like Google Authenticator are not supported yet."),
            A(["I lost my phone with my 2FA app. How do I get back in?",
               "Lost my authenticator and can't log in.",
               "How do I recover my account without my 2FA device?"],
              "Sign in with one of the 10 backup codes you saved when you enabled 2FA, then set up a new device.",
              "backup codes",
              "When two-factor authentication is enabled you receive 10 backup codes. Each code can be used once to sign in if you lose your device.",
              "Account recovery requests without any saved codes require identity verification and take up to 3 business days.",
              "Email a photo of your ID and our team will disable two-factor authentication within 24 hours.",
              "Enterprise admins alone receive backup codes, so ask yours to reset the account."),
            A(["How do I change the email address on my account?",
               "Can I update my login email?",
               "I have a new work email. How do I switch?"],
              "Change it under Settings > Profile > Email; we send a confirmation link to the new address.",
              "confirmation link",
              "To change your sign-in email, go to Settings > Profile > Email. A confirmation link is sent to the new address and the change applies once you click it.",
              "Usernames cannot be changed after sign-up.",
              "Sign-in addresses are permanent, so create another account for the new one.",
              "Forward the confirmation link from your original welcome message to support and they will merge both accounts."),
        ],
        "es": [
            A(["Mi cuenta está bloqueada, ¿qué hago?",
               "¿Por qué no puedo entrar después de varios intentos?"],
              "Tras 5 intentos fallidos la cuenta se bloquea durante 15 minutos; espere y vuelva a intentarlo.",
              "15 minutos",
              "Por seguridad, la cuenta se bloquea durante 15 minutos tras 5 intentos fallidos de inicio de sesión.",
              "Los administradores pueden desbloquear usuarios desde Admin > Usuarios.",
              "Un perfil bloqueado debe verificarlo nuestro equipo de seguridad, lo que lleva hasta dos días."),
        ],
        "de": [
            A(["Wie aktiviere ich die Zwei-Faktor-Authentifizierung?",
               "Wo schalte ich 2FA ein?"],
              "Unter Einstellungen > Sicherheit aktivieren Sie 2FA und scannen den QR-Code mit einer Authenticator-App.",
              "Einstellungen > Sicherheit",
              "Die Zwei-Faktor-Authentifizierung wird unter Einstellungen > Sicherheit aktiviert. Scannen Sie den QR-Code mit einer Authenticator-App.",
              "SMS-Codes sind in 40 Ländern verfügbar.",
              "2FA gibt es nur für Enterprise-Kunden über Single Sign-on."),
        ],
        "fr": [
            A(["Comment changer l'adresse e-mail de mon compte ?",
               "Puis-je modifier mon e-mail de connexion ?"],
              "Modifiez-la dans Paramètres > Profil ; un lien de confirmation est envoyé à la nouvelle adresse.",
              "lien de confirmation",
              "Pour changer d'e-mail, allez dans Paramètres > Profil. Un lien de confirmation est envoyé à la nouvelle adresse.",
              "Le nom d'utilisateur ne peut pas être modifié après l'inscription.",
              "Cette information est définitive : créez simplement un second compte."),
        ],
    },
    "password-reset": {
        "en": [
            A(["How do I reset my password?",
               "I forgot my password.",
               "Where's the option to reset my password?"],
              "Click \"Forgot password\" on the sign-in page and follow the link we email you; it is valid for 60 minutes.",
              "60 minutes",
              "Use \"Forgot password\" on the sign-in page. We email a reset link that is valid for 60 minutes and can be used once.",
              "Passwords must be at least 12 characters long.",
              "Contact your account manager, who can set a temporary one by phone.",
              "Reset codes are sent by SMS only, and there is a 60 minutes wait between requests."),
            A(["I never received the password reset email.",
               "The reset email isn't arriving.",
               "There's no reset link in my inbox. What now?"],
              "Check your spam folder and make sure you used your sign-in email; you can request a new link after 2 minutes.",
              "after 2 minutes",
              "If the reset email does not arrive, check spam and confirm the address is your sign-in email. A new link can be requested after 2 minutes.",
              "Reset emails are sent from no-reply@example.com.",
              "Those messages go out on business days only, so please wait until Monday.",
              "Resets are handled by phone; call us and a code arrives by text after 2 minutes."),
            A(["What are the password requirements?",
               "Why is my new password rejected?",
               "How long does my password need to be?"],
              "Passwords need at least 12 characters and cannot match any of your last 5 passwords.",
              "12 characters",
              "Passwords must be at least 12 characters long and must not repeat any of the last 5 passwords used on the account.",
              "Reset links can be used only once.",
              "Eight symbols are enough as long as one is uppercase and one is a digit.",
              "Only the first 12 characters are checked, so longer phrases get rejected by the form."),
            A(["Does resetting my password log me out everywhere?",
               "Will I be signed out of my phone if I change my password?",
               "After a reset, are my other sessions ended?"],
              "Yes, a password reset signs you out of all devices and revokes active sessions.",
              "all devices",
              "Resetting a password signs you out of all devices and revokes active sessions and API tokens.",
              "Trusted devices are remembered for 30 days.",
              "No, existing logins stay open until they expire after 30 days.",
              "Only an administrator's forced change logs all devices off; a self-service one keeps your phone session running normally."),
        ],
        "es": [
            A(["¿Cómo restablezco mi contraseña?",
               "Olvidé mi contraseña."],
              "Pulse «¿Olvidó su contraseña?» en la página de inicio de sesión; el enlace es válido durante 60 minutos.",
              "60 minutos",
              "Use «¿Olvidó su contraseña?» en la página de inicio de sesión. El enlace de restablecimiento es válido durante 60 minutos.",
              "Las contraseñas deben tener al menos 12 caracteres.",
              "Su gestor de cuenta puede asignarle una clave temporal por teléfono."),
        ],
        "de": [
            A(["Ich habe die E-Mail zum Zurücksetzen des Passworts nicht bekommen.",
               "Der Link zum Zurücksetzen kommt nicht an."],
              "Prüfen Sie den Spam-Ordner; einen neuen Link können Sie nach 2 Minuten anfordern.",
              "nach 2 Minuten",
              "Kommt die E-Mail nicht an, prüfen Sie den Spam-Ordner. Ein neuer Link kann nach 2 Minuten angefordert werden.",
              "Passwörter müssen mindestens 12 Zeichen lang sein.",
              "Solche Nachrichten verschicken wir nur an Werktagen; bitte warten Sie bis Montag."),
        ],
        "fr": [
            A(["Comment réinitialiser mon mot de passe ?",
               "J'ai oublié mon mot de passe."],
              "Cliquez sur « Mot de passe oublié » ; le lien envoyé par e-mail est valable 60 minutes.",
              "60 minutes",
              "Utilisez « Mot de passe oublié » sur la page de connexion. Le lien de réinitialisation est valable 60 minutes.",
              "Le mot de passe doit contenir au moins 12 caractères.",
              "Votre gestionnaire de compte peut vous attribuer un code temporaire par téléphone."),
        ],
    },
    "product-info": {
        "en": [
            A(["Is the Aero 2 blender dishwasher safe?",
               "Can I put the Aero 2 jar in the dishwasher?",
               "How do I clean the Aero 2? Is the dishwasher OK?"],
              "The Aero 2 jar and lid are dishwasher safe on the top rack; the motor base must be wiped clean by hand.",
              "top rack",
              "Aero 2 care: the jar and lid are dishwasher safe on the top rack. Never immerse the motor base; wipe it with a damp cloth.",
              "The Aero 2 has a 1,200 W motor and a 1.8 L jar.",
              "No component may go in a dishwasher; rinse everything under warm water after use.",
              "Just the blade assembly belongs on the top rack; glass shatters in hot cycles, so hand-wash that part."),
            A(["What's the battery life of the Nomad headphones?",
               "How many hours do Nomad headphones last on a charge?",
               "How long does the Nomad battery last?"],
              "Nomad headphones last up to 40 hours with noise cancelling off and 30 hours with it on.",
              "40 hours",
              "Nomad battery life: up to 40 hours with noise cancelling off, 30 hours with it on. A 10-minute charge gives 5 hours of playback.",
              "Nomad headphones weigh 250 g and fold flat.",
              "Expect about 12 hours of playback, and plan a full overnight charge.",
              "The 40 hours figure refers to the charging case; the earbuds alone play for 6."),
            A(["Does the Pro plan include API access?",
               "Can I use the API on Pro?",
               "Which plans come with API access?"],
              "Yes, Pro includes API access with up to 10,000 requests per day; the Free plan does not include the API.",
              "10,000 requests per day",
              "API access is included on Pro (up to 10,000 requests per day) and Enterprise (custom limits). The Free plan does not include API access.",
              "API keys are created under Settings > Developers.",
              "Programmatic access is a $49 monthly add-on that any customer can buy.",
              "That is an Enterprise-only feature; customers on Pro can ask sales for a one-week trial capped at 10,000 requests per day before buying an upgrade.",
              tags=["pricing"]),
            A(["Is the Trail 3 jacket waterproof?",
               "Can I wear the Trail 3 in heavy rain?",
               "What's the waterproof rating of the Trail 3?"],
              "Yes, the Trail 3 jacket has a 20,000 mm waterproof rating and taped seams.",
              "20,000 mm",
              "Trail 3 jacket: 20,000 mm waterproof rating, 15,000 g breathability, fully taped seams.",
              "Trail 3 comes in sizes XS to XXL.",
              "It is only water-resistant and not suitable for a downpour.",
              "The 20,000 mm figure applies to the hood only; the body of the coat is merely showerproof."),
        ],
        "es": [
            A(["¿La batidora Aero 2 se puede lavar en el lavavajillas?",
               "¿Puedo meter el vaso de la Aero 2 en el lavavajillas?"],
              "El vaso y la tapa de la Aero 2 van en la bandeja superior del lavavajillas; la base del motor se limpia a mano.",
              "bandeja superior",
              "Cuidado de la Aero 2: el vaso y la tapa pueden lavarse en la bandeja superior del lavavajillas. No sumerja nunca la base del motor.",
              "La Aero 2 tiene un motor de 1.200 W y un vaso de 1,8 L.",
              "Ninguna pieza admite lavavajillas; enjuáguelas con agua tibia."),
        ],
        "de": [
            A(["Wie lange hält der Akku der Nomad-Kopfhörer?",
               "Wie viele Stunden Laufzeit haben die Nomad?"],
              "Die Nomad-Kopfhörer halten bis zu 40 Stunden ohne Geräuschunterdrückung und 30 Stunden mit.",
              "40 Stunden",
              "Akkulaufzeit Nomad: bis zu 40 Stunden ohne Geräuschunterdrückung, 30 Stunden mit aktivierter Geräuschunterdrückung.",
              "Die Nomad-Kopfhörer wiegen 250 g und lassen sich flach zusammenklappen.",
              "Rechnen Sie mit etwa 12 Stunden; danach ist eine volle Ladung über Nacht nötig."),
        ],
        "fr": [
            A(["La veste Trail 3 est-elle imperméable ?",
               "Puis-je porter la Trail 3 sous une forte pluie ?"],
              "Oui, la veste Trail 3 a un indice d'imperméabilité de 20 000 mm et des coutures étanchées.",
              "20 000 mm",
              "Veste Trail 3 : imperméabilité 20 000 mm, respirabilité 15 000 g, coutures entièrement étanchées.",
              "La Trail 3 est disponible du XS au XXL.",
              "Elle est seulement déperlante et ne convient pas à une averse."),
        ],
    },
    "warranty": {
        "en": [
            A(["How long is the warranty on the Aero 2 blender?",
               "What warranty comes with the Aero 2?",
               "Is my Aero 2 still under warranty after 18 months?"],
              "The Aero 2 has a 2-year limited warranty covering the motor and manufacturing defects.",
              "2-year limited warranty",
              "Kitchen appliances, including the Aero 2, carry a 2-year limited warranty against manufacturing defects, including the motor.",
              "Accidental damage and wear parts such as blades are not covered.",
              "Coverage lasts 90 days; after that, repairs are charged at a flat rate.",
              "Only replacement blades bought separately carry a 2-year limited warranty; an engine that burns out is repaired at your own cost by our service center.",
              tags=["policy"]),
            A(["How do I make a warranty claim?",
               "My headphones broke. How do I file a claim?",
               "Where do I submit a warranty request?"],
              "Submit a claim at Support > Warranty with your order number and a photo of the defect; we reply within 2 business days.",
              "within 2 business days",
              "Warranty claims are filed at Support > Warranty. Include the order number and a photo or video of the defect. Claims are reviewed within 2 business days.",
              "Approved claims receive a repair or replacement, at our choice.",
              "Take the product back to the shop where you bought it; online requests are not possible.",
              "Post the item to our repair center; the postage is reimbursed within 2 business days.",
              tags=["policy"]),
            A(["Does the warranty cover accidental damage?",
               "I dropped my headphones. Is that covered?",
               "Is water damage covered by the warranty?"],
              "No, the standard warranty excludes accidental damage; it is only covered if you bought CarePlus.",
              "CarePlus",
              "The standard warranty does not cover accidental damage such as drops or liquid spills. Accidental damage is covered only by the optional CarePlus plan.",
              "Warranty repairs are shipped back free of charge.",
              "Yes, drops and spills are handled for the first year like any other defect.",
              "Drops and spills are repaired automatically; CarePlus merely adds faster shipping.",
              tags=["policy"]),
            A(["Is the warranty transferable if I sell my item?",
               "I bought a used Nomad. Does the warranty still apply?",
               "Does the warranty pass to a new owner?"],
              "Yes, the warranty transfers to a new owner for the rest of the original period, with the original proof of purchase.",
              "original proof of purchase",
              "The warranty transfers with the product for the remainder of the original period. The new owner must provide the original proof of purchase.",
              "Products bought from unauthorised resellers are not covered.",
              "No, only whoever bought it first can make a claim.",
              "Second-hand buyers must send us a new original proof of purchase dated within 30 days, or coverage is void.",
              tags=["policy"]),
        ],
        "es": [
            A(["¿Cuánto dura la garantía de la batidora Aero 2?",
               "¿Qué garantía tiene la Aero 2?"],
              "La Aero 2 tiene una garantía limitada de 2 años que cubre el motor y los defectos de fabricación.",
              "2 años",
              "Los electrodomésticos de cocina, incluida la Aero 2, tienen una garantía limitada de 2 años frente a defectos de fabricación.",
              "Los daños accidentales y las cuchillas no están cubiertos.",
              "Solo está cubierta 90 días; después, cada reparación se cobra aparte.",
              tags=["policy"]),
        ],
        "de": [
            A(["Wie reiche ich einen Garantieanspruch ein?",
               "Meine Kopfhörer sind kaputt – wie melde ich das?"],
              "Reichen Sie den Anspruch unter Support > Garantie mit Bestellnummer und Foto ein; wir antworten innerhalb von 2 Werktagen.",
              "innerhalb von 2 Werktagen",
              "Garantieansprüche werden unter Support > Garantie eingereicht. Bitte Bestellnummer und ein Foto des Defekts beifügen. Die Prüfung erfolgt innerhalb von 2 Werktagen.",
              "Genehmigte Ansprüche werden nach unserer Wahl repariert oder ersetzt.",
              "Bringen Sie das Gerät in das Geschäft zurück, in dem es gekauft wurde.",
              tags=["policy"]),
        ],
        "fr": [
            A(["La garantie couvre-t-elle les dommages accidentels ?",
               "J'ai fait tomber mon casque, est-ce couvert ?"],
              "Non, la garantie standard exclut les dommages accidentels ; ils ne sont couverts qu'avec CarePlus.",
              "CarePlus",
              "La garantie standard ne couvre pas les dommages accidentels (chutes, liquides). Ils sont couverts uniquement par l'option CarePlus.",
              "Les réparations sous garantie sont renvoyées gratuitement.",
              "Oui, chutes et liquides sont pris en charge la première année comme tout autre défaut.",
              tags=["policy"]),
        ],
    },
    "order-status": {
        "en": [
            A(["Where is my order {order}?",
               "My order {order} hasn't arrived yet. Can you check?",
               "Can you tell me the status of order {order}?"],
              "You can follow it under Orders > Track; the tracking link appears once the order ships, usually within 24 hours.",
              "Orders > Track",
              "Every order can be followed under Orders > Track. A tracking link is added when the parcel ships, usually within 24 hours of purchase.",
              "Orders containing pre-order items ship when all items are in stock.",
              "It was delivered yesterday and left with a neighbour.",
              "Orders > Track lists pre-orders alone; regular parcels are tracked by text message."),
            A(["My order says 'processing' for 3 days. Is that normal?",
               "Why is my order still processing?",
               "My order is stuck in processing. What's going on?"],
              "Orders usually leave processing within 2 business days; longer means an item is back-ordered and we will email you a new date.",
              "back-ordered",
              "Orders normally move from processing to shipped within 2 business days. If an item is back-ordered, the order stays in processing and we email a revised ship date.",
              "Payment verification can add up to 24 hours for first-time customers.",
              "That status means the payment failed, so please re-enter your card details.",
              "Any product back-ordered is cancelled automatically after three days, so place a fresh purchase."),
            A(["Can I cancel my order?",
               "I ordered by mistake. How do I cancel?",
               "Is it too late to cancel order {order}?"],
              "You can cancel from Orders > Cancel until the order ships; once shipped, return it instead.",
              "until the order ships",
              "Orders can be cancelled under Orders > Cancel until the order ships. Shipped orders cannot be cancelled but can be returned.",
              "Cancelled orders are refunded to the original payment method.",
              "Purchases are final once payment is taken; ask your bank to stop it.",
              "Purchases are locked at midnight; after that an agent must approve any request, and approval is possible only until the order ships from our regional hub each morning."),
            A(["My tracking hasn't updated in 5 days.",
               "The tracking number shows no movement. Is my parcel lost?",
               "Tracking is stuck. What should I do?"],
              "If tracking has not updated for 7 days, we treat the parcel as lost and send a free replacement or a refund.",
              "7 days",
              "If tracking shows no movement for 7 days, the parcel is considered lost. We then send a free replacement or a refund, whichever you prefer.",
              "Carrier scans can lag by up to 48 hours during holidays.",
              "Scans often stop for a while; parcels turn up eventually, so no action is needed.",
              "Wait 7 days, then file a claim with UPS yourself; lost parcels are the carrier's responsibility."),
        ],
        "es": [
            A(["¿Dónde está mi pedido {order}?",
               "Mi pedido {order} aún no ha llegado, ¿pueden revisarlo?"],
              "Puede seguirlo en Pedidos > Seguimiento; el enlace aparece cuando el pedido sale, normalmente en 24 horas.",
              "Pedidos > Seguimiento",
              "Todos los pedidos se pueden seguir en Pedidos > Seguimiento. El enlace de seguimiento se añade cuando el paquete sale, normalmente en 24 horas.",
              "Los pedidos con artículos en preventa se envían cuando todo está en stock.",
              "Se entregó ayer y lo dejaron con un vecino."),
        ],
        "de": [
            A(["Kann ich meine Bestellung stornieren?",
               "Ich habe aus Versehen bestellt – wie storniere ich?"],
              "Sie können unter Bestellungen > Stornieren stornieren, bis die Bestellung versendet ist.",
              "bis die Bestellung versendet ist",
              "Bestellungen können unter Bestellungen > Stornieren storniert werden, bis die Bestellung versendet ist. Danach ist nur eine Rücksendung möglich.",
              "Stornierte Bestellungen werden auf das ursprüngliche Zahlungsmittel erstattet.",
              "Nach der Zahlung ist der Kauf endgültig; wenden Sie sich an Ihre Bank."),
        ],
        "fr": [
            A(["Mon suivi n'a pas bougé depuis 5 jours.",
               "Le numéro de suivi ne bouge plus, mon colis est-il perdu ?"],
              "Sans mise à jour du suivi pendant 7 jours, le colis est considéré comme perdu et nous envoyons un remplacement ou un remboursement.",
              "7 jours",
              "Si le suivi ne bouge pas pendant 7 jours, le colis est considéré comme perdu. Nous envoyons alors un remplacement ou un remboursement.",
              "Les scans du transporteur peuvent avoir jusqu'à 48 heures de retard.",
              "Les scans s'arrêtent souvent ; patientez, aucune action n'est nécessaire."),
        ],
    },
    "subscriptions": {
        "en": [
            A(["How do I cancel my subscription?",
               "I want to stop my Pro plan.",
               "Where do I cancel auto-renewal?"],
              "Cancel under Settings > Plan > Cancel subscription; you keep Pro features until the end of the current billing period.",
              "current billing period",
              "Subscriptions are cancelled under Settings > Plan > Cancel subscription. Access to paid features continues until the end of the current billing period.",
              "Annual plans renew automatically unless cancelled 7 days before renewal.",
              "Email us 30 days in advance and we will close the account and delete your data.",
              "Stopping it wipes every workspace file once the current billing period closes, so download an export first and phone our sales team to keep anything."),
            A(["Can I switch from monthly to annual billing?",
               "How do I move to yearly billing?",
               "Is annual cheaper, and how do I switch?"],
              "Yes, switch under Settings > Plan; annual billing saves about 17% and the unused monthly days are credited.",
              "17%",
              "Switching from monthly to annual billing is done in Settings > Plan. Annual billing costs about 17% less, and unused days of the monthly period are credited.",
              "Plan changes take effect immediately.",
              "The frequency can change only at renewal, and yearly costs the same as monthly.",
              "New customers alone get 17% off, and only for their first month.",
              tags=["pricing"]),
            A(["Will I be charged if I cancel during the free trial?",
               "Does the trial convert automatically?",
               "How long is the free trial?"],
              "The free trial lasts 14 days and you are not charged if you cancel before it ends.",
              "14 days",
              "The Pro free trial lasts 14 days. No charge is made if the trial is cancelled before it ends; otherwise it converts to a monthly plan.",
              "A payment method is required to start a trial.",
              "It runs for a month, and the first payment is taken up front but refundable on request.",
              "Usage during those 14 days is billed at the standard Pro rate whatever happens.",
              tags=["pricing"]),
            A(["What happens to my data if I downgrade to Free?",
               "Do I lose files when downgrading?",
               "If I drop to the Free plan, is anything deleted?"],
              "Your data is kept, but projects beyond the Free limit of 3 become read-only until you upgrade again.",
              "read-only",
              "After a downgrade, all data is kept. Projects beyond the Free plan limit of 3 become read-only until the account is upgraded again.",
              "Deleted projects are kept in the trash for 30 days.",
              "Anything over the storage cap is erased a week after downgrading.",
              "All workspaces turn read-only for a 30-day grace period and are then removed."),
        ],
        "es": [
            A(["¿Cómo cancelo mi suscripción?",
               "Quiero dejar el plan Pro."],
              "Cancélela en Ajustes > Plan > Cancelar suscripción; conserva Pro hasta el final del periodo de facturación actual.",
              "final del periodo de facturación",
              "Las suscripciones se cancelan en Ajustes > Plan > Cancelar suscripción. El acceso continúa hasta el final del periodo de facturación actual.",
              "Los planes anuales se renuevan automáticamente salvo cancelación 7 días antes.",
              "Envíenos un correo con 30 días de antelación y cerraremos la cuenta."),
        ],
        "de": [
            A(["Wie lange dauert die kostenlose Testphase?",
               "Werde ich belastet, wenn ich während der Testphase kündige?"],
              "Die Testphase dauert 14 Tage, und es fallen keine Kosten an, wenn Sie vorher kündigen.",
              "14 Tage",
              "Die kostenlose Pro-Testphase dauert 14 Tage. Wird sie vor Ablauf gekündigt, entstehen keine Kosten.",
              "Zum Start der Testphase ist eine Zahlungsmethode erforderlich.",
              "Sie läuft einen Monat; der erste Betrag wird allerdings im Voraus eingezogen.",
              tags=["pricing"]),
        ],
        "fr": [
            A(["Puis-je passer de la facturation mensuelle à annuelle ?",
               "Comment passer à l'abonnement annuel ?"],
              "Oui, dans Paramètres > Abonnement ; la formule annuelle coûte environ 17 % de moins.",
              "17 %",
              "Le passage à la facturation annuelle se fait dans Paramètres > Abonnement. La formule annuelle coûte environ 17 % de moins.",
              "Les changements de formule prennent effet immédiatement.",
              "La fréquence ne change qu'au renouvellement et le tarif reste identique.",
              tags=["pricing"]),
        ],
    },
    "technical-support": {
        "en": [
            A(["The app keeps crashing on my iPhone.",
               "The app crashes on launch on iOS. Help?",
               "Why does the iOS app close right after opening?"],
              "Update to app version 5.2 or later, which fixes the iOS launch crash, then restart your phone.",
              "version 5.2",
              "Known issue: the iOS app could crash on launch on iOS 18. The fix ships in app version 5.2; update from the App Store and restart the device.",
              "The app supports iOS 16 and later.",
              "Delete it and reinstall from the App Store; a full cache causes this.",
              "Downgrade to version 5.2 from TestFlight, because newer builds are not supported on iPhones."),
            A(["Sync isn't working between my laptop and phone.",
               "My changes don't show up on my other devices.",
               "Files are not syncing. What can I do?"],
              "Sign out and back in on both devices, then check that Settings > Sync shows Up to date.",
              "Settings > Sync",
              "If changes do not sync, sign out and sign back in on each device. Settings > Sync should then show Up to date within a few minutes.",
              "Sync requires app version 5.0 or later.",
              "Syncing works over Wi-Fi alone, so switch off mobile data.",
              "Settings > Sync has to be enabled by a workspace administrator, so file an IT request."),
            A(["How do I export my data to CSV?",
               "Can I download all my data?",
               "Is there a CSV export?"],
              "Go to Settings > Data > Export, choose CSV, and we email you a download link within 10 minutes.",
              "within 10 minutes",
              "Exports are created from Settings > Data > Export in CSV or JSON. A download link is emailed within 10 minutes and expires after 7 days.",
              "Imports accept CSV files up to 50 MB.",
              "Exporting works only through the API; there is no button for it in the app.",
              "There is no self-service option: file an engineering ticket; someone replies within 10 minutes with a database dump."),
            A(["The website is very slow for me.",
               "Pages take forever to load.",
               "Why is the dashboard loading slowly?"],
              "Check status.example.com for incidents, then clear your browser cache or try a private window.",
              "status.example.com",
              "For slow loading, first check status.example.com for open incidents. If none is listed, clear the browser cache or try a private window.",
              "Supported browsers: the latest two versions of Chrome, Firefox, Safari and Edge.",
              "Slowness comes from your internet provider, so contact them.",
              "status.example.com is down for maintenance this week, which makes every page sluggish until Friday."),
        ],
        "es": [
            A(["La aplicación se cierra sola en mi iPhone.",
               "La app se cierra al abrirla en iOS."],
              "Actualice a la versión 5.2 o posterior, que corrige el cierre al abrir en iOS, y reinicie el teléfono.",
              "versión 5.2",
              "Problema conocido: la app de iOS podía cerrarse al abrirse en iOS 18. La corrección llega en la versión 5.2.",
              "La app es compatible con iOS 16 y posteriores.",
              "Bórrela y vuelva a instalarla; el fallo se debe a una caché llena."),
        ],
        "de": [
            A(["Wie exportiere ich meine Daten als CSV?",
               "Kann ich alle meine Daten herunterladen?"],
              "Wählen Sie unter Einstellungen > Daten > Export das Format CSV; der Download-Link kommt innerhalb von 10 Minuten per E-Mail.",
              "innerhalb von 10 Minuten",
              "Exporte werden unter Einstellungen > Daten > Export als CSV oder JSON erstellt. Der Download-Link wird innerhalb von 10 Minuten per E-Mail verschickt.",
              "Importe akzeptieren CSV-Dateien bis 50 MB.",
              "Das geht nur über die API; in der App fehlt eine solche Funktion."),
        ],
        "fr": [
            A(["La synchronisation ne fonctionne pas entre mon ordinateur et mon téléphone.",
               "Mes modifications n'apparaissent pas sur mes autres appareils."],
              "Déconnectez-vous puis reconnectez-vous sur les deux appareils, puis vérifiez Paramètres > Synchronisation.",
              "Paramètres > Synchronisation",
              "Si les modifications ne se synchronisent pas, déconnectez-vous puis reconnectez-vous sur chaque appareil. Paramètres > Synchronisation doit ensuite indiquer « À jour ».",
              "La synchronisation nécessite la version 5.0 de l'application ou plus.",
              "Cela ne marche qu'en Wi-Fi : coupez les données mobiles."),
        ],
    },
    "privacy": {
        "en": [
            A(["How do I delete my account and data?",
               "I want all my personal data erased.",
               "Can you delete everything you have about me?"],
              "Request deletion in Settings > Privacy > Delete account; your data is erased within 30 days.",
              "within 30 days",
              "Account deletion is requested in Settings > Privacy > Delete account. Personal data is erased from live systems within 30 days and from backups within 90 days.",
              "Deletion cannot be undone.",
              "Records must be kept for seven years for legal reasons, so erasure is impossible.",
              "Closed profiles can be restored within 30 days, which is why nothing is ever removed.",
              tags=["policy"]),
            A(["Do you sell my data to third parties?",
               "Is my personal information shared with advertisers?",
               "Who do you share my data with?"],
              "No, we never sell personal data; we share it only with the processors listed in our privacy policy.",
              "never sell personal data",
              "We never sell personal data. Personal data is shared only with the sub-processors listed in the privacy policy, under data processing agreements.",
              "Analytics cookies are optional and off by default.",
              "Anonymised usage statistics go to advertising partners to show relevant ads.",
              "Partners who never sell personal data may buy aggregated usage reports from us.",
              tags=["policy"]),
            A(["How can I get a copy of my data?",
               "I'd like a GDPR data export.",
               "Can I request all the data you hold on me?"],
              "Use Settings > Privacy > Download my data; we prepare the archive within 72 hours.",
              "within 72 hours",
              "Under GDPR you can request a copy of your personal data via Settings > Privacy > Download my data. The archive is ready within 72 hours.",
              "Data subject requests can also be sent to privacy@example.com.",
              "Requests must be mailed to our legal department and take up to 3 months.",
              "A lawyer must countersign such requests, and our legal team calls you within 72 hours to arrange it."),
            A(["Where is my data stored?",
               "Is my data kept in the EU?",
               "Which region hosts our workspace data?"],
              "Data for EU workspaces is stored in Frankfurt; other workspaces are hosted in Virginia, USA.",
              "Frankfurt",
              "EU workspaces are hosted in Frankfurt, Germany. All other workspaces are hosted in Virginia, USA. Backups stay in the same region.",
              "All data is encrypted at rest with AES-256.",
              "Everything sits in a single centre in Ireland.",
              "Only backups are copied to Frankfurt; live records for every customer are in Oregon."),
        ],
        "es": [
            A(["¿Cómo elimino mi cuenta y mis datos?",
               "Quiero que borren todos mis datos personales."],
              "Solicite la eliminación en Ajustes > Privacidad > Eliminar cuenta; sus datos se borran en un plazo de 30 días.",
              "en un plazo de 30 días",
              "La eliminación se solicita en Ajustes > Privacidad > Eliminar cuenta. Los datos personales se borran en un plazo de 30 días.",
              "La eliminación no se puede deshacer.",
              "La ley nos obliga a conservarlo todo siete años, así que no es posible.",
              tags=["policy"]),
        ],
        "de": [
            A(["Wo werden meine Daten gespeichert?",
               "Bleiben meine Daten in der EU?"],
              "Daten von EU-Arbeitsbereichen werden in Frankfurt gespeichert, alle anderen in Virginia, USA.",
              "Frankfurt",
              "EU-Arbeitsbereiche werden in Frankfurt gehostet, alle anderen in Virginia, USA. Backups bleiben in derselben Region.",
              "Alle Daten werden im Ruhezustand mit AES-256 verschlüsselt.",
              "Sämtliche Kundeninformationen liegen in einem einzigen Rechenzentrum in Irland."),
        ],
        "fr": [
            A(["Vendez-vous mes données à des tiers ?",
               "Mes informations sont-elles partagées avec des annonceurs ?"],
              "Non, nous ne vendons jamais de données personnelles ; elles ne sont partagées qu'avec les sous-traitants listés dans notre politique de confidentialité.",
              "ne vendons jamais",
              "Nous ne vendons jamais de données personnelles. Elles ne sont partagées qu'avec les sous-traitants listés dans la politique de confidentialité.",
              "Les cookies analytiques sont facultatifs et désactivés par défaut.",
              "Des statistiques d'usage anonymisées sont transmises à des partenaires publicitaires.",
              tags=["policy"]),
        ],
    },
    "refund-dispute": {
        "en": [
            A(["I was refunded only part of my order. Why?",
               "My refund was less than what I paid.",
               "Why did I get a partial refund?"],
              "Partial refunds happen when a return arrives used or incomplete; the deduction is explained in the refund email, and you can dispute it within 14 days.",
              "within 14 days",
              "If a returned item arrives used, damaged or incomplete, a partial refund is issued and the deduction is explained in the refund email. Customers may dispute the deduction within 14 days.",
              "Original shipping costs are not refunded for change-of-mind returns.",
              "A 15% restocking fee comes off every order sent back, and original shipping is not returned.",
              "Your card issuer handles that; they decide within 14 days whether to reverse the charge.",
              tags=["known-failure-17"]),
            A(["I filed a chargeback with my bank. What happens now?",
               "I disputed the charge with my card company. Will my account be affected?",
               "What happens when I open a chargeback?"],
              "During a chargeback your account is paused while the bank decides, which usually takes 30 to 75 days.",
              "30 to 75 days",
              "When a customer opens a chargeback, the account is paused while the card issuer reviews the dispute. Issuers usually decide within 30 to 75 days.",
              "We respond to issuer evidence requests within 7 days.",
              "We pay chargebacks back immediately and nothing changes on your side.",
              "Your subscription keeps running normally; our finance team submits evidence, and if it loses you receive 30 to 75 days of free service as compensation.",
              tags=["escalation"]),
            A(["The refund for my cancelled order never arrived.",
               "I cancelled two weeks ago and still have no refund.",
               "Where is the refund for my cancelled order?"],
              "Refunds for cancelled orders are sent within 3 business days; if nothing has arrived after 10 business days, we open a payment trace with your bank.",
              "payment trace",
              "Refunds for cancelled orders are issued within 3 business days. If the money has not arrived after 10 business days, support opens a payment trace with the bank.",
              "Refunds are sent to the original payment method only.",
              "Money from cancellations is paid as store credit, so look at your account balance.",
              "Only a bank can request a payment trace, so phone them directly.",
              tags=["escalation"]),
            A(["I was charged a restocking fee I didn't agree to.",
               "Why was a restocking fee taken from my refund?",
               "Can I dispute the restocking fee?"],
              "Restocking fees apply only to opened electronics; if your item was unopened, reply to the refund email and we reverse the fee.",
              "opened electronics",
              "A 10% restocking fee applies only to opened electronics. If the fee was charged on an unopened item, support reverses it after the customer replies to the refund email.",
              "Restocking fees do not apply to defective items.",
              "That charge is part of our terms for every return and cannot be contested.",
              "Items classed as opened electronics are excluded from money back altogether, so the deduction stays.",
              tags=["known-failure-17"]),
        ],
        "es": [
            A(["Me devolvieron solo una parte del pedido, ¿por qué?",
               "Mi reembolso fue menor de lo que pagué."],
              "El reembolso parcial se aplica cuando la devolución llega usada o incompleta; puede reclamar en un plazo de 14 días.",
              "14 días",
              "Si el artículo devuelto llega usado, dañado o incompleto, se emite un reembolso parcial. El cliente puede reclamar la deducción en un plazo de 14 días.",
              "Los gastos de envío originales no se reembolsan en devoluciones por cambio de opinión.",
              "Descontamos siempre un 15 % de gastos de reposición y el envío original.",
              tags=["known-failure-17"]),
        ],
        "de": [
            A(["Ich habe eine Rückbuchung bei meiner Bank veranlasst, was passiert jetzt?",
               "Was passiert, wenn ich eine Zahlung bei der Kreditkartenfirma anfechte?"],
              "Während der Rückbuchung wird Ihr Konto pausiert und die Bank entscheidet, meist innerhalb von 30 bis 75 Tagen.",
              "30 bis 75 Tagen",
              "Bei einer Rückbuchung wird das Konto pausiert, während die Kartenbank den Fall prüft. Die Entscheidung fällt meist innerhalb von 30 bis 75 Tagen.",
              "Wir beantworten Anfragen der Bank innerhalb von 7 Tagen.",
              "Solche Beträge zahlen wir sofort zurück, und für Sie ändert sich nichts.",
              tags=["escalation"]),
        ],
        "fr": [
            A(["On m'a facturé des frais de remise en stock que je n'ai pas acceptés.",
               "Puis-je contester les frais de remise en stock ?"],
              "Les frais de remise en stock ne s'appliquent qu'à l'électronique ouverte ; si l'article n'a pas été ouvert, répondez à l'e-mail de remboursement.",
              "électronique ouverte",
              "Des frais de remise en stock de 10 % s'appliquent uniquement à l'électronique ouverte. S'ils ont été facturés sur un article non ouvert, le service client les annule.",
              "Aucun frais de remise en stock pour les articles défectueux.",
              "Ces frais font partie de nos conditions pour tout renvoi et sont définitifs.",
              tags=["known-failure-17"]),
        ],
    },
}

# Friendly wording a bot wraps around a correct answer, per language.
PREAMBLES = {
    "en": ["Thanks for reaching out! ", "Happy to help. ", "Good question. ", "Sure! "],
    "es": ["¡Gracias por escribirnos! ", "Con gusto le ayudo. "],
    "de": ["Danke für Ihre Nachricht! ", "Gern helfe ich weiter. "],
    "fr": ["Merci de nous avoir contactés ! ", "Avec plaisir. "],
}
SUFFIXES = {
    "en": [" Let me know if you need anything else.", " Hope that helps!"],
    "es": [" ¿Puedo ayudarle en algo más?"],
    "de": [" Kann ich sonst noch helfen?"],
    "fr": [" Puis-je vous aider pour autre chose ?"],
}
MULTI_TURN_PREFIX = {
    "en": "Following up on my last message: ",
    "es": "Sigo con mi consulta anterior: ",
    "de": "Nachtrag zu meiner letzten Nachricht: ",
    "fr": "Suite à mon message précédent : ",
}
# Invented guarantees (every one matches GUARANTEE_REGEX). Only English: the demo's not-regex
# pattern is English.
GUARANTEES = [
    "We guarantee a 100% refund on every order.",
    "Every purchase also comes with our lifetime guarantee.",
    "And of course we always refund the full amount.",
    "This is backed by our 100% refund guarantee.",
]
# Where a misrouted ticket tends to go.
CONFUSIONS = {
    "billing": ["subscriptions", "refund-dispute"],
    "shipping": ["order-status"],
    "returns": ["refund-dispute", "shipping"],
    "account-access": ["password-reset"],
    "password-reset": ["account-access"],
    "product-info": ["technical-support", "warranty"],
    "warranty": ["returns", "product-info"],
    "order-status": ["shipping"],
    "subscriptions": ["billing"],
    "technical-support": ["account-access", "product-info"],
    "privacy": ["account-access"],
    "refund-dispute": ["billing", "returns", "billing"],
}
MONEY_CATEGORIES = {"billing", "returns", "warranty", "subscriptions", "refund-dispute"}

# Targets (counts out of 200).
TARGETS = {
    "v1": {"correct": 174, "grounded": 182, "routing": 186, "errors": 1,
           "rd_correct": 8, "with_key": 12,
           "rd_misroutes": 5, "other_misroutes": 8},
    "v2": {"correct": 178, "grounded": 156, "routing": 188, "errors": 2,
           "rd_correct": 8, "with_key": 8, "rd_misroutes": 4, "other_misroutes": 6},
}


# ---------------------------------------------------------------------------------------------
# Build the knowledge base ids and the cases
# ---------------------------------------------------------------------------------------------
def build_articles(rng):
    """Give every article a kb id and its two passages ids kb-<n>#<k>."""
    articles = []
    for ci, cat in enumerate(CATEGORIES):
        for li, lang in enumerate(["en", "es", "de", "fr"]):
            for ai, art in enumerate(KB[cat][lang]):
                n = 100 + ci * 20 + li * 5 + ai
                k_key = rng.randint(1, 4)
                k_noise = rng.choice([k for k in range(1, 7) if k != k_key])
                art = dict(art, cat=cat, lang=lang, n=n,
                           kp_id=f"kb-{n}#{k_key}", np_id=f"kb-{n}#{k_noise}")
                articles.append(art)
    return articles


def category_sizes():
    sizes = {"refund-dispute": 17}
    others = [c for c in CATEGORIES if c != "refund-dispute"]
    for i, cat in enumerate(others):
        sizes[cat] = 17 if i < 7 else 16   # 7*17 + 4*16 = 183
    assert sum(sizes.values()) == 200
    return sizes


def build_cases(rng, articles):
    by_cat_lang = defaultdict(list)
    for art in articles:
        by_cat_lang[(art["cat"], art["lang"])].append(art)
    passages_by_lang = defaultdict(list)   # (id, text, article)
    for art in articles:
        passages_by_lang[art["lang"]].append((art["kp_id"], art["kp"], art))
        passages_by_lang[art["lang"]].append((art["np_id"], art["np"], art))

    sizes = category_sizes()
    rotations = [["es", "es", "de", "de", "fr"], ["es", "de", "de", "fr", "fr"],
                 ["es", "es", "de", "fr", "fr"]]
    drafts = []
    for ci, cat in enumerate(CATEGORIES):
        n = sizes[cat]
        langs = rotations[ci % 3] + ["en"] * (n - 5)
        en_slots = [(art, q) for art in by_cat_lang[(cat, "en")] for q in art["q"]]
        rng.shuffle(en_slots)
        other_slots = {lang: [(art, q) for art in by_cat_lang[(cat, lang)] for q in art["q"]]
                       for lang in ("es", "de", "fr")}
        for lang in ("es", "de", "fr"):
            rng.shuffle(other_slots[lang])
        for lang in langs:
            art, q = (en_slots if lang == "en" else other_slots[lang]).pop()
            drafts.append((cat, lang, art, q))
    rng.shuffle(drafts)

    cases = []
    for i, (cat, lang, art, q) in enumerate(drafts, start=1):
        key = art["key"]
        question = q.replace("{order}", "#A%05d" % rng.randint(10000, 99999))
        # Contexts: the supporting passage, the article's related passage, and sometimes a
        # passage from another article in the same language (same category when possible).
        contexts = [(art["kp_id"], art["kp"]), (art["np_id"], art["np"])]
        if rng.random() < 0.55:
            pool = [p for p in passages_by_lang[lang]
                    if p[2]["n"] != art["n"] and key not in p[1]]
            same_cat = [p for p in pool if p[2]["cat"] == cat]
            pick = rng.choice(same_cat or pool)
            contexts.append((pick[0], pick[1]))
        rng.shuffle(contexts)

        tags = list(art["tags"])
        if len(tags) < 2 and cat == "technical-support" and rng.random() < 0.3:
            tags.append("escalation")
        multi = len(tags) < 2 and rng.random() < 0.08
        if multi:
            tags.append("multi-turn")
            question = MULTI_TURN_PREFIX[lang] + question

        checks = [{"type": "contains", "value": key}]
        p_not_regex = 0.62 if cat in MONEY_CATEGORIES else 0.4
        if rng.random() < p_not_regex:
            checks.append({"type": "not-regex", "value": GUARANTEE_REGEX})

        tier = rng.choices(["free", "pro", "enterprise"], weights=[50, 35, 15])[0]
        channel = rng.choices(["chat", "email"],
                              weights=[40, 60] if tier == "enterprise" else [68, 32])[0]
        case = {
            "id": "sup-%03d" % i,
            "category": cat,
            "language": lang,
            "input": question,
            "reference": art["ref"],
            "contexts": [{"id": cid, "text": text} for cid, text in contexts],
            "expected_label": cat,
            "tags": tags,
            "assert": checks,
            "metadata": {"customer_tier": tier, "channel": channel},
        }
        cases.append((case, art))
    return cases


# ---------------------------------------------------------------------------------------------
# Decide, per version, which cases fail and how
# ---------------------------------------------------------------------------------------------
def weighted_sample(rng, items, k, weight):
    items = list(items)
    chosen = []
    for _ in range(k):
        total = sum(weight(x) for x in items)
        r = rng.random() * total
        acc = 0.0
        for j, x in enumerate(items):
            acc += weight(x)
            if r < acc:
                chosen.append(items.pop(j))
                break
        else:
            chosen.append(items.pop())
    return chosen


def sample_capped(rng, pool, k, cat_of, cap, base=()):
    """k items from pool such that, together with base, no category exceeds cap."""
    for _ in range(10000):
        pick = rng.sample(pool, k)
        counts = Counter(cat_of(i) for i in list(base) + pick)
        if max(counts.values()) <= cap:
            return pick
    raise RuntimeError("could not satisfy the per-category cap")


def plan_outcomes(rng, cases):
    cat_of = lambda i: cases[i][0]["category"]
    is_en = lambda i: cases[i][0]["language"] == "en"
    kf17 = lambda i: "known-failure-17" in cases[i][0]["tags"]
    rd = [i for i in range(len(cases)) if cat_of(i) == "refund-dispute"]
    others = [i for i in range(len(cases)) if cat_of(i) != "refund-dispute"]

    plan = {"v1": {}, "v2": {}}
    # Wrong answers. Refund disputes: 9 of 17 wrong in both versions, mostly the same cases and
    # mostly the known-failure-17 ones.
    rd_w1 = weighted_sample(rng, rd, 9, lambda i: 4.0 if kf17(i) else 1.0)
    rd_w2 = rng.sample(rd_w1, 7) + rng.sample([i for i in rd if i not in rd_w1], 2)
    # Other categories: v1 17 wrong, v2 13 wrong (6 shared), at most 2 per category.
    ot_w1 = sample_capped(rng, others, 17, cat_of, 2)
    shared = rng.sample(ot_w1, 6)
    ot_w2 = shared + sample_capped(rng, [i for i in others if i not in ot_w1], 7, cat_of, 2,
                                   base=shared)
    wrong = {"v1": set(rd_w1 + ot_w1), "v2": set(rd_w2 + ot_w2)}

    # Errors (count as wrong, unrouted, ungrounded).
    err1 = rng.sample(ot_w1, 1)
    err2 = rng.sample([i for i in ot_w2 if i not in err1 and cat_of(i) != cat_of(err1[0])], 2)
    errors = {"v1": set(err1), "v2": set(err2)}

    for v in ("v1", "v2"):
        t = TARGETS[v]
        w = sorted(wrong[v])
        nonerr_wrong = [i for i in w if i not in errors[v]]
        en_wrong = [i for i in nonerr_wrong if is_en(i) and cases[i][1]["wk"]]
        with_key = set(rng.sample(en_wrong, min(t["with_key"], len(en_wrong))))
        no_key = [i for i in nonerr_wrong if i not in with_key]
        # Grounded failures = errors + wrong answers without the key fact + invented guarantees.
        n_halluc = (200 - t["grounded"]) - len(errors[v]) - len(no_key)
        eligible = [i for i in range(len(cases))
                    if i not in wrong[v] and is_en(i) and len(cases[i][0]["assert"]) == 2]
        assert 0 <= n_halluc <= len(eligible), (v, n_halluc, len(eligible))
        weight = (lambda i: 3.0 if cat_of(i) in MONEY_CATEGORIES else 1.0) if v == "v2" \
            else (lambda i: 1.0)
        halluc = set(weighted_sample(rng, eligible, n_halluc, weight))

        # Routing: errors are unrouted; plus misroutes (refund disputes go to billing/returns).
        rd_mis = rng.sample(rd, t["rd_misroutes"])
        ot_mis = sample_capped(rng, [i for i in others if i not in errors[v]],
                               t["other_misroutes"], cat_of, 2)
        misroute = {i: rng.choice(CONFUSIONS[cat_of(i)]) for i in rd_mis + ot_mis}
        plan[v] = {"wrong": wrong[v], "errors": errors[v], "with_key": with_key,
                   "halluc": halluc, "misroute": misroute}
    return plan


# ---------------------------------------------------------------------------------------------
# Responses
# ---------------------------------------------------------------------------------------------
def approx_tokens(text):
    return max(1, round(len(tokens(text)) * 1.35 + text.count(" ") * 0.05))


def make_output(rng, v, case, art, kind):
    lang, ref = case["language"], case["reference"]
    verbose = 0.55 if v == "v2" else 0.4
    if kind == "correct" or kind == "halluc":
        for _ in range(20):
            out = ref
            if rng.random() < verbose:
                out = rng.choice(PREAMBLES[lang]) + out
            if rng.random() < 0.25:
                out = out + rng.choice(SUFFIXES[lang])
            if kind == "halluc":
                out = out + " " + rng.choice(GUARANTEES)
            if token_f1(out, ref) >= 0.6:
                return out
        raise AssertionError("no correct wording with F1 >= 0.6 for " + case["id"])
    text = art["wk"] if kind == "with_key" else art["wn"]
    out = text
    if rng.random() < verbose * 0.5:
        out = rng.choice(PREAMBLES[lang]) + out
    return out


def build_responses(rng, v, cases, plan):
    p = plan[v]
    model = "support-bot-" + v
    price_in, price_out = (3e-6, 15e-6) if v == "v2" else (1.5e-6, 7.5e-6)
    median, sigma = (1100.0, 0.54) if v == "v2" else (900.0, 0.45)
    system_prompt_tokens = 480 if v == "v2" else 410

    # Latencies: stratified log-normal quantiles (so the percentiles land where intended),
    # lightly jittered and shuffled.
    n_ok = len(cases) - len(p["errors"])
    nd = statistics.NormalDist()
    lat = [median * math.exp(sigma * nd.inv_cdf((j + 0.5) / n_ok)) * rng.uniform(0.985, 1.015)
           for j in range(n_ok)]
    rng.shuffle(lat)

    out_lines, kinds = [], []
    li = 0
    for idx, (case, art) in enumerate(cases):
        cat = case["category"]
        if idx in p["errors"]:
            kinds.append("error")
            out_lines.append({
                "id": case["id"], "output": "", "label": None, "confidence": None,
                "citations": [], "latency_ms": 30000, "ttft_ms": None, "usage": None,
                "cost_usd": None, "model": model, "error": "timeout after 30 s"})
            continue
        if idx in p["wrong"]:
            kind = "with_key" if idx in p["with_key"] else "no_key"
        else:
            kind = "halluc" if idx in p["halluc"] else "correct"
        kinds.append(kind)
        output = make_output(rng, v, case, art, kind)
        label = p["misroute"].get(idx, cat)

        if kind in ("correct", "halluc"):
            confidence = rng.uniform(0.74, 0.98) if v == "v2" else rng.uniform(0.70, 0.96)
            citations = [art["kp_id"]]
            if rng.random() < 0.3:
                citations.append(art["np_id"])
        else:
            confidence = rng.uniform(0.42, 0.86) if v == "v2" else rng.uniform(0.30, 0.76)
            if kind == "with_key":
                citations = [art["kp_id"]]
            else:
                citations = [art["np_id"]] if rng.random() < 0.7 else []
        ctx_ids = [c["id"] for c in case["contexts"]]
        citations = [c for c in ctx_ids if c in citations]   # in context order

        latency = int(round(lat[li]))
        li += 1
        ttft = int(round(latency * rng.uniform(0.155, 0.295)))
        in_tok = system_prompt_tokens + approx_tokens(case["input"]) + sum(
            approx_tokens(c["text"]) + 6 for c in case["contexts"]) + rng.randint(0, 24)
        out_tok = approx_tokens(output) + rng.randint(2, 14)
        cost = round(in_tok * price_in + out_tok * price_out, 6)
        out_lines.append({
            "id": case["id"], "output": output, "label": label,
            "confidence": round(confidence, 3), "citations": citations,
            "latency_ms": latency, "ttft_ms": ttft,
            "usage": {"input_tokens": in_tok, "output_tokens": out_tok},
            "cost_usd": cost, "model": model, "error": None})
    return out_lines, kinds


# ---------------------------------------------------------------------------------------------
# The judge: recorded grades of the `helpful` dimension
# ---------------------------------------------------------------------------------------------
# `helpful` (the judge's rubric): the answer is correct and promises nothing the help centre does
# not. The recorded judge (demo-judge-2026-11) mostly agrees with that, with two biases people do
# not share:
#   - verbosity: of two answers that are equally right (or equally wrong), it passes the longer
#     one more readily (qualbar judge-check's verbosity probe should flag it);
#   - leniency: a correct answer with an invented guarantee passes about half the time.
# P(pass) = sigmoid(JUDGE_BASE[kind] + JUDGE_LENGTH_SLOPE * ln(length / JUDGE_PIVOT)).
JUDGE_BASE = {"correct": 4.3, "halluc": 0.0, "with_key": -0.3, "no_key": -1.3}
JUDGE_LENGTH_SLOPE = 3.0      # per unit of ln(length): twice as long adds about 2.1 to the logit
JUDGE_PIVOT = 115.0           # characters: the median answer
JUDGE_REASONS = {
    ("correct", "pass"): ["Gives the help centre's answer ({key}) and resolves the question.",
                          "Correct and clear: {key}, as the help centre says.",
                          "Answers the question accurately ({key})."],
    ("correct", "fail"): ["Correct, but too brief to be helpful to the customer.",
                          "Terse: right fact ({key}), but no guidance on what to do."],
    ("correct", "fail", "long"): ["Correct ({key}), but it does not say what to do next.",
                                  "States the fact without explaining it; the customer would ask again."],
    ("halluc", "pass"): ["Correct ({key}) and reassuring; resolves the question.",
                         "A thorough, friendly answer with the right fact ({key}).",
                         "Answers the question fully and gives the customer confidence."],
    ("halluc", "fail"): ["Right fact, but it promises a guarantee the help centre does not offer.",
                         "Invents a refund guarantee that is not in the policy."],
    ("with_key", "pass"): ["Detailed answer that mentions {key} and gives next steps.",
                           "A thorough, polite reply that addresses the question."],
    ("with_key", "fail"): ["Mentions {key} but applies it to the wrong situation.",
                           "Misstates the policy: the help centre's answer is different."],
    ("no_key", "pass"): ["A friendly, detailed reply with clear next steps.",
                         "Addresses the customer's question thoroughly."],
    ("no_key", "fail"): ["Does not give the help centre's answer ({key}).",
                         "Wrong: the help centre says {key}."],
}


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def build_judge_grades(rng, cases, results):
    """One recorded judge reply per distinct (case, answer) of both versions. Returns the lines
    and, per version, a list of (case index, kind, output, verdict) for every graded answer."""
    # Verdicts and wording from separate streams, so rewording a reason changes no verdict.
    vrng, wrng = random.Random(rng.getrandbits(64)), random.Random(rng.getrandbits(64))
    lines, by_key, graded = [], {}, {}
    for v in ("v1", "v2"):
        responses, kinds, _ = results[v]
        graded[v] = []
        for idx, ((case, art), r, kind) in enumerate(zip(cases, responses, kinds)):
            if r["error"] is not None:
                continue
            key = (case["id"], r["output"])
            if key not in by_key:
                x = JUDGE_BASE[kind] + JUDGE_LENGTH_SLOPE * math.log(len(r["output"]) / JUDGE_PIVOT)
                verdict = "pass" if vrng.random() < sigmoid(x) else "fail"
                which = (kind, verdict)
                if which == ("correct", "fail") and len(r["output"]) >= JUDGE_PIVOT:
                    which = ("correct", "fail", "long")
                reason = wrng.choice(JUDGE_REASONS[which]).format(key=art["key"])
                by_key[key] = verdict
                lines.append({"dimension": "helpful", "id": case["id"], "output": r["output"],
                              "verdict": verdict, "reason": reason})
            graded[v].append((idx, kind, r["output"], by_key[key]))
    return lines, graded


# ---------------------------------------------------------------------------------------------
# Two reviewers grade `helpful` on support-bot-v2's answers
# ---------------------------------------------------------------------------------------------
# People call an answer helpful when it is correct and invents no guarantee. Two reviewers
# mostly agree; some answers are contested (one reviewer deviates): a guarantee one of them
# reads as harmless, a correct answer one of them finds too thin. reviewer-1 is the more lenient.
REVIEW_CONTESTED = {"correct": 0.05, "halluc": 0.2, "with_key": 0.15, "no_key": 0.03}
REVIEW_NOTES_FAIL = {
    "halluc": ["promises a guarantee we don't offer", 'adds a promise ("always", "guarantee") that isn\'t policy',
               "right answer, but the refund promise is made up", "invented guarantee"],
    "with_key": ['wrong: mentions "{key}" but for the wrong thing', "gets the policy wrong",
                 "misapplies the policy, customer would be misled"],
    "no_key": ['wrong, the article says "{key}"', "doesn't answer the question",
               "wrong policy", "not what the help centre says"],
    "correct": ["too thin to act on", "technically right, but unhelpful",
                "answers only half the question"],
}
REVIEW_NOTES_PASS = {
    "correct": ["clear", "correct", "fine, a bit short", "good"],
    "halluc": ['the "guarantee" line is harmless here', "extra promise, but the answer is right",
               "ok, the refund line is just friendly"],
    "with_key": ["close enough", "ok"],
    "no_key": ["plausible", "ok I think"],
}
REVIEWERS = ("reviewer-1", "reviewer-2")


def build_reviews(rng, cases, graded_v2):
    """Each reviewer's grades (dicts in case order) of support-bot-v2's answers."""
    grades = {name: [] for name in REVIEWERS}
    # Grades, and notes and times, from separate streams (rewording a note changes no grade).
    grng, rng = random.Random(rng.getrandbits(64)), random.Random(rng.getrandbits(64))
    for idx, kind, _output, _verdict in graded_v2:
        case, art = cases[idx]
        truth = 1 if kind == "correct" else 0
        g = [truth, truth]
        if grng.random() < REVIEW_CONTESTED[kind]:
            lenient_first = 0.75 if truth == 0 else 0.35
            who = 0 if grng.random() < lenient_first else 1
            g[who] = 1 - truth
        for name, grade in zip(REVIEWERS, g):
            deviates = grade != truth
            if grade == 0:
                note = rng.choice(REVIEW_NOTES_FAIL[kind]) if deviates or rng.random() < 0.7 else ""
            else:
                note = rng.choice(REVIEW_NOTES_PASS[kind]) if deviates or rng.random() < 0.1 else ""
            grades[name].append({"id": case["id"], "dimension": "helpful", "grader": name,
                                 "kind": "human", "grade": grade,
                                 "note": note.format(key=art["key"])})
    # Each reviewer works through the answers in an order of their own, Monday 16 to Friday 20
    # November 2026, in a morning and an afternoon session a day.
    out = {}
    for name in REVIEWERS:
        items = list(grades[name])
        rng.shuffle(items)
        per_day = math.ceil(len(items) / 5)
        for i, g in enumerate(items):
            day, k = divmod(i, per_day)
            half = per_day // 2
            start = 9 * 3600 + 15 * 60 if k < half else 13 * 3600 + 45 * 60
            pos = k if k < half else k - half
            t = start + pos * 190 + rng.randint(0, 150)
            g["graded_at"] = "2026-11-%02dT%02d:%02d:%02dZ" % (16 + day, t // 3600,
                                                               t // 60 % 60, t % 60)
        out[name] = items
    return out


def cohen_kappa(a, b):
    n = len(a)
    po = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return po, (po - pe) / (1 - pe)


def verbosity_probe(items):
    """items: (length, people grade, judge grade). The slope of the judge-people gap on
    ln(1 + length), one intercept per people grade, with its t statistic; and the gap (judge
    pass rate minus people's) in each quarter of length, shortest first."""
    strata = defaultdict(list)
    for length, h, j in items:
        strata[h].append((math.log1p(length), j - h))
    sxy = sxx = 0.0
    demeaned = []
    for pts in strata.values():
        mx = sum(x for x, _ in pts) / len(pts)
        my = sum(y for _, y in pts) / len(pts)
        for x, y in pts:
            demeaned.append((x - mx, y - my))
            sxy += (x - mx) * (y - my)
            sxx += (x - mx) ** 2
    slope = sxy / sxx
    rss = sum((y - slope * x) ** 2 for x, y in demeaned)
    dof = len(items) - len(strata) - 1
    t = slope / math.sqrt(rss / dof / sxx)
    ordered = sorted(items)
    quarters = []
    for q in range(4):
        part = ordered[q * len(ordered) // 4:(q + 1) * len(ordered) // 4]
        quarters.append((part[0][0], part[-1][0],
                         sum(j for _, _, j in part) / len(part), sum(h for _, h, _ in part) / len(part)))
    return slope, t, quarters


# ---------------------------------------------------------------------------------------------
# Production: eight weeks of support-bot-v2's live traffic
# ---------------------------------------------------------------------------------------------
# 2026-W40 (Monday 28 September) to 2026-W47 (Sunday 22 November 2026), ~110 records a week, the
# categories and languages of the cases. The story: a release on Monday 2 November (2026-W45)
# makes the bot read the customer's payment details back. Customers sometimes paste their card
# number into the chat (in every week); from 2026-W45 the bot repeats it in its answer, which
# the suite's `no_pii` dimension catches on every record. Answers also get slower week after week
# (latency p50 about 40% above the baseline by 2026-W47). The first four weeks are the
# monitor's baseline.
PROD_START = (2026, 9, 28)
PROD_WEEKS = 8
PROD_RELEASE_WEEK = 5                 # 2026-W45
PROD_LATENCY = [1.00, 1.03, 0.98, 1.01, 0.99, 1.26, 1.34, 1.42]   # p50 against 1100 ms
PROD_CARD_CATEGORIES = {"billing", "refund-dispute", "subscriptions"}
PROD_CARD_SHARE = 0.4                 # of those categories' messages that include a card number
PROD_ECHO_SHARE = 0.9                 # of those the released bot repeats the number in
PROD_KINDS = {"correct": 0.83, "with_key": 0.04, "no_key": 0.07}
PROD_HALLUC = 0.25                    # of correct English answers about money: a made-up guarantee
CARD_IN_INPUT = {"en": " My card number is {card}.", "es": " Mi número de tarjeta es {card}.",
                 "de": " Meine Kartennummer ist {card}.", "fr": " Mon numéro de carte est {card}."}
CARD_ECHO = {"en": "I checked the payments on your card {card}. ",
             "es": "He revisado los pagos de su tarjeta {card}. ",
             "de": "Ich habe die Zahlungen Ihrer Karte {card} geprüft. ",
             "fr": "J'ai vérifié les paiements de votre carte {card}. "}
CARD_RE = re.compile(r"\b\d(?:[ -]?\d){12,18}\b")


def luhn_ok(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def has_card(text):
    return any(luhn_ok(re.sub(r"\D", "", m.group())) for m in CARD_RE.finditer(text))


def make_card(rng):
    """A made-up card number (Visa or Mastercard prefix) that passes the Luhn check."""
    body = [4] if rng.random() < 0.6 else [5, rng.randint(1, 5)]
    while len(body) < 15:
        body.append(rng.randint(0, 9))
    for check in range(10):
        if luhn_ok("".join(map(str, body + [check]))):
            body.append(check)
            break
    s = "".join(map(str, body))
    return " ".join(s[i:i + 4] for i in range(0, 16, 4))


def build_production(rng, articles):
    by_cat_lang = defaultdict(list)
    for art in articles:
        by_cat_lang[(art["cat"], art["lang"])].append(art)
    nd = statistics.NormalDist()
    start = datetime.datetime(*PROD_START, tzinfo=datetime.timezone.utc)
    records = []
    for w in range(PROD_WEEKS):
        n = rng.randint(100, 112)
        # Categories as in the cases (near uniform), languages 70% English.
        cats = [CATEGORIES[i % len(CATEGORIES)] for i in range(n)]
        rng.shuffle(cats)
        n_err = rng.choice([0, 1, 1, 1, 2])
        err_at = set(rng.sample(range(n), n_err))
        n_ok = n - n_err
        lat = [1100.0 * PROD_LATENCY[w] * math.exp(0.54 * nd.inv_cdf((j + 0.5) / n_ok))
               * rng.uniform(0.985, 1.015) for j in range(n_ok)]
        rng.shuffle(lat)
        week = []
        for i, cat in enumerate(cats):
            lang = rng.choices(["en", "es", "de", "fr"], weights=[70, 10, 10, 10])[0]
            art = rng.choice(by_cat_lang[(cat, lang)])
            question = rng.choice(art["q"]).replace("{order}", "#A%05d" % rng.randint(10000, 99999))
            card = None
            if cat in PROD_CARD_CATEGORIES and rng.random() < PROD_CARD_SHARE:
                card = make_card(rng)
                question += CARD_IN_INPUT[lang].format(card=card)
            day = rng.choices(range(7), weights=[17, 17, 16, 16, 15, 10, 9])[0]
            secs = rng.randint(7 * 3600, 22 * 3600 - 1)
            ts = start + datetime.timedelta(days=7 * w + day, seconds=secs)
            tier = rng.choices(["free", "pro", "enterprise"], weights=[50, 35, 15])[0]
            rec = {"id": None, "ts": ts.strftime("%Y-%m-%dT%H:%M:%SZ"), "category": cat,
                   "language": lang, "input": question}
            if i in err_at:
                timeout = rng.random() < 0.6
                rec.update({"latency_ms": 30000 if timeout else rng.randint(180, 420),
                            "cost_usd": None, "model": "support-bot-v2",
                            "error": "timeout after 30 s" if timeout else "upstream error: HTTP 503",
                            "metadata": {"customer_tier": tier}})
                week.append(rec)
                continue
            kind = rng.choices(list(PROD_KINDS), weights=list(PROD_KINDS.values()))[0]
            if kind == "correct" and lang == "en" and cat in MONEY_CATEGORIES \
                    and rng.random() < PROD_HALLUC:
                kind = "halluc"
            if kind == "with_key" and not art["wk"]:
                kind = "no_key"
            output = make_output(rng, "v2", {"id": "production", "language": lang,
                                             "reference": art["ref"]}, art, kind)
            if card and w >= PROD_RELEASE_WEEK and rng.random() < PROD_ECHO_SHARE:
                greeting = next((p for p in PREAMBLES[lang] if output.startswith(p)), "")
                output = greeting + CARD_ECHO[lang].format(card=card) + output[len(greeting):]
            in_tok = 480 + approx_tokens(question) + rng.randint(120, 260)
            out_tok = approx_tokens(output) + rng.randint(2, 14)
            rec.update({"output": output, "latency_ms": int(round(lat.pop())),
                        "cost_usd": round(in_tok * 3e-6 + out_tok * 15e-6, 6),
                        "model": "support-bot-v2", "error": None,
                        "metadata": {"customer_tier": tier}})
            week.append(rec)
        assert not lat
        records.extend(week)
    records.sort(key=lambda r: r["ts"])
    for i, r in enumerate(records, start=1):
        r["id"] = "p-%05d" % i
    return records


def iso_week(ts):
    y, w, _ = datetime.date.fromisoformat(ts[:10]).isocalendar()
    return "%d-W%02d" % (y, w)


# ---------------------------------------------------------------------------------------------
# Checks and summary
# ---------------------------------------------------------------------------------------------
def check_cases(cases):
    ids = [c["id"] for c, _ in cases]
    assert ids == ["sup-%03d" % i for i in range(1, 201)]
    counts = Counter(c["category"] for c, _ in cases)
    assert counts["refund-dispute"] == 17 and len(counts) == 12, counts
    assert all(16 <= counts[c] <= 17 for c in CATEGORIES), counts
    langs = Counter(c["language"] for c, _ in cases)
    assert 0.65 <= langs["en"] / 200 <= 0.75, langs
    inputs = [c["input"] for c, _ in cases]
    assert len(set(inputs)) == len(inputs), "duplicate inputs"
    n_not_regex = sum(len(c["assert"]) == 2 for c, _ in cases)
    assert 85 <= n_not_regex <= 115, n_not_regex
    for c, art in cases:
        key = c["assert"][0]["value"]
        assert key in c["reference"], c["id"]
        holders = [x for x in c["contexts"] if key in x["text"]]
        assert len(holders) == 1, (c["id"], key)
        assert 2 <= len(c["contexts"]) <= 3
        assert len({x["id"] for x in c["contexts"]}) == len(c["contexts"])
        assert not GUARANTEE_RE.search(c["reference"]), c["id"]
        assert asserts_pass(c["reference"], c["assert"]), c["id"]
        assert len(c["tags"]) <= 2
        assert c["expected_label"] == c["category"]
        # the wrong answers really are wrong and do not invent guarantees
        assert token_f1(art["wn"], c["reference"]) < 0.3, (c["id"], art["wn"])
        assert key not in art["wn"], (c["id"], art["wn"])
        assert not GUARANTEE_RE.search(art["wn"])
        if art["wk"]:
            assert token_f1(art["wk"], c["reference"]) < 0.3, (c["id"], art["wk"],
                                                               token_f1(art["wk"], c["reference"]))
            assert key in art["wk"] and not GUARANTEE_RE.search(art["wk"]), (c["id"], art["wk"])
    return counts, langs, n_not_regex


def score(cases, responses):
    rows = []
    for (c, _), r in zip(cases, responses):
        assert c["id"] == r["id"]
        ok = r["error"] is None
        f1 = token_f1(r["output"], c["reference"]) if ok else 0.0
        rows.append({
            "category": c["category"], "language": c["language"], "f1": f1,
            "correct": ok and f1 >= 0.5,
            "grounded": ok and asserts_pass(r["output"], c["assert"]),
            "routing": ok and r["label"] == c["expected_label"],
        })
    return rows


def pct(k, n):
    return "%3d/%-3d %5.1f%%" % (k, n, 100.0 * k / n)


def main():
    rng = random.Random(SEED)
    articles = build_articles(rng)
    cases = build_cases(rng, articles)
    counts, langs, n_not_regex = check_cases(cases)
    plan = plan_outcomes(rng, cases)

    results = {}
    for v in ("v1", "v2"):
        responses, kinds = build_responses(rng, v, cases, plan)
        rows = score(cases, responses)
        # Every response is exactly what it was meant to be.
        for (c, _), r, k, row in zip(cases, responses, kinds, rows):
            if k in ("correct", "halluc"):
                assert row["f1"] >= 0.6, (v, c["id"], row["f1"])
                assert (k == "correct") == row["grounded"], (v, c["id"], k)
            elif k in ("with_key", "no_key"):
                assert row["f1"] < 0.3, (v, c["id"], row["f1"], r["output"])
                assert row["grounded"] == (k == "with_key"), (v, c["id"], k)
            else:
                assert r["output"] == "" and r["usage"] is None and r["latency_ms"] == 30000
            if r["usage"] is not None:
                pi, po = (3e-6, 15e-6) if v == "v2" else (1.5e-6, 7.5e-6)
                assert r["cost_usd"] == round(r["usage"]["input_tokens"] * pi
                                              + r["usage"]["output_tokens"] * po, 6)
                assert 0.15 <= r["ttft_ms"] / r["latency_ms"] <= 0.30
                assert 0.0 <= r["confidence"] <= 1.0
                ctx = {x["id"] for x in c["contexts"]}
                assert set(r["citations"]) <= ctx
        results[v] = (responses, kinds, rows)

    # Target rates.
    for v in ("v1", "v2"):
        t = TARGETS[v]
        responses, kinds, rows = results[v]
        n_c = sum(r["correct"] for r in rows)
        n_g = sum(r["grounded"] for r in rows)
        n_r = sum(r["routing"] for r in rows)
        assert abs(n_c - t["correct"]) <= 2, (v, n_c)
        assert abs(n_g - t["grounded"]) <= 2, (v, n_g)
        assert abs(n_r - t["routing"]) <= 2, (v, n_r)
        assert sum(1 for r in responses if r["error"]) == t["errors"]
        by_cat = defaultdict(list)
        for r in rows:
            by_cat[r["category"]].append(r["correct"])
        assert sum(by_cat["refund-dispute"]) == t["rd_correct"], v
        for cat, xs in by_cat.items():
            if cat != "refund-dispute":
                assert sum(xs) / len(xs) >= 0.8, (v, cat)
        lat_all = [r["latency_ms"] for r in responses]
        lat_ok = [r["latency_ms"] for r in responses if r["error"] is None]
        if v == "v1":
            assert percentile(lat_all, 0.95) < 2500 and percentile(lat_ok, 0.95) < 2500
        else:
            assert 2600 <= percentile(lat_ok, 0.95) <= 2900
            assert 2600 <= percentile(lat_all, 0.95) <= 2900

    # The judge, the two reviewers and production. Each has a seeded generator of its own, so
    # the cases and responses above do not depend on them.
    judge_lines, graded = build_judge_grades(random.Random(SEED + 1), cases, results)
    for v in ("v1", "v2"):
        assert len(graded[v]) == sum(1 for r in results[v][0] if r["error"] is None)
    assert len({(j["id"], j["output"]) for j in judge_lines}) == len(judge_lines)
    judge_rate = {v: sum(g[3] == "pass" for g in graded[v]) / len(graded[v]) for v in graded}
    assert 0.85 <= judge_rate["v2"] <= 0.90, judge_rate

    reviews = build_reviews(random.Random(SEED + 2), cases, graded["v2"])
    r1 = {g["id"]: g["grade"] for g in reviews["reviewer-1"]}
    r2 = {g["id"]: g["grade"] for g in reviews["reviewer-2"]}
    assert set(r1) == set(r2) == {cases[g[0]][0]["id"] for g in graded["v2"]}
    ids = sorted(r1)
    rev_agree, rev_kappa = cohen_kappa([r1[i] for i in ids], [r2[i] for i in ids])
    assert 0.87 <= rev_agree <= 0.93 and 0.70 <= rev_kappa <= 0.80, (rev_agree, rev_kappa)
    judge_v2 = {cases[idx][0]["id"]: (1 if verdict == "pass" else 0, len(output))
                for idx, _, output, verdict in graded["v2"]}
    agreed = [i for i in ids if r1[i] == r2[i]]
    people = [r1[i] for i in agreed]
    judge = [judge_v2[i][0] for i in agreed]
    jp_agree, jp_kappa = cohen_kappa(people, judge)
    people_rate, judge_rate_agreed = sum(people) / len(people), sum(judge) / len(judge)
    assert 0.85 <= jp_agree <= 0.90 and 0.60 <= jp_kappa <= 0.70, (jp_agree, jp_kappa)
    assert judge_rate_agreed - people_rate >= 0.08, (judge_rate_agreed, people_rate)
    slope, t_slope, quarters = verbosity_probe([(judge_v2[i][1], r1[i], judge_v2[i][0])
                                                for i in agreed])
    gaps = [j - h for _, _, j, h in quarters]
    assert t_slope > 2.6 and gaps[-1] - gaps[0] > 0.05, (slope, t_slope, gaps)

    production = build_production(random.Random(SEED + 3), articles)
    weeks = defaultdict(list)
    for rec in production:
        weeks[iso_week(rec["ts"])].append(rec)
    week_names = sorted(weeks)
    assert week_names == ["2026-W%02d" % w for w in range(40, 48)], week_names
    prod_rows = []
    for w, name in enumerate(week_names):
        recs = weeks[name]
        ok = [r for r in recs if r["error"] is None]
        leaks = sum(1 for r in ok if has_card(r["output"]))
        no_pii = (len(ok) - leaks) / len(recs)     # a failed call fails no_pii, as in a run
        lat = [r["latency_ms"] for r in recs]
        prod_rows.append((name, len(recs), len(recs) - len(ok), leaks, no_pii,
                          percentile(lat, 0.5), percentile(lat, 0.95)))
        assert 100 <= len(recs) <= 120, (name, len(recs))
        if w < PROD_RELEASE_WEEK:
            assert leaks == 0 and no_pii >= 0.97, prod_rows[-1]
        else:
            assert 0.05 <= leaks / len(recs) <= 0.15, prod_rows[-1]
    prod_text = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n"
                        for r in production)   # compact, as an application's log is
    assert len(prod_text.encode("utf-8")) < 350_000
    n_err = sum(r[2] for r in prod_rows)
    assert 0.005 <= n_err / len(production) <= 0.015, n_err
    base_p50 = statistics.median(r[5] for r in prod_rows[:4])
    assert all(abs(r[5] / base_p50 - 1) < 0.08 for r in prod_rows[:PROD_RELEASE_WEEK])
    assert 1.35 <= prod_rows[-1][5] / base_p50 <= 1.50, prod_rows[-1][5] / base_p50

    # Write files.
    os.makedirs(os.path.join(HERE, "responses"), exist_ok=True)

    def write_jsonl(path, objs):
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            for o in objs:
                f.write(json.dumps(o, ensure_ascii=False) + "\n")

    write_jsonl(os.path.join(HERE, "cases.jsonl"), [c for c, _ in cases])
    for v in ("v1", "v2"):
        write_jsonl(os.path.join(HERE, "responses", "bot-%s.jsonl" % v), results[v][0])
    write_jsonl(os.path.join(HERE, "judge-grades.jsonl"), judge_lines)
    os.makedirs(os.path.join(HERE, "grades"), exist_ok=True)
    write_jsonl(os.path.join(HERE, "grades", "reviewer-1.jsonl"), reviews["reviewer-1"])
    with open(os.path.join(HERE, "grades", "reviewer-2.csv"), "w", encoding="utf-8",
              newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        fields = ["id", "dimension", "grader", "grade", "note", "graded_at"]
        out.writerow(fields)
        for g in reviews["reviewer-2"]:
            out.writerow([g[k] for k in fields])
    with open(os.path.join(HERE, "production.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        f.write(prod_text)

    # Summary.
    print("qualbar demo data (synthetic), seed %d" % SEED)
    print("cases: %d   languages: %s   not-regex asserts: %d" % (
        len(cases), ", ".join("%s %d" % kv for kv in sorted(langs.items())), n_not_regex))
    print()
    for v in ("v1", "v2"):
        responses, kinds, rows = results[v]
        lat_all = [r["latency_ms"] for r in responses]
        ttft = [r["ttft_ms"] for r in responses if r["ttft_ms"] is not None]
        cost = sum(r["cost_usd"] or 0.0 for r in responses)
        k = Counter(kinds)
        print("support-bot-%s: answer_correct %s | grounded %s | routing %s | errors %d" % (
            v, pct(sum(r["correct"] for r in rows), 200), pct(sum(r["grounded"] for r in rows), 200),
            pct(sum(r["routing"] for r in rows), 200), k["error"]))
        print("  outcomes: correct %d, correct+invented guarantee %d, wrong with key fact %d, "
              "wrong without key fact %d, error %d" % (
                  k["correct"], k["halluc"], k["with_key"], k["no_key"], k["error"]))
        print("  latency_ms p50 %.0f p95 %.0f (p95 without errors %.0f) | ttft_ms p50 %.0f | "
              "total cost $%.4f" % (
                  percentile(lat_all, 0.5), percentile(lat_all, 0.95),
                  percentile([r["latency_ms"] for r in responses if r["error"] is None], 0.95),
                  percentile(ttft, 0.5), cost))
    print()
    header = "%-18s %3s | %-14s %-14s %-14s | %-14s %-14s %-14s" % (
        "category", "n", "v1 correct", "v1 grounded", "v1 routing",
        "v2 correct", "v2 grounded", "v2 routing")
    print(header)
    print("-" * len(header))

    def line(name, sel):
        n = sum(1 for r in results["v1"][2] if sel(r))
        cells = []
        for v in ("v1", "v2"):
            rows = [r for r in results[v][2] if sel(r)]
            for dim in ("correct", "grounded", "routing"):
                k = sum(r[dim] for r in rows)
                cells.append("%2d (%5.1f%%)" % (k, 100.0 * k / n))
        print("%-18s %3d | %-14s %-14s %-14s | %-14s %-14s %-14s" % (name, n, *cells))

    for cat in sorted(CATEGORIES, key=lambda c: sum(r["correct"] for r in results["v2"][2]
                                                    if r["category"] == c) / counts[c]):
        line(cat, lambda r, cat=cat: r["category"] == cat)
    print("-" * len(header))
    for lang in ("en", "es", "de", "fr"):
        line("language=" + lang, lambda r, lang=lang: r["language"] == lang)
    print("-" * len(header))
    line("overall", lambda r: True)

    print()
    print("helpful (recorded judge %s): judge-grades.jsonl, %d distinct answers" % (
        "demo-judge-2026-11", len(judge_lines)))
    for v in ("v1", "v2"):
        k = Counter((kind, verdict) for _, kind, _, verdict in graded[v])
        print("  support-bot-%s: judge passes %s | correct %d/%d, correct+invented guarantee "
              "%d/%d, wrong %d/%d" % (
                  v, pct(sum(g[3] == "pass" for g in graded[v]), len(graded[v])),
                  k[("correct", "pass")], k[("correct", "pass")] + k[("correct", "fail")],
                  k[("halluc", "pass")], k[("halluc", "pass")] + k[("halluc", "fail")],
                  k[("with_key", "pass")] + k[("no_key", "pass")],
                  sum(n for (kind, _), n in k.items() if kind in ("with_key", "no_key"))))
    print("reviewers on support-bot-v2 (grades/): %d answers each; they agree on %s, "
          "Cohen's kappa %.2f" % (len(ids), pct(round(rev_agree * len(ids)), len(ids)),
                                   rev_kappa))
    print("judge vs the reviewers' shared grade (%d answers): agreement %s, kappa %.2f; "
          "pass rate judge %.1f%%, people %.1f%%" % (
              len(agreed), pct(round(jp_agree * len(agreed)), len(agreed)), jp_kappa,
              100 * judge_rate_agreed, 100 * people_rate))
    print("  verbosity: judge - people pass rate by quarter of answer length: %s "
          "(slope t = %.1f)" % (", ".join("%d-%d chars %+.1f" % (lo, hi, 100 * (j - h))
                                            for lo, hi, j, h in quarters), t_slope))
    print()
    print("production.jsonl: %d records (%d failed calls), %.0f KB" % (
        len(production), n_err, len(prod_text.encode("utf-8")) / 1000))
    print("  %-9s %7s %6s %12s %8s %11s %11s" % ("week", "records", "errors", "card echoed",
                                                  "no_pii", "latency p50", "p95"))
    for name, n, errs, leaks, no_pii, p50, p95 in prod_rows:
        print("  %-9s %7d %6d %12d %7.1f%% %8.0f ms %8.0f ms" % (name, n, errs, leaks,
                                                               100 * no_pii, p50, p95))


if __name__ == "__main__":
    main()
