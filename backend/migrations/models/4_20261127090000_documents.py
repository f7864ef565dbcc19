"""Scan tokens, issuer signing credentials, and rendered PDFs.

Carries the SQL of SQLite and PostgreSQL and picks by the connection it is given.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQLITE = r"""
CREATE TABLE "scan_token" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "token" VARCHAR(32) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "revoked_at" TIMESTAMP,
    "receipt_id" CHAR(36) NOT NULL REFERENCES "receipt" ("id") ON DELETE RESTRICT
) /* A token that opens ``receipt``; revoked tokens stay, so a reprinted slip can be told */;
CREATE TABLE "issuer_credential" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "sealed_key" BLOB NOT NULL,
    "certificate" TEXT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "issuer_id" CHAR(36) NOT NULL UNIQUE REFERENCES "issuer" ("id") ON DELETE RESTRICT
) /* The issuer's PDF signing key (sealed under the service secret) and its certificate from */;
CREATE TABLE "rendered_document" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "version" VARCHAR(64) NOT NULL,
    "etag" VARCHAR(64) NOT NULL,
    "pdf" BLOB NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "receipt_id" CHAR(36) NOT NULL REFERENCES "receipt" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_rendered_do_receipt_ce2423" UNIQUE ("receipt_id", "kind")
) /* A signed PDF as served; rendered again only when ``version`` (the receipt's state) moves. */;
"""

POSTGRES = r"""
CREATE TABLE "scan_token" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "token" VARCHAR(32) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "revoked_at" TIMESTAMPTZ,
    "receipt_id" UUID NOT NULL REFERENCES "receipt" ("id") ON DELETE RESTRICT
);
COMMENT ON TABLE "scan_token" IS 'A token that opens ``receipt``; revoked tokens stay, so a reprinted slip can be told';
CREATE TABLE "issuer_credential" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "sealed_key" BYTEA NOT NULL,
    "certificate" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "issuer_id" UUID NOT NULL UNIQUE REFERENCES "issuer" ("id") ON DELETE RESTRICT
);
COMMENT ON TABLE "issuer_credential" IS 'The issuer''s PDF signing key (sealed under the service secret) and its certificate from';
CREATE TABLE "rendered_document" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(16) NOT NULL,
    "version" VARCHAR(64) NOT NULL,
    "etag" VARCHAR(64) NOT NULL,
    "pdf" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "receipt_id" UUID NOT NULL REFERENCES "receipt" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_rendered_do_receipt_ce2423" UNIQUE ("receipt_id", "kind")
);
COMMENT ON TABLE "rendered_document" IS 'A signed PDF as served; rendered again only when ``version`` (the receipt''s state) moves.';
"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES if db.capabilities.dialect == "postgres" else SQLITE


async def downgrade(db: BaseDBAsyncClient) -> str:
    return 'DROP TABLE IF EXISTS "rendered_document"; DROP TABLE IF EXISTS "issuer_credential"; DROP TABLE IF EXISTS "scan_token";'


MODELS_STATE = (
    "eJztXWlv2zga/iuEv7QFMkXiOMdkFgs4iTv1To7Cdts5Uii0RNtEZMqVqLTebv/7ktR9Wr"
    "LlRFb4Ja0pvpT0kOJ7v/zRmhsa0q23fcuykdk6Az9aBM4R+0/syh5owcUiaOcNFI510RUH"
    "fcYWNaFKWesE6hZiTRqyVBMvKDYIayW2rvNGQ2UdMZkGTTbBX22kUGOK6Ew8yz9fWDMmGv"
    "qOLO/n4kGZYKRrkUfFGr+3aFfociHaPn7sX74TPfntxopq6PacBL0XSzoziN/dtrH2ltPw"
    "a1NEkAkp0kKvwZ/SfV+vyXli1kBNG/mPqgUNGppAW+dgtP41sYnKMQDiTvxP59/uo4W6Kc"
    "rN7UgZ9kaK0iqBnWoQjjsmlAP146czbgCIaG3xG1y87w5eHx6/ERAYFp2a4qKAq/VTEEIK"
    "HVIBeoDyA3u/JM4XM2j2iD0XWPfZY0CiogTmHm0MdfbQ6+DtNQSAB4vNg9IDqzi8rfe3ww"
    "/9UffqDMwMa4Ep1O/IaNC9GfZHfEohsTBtFZqA1hx+V3REpnTGfh4c50zIp+5AzMmBMycG"
    "+3qcj+rGvdIWl/jUBFMh/k2divQl7/WvM/yFV3cM3P39Iuju72fDy69F8VVNpGHKANRKwR"
    "wjqwbt1ZvL02F9WgTq02ykT+NAm2jKn6gExgFFAxdzkY0ie59IbBNsPXIkFEiTCF+yKxTP"
    "UeZKDlHGkNZc0rfef3YRd/aC2i3Rl+4HlQP8qH/dG4661x/47eaW9VUX+HVHPX6lLVqXsd"
    "bELPmDgM/90XvAf4K/b296cT7s9xv93eLPBG1qKMT4pkAt9O17rR5qP7loNHkIsW3eMIbq"
    "wzdoakrkSrA8GK+eTJIr49wle/fHAOmQpn9trnQ49IbYsen/6S14rzVYBuHNSUVsaGsziA"
    "bOKE0FyULsWZnIVw1KQ3e0JqHFP0WjbWR9nNFLURkEEYqhno3sLUEjg/1Zja+jxl1ExlwB"
    "sLvX7AS+8/Y8hu8cEjgVT8mH48SRLStF0/X3smxF198xpZ7bXD1XKle+PHpURLc6ylatjh"
    "KalWnoGeCuNiJ4tHUGunXRHb7v9wZnQIXWDCPzjtx+6A26o1vWZCz4ExqsbdDrX59/HAx5"
    "RxPh+dg2Ld63e3ndvzkDUJtjUg9TwwNaKjP2KmW+iDBN45Tg404RJa2TraV1pJr2UtW0qH"
    "bxaDysNetRygpmvZ6SXt0n2cMkd5Yd14hSUnILE1UpwNV3YlfIawn7RhzhJLzvDMZYp+QP"
    "tExIFXkq0u7CmtCMWLMJv/l6RHRZsfdnb42oQGDA1vmgfzFq/SxiN5J2kQJ2EfSISEUQ9f"
    "hQO7uN58OENTRfGBQRdamwdWWY2oaY9YMBB2K8Ji2wUqakknaRK0xQn6J5K8U04l/by7OO"
    "6KyXgr1ulVpI/vE2HZc/YDHIl00MJ+d42ie0hOkEJz9C94urr+Yy5Y/wy6/t9uHhSXv/8P"
    "j0qHNycnS6f8r6iudNXjrJ4dLn/d/7N6OoNMUb8g0q/nwl5mA4h7qeOQthutVzsQPftTsd"
    "h+2TY38C+I88yIfX3asrD+OQzsjeemqYy1Lu6RBNnW0o63qnZZjFjoVZfLUhoZiWWsRhmg"
    "bi3C4Cczsb5XYCZPaeKRaGbIC9/g0E96DYGs5ZwnFw4dywCVUmKIW55QkYUbomMbcnkTUS"
    "umhJA0uUSlpY8i0sIdF7QxNL83T+vZiNJbqyShtZtqngeeCn6HeheclW70LLoGrlLrDheb"
    "GTxJ6PWUtcwwt3Ff8TVvAv0mMuI8O36dS97l32L3hg+BxpWK1vXHjpgOVKI5WfWwCJgFsk"
    "VDk7UjkRqOzuRyWwDSgaiG71krQ6Q+pD+Yj7CFUDga44IjzgmQmQ833OEcIGBho0yefMOC"
    "21U9woxRhyQP10n1PrEerYW3SFufKn7lX/8gwIWh5S9ak3GPYueUDVIzItpNWDJztPA3XF"
    "RNAqm+uSIF1rTmrmGIxbvIqZvPJsXglusoBLZCpl7bdRqgZyk61YcR3UsKaUl5FSSJu3wK"
    "vPmnNgQ3OIU3IDVqHtkzUP6fZRkdhM1it7KzlKRGc6qC0YVGvsJT5ZA8Gu3FPxiJki7UC0"
    "puwSHaHGmLduP44+dEf93s3oDBg2XUCKEaF3pH/jN2PittZDjnGwLb/Hx+lqPCtrfgmdIl"
    "9CJ/tL6CS+BA0toEnn7twXRTpK1Tycq89GcdYm20zMDIU4b0n7ZHnq8O5hnoMx125TEURp"
    "9t9V+KFUw++LQo8alGl3pb3HETLpPF7beTyxiVYe/TDV04G/3yjkDe77Kw99hExivx72UF"
    "XXDFqJEkr818OfJ4aWBz9MJZFfE3mZaPkCEy1lCl5FASCxykElEQ3TSEBTnUTIKh3HGCHb"
    "ANa4GvWsaSsyT7T2eaKJ3aACYJtWTCyOa3gH3CD91k+z2zBTMpzU1xDEnzsDdydxslTI3t"
    "t4QGRDsIZsoBEfp6lI6Uibcg8qYWNtWvDuSozVY0MtmwoXG8aeV/ENsnc0kXbpDtckuJLx"
    "/kmZMImeV/av8qyLOkqBBVIuIkJwEc66AnJNGafkJJYvurg+8HVer+VTThz2mZ134rPXlc"
    "knCvK7rkpB4V8JsChaAEwABO4AryzwbcZ2Ezg2bGqB13f20eF4zP52Dg7enAEnzHXPDyHc"
    "A5BogM0zMnn1NsJbLO6ot9v77eO4Y/6Jbrm6gmSkXELpBBlZGaFaA2R24kx2rEuG42+TyJ"
    "a6McWoc/+wXcC5f9jOdO7zSzE/R2krb2OtuztizS0U3a4hmhr3+J/h7U1WXAxND3nUsErB"
    "/4COrd3l0WlzyqGITKf3mby+7v4Z/4Iurm7P4/PEBziXmdaNNqTvznKWmeu1yVx/TrNvPR"
    "fsdq2+T1APwD9yIVs/C5/KsFpFs8K9V2ppoxliyo5FwZ198uvx6Z19fHiMuIo0OWEtp/sH"
    "YMb0IaTxKGkwMZhOxHQsx0MhFKUoWQehQ4fsbUI529qd7sgduRHxzRaAJgIam38CxkumBa"
    "om4iYr9gSAzrAFTOMba7WwhthvZ3RxjSeRQ1EFgCl7BtcdDV1H2i98pu+IeAgwxY/IApip"
    "kE4wNeAXxZPxoTzUmf4JlxaYwoWOLOtthr6YKLmwUSm9l6Ittg86J53Tw+OOryT6LXm64W"
    "o9UObtbytvn3/wmUkLeYaOGKEMuVov5EoG38i4hrpIYpvVv96mKBZ4TlOEsIhbNedsIt+N"
    "W0zw6gLRmQkPkApDswXu710Z7v7+N+CeMuD0soRY4ckmaMHmgy0PYOl4Adh9wZjJM4aeyL"
    "jfyk3uyMQ05kzwAewHF9KyhJxNRBppA38yG7i3ZAsbwT2Cxh0tU70NXEY8Z0Pf3IhnebTM"
    "S3CESIO8NCDXSbyucenT5KEgKXJ26skh2fJ28uSSQnJ3NuypZjrfyP6AlvK8i92QaPlUlZ"
    "Bn3e4NtOW1j44K1eM5yqnHc5Ssp8be1KKlD6WM0zUQ7+qPpnSKAWaU5cw/vSVG2qQyBVUc"
    "4MJEkAUbHCljQ0vZLkboewauCcJGLOQ8wbz35ygikyeiWXy5/Or25nevezzERSrGUjGWea"
    "vbVZdkJuCOx4Q4WUnnNtH01ICQyPW93MMAnVypcdC1Us1IakK7oAmJdy85AR5JNQLji5mE"
    "UIA0m400zAk0lxkB0i5FDPLxkjrZZ7u5C6ci6AY7+7IKEyXP+zfdwV/pwuR5SnD0+V+jXj"
    "eNDz7nln3BD0JYGDg9zyrRp8jWrUa7r3Qo9x6RuQQBlQhL040psBjvF1lMhvDYWvi/yHH1"
    "goVpPPK7iig2aGtYPEMydK/aoSU7qfVOls1O+PSWw9+jkMxkTWZCDJoKeTYz8SgkMynDTK"
    "RtothH0CzbRL1ECINzU0htM0f1C3cqJETE+hcIS/uGKUGW9coCIWLAq94AgwjOHxIEjIkI"
    "06cmQoL7J2WHKgZMd825vMUdXnrn6sTB6itEPPcO+ixihPeNJHDP9teFSBrh4XiCU4/4ll"
    "bGleT1bwS+0oNUm6mQUtr2pDSnYlimfOYXFFspmSG/Z8FKOmz98VxGwEZGIk+SGp4d5jdw"
    "f4+1+3uAnQRF3oHnNWJtT5TCERTAMDVkJgW0ykeX9p1aSwU5opm3CspZHCJk0uwQZ2dFzQ"
    "4W1MsC71JIzNfF3C9nVlQq9gkaIbNtO/1FR3CirOGEjNKtpffVqpSiPG6hbgu/WRKyTEtZ"
    "h6nItJQXnpbiqGwjnBdrJa7uFdDnqNex4gwUnYkconieww+llbtGvDZblfJnrUzIvk/UJE"
    "t3FcH6zx/HVg8sZSRbbYSHxkayfXb9Ppkc8XPgGFrJFENOpGKl6LivDyCozjyvsVMyznEc"
    "I+1M2CS9UDPuLOa/CfpOgZtfxu2WmKZXn6ty8IqNnC+FLW+thJv4NwFrtiHH69+4IiZb8W"
    "zugtN+9wu31YQPOIXILkyk8dKZUE9jBYk+udzArfylRrsXYggO6SsLfLh8J8KNuefpAS3B"
    "awtBxmWAzU+ncUtwmo+YV+BE7Eb0jYg85v4qFZkUT7DK1hvgpatSecMW7nNHeG8NLXRjKX"
    "xrF13JOmrIOpwJVlLLBuS6XyJ0UuQtI/JG7NTBd5OcgOzomRhZIxwyMoimNlPRYBdBvYrC"
    "1uGQsyrcA2WEtdXlY0ueMbd+8dg6wF996dgNK/PHTjxMLc2fPBUxrza/01vRwt0LBOM7lg"
    "khlEJLSJ5I42VbneEAnDLQgMF2KX7GGQH39/wQM0Z9fw9ec+kzOANNROm8AXPjEVlpUfpb"
    "vFOqXyPkQ3tgi086Nuqjh+YJy2KuEvjnVNdy+zdCPItaWg6OCxhaDuJ8PrCz8EtRccz9pM"
    "rgGyJpIMTVV9RCFE7L4Ov1l+AWAHehpVSfyVOhXQKpO++tqztLBe4FKnAyxkvGeNVJPatx"
    "jFcXmVidtVI0OPfKXp7eBoM+tSmf9VIUna3Z+6WU/RR1gvlHVQJht3sD0T0o5JA/yHHIHy"
    "Qd8uyONDV1JfsY5hDJRucw1w3tHHArO4j5WT3zP/8PtQSSKA=="
)
