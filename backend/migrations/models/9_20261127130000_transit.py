"""Metro invoicing: trips, bound cards, per-issuer transit settings, invoice details, invoice
lines, and the unique trip rows of valid invoices (the exactly-once rule).

Carries the SQL of SQLite and PostgreSQL and picks by the connection it is given.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQLITE = r"""
CREATE TABLE "transit_card" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "card" VARCHAR(32) NOT NULL UNIQUE,
    "bound_at" TIMESTAMP NOT NULL,
    "user_id" CHAR(36) NOT NULL REFERENCES "wx_user" ("id") ON DELETE RESTRICT
) /* A transit card bound to one user: trips recorded under the card are that user's. */;
CREATE TABLE "transit_invoice" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "buyer_kind" VARCHAR(16) NOT NULL /* PERSONAL: personal\nCOMPANY: company */,
    "buyer_name" VARCHAR(100) NOT NULL,
    "buyer_tax_id" VARCHAR(18),
    "tax_rate" VARCHAR(8) NOT NULL /* NINE: 9%\nTHREE: 3%\nEXEMPT: 免税 */,
    "net_fen" BIGINT NOT NULL,
    "tax_fen" BIGINT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "user_id" CHAR(36) NOT NULL REFERENCES "wx_user" ("id") ON DELETE RESTRICT,
    "receipt_id" CHAR(36) NOT NULL UNIQUE REFERENCES "receipt" ("id") ON DELETE RESTRICT
) /* The invoice detail of one transit receipt: buyer title and the tax split. */;
CREATE INDEX "idx_transit_inv_user_id_ae53f5" ON "transit_invoice" ("user_id", "created_at");
CREATE TABLE "transit_settings" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "tax_rate" VARCHAR(8) NOT NULL /* NINE: 9%\nTHREE: 3%\nEXEMPT: 免税 */,
    "max_trips" INT NOT NULL,
    "window_days" INT NOT NULL,
    "drawer_id" CHAR(36) NOT NULL REFERENCES "staff" ("id") ON DELETE RESTRICT,
    "issuer_id" CHAR(36) NOT NULL UNIQUE REFERENCES "issuer" ("id") ON DELETE RESTRICT
) /* One transit issuer's invoicing settings, and the staff row that signs riders' invoices. */;
CREATE TABLE "transit_trip" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "ref" VARCHAR(64) NOT NULL,
    "rider_openid" VARCHAR(64),
    "rider_card" VARCHAR(32),
    "entry_station" VARCHAR(40) NOT NULL,
    "entry_at" TIMESTAMP NOT NULL,
    "exit_station" VARCHAR(40) NOT NULL,
    "exit_at" TIMESTAMP NOT NULL,
    "fare_fen" BIGINT NOT NULL,
    "channel" VARCHAR(16) NOT NULL,
    "imported_at" TIMESTAMP NOT NULL,
    "issuer_id" CHAR(36) NOT NULL REFERENCES "issuer" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_transit_tri_issuer__8bf585" UNIQUE ("issuer_id", "ref")
) /* One trip as the fare system recorded it; never edited once imported. */;
CREATE INDEX "idx_transit_tri_rider_o_d6acc1" ON "transit_trip" ("rider_openid", "exit_at");
CREATE INDEX "idx_transit_tri_rider_c_f895ce" ON "transit_trip" ("rider_card", "exit_at");
CREATE INDEX "idx_transit_tri_issuer__99ed7a" ON "transit_trip" ("issuer_id", "imported_at");
CREATE TABLE "transit_invoice_trip" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "receipt_id" CHAR(36) NOT NULL REFERENCES "receipt" ("id") ON DELETE RESTRICT,
    "trip_id" BIGINT NOT NULL UNIQUE REFERENCES "transit_trip" ("id") ON DELETE RESTRICT
) /* A trip on a currently valid invoice. The unique trip column is the exactly-once rule. */;
CREATE INDEX "idx_transit_inv_receipt_fc232f" ON "transit_invoice_trip" ("receipt_id");
CREATE TABLE "transit_invoice_line" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "position" SMALLINT NOT NULL,
    "net_fen" BIGINT NOT NULL,
    "tax_fen" BIGINT NOT NULL,
    "receipt_id" CHAR(36) NOT NULL REFERENCES "receipt" ("id") ON DELETE RESTRICT,
    "trip_id" BIGINT NOT NULL REFERENCES "transit_trip" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_transit_inv_receipt_0e1c08" UNIQUE ("receipt_id", "position")
) /* One trip on one invoice with its share of the tax; kept after a reversal (history). */;
"""

POSTGRES = r"""
CREATE TABLE "transit_card" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "card" VARCHAR(32) NOT NULL UNIQUE,
    "bound_at" TIMESTAMPTZ NOT NULL,
    "user_id" UUID NOT NULL REFERENCES "wx_user" ("id") ON DELETE RESTRICT
);
COMMENT ON TABLE "transit_card" IS 'A transit card bound to one user: trips recorded under the card are that user''s.';
CREATE TABLE "transit_invoice" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "buyer_kind" VARCHAR(16) NOT NULL,
    "buyer_name" VARCHAR(100) NOT NULL,
    "buyer_tax_id" VARCHAR(18),
    "tax_rate" VARCHAR(8) NOT NULL,
    "net_fen" BIGINT NOT NULL,
    "tax_fen" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "user_id" UUID NOT NULL REFERENCES "wx_user" ("id") ON DELETE RESTRICT,
    "receipt_id" UUID NOT NULL UNIQUE REFERENCES "receipt" ("id") ON DELETE RESTRICT
);
CREATE INDEX "idx_transit_inv_user_id_ae53f5" ON "transit_invoice" ("user_id", "created_at");
COMMENT ON COLUMN "transit_invoice"."buyer_kind" IS 'PERSONAL: personal\nCOMPANY: company';
COMMENT ON COLUMN "transit_invoice"."tax_rate" IS 'NINE: 9%\nTHREE: 3%\nEXEMPT: 免税';
COMMENT ON TABLE "transit_invoice" IS 'The invoice detail of one transit receipt: buyer title and the tax split.';
CREATE TABLE "transit_settings" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "tax_rate" VARCHAR(8) NOT NULL,
    "max_trips" INT NOT NULL,
    "window_days" INT NOT NULL,
    "drawer_id" UUID NOT NULL REFERENCES "staff" ("id") ON DELETE RESTRICT,
    "issuer_id" UUID NOT NULL UNIQUE REFERENCES "issuer" ("id") ON DELETE RESTRICT
);
COMMENT ON COLUMN "transit_settings"."tax_rate" IS 'NINE: 9%\nTHREE: 3%\nEXEMPT: 免税';
COMMENT ON TABLE "transit_settings" IS 'One transit issuer''s invoicing settings, and the staff row that signs riders'' invoices.';
CREATE TABLE "transit_trip" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "ref" VARCHAR(64) NOT NULL,
    "rider_openid" VARCHAR(64),
    "rider_card" VARCHAR(32),
    "entry_station" VARCHAR(40) NOT NULL,
    "entry_at" TIMESTAMPTZ NOT NULL,
    "exit_station" VARCHAR(40) NOT NULL,
    "exit_at" TIMESTAMPTZ NOT NULL,
    "fare_fen" BIGINT NOT NULL,
    "channel" VARCHAR(16) NOT NULL,
    "imported_at" TIMESTAMPTZ NOT NULL,
    "issuer_id" UUID NOT NULL REFERENCES "issuer" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_transit_tri_issuer__8bf585" UNIQUE ("issuer_id", "ref")
);
CREATE INDEX "idx_transit_tri_rider_o_d6acc1" ON "transit_trip" ("rider_openid", "exit_at");
CREATE INDEX "idx_transit_tri_rider_c_f895ce" ON "transit_trip" ("rider_card", "exit_at");
CREATE INDEX "idx_transit_tri_issuer__99ed7a" ON "transit_trip" ("issuer_id", "imported_at");
COMMENT ON TABLE "transit_trip" IS 'One trip as the fare system recorded it; never edited once imported.';
CREATE TABLE "transit_invoice_trip" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "receipt_id" UUID NOT NULL REFERENCES "receipt" ("id") ON DELETE RESTRICT,
    "trip_id" BIGINT NOT NULL UNIQUE REFERENCES "transit_trip" ("id") ON DELETE RESTRICT
);
CREATE INDEX "idx_transit_inv_receipt_fc232f" ON "transit_invoice_trip" ("receipt_id");
COMMENT ON TABLE "transit_invoice_trip" IS 'A trip on a currently valid invoice. The unique trip column is the exactly-once rule.';
CREATE TABLE "transit_invoice_line" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "position" SMALLINT NOT NULL,
    "net_fen" BIGINT NOT NULL,
    "tax_fen" BIGINT NOT NULL,
    "receipt_id" UUID NOT NULL REFERENCES "receipt" ("id") ON DELETE RESTRICT,
    "trip_id" BIGINT NOT NULL REFERENCES "transit_trip" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_transit_inv_receipt_0e1c08" UNIQUE ("receipt_id", "position")
);
COMMENT ON TABLE "transit_invoice_line" IS 'One trip on one invoice with its share of the tax; kept after a reversal (history).';
"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES if db.capabilities.dialect == "postgres" else SQLITE


async def downgrade(db: BaseDBAsyncClient) -> str:
    return (
        'DROP TABLE IF EXISTS "transit_invoice_trip"; DROP TABLE IF EXISTS "transit_invoice_line"; '
        'DROP TABLE IF EXISTS "transit_invoice"; DROP TABLE IF EXISTS "transit_settings"; '
        'DROP TABLE IF EXISTS "transit_card"; DROP TABLE IF EXISTS "transit_trip";'
    )


MODELS_STATE = (
    "eJztXX1z2jge/ioaZm6azrCdhLw2vbkZktIr2zTpENru3rJDFCyIJkZiLTspt9fvfpL8gt"
    "+xwSTC0T9psfUT5pFkPb9X/d2YUgOZ7E2XMQdZjVPwd4PAKeL/id1pggaczRbXxQUb3pqy"
    "KV60uWW2BUc2vzqGJkP8koHYyMIzG1PCrxLHNMVFOuINMZksLjkE/+WgoU0nyL6Tz/LHn/"
    "wyJgb6gZj/cXY/HGNkGpFHxYb4bnl9aM9n8trXr933H2RL8XW3wxE1nSlZtJ7N7TtKguaO"
    "g403QkbcmyCCLGgjI/QzxFN6v9e/5D4xv2BbDgoe1VhcMNAYOqYAo/HPsUNGAgMgv0n8Of"
    "iX92ihZsPh5VV/eN3pD4eNEtiNKBG4Y2ILoP7+6fa7AERebYgvOP/Y7u3sH72WEFBmTyx5"
    "U8LV+CkFoQ1dUQn6AuV7/vuSOJ/fQatDnKnEussfA5IRSmDuy8ZQ5w+9Ct7+hQXgi8nmQ+"
    "mDVRzexser6y/dfvviFNxRNsM2NAek32tfXnf7YkghYdgekF6n+/nsa++60zsFFsLTW8di"
    "7uRfPjCNKfwxNBGZ2Hf8495RzkB9a/fkWO25Y0X5qnIX26V3pyVviSFbDJH8N3WI0peC31"
    "7lYSk862Pg7u4WQXd3NxtecS+K78hCBrY5gEYpmGNi1aC9/KXzdFifFIH6JBvpkzjQFpqI"
    "JyqB8UKihpO5yIsi+z2ReE3w+SiQGEI7ifB7fsfGU5Q5k0OSMaQNT/SN/59txJ3/QOOKmH"
    "NvQeUA3+9+7lz325+/iK+bMvaXKfFr9zviTktenceuJkYp6AR87/Y/AvER/OfqshPfn4N2"
    "/f80xDNBx6ZDQh+H0Aitff+qj9pPQZnG96HtXFy4haP7R2gZw8idxfTge/h4nJwZZ57Yh0"
    "89ZEI7fbV5rPHa72LLhv+nP+H9q4tpEH45jRDvmq0HUc/tpa4gMcSflVPBalC69nqrK1oB"
    "kZwiwomCCfF0beBCPZ6LDgtg571Gtgo63sVsTaz6vIs6zSzxkqctmvXaj96Ksls+WTA0s+"
    "G8IqhP+Z/loLqGg/NInzWcfg/IwmM8kmAMLcdMUQzKY/ct1GnP67OG2Hk69ZAh2+ad5azi"
    "4tD13T6vQ13WBDmxhqetaWxVTyGBE/mUojshHKFgKRa9gJtlG/QCBqjtefW152ljUaBfHx"
    "axFR1mm4oOE5Yii6btBMWMpb6sykA3ztvXH7vCBjqC7A4ja0CuvnR67f4Vv0Rn4gmplWUs"
    "HZD2+8/dy1MAjSkmaphO79F8eMd/SpkVEZapnVHv6KCI0ekg2+p0oM1OL9XsFFVtH+j9Sq"
    "Melaxg1NVkeqoPso9J7ii7LuBhSeYWFqqSwKk7sEv4WsJeG0c4Ce8HyjfWCfmE5glWkaeY"
    "by+sCc2IX7bgY6BHRKcV//38VyNbItDj87zXPe83fhaxg2s7bwEdHj0gUhFEHdHV1r7G82"
    "HCBprOqI3IaD7k84paxpqYdRcd9mR/dZ1g2jS+tn3N4K9H/kKkazr1ypvWtmbClbKYlzTE"
    "XWCCujaaNlJsccG9Zp45zuSththvVqlJ7g9/l/MICZad/LmOpe4MT7rELmGrw8m3vrfa1F"
    "WVJ+IRfnnbau3vH7d2949ODg+Ojw9Pdk94W/m8yVvHObTwrPvv7mU/St/FhXwLXjBeiTG4"
    "nkLTzByFsNzysdiCde0Nx37r+CgYAPEhD/Lrz+2LCx/jkJGC/+oJteZl7EBhGZWNdquGd+"
    "k4xS2LU/zLgcTGdqlJHJapIc6tIjC3slFuJUDmvzPFpJUNsN++huDuFZvDOVM4Di6cUofT"
    "/TFK2dzyCEZUrk6b25NwjYTxo6RFLyqlTXr5Jr0Q9V7Tplc/I1MzZtSLzqzSVr1NKng++C"
    "n6XWhcstW70DSoWrlbGI395APiTG/5lbiGF24q/yfdLrzRH6mSOmxDp2FtKrLgc+d991xk"
    "YU2RgUdpSViNVShK5UpM6SygStN/npuURMAtkv+Tnf6TyP7x3jQlsF1I1BDd6tn16A6N7s"
    "unsUWkagh0xWlWi300AXJ+4ENEsIbRLnUKfOA7re2kOKSKbcgL6adbTo0HaGJ/0hXelb+1"
    "L7rvT4GUFXF93zq96857EdX3gCyGDDX2ZPdpoDm0EGRlE0gToiuNiWKOwrgVrJgZLM8Olt"
    "hNZnCOrGFZm25Uqoa7yUYsuy5q2BiW50gpovWb4NWnoruwoSnEKWlRy9AOxOqHdOuwSIAw"
    "b5X9KjlMhAi7qM04VCu8SwKxGoJduffiAYvIEAnRitwl2oPCmDeuvva/tPvdzmX/FFDHnk"
    "EbI2IPSPcyuIyJd1UNHuNiW/4dH5dTeFRWXAkHRVbCQfZKOEisBAPNoGVPvbEvinRUqn44"
    "V58S5c5N/jKxMhTivCkdiOWpw9uHeQ7GQrtNRRCl2X+X4YdSDb8vCj2b2ly7K+1Rjohph/"
    "LKDuWxQ4zy6Ielng783VohT4U/sDz0ETGN/WrYw9FoxUCWqKDGfzX8RXZyefDDUhr5FZHX"
    "2b4vMNtX54FWFAASK8dXEtGwjAY01UmEWOnYxojYGrDG1ahnTWXRycrKJysn3gYVAFu3Cp"
    "1xXMNvwDVywIPUuzVzTsOJfjVB/LnTwLcSJzaC/HfTe0TWBOuad9QX/dQVKRMZE+FBJbyv"
    "davIXsi+OryreV3h4t040yrWIP+NFjLee93VFa5I2U5paVkTuHDJznPRX12Rw+SB4hFXzy"
    "sovNv1+qpbAd60IgyCSaxdp1h25aEmKEWdQEum6CRVtiR+fmXYyhOlVFTSCmRJRXTUIsR3"
    "CeTG8DYljbh8Xd7VgVd1vkacW9Q0PLJSCVofZH9FCcs2IpZS1qeaafbCavt423EV2EW3lx"
    "rhtlo+p6uHZid1Bnrq0szOIQqaLsvvFPsZYDaaAUwABF4Hrxh4vOO0HN5Sx2ZgZ+Ac7t/e"
    "8r8He3uvT4GbL9IMYvGbABID8OFGlqjFS8QVJiLenNZu66gRA/OJvnJ5PfBILSKRfarLDi"
    "lZdig7aDQjgmadEFHV6Gs0Sm6/VSBKbr+VGSUnbsUCBkq7S2vrJt0St6iPSa5f1EB2agLB"
    "r9dXl1kBpnZ67oCBRzb4HzAx2142nTamAorIcPrLZOdz+7f4Cjq/uDqLj5Po4EyXMam1R3"
    "p7prMuC6NMWZjn9J+qOWE36z59gmI7wYGA2fpZ+MzA5SoaC7deqqX17xBXdpgNBs7x26OT"
    "gXO0f4SEijQ+5ldOdvfAHdeHkCHSjcCYcp2I61iuq18qSlGxA4T2XbE3CeVsY980IANyKR"
    "OFGIAWAqJIMAG3c64FjixpPuFPAOw7zIBFH/lVhg3EP7u9y3vCXgBlOR2u7FGhO1LTRMYv"
    "YqQHRD4EmOAHxADmKqSblQTETflkoisfda5/wjkDEzgzEWNvMvTFRD2jterUvhRtsbV3cH"
    "xwsn90ECiJwZU83XC5HqgL4GyqAI5Y8JnZf3mGjpigjl1eLXZZR7HqAEFVmNh6p5lskoot"
    "QpBSSFgkPinnpMkgHqoY8WoD2ZiTB2hLQzMDNzceh7u5eQe8M6PcVkzSCp+boBkfDz49AD"
    "PxDPDvBbecz1AzUbpmI18yIGOLTjnxAfyDIGlZJGcdSqNt4E9mA/enbGEjuC9Qu4MCq7eB"
    "69ShbOjrmzqkDwp8CY4QbZDXBmSV6LXCdcWTR7yl8OzUc+Cy+XbyHLpCvDsb9lQzXWBkv0"
    "dzfZjUdjBaMVQl+KzXvIa2vNbhYQFCy1vlFLY7TBYm5b+U2aWPGI/L1RDv6g8ad6vqZtS3"
    "zj8aLSZap3o/VZyOxinIjHeOhrfUSHld9NGPDFwTgrWYyHnEvPNbP8LJE9EsAS+/uLr8t9"
    "88HuKiFWOtGOsCEJtVl3RK/ZbHhLjpvWcOMczUgJDI/WbuSbtu0vHtommlmpHWhLZBE5K/"
    "veQA+CLVEMYXMwihAGk+GmmYE2jNMwKkPYkY5LdzG23x2eSpCHrBzgFX4VTyrHvZ7v2eTi"
    "bPUoKjz37vd9pp++BzvrLPxYlCM4rT86wSbYq8ukfR5ksdyp0HZM3BQkqGpZl0Ahjf+2UW"
    "E5UeW4b/i1xXL5hZ9EF8q4xig46B5TMkQ/eq7VpvJ0q/ybK3EzG85fD3JfRmsuJmQqidCn"
    "n2ZuJL6M2kzGaibRPFFkG9bBNqUQgqdlNoO1aO6hduVIhExNoXCEt7xDZBjL1iICQMRNEX"
    "QInc+UNEgI5lmL5tISR3/yR3qKLDdNect7d43WvvnEo7mLok4rnfoM9CI/w1ksA9218XEq"
    "mFh+MJjg80cdphX9muJL99LfDVHiRlhkKztM2xNLeSVSY/CwpdLWVmQYWtopV0+PwTuYyA"
    "94xknqRNfTvMO3Bzg42bG4DdBEXRQOQ1YqMpS+FICUAtA1lJglZ579q+ozQryKFm/iwoZ3"
    "GIiGmzQ3w7K2p2YNAsC7wnoTFfFfOgnFlRVhwI1IKzbTr9xURwPFzBCRmVW0nvU6roqT63"
    "SLWJXy+GrNNSVtlUdFrKC09LcVW2Ps6LtZJ3mwX0OdtvWHEGiskphyye5+6H2sqt0F6brU"
    "oFo1YmZD8QqpOlu4pg/eePY1MDSx3Jpgx5qG0k23fP75O5I35fOIaWboohJ1KxUnTC1wcQ"
    "HN35XmO3ZJzrOEbGqbRJ+qFmwlksPhP0wwZefpmwW2I7vfpclZ1XbOR8Kdvyxkq4yX8TsG"
    "Ybcvz2tStishHP5jY47be/cJsi+4BbiOzcQoYonQnNtK0g0SZ3N/Aqf42izQttCK7oKwa+"
    "vP8gw42F5+kezcEOQ5DvMsARx7x5JTitBywqcCL+RfZrGXks/FUjZNnuiWYIiNJVqXvDBr"
    "5nQERrA81MOpe+tfO23joU3DrcAR6mlg3Idb9E5DTlLUN5I3bqxbpJDkB29ExMrBYOGR1E"
    "o8xQ1NhFoFZRWBWOI6zCPVCGrC0vH1vyNMjVi8eqAH/1pWPXrMwfOzo4tTR/8njhvNr8bu"
    "uhEW5eIBjftUxIUgqZZJ7IEGVb3e4AnHDQAOVvKXHGGQE3N+IQMy59cwN2BPtcnIEmo3Re"
    "gyl9QCwtSn+D35Tq1wj50O755NOODXX00DyyLMcqgX9OdS2vfS3oWdTSsndUwNCyF9/nF3"
    "YWcStKx7wlVQbfkEgNIa6+ohay4aQMvn57DW4BcGdGSvWZPBXaE9C6c3NV3VkrcC9QgdMx"
    "XjrGSyX1TOEYr69MKhwJ/U1eb+bpbI8/ho7fqICmNsUE/zKz6MSCUyAEmzKReeYdI81XV4"
    "rSVUyoYodBjo3nGYw7jX+OHSKPXgPym8Sfg381lHtVNHOUInesytDKhUTtHNDV00r+K2lJ"
    "fEMiKwGs2LkJm0ZY08iXQiNLmK3DHlImjAwp9QPOPMkPn3rIhHa6JSK05V67PW3hPMjiQp"
    "F1NKam4eX2YrQmXB9kX0FCcR3hkueuYns44pCsiVbf7eocuudA1BktTB4oHq07vTzAum5n"
    "dcJs0+qE/w7L0CpCr7hc5YKF2hUqAWDSCSangDqWe17fKwbEYQpN8B1xIiQ9L26XIiSlKc"
    "OSpKtGeGfcYwCZTWcMPFLrngObXglgE1+iCwJsqbNHDmjpkz6iUlq/Wcq+QyuqDM4xsRp6"
    "KPZaRY6j5q2yfWytxJHUWtdZtqWqrtv4mOTayNGPGebdrTDMUUk9zEoPsz5r8yWMsjCNl/"
    "R2hUS0qyvf1eW7Odb0c/kule2EdKmTKzShlPJwhe1EKSppzIyUrZKGbFcF69K1/aA/cI/4"
    "H1ELTjqxuJLodvYG9NCUPshicTZwIWNcVcQMWPSxCQh68HJqvI7SfGQb+Y7lKukfwbLg7y"
    "l3m/hTq6lKqqnBAJVkAGE5TfM0AdjyQV3qwFY3gEiFJATNqbadUxUI3iqZVrNG6JYKU3oD"
    "gVtrJtbg6a1jMVkt9tyEeJrGWFNa5RJXK9x+OAoElvLX75z5IRlw5XNMMR8MJlhmpNN3gH"
    "cmMrgdYmMTMDpFQmqMLWYDk47uWWrNkQ30X4S3zqBlSwYvE3E0a1WUtbqjkxgAYe/vEGea"
    "eENFbf++sMpW/0b7W7t70T676JwC+ACx/PoBubg6/9R5fyonNjIG5Pzi6lp8HpmUISO+ip"
    "4nE8d9thV0ioigNiqqrFO4820VP1BYUI+xymPszIwVnX1RSW0eUHqYJeUpqc2GZdbQZbdn"
    "8ZawD4QPSC+KZ1hG46ntLRuANMfeEig9axpcChfSUHOeLtX4w2+9DH0/8SKoANZrv596oh"
    "p+92lDVv0NWd+Q5ZYe4z/nnDrpJWKSjZp5ZqyHUHP+g52iRWI+0kfAH3QOBA9lAAbGpkfI"
    "gNspMsRJq8KkZMA52Dm/wwTK5q+TRqv1u1tW7oUL6Wov22GjEkOVgF/oTenge83zlKV6KU"
    "pC+YmHl/orNwpa5oQN2tepUP2atTrVJc7qTkVd6UBNnvFkcWBhutFz0s+0SbQpzkgsv/ny"
    "sDCyqKYspMCYWi5zmLtRWsznFOwU7AMOoPCBMbAzcA4Q2h84xye7e00wcA73x8eLT0cnrb"
    "2B8xaejNxrrwHvFpomOExwmCd/ggHZ4VhQITHe3eV33x6d8PaH6JD/Pd4byzwpLrpniA5O"
    "3hqv34C26/KbIkgY2G+KqnuYgF8xJBPmNMFHRCCRch8d/j9dOVrBytH+xElCm3/QT1iuTt"
    "t+FWf9aIv9Krv/1lnsdQ1iXYNYKfgVq0Hs5eUbff6L0phc5H4ui4uVDRjavkSB+H7RVth6"
    "IBg5lsW3LHMOHqCJDeD19gaIwzPcgXRbu6tVnBUvYu7RD/4N5vwXymeOpGJpEf4b+pYisV"
    "K+7qODpNQ0QGn9fwPeSLGCUhHNm9choWoo6wuZ3drwoqbhJboc1iY//j68VaugKPihtb9x"
    "4hMu5JTCe2J1npbTnpHfshDdkTJAyIBb6hBDnPgoHF0iUeFUUg9pOqKWETkSTApAi5OTO2"
    "h7+YnpTKfqL9C1dRR+9+cxG39eJqO/M/xEXvva1dPZbxUI3t5vZQZvi1tRfiMX1goGpLCc"
    "Nh8pbT7S+aA6efG5WZGqBSFilR2zSVSo9mNh81ExKiVPVHUFgIFsiE1xnLbgOT4D8vj8Kb"
    "h15oLjYNtE0tslCwnCH4DNzKxzvCvpeUAGpMc5liXqQzBoBh5BwJmUCHuij5yb0aY4K/wO"
    "EDSBNn7gHU1FvAZrAkY5geN3ZvzJeHsT3xe3OvnrK1RQTBug1KRpchINs0+9Wp6qF+1B6X"
    "y9L53e9dVl++JUnEDAKIHmgJxfff7Svvz9FIzodAbJPL4inyc/zwW17KHvUSmVh2JFLr1X"
    "6PD3vZzD3/eSh7+7qPE3ZyrhWob2Qq5+hfj3CpWnzKlOmShOKdCy1sgLDsurPL8bl93LDn"
    "+D/2NA+h97Hf7fff7fzm8drhWcijCavQNj4BzDXbTK+6bIsGSPSmJQCLKHY5RyLF/eNhwS"
    "qlOIx5Nsx9H1UBr6kJCGfmXodZ3czAHRlhRtSfEhUjxgXQX/kjZOVQ6prqyluMv0iRMSox"
    "a9C0wK2P1kq2aZ0DHTlyh0Xokf1iWMc77JThrTRPw9uxPeTDr2rXLv3PqucGwjSyYdela5"
    "nTvMbGrNUzIVN/Qdy9IX+dsKy5+pcxgV4q3ZFrxgvBJjkB+kH5arkxpRRZC+1oi1RvzyoF"
    "eN26tBRWsRjPpi5rMOR306eh+f5hUgu2qY6ZbAWjLQ9KlDKq6RbfOf6a6zdN0qaNIsolix"
    "cOuCSpUb5RDkN7taj0hr9jtrBtEOsiyRG8kgwkYZn2oMWNjgas8rX11KiVPd4PfoDGa1Mp"
    "i309/YePuPRjnAt8rfKPqWkeAlJnxE5uk40eGu0hN/gekj/xX0cWjAeRlUY1JPh+veybYA"
    "a/ANvLQHKSKkVaIYpDo3frMeJHf2VcDGi1a1VHSaLqXjkWVaqRtJlxxQr+RAVqmB4iUGip"
    "cWCHw30M3gHwtPDZszG00X6W/Yfucd34cMbMuqkyME8HRGLf4pxyG0ZqepHqDFjLXQOOH7"
    "+aMh1Z0hnSHiDhf6wQERgd1N4N/0U7gitxb9+s+gw8Gf2+SbV48gpRpydgis11zlSMwVQ1"
    "+PDgroPOKo+2a60iNuxazrsQVUGOOYXP3CjDeFddkU1KhU/XCuPhNVHqY7FIc1pTqgs6FO"
    "CNbwFXJQJFfhIDtV4SCRqeCiVj5gNSynw1WVDleV3GmVBRWT0+upyHryiGrZ5bQQ06tJ6d"
    "UkNKTy0SRhKe1+Xz3B4g4Sgswyb7GQSA1fYNWniYZV6pIvsZiofpEp/SJTy2Su7sCubjTP"
    "sthu7oQtRWGt3mqbhXgo6j7FaXnmiX/41ENmFq/NDfyvCf4/S0X+JPBNs6d6or43YjnA8X"
    "K822UGyUW2hAehjSw8umuk+BC8O808LwJctFnmP8j+ZTrASK0AI5FiU1JVD4nUkOS2Dg8L"
    "sFzeKpPmyntRnisWVQmEveY1RHcjBVD4N9oo7VCvX6+vLjMUtYVIXHPAIxv8D5iYbaOmnA"
    "OuACOiLviY7nxu/xaH+/zi6izOQUUHZ+uearCuO/zn/wFjhz4A"
)
