"""Mini-program users and sessions, and the folder (which user keeps which receipt).

Carries the SQL of SQLite and PostgreSQL and picks by the connection it is given.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQLITE = r"""
CREATE TABLE "wx_user" (
    "id" CHAR(36) NOT NULL PRIMARY KEY,
    "openid" VARCHAR(64) NOT NULL UNIQUE,
    "unionid" VARCHAR(64),
    "created_at" TIMESTAMP NOT NULL
) /* A mini-program user, one per openid. */;
CREATE TABLE "wx_session" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "session_key" VARCHAR(128) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "revoked_at" TIMESTAMP,
    "user_id" CHAR(36) NOT NULL REFERENCES "wx_user" ("id") ON DELETE RESTRICT
) /* One login: our token's hash, WeChat's session_key, and when the token stops working. */;
CREATE TABLE "folder_entry" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "added_at" TIMESTAMP NOT NULL,
    "user_id" CHAR(36) NOT NULL REFERENCES "wx_user" ("id") ON DELETE RESTRICT,
    "receipt_id" CHAR(36) NOT NULL UNIQUE REFERENCES "receipt" ("id") ON DELETE RESTRICT
) /* A receipt kept in a user's folder. Removing it deletes this row, never the receipt. */;
CREATE INDEX "idx_folder_entr_user_id_398ac4" ON "folder_entry" ("user_id", "added_at");
"""

POSTGRES = r"""
CREATE TABLE "wx_user" (
    "id" UUID NOT NULL PRIMARY KEY,
    "openid" VARCHAR(64) NOT NULL UNIQUE,
    "unionid" VARCHAR(64),
    "created_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "wx_user" IS 'A mini-program user, one per openid.';
CREATE TABLE "wx_session" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "session_key" VARCHAR(128) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "revoked_at" TIMESTAMPTZ,
    "user_id" UUID NOT NULL REFERENCES "wx_user" ("id") ON DELETE RESTRICT
);
COMMENT ON TABLE "wx_session" IS 'One login: our token''s hash, WeChat''s session_key, and when the token stops working.';
CREATE TABLE "folder_entry" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "added_at" TIMESTAMPTZ NOT NULL,
    "user_id" UUID NOT NULL REFERENCES "wx_user" ("id") ON DELETE RESTRICT,
    "receipt_id" UUID NOT NULL UNIQUE REFERENCES "receipt" ("id") ON DELETE RESTRICT
);
CREATE INDEX "idx_folder_entr_user_id_398ac4" ON "folder_entry" ("user_id", "added_at");
COMMENT ON TABLE "folder_entry" IS 'A receipt kept in a user''s folder. Removing it deletes this row, never the receipt.';
"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES if db.capabilities.dialect == "postgres" else SQLITE


async def downgrade(db: BaseDBAsyncClient) -> str:
    return 'DROP TABLE IF EXISTS "folder_entry"; DROP TABLE IF EXISTS "wx_session"; DROP TABLE IF EXISTS "wx_user";'


MODELS_STATE = (
    "eJztXWtz2jgX/isavrSdYTsJuW52Z2dIQrZsc+kA3e4lHUdgQTQxEmvLSXl3+99fSb7gOz"
    "aYxDj6khZZR7afI0vnrn8bU6ojw3rftSwbmY0T8G+DwCni/4lcaYIGnM0W7aKBwaEhu+JF"
    "n6HFTDhivHUMDQvxJh1ZIxPPGKaEtxLbMEQjHfGOmEwWTTbB/9hIY3SC2L18lr+/8mZMdP"
    "QNWd7P2YM2xsjQQ4+KdXFv2a6x+Uy2ff7cPb+QPcXthtqIGvaULHrP5uyeEr+7bWP9vaAR"
    "1yaIIBMypAdeQzyl+75ek/PEvIGZNvIfVV806GgMbUOA0fh5bJORwADIO4k/+7+4jxbopm"
    "nXNwOt3xloWqMAdiNKBO6YMAHUv9+dcReAyNaGuMHZh3bv7d7hOwkBtdjElBclXI3vkhAy"
    "6JBK0BcoP/D3i+N8dg/NDrGnEusufwxIRiiGuUcbQZ0/9Cp4ew0LwBeTzYPSAys/vI0PN/"
    "1P3UH78gTcU2uGGTRuyaDXvu53B4KlkFiYNXIxoDGF3zQDkQm75z93DzMY8nu7J3my6/CE"
    "8q/H+aiu3SsteUmwZsEK+W8iK5KnvNe/yvDnnt0RcHd28qC7s5MOr7gWxndkIh0zDqBeCO"
    "YIWTloL19cng/r4zxQH6cjfRwF2kQT8UQFMF5Q1HAy51ko0teJ2DLB56NAQoMsjvA5v8Lw"
    "FKXO5ABlBGndJX3v/WcbcecvqN8QY+5+UBnAD7pXnf6gffVJ3G5qWf8YEr/2oCOutGTrPN"
    "Ia45I/CPjSHXwA4if46+a6E92H/X6DvxrimaDNqEbokwb1wLfvtXqofRei0fghsG2LhiEc"
    "PTxBU9dCVxbTg+/V43F8Zpy6ZBcfe8iALPlrc6XDvjfElrH/uzfhvdbFNAguTiPEh7bWg6"
    "jnjFJXkCzEn5WLfOWg1HdHqxNa4lOkLZr2cYYvhWUQRBiGRjqyNwQNKP+zHF9HjTsLjbkE"
    "YHet2Qp8p61pBN8pJHAin1IMJ4hDS1aCpuuvZemKrr9iKj23vnquUq58efQgj251kK5aHc"
    "Q0K5MaKeAuNyJ4tFUGunHW7n/odnonYASte4zMW3LzqdNrD254E52JJ6S8rdfpXp1+7vVF"
    "RxPh6dA2LdG3fX7VvT4BUJ9iUg1TwwOaa/f8VYp8EUGa2inBh/t5lLT9dC1tX6lpr1VNC2"
    "sXj/RhJa6HKUvgejUlvaoz2cMkk8uOa0QrKLkFicoU4KrL2CXyWsy+EUU4Du8F5RvrhHxE"
    "85hUkaUibS+sMc2IN5vwydcjwtOKvz9/a8QkAj0+z3vds0Hjex67kbKL5LCLoEdESoKoI4"
    "ba2mU8Gyaso+mMMkRGc43PK2rqa2LWXQzYk+PVaYIVMiUVtItcYoK6DE0bCaYR/1ozyzpi"
    "8F4a9rqVaiH521t03P0By0G+rmM4OcWTLmEFTCc4/hG6X1x1NZeJeIQffmy19vaOWjt7h8"
    "cH+0dHB8c7x7yvfN74paOMXfq0+2v3ehCWpkRDtkHF51eMB/0pNIxULgTplvNiC75rlx17"
    "raNDnwHiRxbk/av25aWHcUBn5G89oea8kHs6QFNlG8qq3mkVZrFlYRb/2JAwzApN4iBNDX"
    "Fu5YG5lY5yKwYyf88EC0M6wF7/GoK7m28OZ0zhKLhwSm3CtDFK2NyyBIwwXZ02t2eRNWK6"
    "aEEDS5hKWViyLSwB0XtNE0v9dP5mxMYSnlmFjSybVPA88BP0uwBf0tW7wDQoW7lb2PC82E"
    "liT4e8JarhBbvK/0kr+FflMVeR4Zt06l51zrtnIjB8inQ8qm5ceOGA5VIjlV9aAAmBmydU"
    "OT1SORao7K5HBbBdUNQQ3fIl6dE9Gj0Uj7gPUdUQ6JIjwhd7ZgzkbJ9ziLCGgQZ18jnznZ"
    "bZCW6UfBvygvr5PqfGIzSwN+ly78q/ty+75ydA0oqQqt87vX7nXARUPSLTQno19mTnaaCh"
    "mQhaRXNdYqQr8aRijsGoxSufySvL5hXbTWZwjkytqP02TFXD3WQjVlwHNaxrxWWkBNL6Tf"
    "Dys+Yc2NAU4oTcgGVo+2T1Q7p1kCc2k/dKX0oOYtGZDmozDtUKa4lPVkOwS/dUPGKuSDsQ"
    "rSi7hEeoMOaNm8+DT+1Bt3M9OAHUZjPIMCLslnSv/WZM3NZqyDEOtsXX+Chdhbmy4pewn+"
    "dL2E//EvZjX4KOZtBkU5f3eZEOU9UP5/KzUZy5yRcTM0UhzprSPlmWOrx9mGdgLLTbRARR"
    "kv13GX4o0fD7qtBjlHHtrrD3OESmnMcrO4/HNtGLox+kej7wd2qFPBW+v+LQh8gU9qthD0"
    "ejFYNWwoQK/9XwF4mhxcEPUinkV0ReJVq+wkRLlYJXUgBIpHJQQUSDNArQRCcRsgrHMYbI"
    "1oA1qka9aNqKyhOtfJ5obDUoAdi6FROL4hpcAddIv/XT7NbMlAwm9dUE8ZfOwN1KnKwR5O"
    "9NHxBZE6w+H2ggxqkrUgbSJ8KDSvhY6xa8u5RjdfhQ87rCxYexp2V8g/wdTaSfu8PVCa54"
    "vH9cJoyj55X9Kz3roopSYI6Ui5AQnGdnXQK5rg0TchKLF11cHfiqzteQ9ZwaursaloLWhR"
    "wv74q4LYitlqTjCBzpmTq+QLI0XUdDftdlSTtiXQEWQzOACYDAHeCNBZ7u+foLh9RmFnh7"
    "ax/sDYf87/7u7rsT4AQGN/2gyyaARAec18gU9e6IaLFEaIPd2mkdRkMZnumWy2tuhgpMFE"
    "4pUrUkyjXZpqcapUcHpbhK14kFqpoYEQ6H2GvlCIfYa6WGQ4hLEc9QYbt4be3hW2L/zpUP"
    "oCOWGCn6W//mOi2SiCUHiep4xMB/wMDW9ko1STwVUITY6X0mb6/af0S/oLPLm9Mon8QApy"
    "o3vdauh+2ZzirXvzK5/i9pKK/mhN2snfwZKij4h1Sk62fBcyyWq2hWsPdSLW1wj7iyYzFw"
    "ax/9eHh8ax/uHSKhIo2PeMvxzi645/oQ0kVcORhTrhNxHcvx6UhFKUy2j9CeQ/Y+ppxt7E"
    "635JZcy4hwC0ATAZ3zn4DhnGuBIxMJIx9/AsDusQVM+sRbLawj/tsZXV4TafdQ1k3gyh4V"
    "uiM1DKT/IDh9S+RDgAl+RBbAXIV0ws+BuCifTAzloc71Tzi3wATODGRZ71P0xViRirWKD7"
    "4WbbG1u3+0f7x3uO8riX5Llm64XA9UlQ42VelAfPCpaR5Zho4IoQpSWy1ITYUrqUiQqkhi"
    "61UM36QotvA1JwhhIUd0xmlOvuM7n+DVBrIzFx4gk4ZmC9zduTLc3d1PwD2XwellSbHCk0"
    "3QjPODTw9gGXgG+H3BkMsz1IjVKNjITW7J2KRTLvgA/kMIaWlCzjoijbKBP5sN3JuyuY3g"
    "HkHtDuMp3wauYsTToa9vjLg6jOc1OEKUQV4ZkKskXle4WGz8GJUEOTvxrJV0eTt+1ksuuT"
    "sd9kQznW9kf0BzdULIdki0glUF5Fm3ew1tea2Dg1wVjA4yKhgdxCvQ8Te1WOFjPKN0NcS7"
    "/MM8nfKJKYVMs8+7iZDWqbBDGUfecBFkxgdH2pDqCcvFAH1LwTVGWIuJnCWYd/4YhGTyWD"
    "SLL5df3lz/6nWPhrgoxVgpxirTd7Pqksqd3PKYECeP69QmupEYEBK63sw8PtHJLhsuupaq"
    "GSlNaBs0IfnuBRngkZQjML4aJgQCpDk3kjAn0JynBEi7FBHIh3Pm5Ott5yqciKAb7OzLKl"
    "yUPO1et3t/JguTpwnB0ad/DjrtpH3wJZfsM3F0xIzi5DyrWJ88S/co3H2pQ7nziMw5WFDJ"
    "sDSDToDF936ZxUSlx9bC/0OOqxfMTPoo7iqj2KCtY/kM8dC9codW20mlV7L07USwtxj+Ho"
    "XaTFbcTAhliZCnbyYehdpMimwmyjaR7yOol22iWiIEFbspZLaZofoFO+USIiL9c4SlPWFG"
    "kGW9sUCAGIg6QYASufMHBAE6lmH6zERI7v5x2aGMAZNdc+7e4g6vvHNV2sGqK0S89Ar6Im"
    "KE943EcE/31wVIauHheIZzosSSVsSV5PWvBb7Kg1QZVigpbXNSmlNRKFU+8wsOLZXM/EpH"
    "eSvp8PknchkBHxnJPElGPTvMT+DuDut3dwA7CYqig8hrxHpTlsKRFICaOjLjAlrpoyv7Tq"
    "WlggzRzJsFxSwOITJldohuZ3nNDhY0igLvUijMV8XcL2eWVyr2CWohs206/cVAcKyt4IQM"
    "062k91Wq+KQ6oKJqE79eErJKS1llU1FpKa88LcVR2QY4K9ZKXm3m0OeY17HkDBSDixyyeJ"
    "6zHyord4X22nRVyudakZB9n6hOlu4ygvVfPo6tGliqSLbKCA+1jWT74vp9UnfELwvH0NJN"
    "MeBEyleKTvj6AIKje89r7JSMcxzHSD+RNkkv1Ew4i8Vvgr4x4OaXCbslZsnV58ocvGQj52"
    "vZljdWwk3+G4M13ZDj9a9dEZONeDa3wWm//YXbKrIPOIXIzkyki9KZ0EjaCmJ9MncDt/LX"
    "KNw914bgkL6xwKfzCxluLDxPD2gO3loI8l0G2OI8H7cEp/mIRQVOxG/E3snIY+GvGiGT4T"
    "Ee8fkGROmqxL1hA/e5JaK3jmYGnUvf2llbbR0V3DocBmuJZQMy3S8hOiXyFhF5Q3bqxXcT"
    "Z0B69EyErBYOGRVEUxlW1NhFUK2isFU4Fq4M90ARYW15+diCp/KtXjy2CvCXXzp2zcr8kT"
    "MiE0vzx8+RzKrN7/TW9GD3HMH4jmVCCqXQkpIn0kXZVmc4ACccNED5KiXOOCPg7k4cYsap"
    "7+7AWyF9Ls5Ak1E678CUPiIrKUp/g3dK9GsEfGgPfPIpx0Z19NAsYVnyKoZ/RnUtt38txL"
    "OwpWX3MIehZTe6zy/sLOJSWBxzP6ki+AZIaghx+RW1EIOTIvh6/RW4OcCd6QnVZ7JUaJdA"
    "6c7NVXVnpcC9QgVOxXipGK8qqWcVjvH6bEmFI6a/yfZmls729E2zvU45NLUpJviHmUknJp"
    "wCQdiUicwz9xhp/nUlKF35iEp2GGTYeF7AuNP4eWwTefQakHcSf/Z/aVRuqWhmKEUOr4qI"
    "lQuK2jmgyxcr+VvSgvgGSFYCuGLnJmwaYSVGvhYxsoDZOughtYSRIaF+wKlLefGxhwzIki"
    "0RgS2374y0hfMgTRYKfUdjauhubi9Ga8J1IcfyE4rrAtemhT1vhqXIfIEJmCn6WYF+uRK0"
    "DTrB5ARQ23ROU3tjAVHqvgm+IL5NSbu4M6QIGGjKoBFpSBe2c+eQNovRmQWeqPnAgU3O09"
    "7ETVS69paa4iVDC5/DEKZS0udS2SjwRRXBOUJWQ/vxbivPYcG8V7oHpBU7MFhJosu21KpL"
    "nh4mmRZM9G2G+XArsDlMqdhcaTarkxBfA5eF4bKgLyJAohwR2Y4Izwi9phfCM3hvJ6RLXR"
    "CBCVUp/0NQi09QSSNKfrpKGrAs5Kwa1vZCssAD4n9EpS7pYuBKojPYe9BDU/ooS3kx4EBm"
    "cVURW8CkT01A0KOb8eAOlOTB2Mg9lqukf/ufBV+nnG3iq1JTK6mm+gwqKAEE6ZSYpwSALW"
    "fqUvdidcM7qhAirmSqbZepcoTWFEx6WCOwpgpTegNhNWuJqm1k4tF9kpTqXskUUOGiT2VO"
    "mnstEt7GUmNVQPpzHKktPqoCCLvda4jubq7aFbsZtSt247Ur+B1ZYpXX3/o31ymuhAVJVP"
    "PAIwb+Awa2tjieMwlcAUZI3YilF0cziSNClxjg9KWLWHz/P+B5U78="
)
