"""Initial schema: issuers, staff, receipts, line items, events, numbering, idempotency.

aerich records a migration as SQL for one dialect; this one carries both and picks by the
connection it is given.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQLITE = r"""
CREATE TABLE "issuer" (
    "id" CHAR(36) NOT NULL PRIMARY KEY,
    "kind" VARCHAR(16) NOT NULL /* HOSPITAL: hospital\nTRANSIT: transit\nREIMBURSER: reimburser */,
    "name" VARCHAR(100) NOT NULL,
    "credit_code" VARCHAR(18) NOT NULL UNIQUE,
    "region" VARCHAR(6) NOT NULL,
    "created_at" TIMESTAMP NOT NULL
);
CREATE TABLE "staff" (
    "id" CHAR(36) NOT NULL PRIMARY KEY,
    "name" VARCHAR(50) NOT NULL,
    "role" VARCHAR(16) NOT NULL /* CASHIER: cashier\nOPERATOR: operator\nREIMBURSER: reimburser\nADMIN: admin */,
    "key_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "revoked_at" TIMESTAMP,
    "issuer_id" CHAR(36) NOT NULL REFERENCES "issuer" ("id") ON DELETE RESTRICT
);
CREATE TABLE "receipt" (
    "id" CHAR(36) NOT NULL PRIMARY KEY,
    "kind" VARCHAR(16) NOT NULL /* MEDICAL: medical\nTRANSIT: transit */,
    "code" VARCHAR(8) NOT NULL,
    "number" VARCHAR(10) NOT NULL,
    "check_code" VARCHAR(6) NOT NULL,
    "issued_at" TIMESTAMP NOT NULL,
    "status" VARCHAR(16) NOT NULL /* VALID: valid\nREVERSED: reversed */,
    "reversal_reason" VARCHAR(200),
    "payer_name" VARCHAR(100) NOT NULL,
    "payer_id_number" VARCHAR(18),
    "payer_email" VARCHAR(254),
    "payer_phone" VARCHAR(20),
    "visit_type" VARCHAR(16) /* OUTPATIENT: outpatient\nINPATIENT: inpatient */,
    "visit_number" VARCHAR(40),
    "department" VARCHAR(50),
    "visit_start" DATE,
    "visit_end" DATE,
    "total_fen" BIGINT NOT NULL,
    "fund_fen" BIGINT NOT NULL,
    "other_fen" BIGINT NOT NULL,
    "account_fen" BIGINT NOT NULL,
    "cash_fen" BIGINT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "issuer_id" CHAR(36) NOT NULL REFERENCES "issuer" ("id") ON DELETE RESTRICT,
    "staff_id" CHAR(36) NOT NULL REFERENCES "staff" ("id") ON DELETE RESTRICT,
    "reverses_id" CHAR(36) UNIQUE REFERENCES "receipt" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_receipt_issuer__4cf2b8" UNIQUE ("issuer_id", "code", "number")
);
CREATE INDEX "idx_receipt_issuer__655736" ON "receipt" ("issuer_id", "issued_at");
CREATE TABLE "line_item" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "position" SMALLINT NOT NULL,
    "category" VARCHAR(16) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "quantity" VARCHAR(20) NOT NULL,
    "unit" VARCHAR(10) NOT NULL,
    "amount_fen" BIGINT NOT NULL,
    "receipt_id" CHAR(36) NOT NULL REFERENCES "receipt" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_line_item_receipt_57e117" UNIQUE ("receipt_id", "position")
);
CREATE TABLE "receipt_event" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "type" VARCHAR(32) NOT NULL,
    "at" TIMESTAMP NOT NULL,
    "detail" JSON,
    "receipt_id" CHAR(36) NOT NULL REFERENCES "receipt" ("id") ON DELETE RESTRICT,
    "staff_id" CHAR(36) REFERENCES "staff" ("id") ON DELETE RESTRICT
) /* One step in a receipt's whereabouts (去向): issued, reversed, and later opened, sent… */;
CREATE INDEX "idx_receipt_eve_receipt_caf923" ON "receipt_event" ("receipt_id", "at");
CREATE TABLE "receipt_sequence" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "code" VARCHAR(8) NOT NULL,
    "last_number" BIGINT NOT NULL,
    "issuer_id" CHAR(36) NOT NULL REFERENCES "issuer" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_receipt_seq_issuer__0d90a8" UNIQUE ("issuer_id", "code")
) /* The last 票据号码 handed out for one issuer and 票据代码. */;
CREATE TABLE "idempotency_record" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "key" VARCHAR(255) NOT NULL,
    "request_hash" VARCHAR(64) NOT NULL,
    "status_code" SMALLINT NOT NULL,
    "response_body" TEXT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "staff_id" CHAR(36) NOT NULL REFERENCES "staff" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_idempotency_staff_i_ffaf40" UNIQUE ("staff_id", "key")
);
CREATE TABLE "aerich" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSON NOT NULL
);
"""

POSTGRES = r"""
CREATE TABLE "issuer" (
    "id" UUID NOT NULL PRIMARY KEY,
    "kind" VARCHAR(16) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "credit_code" VARCHAR(18) NOT NULL UNIQUE,
    "region" VARCHAR(6) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON COLUMN "issuer"."kind" IS 'HOSPITAL: hospital\nTRANSIT: transit\nREIMBURSER: reimburser';
CREATE TABLE "staff" (
    "id" UUID NOT NULL PRIMARY KEY,
    "name" VARCHAR(50) NOT NULL,
    "role" VARCHAR(16) NOT NULL,
    "key_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "revoked_at" TIMESTAMPTZ,
    "issuer_id" UUID NOT NULL REFERENCES "issuer" ("id") ON DELETE RESTRICT
);
COMMENT ON COLUMN "staff"."role" IS 'CASHIER: cashier\nOPERATOR: operator\nREIMBURSER: reimburser\nADMIN: admin';
CREATE TABLE "receipt" (
    "id" UUID NOT NULL PRIMARY KEY,
    "kind" VARCHAR(16) NOT NULL,
    "code" VARCHAR(8) NOT NULL,
    "number" VARCHAR(10) NOT NULL,
    "check_code" VARCHAR(6) NOT NULL,
    "issued_at" TIMESTAMPTZ NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "reversal_reason" VARCHAR(200),
    "payer_name" VARCHAR(100) NOT NULL,
    "payer_id_number" VARCHAR(18),
    "payer_email" VARCHAR(254),
    "payer_phone" VARCHAR(20),
    "visit_type" VARCHAR(16),
    "visit_number" VARCHAR(40),
    "department" VARCHAR(50),
    "visit_start" DATE,
    "visit_end" DATE,
    "total_fen" BIGINT NOT NULL,
    "fund_fen" BIGINT NOT NULL,
    "other_fen" BIGINT NOT NULL,
    "account_fen" BIGINT NOT NULL,
    "cash_fen" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "issuer_id" UUID NOT NULL REFERENCES "issuer" ("id") ON DELETE RESTRICT,
    "staff_id" UUID NOT NULL REFERENCES "staff" ("id") ON DELETE RESTRICT,
    "reverses_id" UUID UNIQUE REFERENCES "receipt" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_receipt_issuer__4cf2b8" UNIQUE ("issuer_id", "code", "number")
);
CREATE INDEX "idx_receipt_issuer__655736" ON "receipt" ("issuer_id", "issued_at");
COMMENT ON COLUMN "receipt"."kind" IS 'MEDICAL: medical\nTRANSIT: transit';
COMMENT ON COLUMN "receipt"."status" IS 'VALID: valid\nREVERSED: reversed';
COMMENT ON COLUMN "receipt"."visit_type" IS 'OUTPATIENT: outpatient\nINPATIENT: inpatient';
CREATE TABLE "line_item" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "position" SMALLINT NOT NULL,
    "category" VARCHAR(16) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "quantity" VARCHAR(20) NOT NULL,
    "unit" VARCHAR(10) NOT NULL,
    "amount_fen" BIGINT NOT NULL,
    "receipt_id" UUID NOT NULL REFERENCES "receipt" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_line_item_receipt_57e117" UNIQUE ("receipt_id", "position")
);
CREATE TABLE "receipt_event" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "type" VARCHAR(32) NOT NULL,
    "at" TIMESTAMPTZ NOT NULL,
    "detail" JSONB,
    "receipt_id" UUID NOT NULL REFERENCES "receipt" ("id") ON DELETE RESTRICT,
    "staff_id" UUID REFERENCES "staff" ("id") ON DELETE RESTRICT
);
CREATE INDEX "idx_receipt_eve_receipt_caf923" ON "receipt_event" ("receipt_id", "at");
COMMENT ON TABLE "receipt_event" IS 'One step in a receipt''s whereabouts (去向): issued, reversed, and later opened, sent…';
CREATE TABLE "receipt_sequence" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "code" VARCHAR(8) NOT NULL,
    "last_number" BIGINT NOT NULL,
    "issuer_id" UUID NOT NULL REFERENCES "issuer" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_receipt_seq_issuer__0d90a8" UNIQUE ("issuer_id", "code")
);
COMMENT ON TABLE "receipt_sequence" IS 'The last 票据号码 handed out for one issuer and 票据代码.';
CREATE TABLE "idempotency_record" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "key" VARCHAR(255) NOT NULL,
    "request_hash" VARCHAR(64) NOT NULL,
    "status_code" SMALLINT NOT NULL,
    "response_body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "staff_id" UUID NOT NULL REFERENCES "staff" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_idempotency_staff_i_ffaf40" UNIQUE ("staff_id", "key")
);
CREATE TABLE "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);
"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES if db.capabilities.dialect == "postgres" else SQLITE


async def downgrade(db: BaseDBAsyncClient) -> str:
    return ""


MODELS_STATE = (
    "eJztXW1v4rgW/isRX+6s1K0ob+1WqyvRltnJnRZGkJm72mUUmcSA1cRhEqcdNNv/vnbe30"
    "kgdEKaL7Qc+zjO49fn+Bzzo6VqMlSMc94wTKi3rrkfLQxUSP+JpJxxLbDZ+HImIGChWFmR"
    "n2dhEB1IhEqXQDEgFcnQkHS0IUjDVIpNRWFCTaIZEV75IhOjbyYUibaCZG3V5e+vVIywDL"
    "9Dw/26eRSXCCpyqKpIZs+25CLZbizZ58/83XsrJ3vcQpQ0xVSxn3uzJWsNe9lNE8nnTIel"
    "rSCGOiBQDrwGq6Xzvq7IrjEVEN2EXlVlXyDDJTAVBkbr96WJJYYBZz2JffT+61QtkE0Uxx"
    "NBnI0EUWwVwE7SMMMdYcKA+vFil+sDYklb7AG3H4bTd93BLxYEmkFWupVowdV6sRQBAbaq"
    "BbqP8iN9vzjOt2ugj7CpWljztBoASzCGuasbQZ1Weh+8XYEPuN/ZXChdsPLD2/owmX3ihe"
    "H9NbfWjA0iQJljYTocz3iBNSnABiKtXA3QUsF3UYF4Rdb068Ugo0G+DKdWm1zYbaLR0WMP"
    "qrGT0rGSWNP4TWH9TWyK5C7v5q8y/Ll7dwTcdjsPuu12OrwsLYyvpEMZEQqgXAjmiFo5aO"
    "+eXF4P66s8UF+lI30VBVqHK1ajAhj7GjXszHkmivR5IjZN0P7IkBABiSN8R1MIUmFqTw5o"
    "RpCWHdVz959TxJ2+oDzBytYZUBnAC/zDaCYMHz6xx6mG8U2x8BsKI5bSsaTbiDTWSl4h3P"
    "954QPHvnJ/Tcaj6Drs5RP+arE6AZNoItaeRSAHxr4rdVF7YVuj5WNg2WaCBZAen4Eui6EU"
    "v3vQtXq5jPeMG0ft/ccpVABJHm3O7nDmFnFizf/idnhX6neD4OQkQVq0cRhEU7uUuoJkQF"
    "pXuuUrB6WZU1qd0GJDUetoaYMznqR21KgEYLCyXok9mz0pNP4SaJs3MNNZmzf8G9JWX9LW"
    "MAVvc9XPQxT66TyhH6MJuqakgLubEbu6VQa6dTucfeBH02tOAsYaQX2OJ59G06EwoSJtw2"
    "qoUdl0xD/cfJ7OWEYdInVh6gbLO7x74MfXHJBVhKvBmx/hVlzTVykyIoI6tWN0g14extFL"
    "pxy9hnO8Vc4R3io/aY97tXpYs4RWd6pblUY/kUZ2MclsZdvOLxbcuQWVytzAVbdhd+zXYm"
    "Q9inAc3vcaXVhX+CPcxnYVyXzKP7Y5TVhjNIqKdfDs8Yhwt6LvT98aEguBKe3nU/5WaL3k"
    "MYI0JD8HyYdPEJcE0YgVdbLTeDZMSIbqRiMQS1uR9itNlw/EjPcLnFrl1amDHdMuco8w5A"
    "lUWwmmES/tLMs6otBcInKzlWoh+duddJz1AVmFfD3EcHKDVjwmBUwnKD4InRFXXeayYlX4"
    "9bdOp9u97LS7g6t+7/Kyf9W+onmt+saTLjNW6Rv+D34shHdTTJBtUPHaK9YGMxUoSmorBP"
    "V2t8UJjGunObqdy4HXAOxLFuSzh+H9vYtxgDPSt15p+rbQWWtAp8o2lH2PWhufgRPzGfhm"
    "AkwQKdSJgzo1xLmTB+ZOOsqdGMj0PRMsDOkAu/lrCO5Fvj6c0YWj4AJVMzERlzBhccvaYI"
    "T16rS4vcpeI8ZFCxpYwlqNhSXbwhLYeh9oYqkf5z+L2FjCPauwkeWYBM8FP4HfBdolnd4F"
    "ukHZ5M634bmOgNhUF1QSZXjBrNZ/lhX8a3Ni3rg5H/NQ92F0x98yL2cVykiqrpNzYe/bUt"
    "1uf/YGJARuHr/bdLfbmNetMx8VwNbXqCG65e+kpTWUHou7j4e0agh0ye7N/poZAzn7zDmk"
    "WENHgzqdOdOVlpgJxyj5FmRf+/WGU+sJKMjtdLlX5S/De/7umrN0mUvVl9F0NrpjDlVPUD"
    "egXI012a4NUEQdAqNo4EZMda82qdjBYNTilc/klWXziq0mG7CFuljUfhvWquFqchQrro0a"
    "ksXie6QE1fp18PJDwGzYoAqQUhxtT61+SHf6eXwzaa70qaQf8860UdtQqPaYSzy1GoJd+k"
    "nFE6JE2oZoz71LuIQKY96afBY+DQV+NBauOc0kG0AQxGSO+bEnRtiRVmMfY2NbfI6P6lW4"
    "VfYcCb08I6GXPhJ6sZEgww3Qieq0fV6kw1r1w7n8aBS7b9LJRE8hxFld2lPLosOnh3kGxo"
    "zdJiIIk+y/u/CDiYbfN4Ue0Qhld4VPj0NqzeHx3ofHSxPLxdEPar0e+O1aIa+xs7/i0IfU"
    "Guz3wx5I0p5OK2HFBv/98GeBocXBD2o1yO+JfBNo+QYDLZsQvJIcQCLX4BRENKjTAJp4SA"
    "SNwn6MIbUDYI3SqJ8attLEiVY+TjQ2G5QAbN1uxoriGpwBDwi/9cLsDoyUDAb11QTxnx2B"
    "ezI4xf2M42tRHLkJhoJGP0r39q7i6pPD1Tu0+OYZ0Tsgl8VFQiyU219d9MsMra+m9TS5vx"
    "Z3dbeHbbq/uzesdzq9i9DLusv1nY0SziBwwyHMAc4p4D8G97yGlGQtNJMY3Lu52e8uFvSz"
    "d3HxyzVnu9edea5LZxzAMkfbGers1ijMJAY7IDQ77c4geiD4So/cfXNdKEy7sGN+E5Fdru"
    "Ej3WE//Yw95cDhkBP1qi2K4UPFbifHoWK3k3qoyJIi9tXC1qXaWpVOxIqUy6tWhiTR3+p/"
    "s8k47TyeJLtayUgi3D+cgozTXaOT2pRBEWpOd5i8exj+GR1Bt/eTm2g7sQJumgjPWhvwTq"
    "c7NxGzlYmY/Znmpmp22ONam14hDtm7tzydnwWvNt9N0Yxg7p0sTVhDSnYMws3Ny98GV3Nz"
    "0B1ARpGWl1Ry1b7g1pQPQZl5Z3JLjXIiyrFsy6hFlMJqPQi7ttp5jJwd7UlzPMdjy6/S4I"
    "AOOZm2P+YWW8oCJR0yP0BaA46skcHp2jOVGkiG9LtdupXGgleBFX1MyZ7GuKOmKFD+lbX0"
    "HFuV4FboCRocohTSduLkWKJVM1aUizrln2BrcCuwUaBhnKfwxVio90FXeL0Vtti56F32rr"
    "qDnkcSPUkWN9zNA5t44WPFC7MBn+osnWXoiCg2rh77uXo0h/7NeWpVdmKH3bt7zK1Y/LLU"
    "hM1Y4o2qGb9sGbvRNdeGLB31xG2ERwIe4ba5B7RKc3DGNTGw0E1/TvYa7jU6/X6uOMV+Rp"
    "xiPx5nTt+U7h2K/lhHVK+GeJf/kx32JQkp15Vk32obUa1T+EYZF9vS/ceGFg7FhSYnTBcC"
    "/J6Ca0yxFh056wRl9KeQbW33DlDuJ+M/3OxRE3zjIt24SDf+vMflSo2H5InbrIdQR9K6lc"
    "COnJSzLEoE/DyV+d3It8J5jmY7ZV5TBX+IO6BSi83JK7AaNqgKIOxkryG6R7m6iT6RJF4y"
    "ke7UElA5yKulami/hltLbIfwmovZy78VukfY"
)
