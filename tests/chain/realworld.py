"""A real witnessed checkpoint of the arche2025h1 staging CT log.

The log signs with an RFC 6962 signature (type 0x05, unknown to us) and with
Ed25519 (type 0x01); four witnesses add timestamped cosignatures (type 0x04).
The verifier keys are the published ones of the log and of remora.n621.de.
"""

from __future__ import annotations

ORIGIN = "arche2025h1.staging.ct.transparency.dev"
SIZE = 1432088532
ROOT = "U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro="
LOG_VKEY = f"{ORIGIN}+ba2f06c0+AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f"
REMORA_VKEY = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"
COSIGNED_AT = 1779573024

_SIGNATURES = [
    (
        ORIGIN,
        "zTM8sQAAAZ5W0WdjBAMARjBEAiBjW5IQf9pvsYLfQFX6hoGREPMHbdQ3urbllzalApkptQIgIpwtEroeW2BX"
        "aHAI4kJXFbon5Ch9MNL5zRNZ55lvGt0=",
    ),
    (
        ORIGIN,
        "ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1"
        "k3ZFWwQ=",
    ),
    (
        "transparency.dev/DEV:witness-little-garden",
        "2AQqhwAAAABqEiEgzgFIqqhbUoDwjMWE6UP8nd8/KYTzwZ2rhIgcqoXHAwVkjZr4AscylP3v7sEodkRAErum"
        "C2q44vdgJY096st5BQ==",
    ),
    (
        "witness1.smartit.nu/witness1",
        "pIyCDwAAAABqEiEghIp82KWebrw7/oHQwlTAm3g2RKS4+eebl8eO0WH+/iEcxZ75W3u5hNI7TOQtmJbqmNWV"
        "uE0tgh0XwzdZsDsUAQ==",
    ),
    (
        "remora.n621.de",
        "2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU"
        "/zZ0WBxtqB0DrAWfBw==",
    ),
    (
        "witness.stagemole.eu",
        "Z/euoAAAAABqEiEgw0i+7g2ENfDAWHmtRzCfKTHSDwYDJA2NmKeGi9Y8FtEyOUvVr+AJmIY/2TUFucgKi7lI"
        "7cUiOvKFYe/TmN9DAg==",
    ),
]

NOTE = (
    f"{ORIGIN}\n{SIZE}\n{ROOT}\n\n" + "".join(f"\u2014 {n} {s}\n" for n, s in _SIGNATURES)
).encode()
