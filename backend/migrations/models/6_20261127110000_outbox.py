"""The outbox: emails to send, each attempt to send them, daily mail counters and issuers'
reminder settings.

Carries the SQL of SQLite and PostgreSQL and picks by the connection it is given.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQLITE = r"""
CREATE TABLE "mail_quota" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "key" VARCHAR(80) NOT NULL,
    "day" DATE NOT NULL,
    "count" INT NOT NULL,
    CONSTRAINT "uid_mail_quota_key_07b96f" UNIQUE ("key", "day")
) /* Messages queued today (China time) for one receipt or one address (by its hash). */;
CREATE TABLE "outbox_message" (
    "id" CHAR(36) NOT NULL PRIMARY KEY,
    "kind" VARCHAR(16) NOT NULL /* RECEIPT: receipt\nREMINDER: reminder */,
    "recipient" VARCHAR(254) NOT NULL,
    "state" VARCHAR(16) NOT NULL /* QUEUED: queued\nSENDING: sending\nSENT: sent\nDEAD: dead */,
    "due_at" TIMESTAMP NOT NULL,
    "claim" VARCHAR(32),
    "attempts" INT NOT NULL,
    "message_id" VARCHAR(200) NOT NULL,
    "dedupe_key" VARCHAR(64) UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "sent_at" TIMESTAMP,
    "queue_id" VARCHAR(200),
    "last_reply" VARCHAR(500),
    "receipt_id" CHAR(36) NOT NULL REFERENCES "receipt" ("id") ON DELETE RESTRICT
) /* One email to send, written in the transaction of the request that asked for it. */;
CREATE INDEX "idx_outbox_mess_state_df2756" ON "outbox_message" ("state", "due_at");
CREATE INDEX "idx_outbox_mess_receipt_ca1aa7" ON "outbox_message" ("receipt_id", "created_at");
CREATE TABLE "delivery_attempt" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "number" INT NOT NULL,
    "started_at" TIMESTAMP NOT NULL,
    "finished_at" TIMESTAMP NOT NULL,
    "outcome" VARCHAR(16) NOT NULL /* SENT: sent\nTEMPORARY: temporary\nPERMANENT: permanent */,
    "reply_code" INT,
    "reply" VARCHAR(500) NOT NULL,
    "queue_id" VARCHAR(200),
    "message_id" CHAR(36) NOT NULL REFERENCES "outbox_message" ("id") ON DELETE RESTRICT
) /* One try at handing a message to the SMTP server, and what the server said. */;
CREATE INDEX "idx_delivery_at_message_70ca48" ON "delivery_attempt" ("message_id", "number");
CREATE TABLE "reminder_setting" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "after_days" INT NOT NULL,
    "enabled" INT NOT NULL,
    "enabled_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "issuer_id" CHAR(36) NOT NULL UNIQUE REFERENCES "issuer" ("id") ON DELETE RESTRICT
) /* An issuer's reminder for receipts with an email address that nobody opened in time. */;
"""

POSTGRES = r"""
CREATE TABLE "mail_quota" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "key" VARCHAR(80) NOT NULL,
    "day" DATE NOT NULL,
    "count" INT NOT NULL,
    CONSTRAINT "uid_mail_quota_key_07b96f" UNIQUE ("key", "day")
);
COMMENT ON TABLE "mail_quota" IS 'Messages queued today (China time) for one receipt or one address (by its hash).';
CREATE TABLE "outbox_message" (
    "id" UUID NOT NULL PRIMARY KEY,
    "kind" VARCHAR(16) NOT NULL,
    "recipient" VARCHAR(254) NOT NULL,
    "state" VARCHAR(16) NOT NULL,
    "due_at" TIMESTAMPTZ NOT NULL,
    "claim" VARCHAR(32),
    "attempts" INT NOT NULL,
    "message_id" VARCHAR(200) NOT NULL,
    "dedupe_key" VARCHAR(64) UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "sent_at" TIMESTAMPTZ,
    "queue_id" VARCHAR(200),
    "last_reply" VARCHAR(500),
    "receipt_id" UUID NOT NULL REFERENCES "receipt" ("id") ON DELETE RESTRICT
);
CREATE INDEX "idx_outbox_mess_state_df2756" ON "outbox_message" ("state", "due_at");
CREATE INDEX "idx_outbox_mess_receipt_ca1aa7" ON "outbox_message" ("receipt_id", "created_at");
COMMENT ON COLUMN "outbox_message"."kind" IS 'RECEIPT: receipt\nREMINDER: reminder';
COMMENT ON COLUMN "outbox_message"."state" IS 'QUEUED: queued\nSENDING: sending\nSENT: sent\nDEAD: dead';
COMMENT ON TABLE "outbox_message" IS 'One email to send, written in the transaction of the request that asked for it.';
CREATE TABLE "delivery_attempt" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "number" INT NOT NULL,
    "started_at" TIMESTAMPTZ NOT NULL,
    "finished_at" TIMESTAMPTZ NOT NULL,
    "outcome" VARCHAR(16) NOT NULL,
    "reply_code" INT,
    "reply" VARCHAR(500) NOT NULL,
    "queue_id" VARCHAR(200),
    "message_id" UUID NOT NULL REFERENCES "outbox_message" ("id") ON DELETE RESTRICT
);
CREATE INDEX "idx_delivery_at_message_70ca48" ON "delivery_attempt" ("message_id", "number");
COMMENT ON COLUMN "delivery_attempt"."outcome" IS 'SENT: sent\nTEMPORARY: temporary\nPERMANENT: permanent';
COMMENT ON TABLE "delivery_attempt" IS 'One try at handing a message to the SMTP server, and what the server said.';
CREATE TABLE "reminder_setting" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "after_days" INT NOT NULL,
    "enabled" BOOL NOT NULL,
    "enabled_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "issuer_id" UUID NOT NULL UNIQUE REFERENCES "issuer" ("id") ON DELETE RESTRICT
);
COMMENT ON TABLE "reminder_setting" IS 'An issuer''s reminder for receipts with an email address that nobody opened in time.';
"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES if db.capabilities.dialect == "postgres" else SQLITE


async def downgrade(db: BaseDBAsyncClient) -> str:
    return (
        'DROP TABLE IF EXISTS "reminder_setting"; DROP TABLE IF EXISTS "mail_quota"; '
        'DROP TABLE IF EXISTS "delivery_attempt"; DROP TABLE IF EXISTS "outbox_message";'
    )


MODELS_STATE = (
    "eJztXe1z4jYa/1c0fOnuDN3ZkJDN5W5uhiRsS5uQHLDt9UrHCCzAEyNTW06W6+3/fpL8/o"
    "oNJhGOvmwbWY9sfnp53h/91VgZKtKtDz3LspHZuAR/NTBcIfo/sSdN0IDrddDOGgic6ryr"
    "FvSZWsSEM0Jb51C3EG1SkTUztTXRDExbsa3rrNGY0Y4aXgRNNtb+tJFCjAUiS/4tv/9Bmz"
    "Wsoq/I8v5cPypzDelq5FM1lb2btytks+ZtX770bj7znux1U2Vm6PYKB73XG7I0sN/dtjX1"
    "A6NhzxYIIxMSpIZ+BvtK9/d6Tc4X0wZi2sj/VDVoUNEc2joDo/GPuY1nDAPA38T+Ofun+2"
    "mhborSvx8pw+5IURolsJsZmOGuYcKA+uubM24ACG9tsBdc/9gZvDs9f88hMCyyMPlDDlfj"
    "GyeEBDqkHPQA5Uf6+5I4Xy+h2cX2imPdo58B8QwlMPdoY6jTj94Fb68hADxYbB6UHljF4W"
    "38eD986I06t5dgaVhrjUB9jEeDTn/YG7EphdjSyBgPur27qy+DYXdwCUykraa2aTmLf/vE"
    "NFbwq6IjvCBL+ufJec5E/dIZ8Lk6cebKoLvK2Wx990mLP2JTFkwR/2/qFKVvBa+/yNNSeN"
    "XHwP34sQi6Hz9mw8ueRfGdmUjVCAVQLQVzjKwatLcfOi+H9UURqC+ykb6IA22iBfuiEhgH"
    "FDVczEUOiuxzInFM0PXIkFAgSSJ8Q58QbYUyV3KIMoa06pJ+8P7nGHGnP1C9x/rG3VA5wI"
    "96d93hqHP3wF63sqw/dY5fZ9RlT1q8dRNrTcySPwj4tTf6EbA/wX/u+904f/b7jf7TYN8E"
    "bWIo2HhWoBra+16rh9o3JjLNH0PsnDVM4ezxGZqqEnkSLA/Kw+fz5Mq4csk+/zxAOiTpu8"
    "2VGofeEEc2/d+8Be+1BssgfDjNEB3a2g+igTNKXUGyEP1WKgpWg9LQHa1OaLGtaLSMrM0Z"
    "fRSVQRAmGtSzkb3HaGTQf7bj66h315ExtwDsnjXC4xvdsiv2eaZiIULYaBVAN3DHHAZD1g"
    "Q5tg5XrVVsZa4ghgv+lWw4Rhw57FNsBz4XyDYd+LxGWg7qazmQaqkvybeLaKXtbKW0ndBJ"
    "TUPPAHe7WcajFRnoxnVn+GOPWVtm0FpqyBzj+4fuoDO6p03Gmn2hYWaZZca4c3PX618CqN"
    "LDWgwjzSPaKEv6U8rsiDBN7cwH52dF1NuzbP32TCq4b1XBjQp5T8bjTrMepaxg1sWU9ESf"
    "ZA+T3Fl2nE1KScktTFSlACfuxG6R1xKWoTjCSXg/G5SxLvDPaJOQKvKUy+OFNaEZ0WYTPv"
    "t6RHRZ0d9PfzUiHIEBXeeD3vWo8a2IxU1alAro8OgJ4Yog6rKhjvYYz4dJU9FqbRCEZxuF"
    "rivDVPfErBcMOODj1WmBlTLClbSL3GoY9QhaNVJMI/6zZp51RKe9FM3rVqmF5Hfv0HH5g8"
    "YH+WMfw8mVtuhhUsJ0oiU3obvjxNVcFuwTvv9bq3V6+qn18fT8on326VP74uMF7cu/N/no"
    "Uw6Xvur90OuPotIUa8g3qPjzlZiD4QrqeuYshOm2z8UR7Gt3Ok5bn879CWB/5EE+vOvc3n"
    "oYh3RG+qsXhrkp5dgP0YhsQ9nVry8DVI4sQOVPG2KikVKLOExTQ5xbRWBuZaPcSoBMf2eK"
    "hSEbYK9/DcE9KbaGc5ZwHFy4MmxMlDlKYW55AkaUrk7M7UVkjYQuWtLAEqWSFpZ8C0tI9N"
    "7TxFI/nb8Zs7FEV1ZpI8shFTwP/BT9LjQv2epdaBlUrdwFNjwv6hTbqyltiWt44a78/7gV"
    "/A/pMZex9od06t51b3rXLNR+hVRtlhZpL4aztnSod6Ux3q8tgETALRLknR3jnQjxds+jEt"
    "gGFDVEt3pJerZEs8fyuQoRqhoCXXEsfcAzEyDn+5wjhDUMNKiTz5lyWmKnuFGKMeSA+uW2"
    "U+MJ6pq36Apz5V86t72bS8BpWUjVL93BsHvDAqqekGkhVQye7HwN1BUTQatsllCCdKc5Ec"
    "wxGLd4FTN55dm8EtxkDTfIVMrab6NUNeQmB7HiOqhpqlJeRkohrd8Crz7f0IENraCWklWx"
    "DW2frH5It9pFYjNpr+yjpJ2IznRQW1OodjhLfLIagl25p+JJo4q0A9GOskt0BIExb9x/GT"
    "10Rr1uf3QJDJusIdEQJmPc6/vNGnZbxZBjHGzLn/FxOoFnZcedcFZkJ5xl74SzxE5Q0Rqa"
    "ZOXOfVGko1T1w7n6bBRnbdLDxMxQiPOWtE+Wpw4fH+Y5GDPtNhVBlGb/3YYfSjX8vin0iE"
    "Godlfaexwhk87jnZ3Hcxur5dEPU70c+B9rhbzBfH/loY+QSex3wx7OZjsGrUQJJf674c8S"
    "Q8uDH6aSyO+IvEy0fIOJljIFr6IAkFjNpZKIhmkkoKlOImSVjmOMkO0Ba1yNetW0FZknKn"
    "yeaOI0qADYupVhi+MaPgH3SL/10+z2zJQMJ/XVBPHXzsA9SpysGaS/23hEeE+whnSgERun"
    "rkjpSF0wDyqmY+1bKvCWj9WlQ23qChcdxl5VsQdZ3Tqk3rjD1RUuwyZT46uyQpYFF/sur3"
    "s+2J0zVp0QS2ZIJKXoJHRencTK81RElJsLJKlE1IYissgWyFVlmpLFuUuVyl2BF3W9RvwN"
    "hq66/KMStD7z8YrykGNBbLe0JkdEy85t8kW4rQlOCvK7bktzYucKsAhaAw0DCNwBvrPA85"
    "JyLDilR7oF3o3t9ul0Sv89Ozl5fwmcUOqmH6baBBCrgM41MlmFQMxaLBYMYrc+ts4bMTBf"
    "6JXbq5RGSnKUTsKS1TeqNXJnJ2dlx1NlOJf3iZ4STYyIBpCctgoEkJy2MgNI2KOYL620J6"
    "G2HoQj8RgUyqBQEUmNrf1peN/Pir0i6WG1qjYj4H9A16zjlWrS5pRBEZlOb5u8u+v8O76D"
    "rm/vr+LzxAa4ktn8tXbWHM9yltURhKmO8JquBTEX7GE9Cy9Qc8K/ECVbPwvfmbJdRbPCvb"
    "dqaaMlosqORcDY/vS384uxfX56jpiKNP9EWy4+noAl1YeQyiLxwdygOhHVsRwvGFeUomRn"
    "CJ06ZB8SytnB3jTGY9znMfQWgCYCKp1/DKYbqgXOTMTMovQLAFlqFjCNZ9pqaSqifzuj82"
    "esUAHklSaosmcw3dHQdaR+z2Z6jPlHgIX2hCygURXSCdgH7CH/MjaUhzrVP+HGAgu41pFl"
    "fcjQFxNlPfYq1/hWtMXWydmns4vT8zNfSfRb8nTD7XqgrA1xqNoQbMNnJsbkGTpihDKsb7"
    "ewPhngJWNnRJHE9quxfkhRLPDOpwhhEdd9zv1XfqhAMcGrA3hnKjxAwg3NFphMXBluMvk7"
    "cG+ycHpZXKzwZBO0pvNBlwewdG0N6HvBlMozhp6o6nCQl4zx3DRWVPAB9A8mpGUJOfuINN"
    "IG/mI2cG/JFjaCewS1u76oehu4jKrPhr6+UfXy+qK34AiRBnlpQBZJvBa4vG7y4pkUOTv1"
    "dppseTt5O04huTsb9lQznW9kf0QbeafKcUi0bKpKyLNu9xra8lrtdqGaT+2cmk/tZM0++k"
    "stUvri0zhdDfGu/vpTp+BkRunX/BuCYqR1KoVRxSVBVARZ08GRMjXUlONihL5m4JogrMVC"
    "zhPMu/8eRWTyRDSLL5ff3vd/8LrHQ1ykYiwVY5kbfVh1SWabHnlMiJP5dmVjVU8NCIk8b+"
    "ZeOOnk402DrpVqRlITOgZNiP/2khPgkVQjML6ZSQgFSNPZSMMcQ3OTESDtUsQgn26Ik693"
    "nKdwKoJusLMvq1BR8qrX7wx+Sxcmr1KCo69+G3U7aXzwNY/sa3bZxtrQ0vOsEn2KHN2zaP"
    "etDuXuEzI3IKDiYWm6sQAW5f08i8ngHltL+y9yXL1gbRpP7K08ig3aqsa/IRm6V+3Qkp0I"
    "fZJlsxM2veXw9ygkM9mRmWCDpEKezUw8CslMyjATaZsotgnqZZsQS4QwGDeFxDZzVL9wp0"
    "JCRKx/gbC0Z41gZFnfWSBEDFhlJWBgzvlDgoAx52H6xESIc/+k7FDFgOmuOZe3uMNL75xI"
    "HExcIeK1T9BXESO8PZLAPdtfFyKphYfjBW7WYkdaGVeS178W+EoPkjBTIaW0w0lpTkWhTP"
    "nMLzi0VTLzKx0VraRD1x/LZQR0ZMTzJInh2WH+DiYTTZ1MgOYkKLIOLK9RU5u8FA6nAIap"
    "IjMpoFU+urTvCC0V5Ihm3iooZ3GIkEmzQ5ydFTU7WFAvC7xLITHfFXO/nFlRqdgnqIXMdu"
    "j0Fx3BubKDEzJKt5PeJ1TxSXmlh2gLv14SskxL2YWpyLSUN56W4qhsIy0v1oo/bRbQ54jX"
    "seIMFJ2KHLx4nsMPpZVbIF6brUr5s1YmZN8nqpOlu4pg/dePYxMDSxnJJozwUNtItl9dv0"
    "8mR/w1cAxtZYohJ1KxUnTM1wcQnC09r7FTMs5xHCP1ktskvVAz5ixmf2P0lQA3v4zZLTWS"
    "Xn2uysErNnK+FbZ8sBJu/L8JWLMNOV7/2hUxOYhn8xic9sdfuE0QPuAUIrs2kcpKZ0I9jR"
    "Uk+uRyA7fy1yzavRBDcEi/s8DDzWcebsw8T49oA95ZCFIuA2x2A5JbgtN80lgFTkRfRN7z"
    "yGPmr5ohk2hzbUbXG2Clq1J5wwHeM8ast4rWurHhvrXrjmQdArIOZ4KV1LIBue6XCJ0Uec"
    "uIvBE7dbBvkhOQHT0TI6uFQ0YG0QgzFTV2EYhVFFaEa+GqcA+UEda2l48teSvf7sVjRYC/"
    "+tKxe1bmj92qmVqaP3nzZl5tfqe3ooa7FwjGdywTXCiFFpc8kcrKtjrDAbigoAGDnlLsjj"
    "MMJhN2iRmlnkzAOyZ9Bneg8Sid92BlPCErLUr/gG9K9WuEfGiPdPFJx4Y4emiesMznKoF/"
    "TnUtt38txLOopeXkvICh5STO5wM7C3sUFcfcLVUG3xBJDSGuvqIWInBRBl+vvwS3ALhrNa"
    "X6TJ4K7RJI3bm5q+4sFbg3qMDJGC8Z4yWSeiZwjNcXiyscCf2NtzfzdLbnr4rtdSqgqa00"
    "rH2/No2FCVeAETZ5IvPavUaa7q4UpasYUcUOgxwbzysYdxr/mNuYX70G+JvYP2f/bAh3VD"
    "RzlCJnrsqIlQFF7RzQ1YuV9FcaJfENkewEsGD3JhwaYSlGvhUxsoTZOuwhtZiRIaV+wJVL"
    "+fnnAdIhSbdEhFju0BnpCNdBliwU2UdzQ1fd3F4N7QnXZz6Wn1BcF7gOLex5KyxD5gstwF"
    "zRzwr1K5SgrRsLDV8Cwzad29S+swArdd8EvyLKprhd3BmSBQw0edAIN6Qz27lzSZtFjLUF"
    "ng3zkQKbnqd9iJfIdO0jNcXzCS19D0OUSkqfW2Wj0I4qg3OMrIb245NWkcuCaa9sD0grcW"
    "GwlES3sVTRJU8Pk1wLJvq61uhwO0xzlFJOs9DTLG9CfAuzzAyXJX0RIRLpiMh3RHhG6D29"
    "EJ7B+zgh3eqCCC0oofwPYS0+RSWNKfnZKmnIslCwaljHC8kCj4j+wyp1cRcDVRKdwT6AAV"
    "oZT7yUFwEOZBZVFTULmMZzE2D05GY8uAOleTAO8o7tKunv/rag55TDJv6QaqqQaqo/QSUl"
    "gDCdFPOkAHDkk7rVvShueIcIIeJSpjp2mapAaE3JpIc9AmtEWNIHCKvZS1S9QbrGLvrpEI"
    "JW69Ssh3iXXJFVdTtTHh70LuRLoTIugAQsoVNoFoIVsiz60V5R2uHd6MFJUTA9Jwckfm4u"
    "FSgtmBZvU+3QRYRUd/AGX42rKe0lpVQxpVR3ehIzkAl/QFCnCkN7JllHagmbu9nxo5RS8h"
    "da8p9rWLOWO81zjFROtNATbdhkZmSV2OnSwzAhs0XjHQNykT2hjWG3P7qkrB6TMR517x7u"
    "B53Bb5QfUvmF4m5uxvihO7jr9Hm3NTKpMOVmc75+9piJ1vqGYq6mzFImG4sSVVJquWacjC"
    "OUvu5zIBV9pe/o828Xqi7Vzqku1U5Wl6K/kwrS5QJ8wzT1i/A9SBEvVxkpaVaKUklbXb5h"
    "KaTw7WlburfJ1Ph6F4x3nPBuNXJE15dQvrs7qOn/sg0CGymmkOBhM88IsqLdlD/9flvNH+"
    "6EW4AfcOwaHhVuwLvrpYYhYHLwezA3TJ4l5Lne3D+pMGeympbvphtejoyF+L1PGkEO8YLU"
    "Ag9u4BsdXdZ2OA4bSMkIx/pGNl4U4b4X2cz3IsF72S5IQMv043Ro3e55OvERgpwDKtNx45"
    "Gghp12N0/mWeD3r03J0b1UmBKJPofkoVExJoWPJuScbF5q8K5KSMYq5k5AjAkzAz/V69Um"
    "eDY1QhBm0So8L8KE2IJOBqpb89kv98xs/9B6pGyS8cS0utIHGL+IY4HXWOIfQ3uy4JcmiJ"
    "RUCgVDl/M4yOTgqpODsysmbTebHUP1JCqmX3d7D6NLT14c40H3rte/6Q5Y04q9zRTFQjbT"
    "1lrJK98iRCJPxK62hnaRlBnaK9vW0E4mzXjn0y6r3id+ObQde5Ja8mRp/OtL90v35tLVpc"
    "Z42O3f9Po/cAsy8y/zFt+gfNPt0L4qgqoY28HlHalyabbfJqCSLhuhXTYzHWqrMiedT1A/"
    "g2r1d1u6QS0pSd6ZGkqYRCopcT9Lnnk6e83mmqdrwZ4P4QpQkWqvUdmU1ihVJYdErTOHZS"
    "7rm+CzTLjbJc4pIJPpjSLPr3RPvwhPYnexKaWDLaJU9YP6IAEXoiWYiHtYyfqhYiY6ZIDu"
    "aVjKCqZFwZUpv5WS6lAT9A9agmvgGnyHiBDn41Kuzoh2aebfnOF0VqxQ7+25zzi40M0bgb"
    "tY3JVmsRtAlwBi13fjhTZwhww2poa64QVYkcq9OEwWS3h+DvCOMR7jgUfNB2d3kdLDAUwm"
    "CDNImEowmfDEFGwQj34ygXNCMVLhxqJP2X8Ab3EGAQtEWATHGPvfyW5BlZfRCXgZXTCRZQ"
    "xLESKZj5JiXXK3TwpPMAwdQZwObIgqfkcBJTsUrN56fuErCu7vbyMq2VUvfoPcl7ur7uDd"
    "CZeGaCfNYdGZYO9S3SlCKQ0fQivG9lrd0b4VpZTTLPQ0y+sC5XWBQsEv2HWBHWRqs2UjRd"
    "Nxn+QqODDos02tycZJSvFiSfHyIrdEkFG7UJBROyfIqJ1wwdNNVQJht3sN0T0pZCQ+yTES"
    "nySNxPSNJDVU7qfhfT8rBNsnict02oyA/wFds45RGc0Bl4EREeQS13LHb+COyQdsgKvXjt"
    "f+9n9F7X6z"
)
