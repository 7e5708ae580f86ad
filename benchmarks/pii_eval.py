"""PII masking: recall per kind and look-alikes masked, on generated banks of realistic sentences.

    .venv/bin/python benchmarks/pii_eval.py [--bank dev|holdout|both] [--per-kind 400] [--show 5]

Each bank is sentences in the languages of the countries they come from, with the document's URL (a country TLD)
and language as the pipeline gives them to the stage. A sentence counts as masked when the output is exactly the
sentence with the value replaced by its placeholder (the sentence kept, only the value gone); a look-alike counts
as masked when the output differs from the input at all. Values: e-mail addresses of many shapes; public IPv4 and
IPv6 addresses (random, `is_global`), plain, with ports, in brackets; card numbers of eight issuers with valid
Luhn digits, grouped or not; phone numbers of 30+ regions made valid by libphonenumber's own metadata, in
international (+CC, 00CC, E.164) and national formats. Look-alikes: dates and times, ISBNs, DOIs, version strings,
private / loopback / documentation IPs, prices, populations, coordinates, scores, order and invoice numbers,
social handles, postcodes.

The **dev** bank is what the rules were tuned on; the **holdout** bank has its own templates, regions and value
shapes, written after the tuning and never tuned on. Targets (issue 23): e-mail >= 0.99, IPv4 >= 0.99,
IPv6 >= 0.95, cards >= 0.98, international phones >= 0.95, national-format phones >= 0.80, look-alikes masked
<= 2%.
"""

from __future__ import annotations

import argparse
import ipaddress
import random
import string
from collections import defaultdict

import harness  # noqa: F401  (puts the repository on sys.path)
import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from transforms.pii import PiiConfig, mask_pii  # noqa: E402
from transforms.pii.config import PLACEHOLDERS  # noqa: E402
from transforms.pii.detect import luhn_ok  # noqa: E402

TARGETS = {"email": 0.99, "ipv4": 0.99, "ipv6": 0.95, "card": 0.98, "phone_intl": 0.95, "phone_national": 0.80}
KIND_OF = {"email": "email", "ipv4": "ip", "ipv6": "ip", "card": "card", "phone_intl": "phone",
           "phone_national": "phone"}  # fmt: skip

# region -> (language, TLD)
REGIONS = {
    "dev": {"US": ("en", "com"), "GB": ("en", "co.uk"), "DE": ("de", "de"), "FR": ("fr", "fr"), "ES": ("es", "es"),
            "IT": ("it", "it"), "NL": ("nl", "nl"), "PL": ("pl", "pl"), "AU": ("en", "com.au"), "JP": ("ja", "jp"),
            "BR": ("pt", "com.br"), "IN": ("en", "in"), "CH": ("de", "ch"), "SE": ("sv", "se"), "MX": ("es", "mx"),
            "CA": ("en", "ca"), "AT": ("de", "at"), "BE": ("fr", "be")},
    "holdout": {"US": ("en", "us"), "GB": ("en", "uk"), "DE": ("de", "de"), "FR": ("fr", "fr"), "ES": ("es", "es"),
                "IT": ("it", "it"), "PT": ("pt", "pt"), "DK": ("da", "dk"), "NO": ("no", "no"), "FI": ("fi", "fi"),
                "CZ": ("cs", "cz"), "IE": ("en", "ie"), "NZ": ("en", "co.nz"), "ZA": ("en", "co.za"),
                "AR": ("es", "com.ar"), "KR": ("ko", "kr"), "GR": ("el", "gr"), "RO": ("ro", "ro"), "HU": ("hu", "hu"),
                "TR": ("tr", "com.tr"), "RU": ("ru", "ru"), "UA": ("uk", "ua"), "IL": ("he", "co.il")},
}  # fmt: skip

TEMPLATES = {
    "dev": {
        "email": ["Contact {v} for more information.", "E-Mail: {v}", "Send your CV to <{v}>.",
                  "Questions? Write to {v} and we reply within a day.", "(email: {v})", "mailto:{v}"],
        "ip": ["The server at {v} was blocked.", "Login from {v} at midnight.", "Requests came from {v}, then stopped.",
               "IP address: {v}"],
        "card": ["My card number is {v}, please charge it.", "Card: {v} (exp 04/27)", "Paid with {v} yesterday."],
        "phone": ["Call us on {v}.", "Tel: {v}", "For bookings ring {v} between 9 and 5.", "Phone {v} or write.",
                  "Mobile: {v}, available evenings."],
    },
    "holdout": {
        "email": ["Reach the author at {v}.", "Reply to: {v}", "She can be contacted via {v} or by post.",
                  "[{v}]", "Enquiries – {v} – are welcome.", "Email address {v}; phone below."],
        "ip": ["Our logs show {v} tried 40 times.", "Blocked host {v}.", "Connect to {v} with SSH.",
               "Visitor {v} left a comment.", "Address {v} resolves to the office."],
        "card": ["The leaked card {v} was cancelled.", "Number {v}, CVV on the back.",
                 "Billing: {v}", "Charge card {v} for the deposit."],
        "phone": ["Reach the office at {v} any weekday.", "Hotline {v}", "Or call {v} (toll applies).",
                  "Contact number: {v}.", "Text {v} for updates."],
    },
}  # fmt: skip

LOCAL_TEMPLATES = {  # national sentences in the region's language
    "de": ["Rufen Sie uns an unter {v}.", "Telefon: {v}", "Erreichbar unter {v} von 9 bis 17 Uhr."],
    "fr": ["Appelez-nous au {v}.", "Tél. : {v}", "Contactez le {v} du lundi au vendredi."],
    "es": ["Llámenos al {v}.", "Teléfono: {v}", "Para reservas, llame al {v}."],
    "it": ["Chiamateci al numero {v}.", "Tel. {v}", "Per informazioni: {v}."],
    "nl": ["Bel ons op {v}.", "Telefoon: {v}"], "pl": ["Zadzwoń pod numer {v}.", "Tel. {v}"],
    "pt": ["Ligue para {v}.", "Telefone: {v}"], "sv": ["Ring oss på {v}.", "Telefon: {v}"],
    "ja": ["お電話は {v} まで。", "電話: {v}"], "da": ["Ring på {v}.", "Telefon: {v}"], "no": ["Ring oss på {v}."],
    "fi": ["Soita numeroon {v}."], "cs": ["Volejte na {v}."], "ko": ["전화 {v} 로 문의하세요."],
    "el": ["Καλέστε στο {v}."], "ro": ["Sunați la {v}."], "hu": ["Hívjon minket: {v}."], "tr": ["Bizi {v} arayın."],
    "ru": ["Звоните по телефону {v}."], "uk": ["Телефонуйте за номером {v}."], "he": ["התקשרו אלינו {v}."],
}  # fmt: skip

LOOK_ALIKES = {
    "dev": [
        "Published on {d}.{m}.{y} at {h}:{mi}.", "Updated {y}-{m}-{d}.", "ISBN 978-3-16-{n5}-{c}.",
        "See doi:10.{n4}/{n5}.", "Install version {a}.{b}.{c}.{e} or later.", "Intranet host 192.168.{a}.{b}.",
        "Loopback 127.0.0.{a}, private 10.{a}.{b}.{c}.", "It costs ${n1},{n3}.00 in total.",
        "The city has {n1}.{n3}.{n3b} inhabitants.", "The region lies at {lat}, {lon}.", "Final score {a}-{b}.",
        "Order #{n3}-{n3b}-{n4} shipped.", "Invoice no. {y}-{n4}-{n4b}.", "Follow @{handle} for updates.",
        "Meeting at {h}:{mi}:{s}.", "Between {y} and {y2} prices rose.", "Postcode {n5}, Berlin.",
    ],
    "holdout": [
        "Dated {m}/{d}/{y}, filed {d}.{m}.{y}.", "ISBN-10 0-{n3}-{n5}-{c}.", "https://doi.org/10.{n4}/abc.{n5}",
        "Firmware v{a}.{b}.{c}.{e} fixes it.", "Docs use 203.0.113.{a} and 2001:db8::{a}.",
        "Link-local fe80::{a}:{b}, unique fc00::{a}.", "Price: €{n1}.{n3},{c}{c} incl. VAT.",
        "Population: {n2} {n3} {n3b} ({y}).", "GPS {lat} N, {lon} E.", "They won {a}:{b} after extra time.",
        "Your order number is {n4}-{n4b}-{n4c}.", "Rechnungsnummer {n4} {n4b} {n4c}.", "Tweet by @{handle} went viral.",
        "Customer ID {n3}-{n3b}-{n3c}.", "In {y}/{y2} the club grew.", "Tracking number 1Z{n5}{n4}.",
        "Chapter {a}.{b}.{c}.{e} explains it.", "Room {n3}, floor {a}, tel. ext. {n2}.",
    ],
}  # fmt: skip


def _random_global_ipv4(rng: random.Random) -> str:
    while True:
        a = ipaddress.IPv4Address(rng.getrandbits(32))
        if a.is_global:
            return str(a)


def _random_global_ipv6(rng: random.Random, style: int) -> str:
    while True:
        a = ipaddress.IPv6Address((0x2 << 124) | rng.getrandbits(125) >> 1)
        if a.is_global:
            break
    if style == 0:
        return str(a)  # compressed
    if style == 1:
        return a.exploded
    groups = str(a.exploded).split(":")
    return ":".join(groups[:4]) + "::" + groups[7]  # a short form with "::"


def _email(rng: random.Random, holdout: bool) -> str:
    first = rng.choice(["anna", "jean", "mario", "li.wei", "o'brien", "k.smith", "dev-team", "info", "j_doe"])
    last = rng.choice(["", ".müller", ".garcia", "_2019", "+news", "42", ".van-dijk"]) if not holdout else \
        rng.choice(["", ".nguyen", "-sales", ".x", "_ops", "1999", "+tag"])
    sub = rng.choice(["", "mail.", "uni-", "eu."]) if not holdout else rng.choice(["", "dept.", "cs.", "mx1."])
    dom = rng.choice(["example", "firma-gmbh", "uni-bonn", "acme", "post", "büro"]) if not holdout else \
        rng.choice(["northwind", "contoso", "lab-42", "stadtwerke", "société"])
    tld = rng.choice(["com", "de", "org", "co.uk", "fr", "io", "com.br"]) if not holdout else \
        rng.choice(["net", "nl", "edu", "com.au", "info", "museum", "es"])
    value = f"{first}{last}@{sub}{dom}.{tld}"
    return value.upper() if rng.random() < 0.1 else value


def _card(rng: random.Random, holdout: bool) -> str:
    issuers = [("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("34", 15), ("37", 15), ("6011", 16), ("65", 16),
               ("3530", 16), ("36", 14), ("62", 16), ("4", 13), ("6759", 16)]  # fmt: skip
    prefix, length = rng.choice(issuers)
    while True:
        body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
        for check in string.digits:
            if luhn_ok(body + check):
                digits = body + check
                break
        break
    style = rng.randrange(3 if not holdout else 4)
    if length == 15 and style in (1, 2):
        sep = " " if style == 1 else "-"
        return f"{digits[:4]}{sep}{digits[4:10]}{sep}{digits[10:]}"
    if style == 0 or length == 13 or length == 14:
        return digits
    sep = " " if style in (1, 3) else "-"
    return sep.join(digits[i : i + 4] for i in range(0, len(digits), 4))


def _phone(rng: random.Random, region: str) -> phonenumbers.PhoneNumber | None:
    kind = rng.choice([PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE])
    example = phonenumbers.example_number_for_type(region, kind)
    if example is None:
        return None
    for _ in range(50):
        nsn = str(example.national_number)
        keep = max(2, len(nsn) - 4)
        candidate = nsn[:keep] + "".join(rng.choice(string.digits) for _ in range(len(nsn) - keep))
        number = phonenumbers.parse("+" + str(example.country_code) + candidate, None)
        if phonenumbers.is_valid_number(number):
            return number
    return example


def _intl(number: phonenumbers.PhoneNumber, rng: random.Random, holdout: bool) -> str:
    value = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    style = rng.randrange(4 if holdout else 3)
    if style == 1:
        return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if style == 2:
        return "00" + value[1:]
    if style == 3:
        return value.replace(" ", "-") if rng.random() < 0.5 else value.replace(" ", ".")
    return value


def _national(number: phonenumbers.PhoneNumber, rng: random.Random, holdout: bool) -> str:
    value = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    if holdout and rng.random() < 0.3 and " " in value and "(" not in value:
        value = value.replace(" ", "-" if rng.random() < 0.5 else "/", 1)
    return value


def _fill_lookalike(template: str, rng: random.Random) -> str:
    r = rng.randint
    return template.format(
        d=f"{r(1, 28):02d}", m=f"{r(1, 12):02d}", y=r(1950, 2025), y2=r(1950, 2025), h=f"{r(0, 23):02d}",
        mi=f"{r(0, 59):02d}", s=f"{r(0, 59):02d}", n1=r(1, 999), n2=r(10, 99), n3=f"{r(100, 999)}",
        n3b=f"{r(100, 999)}", n3c=f"{r(100, 999)}", n4=f"{r(1000, 9999)}", n4b=f"{r(1000, 9999)}",
        n4c=f"{r(1000, 9999)}", n5=f"{r(10000, 99999)}", a=r(0, 20), b=r(0, 20), c=r(0, 9), e=r(0, 99),
        lat=f"{rng.uniform(-80, 80):.4f}", lon=f"{rng.uniform(-170, 170):.4f}",
        handle=rng.choice(["jane_doe", "crawlwash", "newsroom", "dev42", "café_paris"]),
    )  # fmt: skip


def bank(name: str, per_kind: int, seed: int) -> list[tuple[str, str, str | None, str, str]]:
    """(kind, sentence, url, lang, expected output)."""
    rng = random.Random(seed)
    holdout = name == "holdout"
    t = TEMPLATES[name]
    regions = REGIONS[name]
    rows = []
    for _ in range(per_kind):
        region = rng.choice(sorted(regions))
        lang, tld = regions[region]
        url = f"https://www.site-{rng.randint(1, 999)}.{tld}/page"
        en_url = "https://www.example.com/page"
        cases = [
            ("email", rng.choice(t["email"]), _email(rng, holdout), en_url, "en"),
            ("ipv4", rng.choice(t["ip"]), _random_global_ipv4(rng), en_url, "en"),
            ("card", rng.choice(t["card"]), _card(rng, holdout), en_url, "en"),
        ]
        v6 = _random_global_ipv6(rng, rng.randrange(3))
        ip6_template = rng.choice(t["ip"])
        if rng.random() < 0.25:
            ip6_template = ip6_template.replace("{v}", "[{v}]:443")
        cases.append(("ipv6", ip6_template, v6, en_url, "en"))
        number = _phone(rng, region)
        if number is not None:
            local = LOCAL_TEMPLATES.get(lang, t["phone"])
            cases.append(("phone_intl", rng.choice(t["phone"] + local), _intl(number, rng, holdout), en_url,
                          rng.choice(["en", lang])))  # fmt: skip
            cases.append(("phone_national", rng.choice(local if lang != "en" else t["phone"]),
                          _national(number, rng, holdout), url, lang))  # fmt: skip
        for kind, template, value, page, language in cases:
            rows.append((kind, template.format(v=value), page, language,
                         template.format(v=PLACEHOLDERS[KIND_OF[kind]])))  # fmt: skip
    for i in range(per_kind * 2):
        template = LOOK_ALIKES[name][i % len(LOOK_ALIKES[name])]
        text = _fill_lookalike(template, rng)
        region = rng.choice(sorted(regions))
        lang, tld = regions[region]
        rows.append(("look_alike", text, f"https://www.site.{tld}/", lang, text))
    return rows


def evaluate(rows: list, show: int) -> dict[str, tuple[int, int]]:
    cfg = PiiConfig()
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: dict[str, list[str]] = defaultdict(list)
    for kind, text, url, lang, expected in rows:
        out = mask_pii(text, url, lang, cfg).text
        ok = out == expected if kind != "look_alike" else out != text
        hits[kind][0] += ok
        hits[kind][1] += 1
        if (ok if kind == "look_alike" else not ok) and len(misses[kind]) < show:
            misses[kind].append(f"{text!r} [{url} {lang}] -> {out!r}")
    for kind, examples in sorted(misses.items()):
        for e in examples:
            print(f"  {'masked' if kind == 'look_alike' else 'missed'} {kind}: {e}")
    return {k: (v[0], v[1]) for k, v in hits.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bank", choices=["dev", "holdout", "both"], default="both")
    ap.add_argument("--per-kind", type=int, default=400)
    ap.add_argument("--show", type=int, default=3)
    args = ap.parse_args()
    for name in (["dev", "holdout"] if args.bank == "both" else [args.bank]):
        rows = bank(name, args.per_kind, seed=1 if name == "dev" else 2)
        print(f"bank {name}: {len(rows)} sentences")
        result = evaluate(rows, args.show)
        for kind in (*TARGETS, "look_alike"):
            ok, n = result.get(kind, (0, 0))
            rate = ok / n if n else float("nan")
            target = f">= {TARGETS[kind]}" if kind in TARGETS else "<= 0.02"
            print(f"  {name:8s} {kind:15s} {rate:.3f} ({ok}/{n}; target {target})")


if __name__ == "__main__":
    main()
