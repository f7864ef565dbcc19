"""The ledger: pending and integrated entries, tiles, entry bundles and checkpoints.

Carries the SQL of SQLite and PostgreSQL and picks by the connection it is given.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQLITE = r"""
CREATE TABLE "ledger_bundle" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "index" BIGINT NOT NULL UNIQUE,
    "data" BLOB NOT NULL
);
CREATE TABLE "ledger_checkpoint" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "size" BIGINT NOT NULL UNIQUE,
    "note" BLOB NOT NULL,
    "created_at" TIMESTAMP NOT NULL
) /* Every checkpoint the log signed, so old sizes stay provable and auditable. */;
CREATE TABLE "ledger_entry" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "statement" BLOB NOT NULL,
    "salt" BLOB NOT NULL,
    "event" VARCHAR(32) NOT NULL,
    "leaf_index" BIGINT UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "receipt_id" CHAR(36) NOT NULL REFERENCES "receipt" ("id") ON DELETE RESTRICT
) /* One statement appended to the log; ``id`` is its pending id, in append order. */;
CREATE TABLE "ledger_tile" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "level" SMALLINT NOT NULL,
    "index" BIGINT NOT NULL,
    "data" BLOB NOT NULL,
    CONSTRAINT "uid_ledger_tile_level_dccec6" UNIQUE ("level", "index")
);
"""

POSTGRES = r"""
CREATE TABLE "ledger_bundle" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "index" BIGINT NOT NULL UNIQUE,
    "data" BYTEA NOT NULL
);
CREATE TABLE "ledger_checkpoint" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "size" BIGINT NOT NULL UNIQUE,
    "note" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "ledger_checkpoint" IS 'Every checkpoint the log signed, so old sizes stay provable and auditable.';
CREATE TABLE "ledger_entry" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "statement" BYTEA NOT NULL,
    "salt" BYTEA NOT NULL,
    "event" VARCHAR(32) NOT NULL,
    "leaf_index" BIGINT UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "receipt_id" UUID NOT NULL REFERENCES "receipt" ("id") ON DELETE RESTRICT
);
COMMENT ON TABLE "ledger_entry" IS 'One statement appended to the log; ``id`` is its pending id, in append order.';
CREATE TABLE "ledger_tile" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "level" SMALLINT NOT NULL,
    "index" BIGINT NOT NULL,
    "data" BYTEA NOT NULL,
    CONSTRAINT "uid_ledger_tile_level_dccec6" UNIQUE ("level", "index")
);
"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES if db.capabilities.dialect == "postgres" else SQLITE


async def downgrade(db: BaseDBAsyncClient) -> str:
    return 'DROP TABLE IF EXISTS "ledger_checkpoint"; DROP TABLE IF EXISTS "ledger_bundle"; DROP TABLE IF EXISTS "ledger_tile"; DROP TABLE IF EXISTS "ledger_entry";'


MODELS_STATE = (
    "eJztXVtT4zgW/iuuvGxPFUNBLsCwW1sVID3tGUi6EnfvXOhyK7aSqHDktC1DZ3v57yvJ92"
    "vsxAHH+CUQSUeWvyPpXHSO8qO11FWomceiaVrQaF0KP1oYLCH9J1JzJLTAauWXswICphpv"
    "ivw2U5MYQCG0dAY0E9IiFZqKgVYE6ZiWYkvTWKGu0IYIz/0iC6NvFpSJPodkwcfy9xdajL"
    "AKv0PT/bp6kGcIampoqEhlz+blMlmveNmnT+LNe96SPW4qK7pmLbHferUmCx17zS0LqceM"
    "htXNIYYGIFANvAYbpfO+bpE9YlpADAt6Q1X9AhXOgKUxMFr/mllYYRgI/Enso/tvZ2iBZr"
    "I8HEnyZCDJcqsAdoqOGe4IEwbUj2e7Xx8QXtpiD7j+0B+/65z9xCHQTTI3eCWHq/XMCQEB"
    "NikH3Uf5gb5fHOfrBTAG2FpyrEU6DIAVGMPcpY2gTge9Dd5ugQ+4P9lcKF2w8sPb+jCafB"
    "Sl/u2lsNDNFSJAu8fSuD+ciBJjKcAmIq1cDGgtwXdZg3hOFvTr6VkGQz73x5wnpzZPdLp6"
    "7EU1dGravIqxxmcF/5vIiuQp77avMvy5Z3cE3JOTPOienKTDy+rC+CoGVBGhAKqFYI6QlY"
    "P25s3l5bC+yAP1RTrSF1GgDThnIyqAsU9Rw8mcZ6NI3ydi2wSdjwwJGZA4wje0hqAlTJ3J"
    "AcoI0qpDeuz+c4i40xdUR1hbOwsqA3hJvBtMpP7dR/a4pWl+0zh+fWnAatq8dB0pjXHJ60"
    "T4jyh9ENhX4a/RcBCVw1476a8WGxOwiC5j/UkGamDtu6Uuas9MNZo9BMQ2K5gC5eEJGKoc"
    "qvGnB5XVs1l8Zlw5ZO9/H0MNkOTV5miHE7eLA2P/szvh3VJ/GgQ3JwXSrs3dIBrbvdQVJB"
    "PSsVKVrxyUJk5vdUKLLUW9ractznjVsr2MlgAM5vyV2LPZk0LrL8Fs8xZmutXmLf/GaKuv"
    "0dZYCp5y1ctjKPTS7YRezEwwdC0F3M0WsUtbZaBb1/3JB3EwvhQUYC4QNO7x6ONg3JdGtE"
    "hfsRHqtGw8EO+uPo0nrKEB0XJqGSZr27+5E4eXAlCXCFfDbn6Aa3lBX6XIigjS1M6iO+vm"
    "sTi66SZHt7E53qrNEVaVH/WHrbgepiyB685wq8L0A2Gyi0kml20/v1xQcwsSlanAVZexG/"
    "S1mLEeRTgO73udCtY5/h2uY1pFsj3lH9scJqwxM4oWG+DJsyPC04q+P31rSDgCYzrPx+K1"
    "1HrO4wRpjPwcRj58hLgkiAasq4PdxrNhQipcrnQCsbKW6bzSDXVHzES/wzHvr04TbJ9+kV"
    "uEoUjgspXgGvHqjrK8IxptJSO3Wakekr/dTceRD4h38mUXx8kVmouYFHCdoPgidFZcdS2X"
    "ORvCz7+0253Oefukc3bR656f9y5OLmhbPt541XmGlL4SfxWHUlibYgXZDhWPXzEeTJZA01"
    "K5EKTbzIsDWNcOOzrt8zOPAexLFuSTu/7trYtxwGakbz3XjXWhs9YATZV9KNsetTYxAwcW"
    "M/DNApggUmgSB2lqiHM7D8ztdJTbMZDpeyZ4GNIBdtvXENzTfHM4YwpHwQVL3cJEnsEE4Z"
    "alYITp6iTcXkTXiNmiBR0sYarGw5LtYQmo3ju6WOpn8x9FfCzhmVXYybJPA88FP8G+C/Al"
    "3bwLTIOyjTvfh+cGAmJrOaUlUQsv2JT/x73gX5oT8ybMeZ+HuneDG/GaRTkvoYqU6gY5F4"
    "6+LTXs9rUVkBC4eeJu08NuY1G3zn5UAFufoobolq9JKwuoPBQPHw9R1RDoksObfZkZAzn7"
    "zDlEWMNAgzqdOVNJS6yEY5R8Atmnfrnl1HoEGnInXW6p/Ll/K95cCpyWhVR9HowngxsWUP"
    "UIDROq1ZDJ9miAJhsQmEUTN2KkW/GkYgeDUY9XPpdXls8rJk1WYA0Nuaj/NkxVQ2myFy+u"
    "jRpS5eI6UgJp/SZ4+SlgNmxwCZBWHG2PrH5It3t5YjNpq/StpBeLzrRRW1GotthLPLIagl"
    "36ScUjooa0DdGWuku4hwpj3hp9kj72JXEwlC4F3SIrQBDE5B6LQ68YYae0GnqMjW3xPT5K"
    "V2GubLkSunlWQjd9JXRjK0GFK2CQpcP7vEiHqeqHc/nZKPbcpJuJkWIQZ01pjyzLHD48zD"
    "MwZtZtIoIwyf+7CT+Y6Ph9U+gRnVDrrvDpcYisOTze+vB4ZmG1OPpBqpcD/6RWyOvs7K84"
    "9CGyBvvtsAeKsmXQSpiwwX87/FliaHHwg1QN8lsi3yRavsFEyyYFr6QAkMg1OAURDdI0gC"
    "YeEkGzcBxjiGwHWKNm1KumrTR5opXPE43tBiUAW7ebsaK4BnfAHdJvvTS7HTMlg0l9NUH8"
    "tTNwDxInDapzdi6IaV+73kl2y/sa0K7WdYIrHpYdF91x4EYYSjr9KD04vorCOkdkfEhXyb"
    "MBboBclacJqWPudHXRL/Mmgmo6m5Pna/HMAHuXS08P8HbBjTkCMvSabsoUYKtEMAlcCQgL"
    "QHA6+IcpPC0gtUmnukVM4d291etMp/Sze3r606VgRyMeeZFeRwLAqkD5DA12yRZmJSY7T7"
    "XaJ+2z6PnpCz1y80V/oaz2wnkMTQJ7uX6i9PyG9JCElPOZXQIQqiYUw2ewnXaOM9hOO/UM"
    "llVF3NGFnXG1dcIdiNMtVxCyCklieNpvk9EwLXyBJEemqUghwv8EDZmHK6OTeMqgCLHTXS"
    "bv7vp/RFfQ9e3oKson1sFVkxBba3/n4UznJsG4MgnGr+mdq+aE3a9z7gXStr1r3tPts+BN"
    "8JtNNDPYeqOVJi0gNXZMItxb57+cXdxbZ50zyEyk2TktuTg5FRbUHoIqC2YVZjq1iaiNZT"
    "uSuaEUJutC2LHJjmPG2d6edI/v8ZCHoZoCMKCgUv5jYbqmVqBiQBY2SUcgkAUyBUN/oqUm"
    "UiH9bvfO61iuL+DJ2tTY05ntqGsaVH9mnL7HfBDCHD1CU0DUhLRjXgVWyUfGunJRp/YnWJ"
    "vCHKw0aJrHKfZiLDN+pxvP3oq12D7tnncvOmddz0j0SrJsw812YJNeva/0arbgU2PLsxwd"
    "EcImMma7yJgmRqI5fq6KJrbbNcX7VMXid8smKGOJF9Bm/BBo7ALcXApZOuqJaoRnBDzAdX"
    "NtapX24IxbdWChixGd5jXUNdq9Xq60zl5GWmcvnpZP35TqDkV/2yRKV0O8y/+FE/tOiZTb"
    "XbIvAY6Q1inbpYx7gKn+saKdQ3mqqwnbhQS/p+AaI6zFRM46QRn8IWV7270DlNvR8Fe3ed"
    "QF30SUNxHlTfjzfm2lJqD0wH3WdhjglYVVLdFhHao/yvxNCTs4ceo3rcwvbzaW0EtZQvzd"
    "CzLAJSlHYXwzTAgEcFBuJGGOgbFOCeBwKCKQT9fEjo49zF04EUEnGMPTVagqeSUO++M/k5"
    "XJq4Tgjas/pUE/SQ6+5pZ9ze7TXOkoOQ401ibP1q2Em288aRw8QmMt+FT82EzT54JJZT+P"
    "stQFXVPp1/9Ckx+jCStDf2RP5adswFIRH0P8aLHcrhtxUumdLF2cMPYWw9+laITJlsIE6y"
    "QR8nRh4lI0wqSIMGl8E/kWQb18E5VSIezkr1TtwcsN26g4QK9lzhwSOv9YFI9Ae4Y8Qojo"
    "roT/p/D1K1K/fhWQHZrDGrCIHkSFPksC4RSCbqjQiKsNpffeaA6VFlsZmoM7C4rJshBZI9"
    "C2FWgm0IoC71A0mG+LuZfIl/d81COoxXnSvpOfNAhm8hburTDdVmZJpZKIm/ugqjbx66Uh"
    "NxlS2wiVJqOnMhk9r2nRSSjrFI/XHuWw54jbsOTYRo2qHDxt1JaHTXRjhWRtuinlca1IMJ"
    "hH1ISBReL3X/2EtBpYNmeklVEeanhG2ocGUhZJotCpyRSDwG9TmRiWtyLs9pYSyC4DQsV+"
    "1S1AUkMfyV6C9dmiKoCw07yG6O7lB9zoE0mily/9rpYAyU6XtVQN7QxwS7ut5VWF2fP/AU"
    "w5ujo="
)
