"""Verification and reimbursement: reimbursement claims (one per receipt), per-day verification
counts, and each issuer's verification rule.

Carries the SQL of SQLite and PostgreSQL and picks by the connection it is given.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQLITE = r"""
CREATE TABLE "reimbursement_claim" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "state" VARCHAR(16) NOT NULL /* AVAILABLE: available\nLOCKED: locked\nCLOSED: closed */,
    "locked_at" TIMESTAMP,
    "closed_at" TIMESTAMP,
    "updated_at" TIMESTAMP NOT NULL,
    "party_id" CHAR(36) REFERENCES "issuer" ("id") ON DELETE RESTRICT,
    "staff_id" CHAR(36) REFERENCES "staff" ("id") ON DELETE RESTRICT,
    "receipt_id" CHAR(36) NOT NULL UNIQUE REFERENCES "receipt" ("id") ON DELETE RESTRICT
) /* Where one receipt stands in reimbursement; absent until someone first locks it. */;
CREATE INDEX "idx_reimburseme_party_i_95ed49" ON "reimbursement_claim" ("party_id", "state");
CREATE TABLE "verification_count" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "day" DATE NOT NULL,
    "count" INT NOT NULL,
    "receipt_id" CHAR(36) NOT NULL REFERENCES "receipt" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_verificatio_receipt_0848d4" UNIQUE ("receipt_id", "day")
) /* How many times a receipt was verified on one day (China time). */;
CREATE TABLE "verification_rule" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "elements" SMALLINT NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "issuer_id" CHAR(36) NOT NULL UNIQUE REFERENCES "issuer" ("id") ON DELETE RESTRICT
) /* An issuer's rule for verifying its receipts: 3 elements (代码, 号码, 校验码) or all 5 */;
"""

POSTGRES = r"""
CREATE TABLE "reimbursement_claim" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "state" VARCHAR(16) NOT NULL,
    "locked_at" TIMESTAMPTZ,
    "closed_at" TIMESTAMPTZ,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "party_id" UUID REFERENCES "issuer" ("id") ON DELETE RESTRICT,
    "staff_id" UUID REFERENCES "staff" ("id") ON DELETE RESTRICT,
    "receipt_id" UUID NOT NULL UNIQUE REFERENCES "receipt" ("id") ON DELETE RESTRICT
);
CREATE INDEX "idx_reimburseme_party_i_95ed49" ON "reimbursement_claim" ("party_id", "state");
COMMENT ON COLUMN "reimbursement_claim"."state" IS 'AVAILABLE: available\nLOCKED: locked\nCLOSED: closed';
COMMENT ON TABLE "reimbursement_claim" IS 'Where one receipt stands in reimbursement; absent until someone first locks it.';
CREATE TABLE "verification_count" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "day" DATE NOT NULL,
    "count" INT NOT NULL,
    "receipt_id" UUID NOT NULL REFERENCES "receipt" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_verificatio_receipt_0848d4" UNIQUE ("receipt_id", "day")
);
COMMENT ON TABLE "verification_count" IS 'How many times a receipt was verified on one day (China time).';
CREATE TABLE "verification_rule" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "elements" SMALLINT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "issuer_id" UUID NOT NULL UNIQUE REFERENCES "issuer" ("id") ON DELETE RESTRICT
);
COMMENT ON TABLE "verification_rule" IS 'An issuer''s rule for verifying its receipts: 3 elements (代码, 号码, 校验码) or all 5';
"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES if db.capabilities.dialect == "postgres" else SQLITE


async def downgrade(db: BaseDBAsyncClient) -> str:
    return (
        'DROP TABLE IF EXISTS "verification_rule"; DROP TABLE IF EXISTS "verification_count"; '
        'DROP TABLE IF EXISTS "reimbursement_claim";'
    )


MODELS_STATE = (
    "eJztXW1z4rba/isavjQ7Q3cSEpJseubMkITt0iZhD7Db9pQOEVgQT4xMLTlZnp79748kv+"
    "B3bDCJcPQlu9i6hbkkS9f9qn9qc1NDBnnfIcRGVu0C/FPDcI7YfyJ36qAGF4vVdX6BwrEh"
    "muqrNmNCLTih7OoUGgSxSxoiE0tfUN3E7Cq2DYNfNCesoY5nq0s21v+20YiaM0QfxLP8+R"
    "e7rGMNfUPE+7h4HE11ZGihR9U1/t3i+oguF+Laly+d64+iJf+68WhiGvYcr1ovlvTBxH5z"
    "29a191yG35shjCxIkRb4Gfwp3d/rXXKemF2glo38R9VWFzQ0hbbBwaj9a2rjCccAiG/if0"
    "7+7T5aoNlodNcdjPrtwWhUK4DdxMQcdx1TDtQ/351+V4CIqzX+BVefWr2D49N3AgKT0Jkl"
    "bgq4at+FIKTQERWgr1B+ZL8vjvPVA7Ta2J4LrDvsMSCeoBjmnmwEdfbQm+DtXVgBvppsHp"
    "QeWPnhrX3q9j93Bq2bC/BgkoVOoTHEg17rrt8Z8CGFmOi0lmsAanP4bWQgPKMP7OPRacaA"
    "fG31xJgcOWNisrfHeanu3DsNcYsPzWooxL+JQ5E85b32MsOfe3ZHwD08zIPu4WE6vPxeGN"
    "+JhTSdMgC1QjBHxMpBe/3i8nJYn+eB+jwd6fMo0Baa8ScqgPFKooKTOc9Ckb5OxJYJNh85"
    "EiNI4whfsztUn6PUmRyQjCCtuaLvvf/sI+7sB2pdbCzdFyoD+EHntt0ftG4/86+bE/K3If"
    "BrDdr8TkNcXUauxkbJ7wT81hl8Avwj+G/3rh3dh/12g//W+DNBm5ojbD6PoBZ4972rHmrf"
    "OTWaPga2bX5hDCePz9DSRqE7q+nB9urpND4zLl2xj7/2kAFp8tvmssO+18WeDf93b8J7V1"
    "fTILg4TRDrmmwHUc/ppaogEcSelVG+clDqu71VFS0L6fOxbRE0R5gRBQPq862BC/R4xTvM"
    "gZ27jEgPHV/FzIaZtq6Fb4XpG0NDh0Y6tl2MBib7sx5hRwO+CvVZEXzDU3POH88aEUQp76"
    "0E6Hpun/1VlxVE7glZ+lSfCCxGlm0k6AzFofsa6LTn9lkR7Pg7PG/MI2/1HGI4E0/Ju+PC"
    "IY6RYJryyUe6ZcqnOMowVV3DlLKG+ApkM48xpJluC2nGTCGWmbSe5bP6ebIyA127avU/dd"
    "q9CzCB5EFH1hB3P7d7rUGXXTIX/AlNdq3X7txefun1eUOfxLHrrevbzt0FgBrb6OSwDT6i"
    "5eiB/ZQib0RQpnJWq9OTPFaVk3Szyomyq7xVu0qYID+ZjxuNeliyhFGXk+nJPsgeJpmj7P"
    "gyRwWZW1CoTAIn78Cu4Wsxg2QU4Ti8H022sc7wr2gZYxVZivn+whrTjNhlCz77ekR4WrHf"
    "z341ogKBHpvnvc7VoPY9j6FXGTJzaPHoCeGSIGrzrvZ2Gc+GSdfQfGFShCfLEZtXpqVtiV"
    "ln1WFP9FfVCaZsv7uz/RY0Kd3oGHUomtcSrEr+vXqWYclgrUa616xU49Kf3nrtbq266OSv"
    "bWxOl/qsg2kBq5MeX7/ceSOv0jfjj/Djh0bj+PiscXh8et48OTtrnh+es7bieeO3zjIIzm"
    "Xn587dIExE+YVsW5Q/XrEx6M+hYaSOQlBu/VjswZLoDsdx4+zUHwD+IQvy/m3r5sbDOKBu"
    "s189M61lEYtGUEZm89OmkTgqpGzPQsr+tiGmOi00iYMyFcS5kQfmRjrKjRjI7HcmGGfSAf"
    "baVxDco3xzOGMKR8GFc9NmxHWKEja3LIIRlqvS5vYiXCOmxhe0TYWllHEq2zgVoN5bWqeq"
    "Zy6pR8xT4ZlV2D61SwXPAz9BvwuMS7p6F5gGZSt3K/OnFyeO7fmYXYlqeMGm4n/CgfCXCj"
    "ZQWTC79Ifftq87VzwJZo40fSJvDkzh5IxSszJem4CEwM2TlpGelRFLynDXowLYriQqiG75"
    "THrygCaPxbOLQlIVBLrk7JfVnhkDOdtdHxKsYIxGldz1bKeldoIbJd+GvJJ+udep9gQN3Z"
    "t0uXflr62bzvUFELI8Gu1ru9dvX/NYtCdkEaTJsSc7TwONkYUgKZrXFxPdaEwkc29FLV75"
    "TF5ZNq/YbrKAS2SNitpvw1IV3E12YsV1UNO1UXGOlCBavQlefoawAxuaQz0hmWcd2r5Y9Z"
    "BuNPOEtbJW6UtJMxbY6qC2YFBtsJb4YhUEu3RPxZPOFGkHog25S7gHiTGvdb8MPrcGnfbd"
    "4AKYNl1AqiNMh7hz51/WsXtVDh7jYFt8jY/KSTwqG74JJ3nehJP0N+Ek9iZoaAEtOnfHPi"
    "/SYanq4Vx+Io8zN9liYqUoxFlT2hfLUof3D/MMjLl2m4ggSrL/rsMPJRp+3xR61KRMuyvs"
    "PQ6JKefxxs7jqY214ugHpV4O/MNKIW9y319x6ENiCvvNsIeTyYZBK2FBhf9m+POc2uLgB6"
    "UU8hsir3JU32COqspeLCkAJFIlrSCiQRkFaKKTCJHCcYwhsS1gjapRr5q2olJspU+xja0G"
    "JQBbtcKJUVyDK+AWmct+mt2WmZLBpL6KIP7ayct7iROZQPa7zUeEtwSrzzoa8H6qipSBtB"
    "n3oGLW17bFPW9EX23W1bKqcLFu7HkZ7yAvl4i0a7e7qsJl2nRsfhvNESFwtu306orObp2+"
    "qopYqMiksE1tiVqwwOQV769KyMVzS+L6Rxw+rzpn6Rk+MmocOdJ7QgpXHha3BnJtNE7If9"
    "2krOymwMs6X0OeGtPQ3J23FLQ+iv7y7r77iFhCZZVyplnFy6sUT6hzlIP0rDpfeVibWjdC"
    "ftN1CXZ8XQaEogXQMYDA7eAHAp4fGFeCY0YmCDgY2s3j8Zj9PTk6encBnCD+uh8gXQcQa4"
    "ANObJ4WU/MrxAehmQ3DhuntQiYL/SV60sLh4rBFE7/U3VfynWvpKcFpkfypYQ1bBO3JxsN"
    "C4cuHTdyhC4dN1JDl/itiBe3sA+rsr6rPfFV5crd0RBNjOr+pd+9S4v6o8kB3Zo+oeB/wN"
    "DJ/rLCpDHlUISG03tNDm5bv0ffoKub7mV0nHgHl6qORKXdhPsznVVdDmnqcrymU0vOCbtb"
    "n9YLVDvxD89K18+C52utV9FIsPVaLW3wgJiyQygY2mcfTs+H9unxKeIq0vSMXTk/PAIPTB"
    "9CGs8BAVOT6URMx3L8r0JRCoudIHTsiL2PKWc7+6YhHuI7kb1BALQQ0Nj4YzBeMi1wYgkz"
    "AHsCQB90AizzmV0luobYZ6d3cY+XyICixglT9kyuO5qGgbQf+UgPsXgIMNOfEAE6UyGdVB"
    "HAb4on4115qDP9Ey4JmMGFgQh5n6IvxgrKbFUo9K1oi42jk7OT8+PTE19J9K9k6Ybr9UBV"
    "lWRXVUn4C5+akpVl6IgIqoDSzQJKVWihitqShYltdzDCLqnYKi4kgYSFgkYyDq3zg1TyEa"
    "8WEI0ZeYBUGJoJuL93Odz9/U/APX7GaUUErfC4CVqw8WDTAxBDXwD2vWDM+IxpxOqJ7ORL"
    "hnhqmXNGfAD7wElaGsnZhtIoG/iL2cC9KZvbCO4JVO7MsfJt4CqfIx366uZzqDPH3oIjRB"
    "nklQFZJnotcWHn+GlRCTw78UipdL4dP9IqF+9Ohz3RTOcb2R/RUp3msx+Mlg9VAT7rNq+g"
    "La/RbOaqNtbMqDbWjFeLZL+U0MKnFUflKoh3+WcWO6VOU4oOZ59NFRGtUhGWMo6nYhRkwT"
    "pHo7GpJSwXA/QtBdeYYCUmchYxb/8+CHHyWDSLz8tvunc/e82jIS5KMVaKscrK3626pPKc"
    "9zwmxMm5vLSxZiQGhITu1zOPOnUyQcerpqVqRkoT2gdNSPz2ggPgiZRDGN/MIAQCpNloJG"
    "GOobVMCZB2JSKQj5fUyXfcz1U4EUE32NnnKoxKXnbuWr0/ksnkZUJw9OUfg3YraR98zSX7"
    "ih/zsjD15DyrWJs8S/ck3HytQ7n9hKwlWEmJsDTDnAHC9n6RxWQKjy3R/w85rl6wsMwn/q"
    "0iig3ami6eIR66V27XajuReiVL30748BbD35NQm8mGmwk2aSLk6ZuJJ6E2kyKbibJN5HsJ"
    "qmWbkItCmHw3hdS2MlS/YKNcJCLSPkdY2rNOMSLkBwICwoDX9AImFjt/gAiYUxGmTy2ExO"
    "4f5w5ldJjsmnP3Frd75Z2TaQeTl0S89gr6KjTCe0diuKf76wIilfBwvMCZbnxJK+JK8tpX"
    "Al/lQZJmKBRL2x1LcyoypfIzv2DTWmbmV4rKW0mHzT+eywhYz0jkSVLTs8P8BO7vde3+Hu"
    "hOgiJvwPMada0uSuEICWBaGrLiBK303pV9R2pWkEHNvFlQzOIQElNmh+h2ltfsQKBRFHhX"
    "QmG+KeZ+ObO8rNgXqARn23X6i4HgdLSBEzIst5HeJ1XxTnWYjGwTv1oMWaWlbLKpqLSUN5"
    "6W4qhsAz0r1krcrefQ56jXsOQMFINRDlE8z9kPlZVbor02XZXyR61IyL4vVCVLdxnB+q8f"
    "xyYHliqSTRryUNlItt9cv0/qjvjbyjG0dlMMOJHylaLjvj6A4OTB8xo7JeMcxzHSLoRN0g"
    "s1485i/hmjbxS4+WXcbqnT5OpzZXZespHzrWzLOyvhJv6NwZpuyPHaV66IyU48m/vgtN//"
    "wm2S7ANOIbIrC2m8dCY0kraCWJvM3cCt/DUJN8+1ITiiPxDw+fqjCDfmnqdHtAQHBEG2yw"
    "Cbn73lluC0nnRegROxL6LvROQx91dNkEWdQ5MQ4KWrEveGHXzPEPPWGloY5lL41q5aauuQ"
    "cOtwBniUWDYg0/0SklOUtwjlDdmpV+9NfADSo2ciYpVwyKggGmmGosIuArmKwspwrF4Z7o"
    "EiZG19+diCpxpuXjxWBvjLLx27ZWX+yHmuiaX542e+ZtXmd1qPtGDzHMH4jmVCkFJIBPNE"
    "Gi/b6nQH4IyBBky2SvEzzjC4v+eHmDHp+3twwNnn6gw0EaXzDszNJ0SSovR3+E2Jfo2AD+"
    "2RTT7l2JBHD80iy2KsYvhnVNdy21eCnoUtLUenOQwtR9F9fmVn4bfCdMx9pYrgGxCpIMTl"
    "V9RCFM6K4Ou1V+DmAHehJVSfyVKhXQGlO9c31Z2VAvcGFTgV46VivGRSzySO8fpChMIR09"
    "/E9XqWzvb8bWR7jXJoanMd6z8uLHNmwTnggnWRyLxwj5Fmb1eC0pVPqGSHQYaN5xWMO7V/"
    "TW0sjl4D4pv4n5N/16RbKuoZSpEzVkVo5Uqicg7o8mkl+5VmQXwDIhsBLNm5CbtGWNHIt0"
    "IjC5itgx5Swo0MCfUDLl3Jj7/2kAFpsiUisOX2nZ72cB6kcaHQezQ1Dc3N7dXRlnB9FH35"
    "CcVVgWvXZM+bYSmcLzABM6kfCbTLlaBtmDMdXwDTtpzT1H4ggJe6r4PfENumhF3c6ZIHDN"
    "RF0IgwpHPbuXNIG6HmgoBn03pkwCbnae/iS1S69p6a4sWAFj6HISyl2OdabhR4o4rgHBGr"
    "oP34qJHnsGDWKt0D0ogdGKyY6LotVXbm6WGSacFE3xY6626DYQ5LqmGWepjVSYhvYZS54b"
    "KgLyIgohwR2Y4Izwi9pRfCM3jvJ6RrXRCBCSWV/yGoxSeopBElP10lDVgWclYNa3khWeAR"
    "sT+8UpdwMTAl0ensPeihufkkSnlR4EBGmKqoE2CZz3WA0ZOb8eB2lOTB2Ml3rFdJ//RfC7"
    "ZOOdvEX0pNlVJN9QeoIAMIyimapwjAng/qWveivOEdMoSIK06175wqR2hNwaSHLQJrZJjS"
    "Owir2YqqXiND5wf9tChF80Vi1kO0SSZl1dzGbA9ftc7lS2EcF0AKHqBTaBaCOSKEPbRXlL"
    "Z/O/jspChYnpMDUj83lxFKApPibcrtOg9JdTuvidk4H7NWiqXKyVLd4YmNQCr8K4EqVRja"
    "Msk6VEvY2syOH5ZUzF9q5j/VsU4eNhrniKgaaKkH2rTpxEwrsdNmi2GMs4XjHVfiMntCa/"
    "323eCCbfWYDvGgffu522v1/mD7IeMvDHdrOcSf273b1p1otkAWI1NuNufrZ49ZaGEsGeZa"
    "wiilbmNhoVJKLVdsJxMIJc/7DEhln+kb+vybuapLNTOqSzXj1aXY72REuliAb1CmehG+Oy"
    "ni5SojBc1KYSllq8s2LAUUvi1tS12bjs1vt6v+9hPetUaO8PySynd3C3XjP7ZJYS3BFLK6"
    "Wc8ygsxZs9Hffru15g93wAkQCxw/hkeDS3Bw9aBjCDgPfgempiWyhDzXm/uRkTmL17Q8GC"
    "9FOTIe4vcubgTZxRckFnhwA99Y76q2w37YQApGOFY3svE8z+57nr75nsf2Xv4WxKDl+nEy"
    "tG7zLJ14D0HOAJXruNFIUNNOOpsndS3w21em5OhWKkyBRJ9d7qFhGpOwj8Z4Tvpeaoqmow"
    "DHyudOQHwT5gZ+ptdrdfBs6ZQizKNVRF6EBTGBTgaqW/PZL/fMbf+QPLJtku+JSXWld9B/"
    "HseCqLEkHoa15MEvdRAqqRQIhi7mcVDJwWUnB6dXTFpvNtuH6kmMpl+1O58HFx5fHOJe+7"
    "Zzd93u8Utz/m2WLBayib7QCx75FhKSeSA2tTU086TMsFbptoZmPGnGW582mfW+8Muh7diT"
    "tIIrS+0/X9pf2tcXri41xP323XXn7mdhQeb+ZXHFNyhft1usrYagJsfr4O4dibw03W+zkl"
    "IuG6ldNhMD6vMiK50vUD2DavlnW7pBLQlJ3qkaSlBEKSlRP0uWeTp9zmaapyuxPe/CFaAh"
    "zV6goimtYalSFolKZw6rXNY3sc9ycrdJnNNKTKU3yjy+yj39InsSP4ttVDjYIixVPah3En"
    "AhW4KJvIuVqh8qZ6JDCuiehjWaw6QouCLltxJSHSqC/k5LcPVcg28fUeo8XMLRGeEm9eyT"
    "M5zGIxJovT73Ga8OdPN6EC4Wd6YRfgLoA4DY9d14oQ3CIYPNsaktRQFWpAkvDudiMc/PDr"
    "5jiIe450mLzvlZpGxxAPf3CHNIuEpwfy8SU7BJPfn7ezilDCMNLgm7y/8B4orTCZghyiM4"
    "hth/Tn4KqjqMTsLD6FYDWcSwFBJS+SgJ1iX39UnYE0zTQBAnAxuQip5RwMR2Bas3n1/4iI"
    "Ju9yakkl12oifIfbm9bPcOjgQbYo10Z4tOBXuT6k4hSWX4kFoxthfahvatsKQaZqmHWR0X"
    "qI4LlAp+6Y4L1Odj2yKIH+x3JXyoiVpPrNUaxSfQfuS7ZtfrPr8xGo9C8dt8NmiEaxmhTn"
    "8CrDN+LrWNKdNPiDlHXGqqW4QCw5w8ksSItx30nyfibQEtKmx8TnSIyqOXM4Z83wJ/Noh3"
    "a31tdW5alzftCwCfmGbPv36Ib7pXv/JQID6xeSjQ1U23zz9PDJMgSQJ+nGfbgK+FBJW3Sm"
    "a25sy3TXzOQUE1xjKPsVK83sQwC8pTUO8Kymyhdu3Py1ugrh6jF9NpQTyDMgpPud3IMuim"
    "5TqRfaVnSxdybn1fznm6VuEPrnop+n5sISgB1r7XTzVRDa59qgDkXsRFbGXI+oosfapPRG"
    "DElcimTbBjxRvVs8xYT4HmIz9Fd70V65P5DNiDLoVjnADoG5ueIQFOp0gDPKUSIxCtYBA3"
    "Wm3fXWKNg8BEVnUO9sZGpZLxq5iMv0fBCLIRZ3mnooq/lJNnvFj9iCDd6NkC5UxKItrkZy"
    "SW17xYSCGTEqF+oq+lc7oJ8QP/LsAxYAByHxgBB0P7BKHjoX12fnhUB0O7eTw9W306PW8c"
    "De0P8HziXHvHqy1BwwDNGId58ScY4gOGhcklpoeH7O6H03PWvoma7O/Z0VSEITLRI413cP"
    "5Be/cetByX3xxBTMBxHUDhF/xFh3hG7Dr4hDDEQu6Tzf6nQhAlDEH0Jk4c2v6czYtUfINy"
    "Vdr2jxtnpz7G/EMWvP3b1s1NfMdXFvtNdv+9s9irUCkVKiUV/JKFSrUYW5k8JHE4904mc4"
    "OrNuvoWjpOim3IxTYYgSVuIlY8ZCgZ2oCIzIFC+SGO1GNq5qrH1Myox9SMVSthL1UBhN3m"
    "FUT3KFc+7VFGPu1RPJ+WfSNNrCr2S797l2Yg80WinE6fUPA/YOhkHzlzBrgcjBCR8zA9uG"
    "39HoX76qZ7GeUHvIPL1y5t+f3/AVnFj5I="
)
