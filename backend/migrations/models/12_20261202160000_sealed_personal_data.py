"""Personal data sealed at rest: the payer's name, ID number, email and phone, WeChat's
session_key, the stored idempotent answers, a transit buyer's name and the outbox's addresses
become bytes (BLOB, BYTEA) holding AES-256-GCM seals (``backend.sealing``), and receipts get
keyed hashes of name, ID number and phone for finding them.

SQL cannot encrypt without the key, so this migration only turns the clear values into bytes
(still clear); ``piaojia migrate`` then seals them right after migrating (``piaojia keys
rotate`` does the same). SQLite cannot change a column's type: each column is added anew, the
values copied, the old column dropped and the new one renamed.

Not reversible: sealed values cannot become text again without the key (restore a backup).
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True
# Models declare the final columns, not how the old ones change: test_migrations compares the
# migrated schema with the models' by introspection, not by the migrations' text.
ALTERED_TABLES = ("receipt", "wx_session", "idempotency_record", "transit_invoice", "outbox_message")

# (table, column, NOT NULL)
SEALED = (
    ("receipt", "payer_name", True),
    ("receipt", "payer_id_number", False),
    ("receipt", "payer_email", False),
    ("receipt", "payer_phone", False),
    ("wx_session", "session_key", True),
    ("idempotency_record", "response_body", True),
    ("transit_invoice", "buyer_name", True),
    ("outbox_message", "recipient", True),
)
HASHES = (
    ("payer_name_hash", "idx_receipt_issuer__e988aa"),
    ("payer_id_number_hash", "idx_receipt_issuer__e3bf95"),
    ("payer_phone_hash", "idx_receipt_issuer__ef1ec6"),
)


def _sqlite() -> str:
    steps = []
    for table, column, required in SEALED:
        new = f"{column}__sealed"
        # SQLite adds a NOT NULL column only with a default; every row gets its value below.
        # The CHECK keeps text out (PostgreSQL's BYTEA does that by type): a value written in
        # clear behind the service's back is refused, never read as if it had been sealed.
        constraint = " NOT NULL DEFAULT x''" if required else ""
        constraint += f" CHECK (typeof(\"{new}\") IN ('blob', 'null'))"
        steps += [
            f'ALTER TABLE "{table}" ADD COLUMN "{new}" BLOB{constraint}',
            f'UPDATE "{table}" SET "{new}" = CAST("{column}" AS BLOB)',
            f'ALTER TABLE "{table}" DROP COLUMN "{column}"',
            f'ALTER TABLE "{table}" RENAME COLUMN "{new}" TO "{column}"',
        ]
    return ";\n".join(steps + _hashes()) + ";\n"


def _postgres() -> str:
    steps = [
        f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE BYTEA '
        f"USING convert_to(\"{column}\", 'UTF8')"
        for table, column, _ in SEALED
    ]
    return ";\n".join(steps + _hashes()) + ";\n"


def _hashes() -> list[str]:
    steps = [f'ALTER TABLE "receipt" ADD COLUMN "{column}" VARCHAR(32)' for column, _ in HASHES]
    steps += [
        f'CREATE INDEX "{index}" ON "receipt" ("issuer_id", "{column}")' for column, index in HASHES
    ]
    return steps


async def upgrade(db: BaseDBAsyncClient) -> str:
    return _postgres() if db.capabilities.dialect == "postgres" else _sqlite()


async def downgrade(db: BaseDBAsyncClient) -> str:
    raise RuntimeError("migration 12 cannot be undone: sealed values need the key; restore a backup")


MODELS_STATE = (
    "eJztXflv4zba/lcIA4tmAHeQy5k0XRRwEs+O2xyzjqfH1oXDWHRCRKZcUUrG3+787x9JHd"
    "ZByZIsJ7TCX6aNxJeSH5Li8578b2tmGcik7/uUushunYD/tgicIfY/iTtt0ILz+fI6v+DA"
    "O1M0xcs2d9Sx4cRhV6fQpIhdMhCd2HjuYIuwq8Q1TX7RmrCGmNwvL7kE/+2isWPdI+dBvM"
    "uff7HLmBjoK6LBn/PH8RQj04i9Kjb4s8X1sbOYi2tfvvTPP4qW/HF344llujOybD1fOA8W"
    "CZu7Ljbecxl+7x4RZEMHGZGfwd/S/73BJe+N2QXHdlH4qsbygoGm0DU5GK1/Tl0y4RgA8S"
    "T+z+FP/qtFmo3HV9fD8U1vOB63SmA3sQjHHROHA/Xfb16/S0DE1RZ/wNmn7mDn4OidgMCi"
    "zr0tbgq4Wt+EIHSgJypAX6L8yH5fGuezB2j3iDsTWPfZa0AyQSnMA9kE6uylq+AdXFgCvp"
    "xsAZQBWMXhbX26vvncH3YvTsCDRefYgeaIDAfdq5v+kA8pJBQ7IzLo9S9PvwxueoMTYCM8"
    "u3Nt6k3+1QPTmsGvYxORe+eB/bl3lDNQv3YHYqz2vLGy2KryFtuVf2df3OJDthwi8V/pEM"
    "mXQtBe5WEpPOsT4O7uFkF3dzcbXn4vju/ERgZ2GIBGKZgTYvWgvfqj83JYHxeB+jgb6eMk"
    "0Da6529UAuOlRAMnc5EPRfZ3IvWZYPORIzGGThrhc3bHwTOUOZMjkgmkDV/0ffA/24g7+4"
    "HGNTEX/oLKAX7Yv+zdDLuXn/njZpT+bQr8usMev7Mvri4SV1OjFHYCfusPPwH+J/jP9VUv"
    "uT+H7Yb/afF3gq5jjYn1PIZGZO0HVwPUvnHKNH2MbOf8wh2cPD5D2xjH7iynB9vDp9P0zD"
    "j1xT7+MkAmdOSrzWeNN0EXWzb834IJH1xdToPox2mCWNd0PYgGXi9NBYki9q6MCtaD0o3f"
    "W1PRConkDBFGFEyIZ2sDF+nxjHdYADv/M7JV0LEu5mtiNWRdNGlm8Y+8tW9lffbjt+Lslk"
    "0WDM1sOK8JGlrsn9WgeoaDs1ifDZx+T8jGUzwRYIxt15QoBuWx+zXS6cDvs4HY+Tr1mCLH"
    "YZ3lrOLi0A29Pm8iXTYQORvN+OvZAXR1IDfw+7xZdtkQ5PjXb7Y/S3wPZ5DAe/GWvDsuHC"
    "OvEltoyGqzTaEhd9aW0OZaQrWZLbRMdIpY2TrZRrZOysZmW7I9tJiZOZBVGejWWffmU59b"
    "jyeQPmBkj8j1596gO7xml6w5f0PLzjIzj0j3/LJ/dQKgwT7WahidH9Fi/MB+SpkVEZVpnD"
    "n06LCIue4w2153qA12b9VgFyd5T9ZjpVGPS9Yw6moyPdUHOcAkd5Q95/m4JHOLCtVJ4NQd"
    "2BV8LWXpTiKchvejxTbWe/ILWqRYRZ5JY3thTWlG7LINn0M9Ij6t2O9nvxo5AoEBm+eD/t"
    "mw9a2IB0FbyAvo8OgJkZog6vGutvYzng8TNtBsbjmITBZjNq8s21gTs/6yw4Hor6kTTDsV"
    "KkPH7zJdckwRpaz/NWE783q78Tpr6nQLrLkG21LYJmKt6UIub8jdGtSq+mf8STmHlD7736"
    "11jb7CpPk50mFDFnNJk+8FJqjvoFlLYvUN77XzDL8mazXGQbNajb9/BnzKp75YdPLXOjbh"
    "U3zfJ04JqzBO8wt/KqhrlLnnr/D9D/v7Bwcf9ncPjo47hx8+dI53j1lb8b7pWx9yFJDT/r"
    "/6V8O4osgv5NuKw/FKjcHNDJpm5ihE5VaPxRZ8Df3hONj/cBQOAP8jD/Kby+7FRYBx5EPI"
    "fvW9ZS/KWByjMiqbh6uGYOpY4i2LJf7bhcTBTqlJHJVpIM77RWDez0Z5PwUy+50S42k2wE"
    "H7BoK7V2wO50zhJLhwZrlMsZwiyeaWRzDick3a3F6Ea6TMbCVtx3EpbTzONx5HqPea1uPm"
    "mTPbCfNxfGaVth+XUotLKngB+BL9LjIu2epdZBrUrdwt3RNBghBxZ3fsSlLDizYV/yccfK"
    "zRn1JJHSCkUyU3FcNy2Tvvn/FMyRky8ESWKNmqQlFqV2JKZ+rVmqL32qQkBm6RHL3sFL1U"
    "hp7/pSmB7VKigejWz64nD2jyWD7VNCbVQKBrToVc7qMpkPNDbGKCDYyralKIDdtpHVfiwy"
    "u2IS+lX245tZ6giYNJV3hX/rV70T8/AUKWR5D+2hvc9M55/OgTsiky1NiTvbeB5thGkJZN"
    "8k6JVhoTxbxYSStYMTNYnh0stZvM4QLZ47I23bhUA3eTjVh2PdSwMS7PkSSizZvg9ZeL8G"
    "BDM4glqYur0A7Fmof0fqdIKDprlf0p6aSC0T3U5gyqCt+SUKyBYNfuvXjCPJ5GQFSRu8R7"
    "UBjz1vWX4efusN+7Gp4Ay3Xm0MGIOCPSvwovY+JfVYPHeNiW/8Yn5RQelYor4bDISjjMXg"
    "mHqZVgoDm0nZk/9kWRjks1D+f6k++8uck+JnaGQpw3pUOxPHV4+zDPwZhrt1IEkcz+uwo/"
    "JDX8vin0HMth2l1pj3JMTDuUKzuUpy4xyqMflXo58HcbhbzF/YHloY+JaeyrYQ8nk4qBLH"
    "FBjX81/HkefHnwo1Ia+YrI67zyN5hXrjOOawoASZTMLIloVEYDKnUSIVo6tjEmtgasSTXq"
    "VVNZdFq88mnxqa9BDcA2rYpuEtfoF3CNagNh6t2aabrRRL+GIP7aBQe2Eic6gex3W49o3b"
    "zvG9bRkPfTVKRMZNxzDyphfa1b6flC9NVjXS2aChfrxp3VsQZ5mU5knPvdNRWuWGldYWlZ"
    "E7hoWd0z3l9TkcPkycITpp7XUBy77/fVtCLZstIVnEmsXUtcdOWjxilFU0GzXOfO+jqeIU"
    "rh/bqwXYvOLr2+moRYOqkpreSmoQsKeNSeWqaiWlsgryym1RdRFVZAbozvJInXVWpmVwVe"
    "1fkacwdapuHTu1rQ+ij6K0rxthExScmteqbZG6m7FWzEPoGpA7v4htwg3KplwHqae3YabK"
    "jZr8yFHaOw6aqMWL6fAeqgOcAEQOB38B0Fzw9MkYF3jEpQsDNyOwd3d+zfw729dyfAy7Bp"
    "h9kLbQCJAdhwI5vXySb8CuUxgu7+7v5RKwHmCz1yda3+WPUmnq+rCzUpWagpO8w2I+Zona"
    "Ba1ehrPK7wYL9AXOHBfmZcIb+VCLEo7WBurGN5SxzJASa5nmQDOdKUi59vrq+yQnIdebaF"
    "gScO+B8wMd1eNi0bUw5FbDiDZbJz2f09uYLOLq5Pk+PEOzjVhV8a7cPfnumsC+koU0jnNT"
    "3Oak7YzTqcX6A8UXjMabZ+Fj0JdbWKRqOtV2ppwwfElB3qgJH74Yej45F7dHCEuIo0/cCu"
    "HO/ugQemDyGDJ2iBqcV0IqZjecERQlGKix0idOCJvU8pZxt70oiMyJVIraIA2gjwYtQE3C"
    "2YFjixhfmEvQFwHjAFtvXMrlJsIPa317u4x+0FUBQgYsqexXVHyzSR8T0f6RERLwHu8ROi"
    "ADMV0svjAvymeDPeVYA60z/hgoJ7ODcRpe8z9MVUBai1Kvu+FW1xf+/ww+HxwdFhqCSGV/"
    "J0w9V6oC4ZtKmSQXzBZ+ZL5hk6EoI62rtatLeO+9UhlaowsfVOGtokFVsGbUlIWCyiK+cU"
    "2DCCrBjx6gLRmJEH6AhDMwW3tz6Hu739EfjnuXmtqKAVATdBczYebHoAauI5YM8Fd4zPWG"
    "aq2M9GHjIiU9uaMeID2B+cpGWRnHUojbaBv5gNPJiyhY3ggUDjDvGs3wauk62yoW9uspU+"
    "xPMtOELUN8hvfbqSovZjNePllK3Dnj58UcKypSc0ZrPt9AmRhVh3NuxSI11oYn9EC3341n"
    "bwWT5UJdis37yBlrz9TqcAnWWtcgoBdtKFXNkvpc74AdKHMjAn5RqI91GRuotH2WUXj1JV"
    "F70qxBn1wPOPkkuINqk+Uh2nyTEGMmedo/GdZUg+F0P0NQPXlGAjJnIeLe/9Powx8lQsS8"
    "jKL66v/hU0Twa4aLVYq8W6YMZmtSVdgmDLI0K8dOhTlximNBwkdr+dezKxl6R9t2xaq2ak"
    "NaFt0ITEby85AIFIPYTxzQxCJDyajYYMcwLtRUZ4tC+RgPxu4XhZotv5FZYi6Ic6h1yFUc"
    "nT/lV38IecTJ5KQqNP/xj2urJ98DU/2Wf8BKa5heVZVqk2RT7dk3jzle7k3hOyF2ApJYLS"
    "TOseULb3ixwmS/hrKf4/5Dl6wdy2nvhTRQwbdA0s3iEduFdv13o7UfpLlr2d8OEth38goT"
    "eTipsJsRwp5NmbSSChN5Mym4m2TRRbBM2yTahFISy+m0LHtXNUv2ijQiQi0b5AUNozdgii"
    "9DsKIsKAF8kBFhE7f4QIWFMRpO/YCIndP80d6uhQ7prz9xa/e+2dU2kHU5dEvPYX9FVoRL"
    "BGUrhn++siIo3wcLzAcYsmlh2Olu1KCto3Al/tQVJmKDRL2xxL8+pYZfKzsMzVSmYW1tcq"
    "WkeHzT+eyQhYz0hkSTpWYIf5EdzeYuP2FmAvPZE34FmN2GiLQjhCAli2gew0Qau9d23fUZ"
    "oV5FCzYBaUszjExLTZIbmdFTU7UGiWBd6X0JhXxTwsZlaUFYcCjeBsm05+MRGcjis4IeNy"
    "lfQ+pUqe6nOeVJv4zWLIOilFJ6XopJRK+twQ50VaibvtAtqcEzSsOf/EZIRDFM7zdkNt41"
    "Zop81WpMJRKxOwHwo1yc5dR6j+60exqYGljmNrpD6qlHnzN9/rk7kj/rZ0C63cFCMupGJl"
    "6LinDyA4eQh8xl65OM9tjIwTYZEMAs24q5j/TdBXB/jZZdxqiR155bk6O6/ZxPlWtuWNlW"
    "8T/03Bmm3GCdo3roDJRvya2+Cy3/6ibYrsA14RsjMbGbxsJjRlW0GqTe5u4Ff9msSbF9oQ"
    "PNHvKPh8/lEEG3O/0yNagB2KINtlgMsPxfPLb9pPmFffROxBzjsRd8y9VRNkO975bwjwsl"
    "XSvWEDzxkR3tpAc9NaCM/aWVdvHQpuHd4Aj6VFA3KdLzE5TXnLUN6YlXq5btIDkB07kxBr"
    "hDtGh9AoMxQNdhCoVRBWhaMI6/AOlCFrq0vHljwJsnrhWBXgr79s7JpV+RMHLUvL8qcPY8"
    "6ry++1HhvR5gVC8T3LhCClkArmiQxestXrDsB7Bhqw2FeKn29GwO0tP8CMSd/egh3OPpfn"
    "n4kYnXdgZj0hKovR3+CTpH6NiAvtkU0+7dhQRw/NI8tirFL459TW8ts3gp7FLS17RwUMLX"
    "vJfX5pZ+G34nTMX1Jl8I2INBDi+utpIQfel8E3aK/BLQDu3JDUnslToX0BrTu3q+rOWoF7"
    "gwqc+hFeqqy7xoV4vQaw2xzj9YUKhSOlv4nr7Tyd7fnr2A0aFdDUZpjg7+e2dW/DGeCCbZ"
    "HGPPePkGarS6J0FROq2WGQY+N5BeNO659Tl4hj14B4Ev/n8KeWcp+Kdo5S5I1VGVq5lGic"
    "A7p+Wsl+pVUS34hIJYAVOzNh0whrGvlWaGQJs3XUQ0q5kUFSPeDUl/z4ywCZ0JFbIiJb7o"
    "3X0xbOgywuFFtHU8s0/MxejNaE66PoK0wnbiJc4sxV7IwnDJI10Rp6XZ1B7xSIJqOFyZOF"
    "J+tOLx+wvtdZkzDbtDoRfMMytIrIJy5XuaCRdoUKAJjWPSYnwHJt76y+7yjgRym0wW+IES"
    "HhefG65CEpbRGWJFw13DvjHQFIHWtOwbNlPzJg5XUANvEQXQ5gS509YkBLn/MRl9L6zUr2"
    "HVlRZXBOiDXQQ7G3X+QoatYq28e2nzqOWus6q7ZU1XWbAJNcGzn6OsesuwrDHJfUw6z0MO"
    "tzNt/CKHPTeElvV0REu7ryXV2Bm2NNP1fgUtlOSFc6uSITSikPV9ROJFFJE2akbJU0Yrsq"
    "WJWuGwT9gUfE/uGV4IQTiymJXmfvwQDNrCdRKs4BHmSUqYqYAtt6bgOCnvycGr8jmY9sI8"
    "9YrZL+GS4L9p3ytom/tJqqpJoaDlBJBhCV0zRPE4AtH9SVDmx1A4hUSELQnGrbOVWB4K2S"
    "aTVrhG6pMKU3ELi1ZmINnt25NhW1Ys9MiGcyxipplUtc7Wj78SQUWMlff2PMD4mAq4Bj8v"
    "lgUM4yY53+CFhnPIPbJQ42AbVmiEtNsU0dYFqTRyqtObKB/ovw1jm0HcHgRSKOZq2KslZv"
    "dFIDwO39PeLOUl+ouO0/EFbZ6t/q/trtX3RPL3onAD5BLB4/IhfXZ7/0zk/ExEbGiJxdXN"
    "/wvyemRZGRXEWvk4njvVsFnSImqI2KKusU3nyr4geKCuoxVnmM3blR0dkXl9TmAaWHWVCe"
    "ktpsVGYNXXZ7Fm8J+0D0ePSieEZlNJ7a3rIBSHPsLaHSs6bBpXAhDTXn6UqNP/rVy9D3Ux"
    "+CGmC9CfppJqrRb582ZDXfkPUrsr3SY+znnFmuvERMulE7z4z1FGnOfrBbtEjMJ+sZsBdd"
    "AM5DKYChsekZUuB1igx+zio3KRlwAXbOHjCBovm7tNFq/e5WlXthQrray3bYqPhQpeDnep"
    "McfL95nrLULEWJKz/J8NJg5cZBy5ywYfsmFapfs1anusRZ3amoKx2oyTNeLA4sSjcGrvxM"
    "m1Sb4ozEDpqvDgsjy2rKXApMLdtjDgsvSosGnIKegAPAAOQ+MAp2Ru4hQgcj98Px7l4bjN"
    "zOwfTD8q+j4/29kfsDPJ54194B1i00TdBJcZgXf4MR2WFYWFxiurvL7v5wdMzad1CH/fth"
    "byrypJjonsE7OP7BePcedD2X3wxBQsFBm1fdwwT8jCG5p24bfEIEEiH3yWX/pytHK1g5Op"
    "g4aWjzD/qJyjVp26/jrB9tsa+y+2+dxV7XINY1iJWCX7EaxGfsdSwT5eSaJ1rkMrmJ17Zc"
    "znmXJ4Ozl/ue0RK/gyD5+0fwBE1s+PFKt7fLlLnbW3bR5GcreYfII2ibWHbofO296yzzLT"
    "Uy6SzzF8ky13nPb4JY6bzntzHMpFrOU1ROh66pPMKvGIOzRQu3utn7pUMbFAX1pWMb6lOR"
    "LnipquGDbTmO3Nodb9AuoiCJ8ldjJyqzUk/6CDE/IDBQYkQXlB8fawX1tAB/MbDzyJY64T"
    "ZjYjnvAMVsWglbtDiFlrqTCVNs0opS/d1rM7JaZmQxiGV0n1CgcWpPp8jhtZ3ss2s7qaNr"
    "p2z5uLasWmLmvI2KNOb82tpc8vxzMvYhqpIgkxbXPFRlHupnNAljXOnBTsjqkVZtpNdyId"
    "TH5QSJ/gwpfbbsOOOQNijE5ebR1kXO2uOPADM0uxOBAzHCdcLLzogpF6Vc3DsPCWD9LOYO"
    "CJ4nCqZKj9ir/QGayWkmpw64G2ZywfQv7SpICaqcNF0R7v3dInizVpmAi3s6FuON7PuqWh"
    "pVCAV4vUiMDJtkyUCMyhZJFcCv3R65Fi/1j0cwhuwHyWhp7H4uK02c3jB2AokCzJS35Sk3"
    "EExc20bEMRd+iITf23swfEABfxStvZUKMBWlD9FX9gRz8b3FbYI8IlZGTzf0lCIla4IQdF"
    "2rRs0QDZ2GsYGkcL6CpIjmzeuIUD2myTcyu3X+i5r5L/HlsDb1CfbhrVoFRcGPrP2NE5/o"
    "eVoS3pM4bms17ZnA4oY4XwZwGXBnucQAjiXcnbxe5ImgHiKDh+n0iIeJGn6FZyEAbUZOHq"
    "Djl4mWM526H6CDTxX+9ucxm2BeFrUlBe0bZ6872C9gPzrYzzQf8VtxfiMWVgXbUVROW46U"
    "thzpsty6hvRrsyJVz+VIHLCZTaIiR3AWNh8Vo1LcXOMLAAM5EJtB3FjAgHw+fwLu3AXnON"
    "gxPa+jOM8RfgV0bspKG9fW84iMyIBxLJsf00GhGSZmA8akePUZ65lxM6sNnrHzAAi6hw5+"
    "Yh3NeNkM2gbUYgSO3ZmzN2PtTfxY3OoUrK9IfoM2QKlJ08QkGj8yCORkbXXF5HgPKnsAW5"
    "97g5vrq+7FCZizNWERaI7I2fXl5+7VHydgYs3mkCySK7IIxau/TLIHqvirBIeOS6k8FBW5"
    "9F4hZ+xejjN2L+2M9VBjX04p4VqF9lKuEt6KRV0l4C50SmjOIaGpM0I5WvYa5dmj8irP79"
    "ZV/6rHvuD/GJHhp0GP/e8B+9/e7z2mFZzwaiZ7h8bI/QB3UZXvTZFhyR6V1KAQ5IynSBJe"
    "k7cNR4SaVGnjRbbj+HooDX1ESENfGXqdtps5INqSoi0pAUSK1w1Uwb+kjVO1Q6oPOFPcZf"
    "rCdaHjFr0LTArY/USrdpnQMTOQWGkAvCYoDOvixrnAZCeMaTw3lD5wb6Y1DaxyP3rH7MKp"
    "g2xR+9m3yu08YOpY9kJSMHpDz1hVRZp9rbD4mbqUtEK8NduCF45XagzyayVG5ZqkRtRRK1"
    "FrxFojfnvQq8bt1aCijQhGfTPzWYejvhy9T07zGpCtGma6JbCWDDR96ZCKG+Q47Gd660yu"
    "W4VN2kUUKxptXVCp8qIcwjLzntbDq8sHnbXDaAcv71tEMvCwUcqmGgU2Npja812gLkniVD"
    "f4HJ03rlbe+Hb6G1s//KNVDvCt8jfyvkUkeIkJH5N5OU7U2ZbiQc/sV1jPYwMuyqCakHo5"
    "XPeOtwVYg23gpT1IMSGtEiUg1UcUbNaD5M2+Gth40ytwxpZprW4kffJDEfxf9uSHrFIDxU"
    "sMFC8tEPpuoJfBP+WeGrqgDpot09+w8yMg3EkDkIEdcfgnryw6m1s2+yvHIbRmp1IP0HLG"
    "2mia8v382RLqztiaI+INF/rKAOGB3W0Q3AxSuGK3lv0G76DDwV/b5JtXj0BSJSU7BNZvrn"
    "IkZsXQ1/qPiUguoMIYJ+SaF2a8KazLpqDGpZqHc/2ZqIg49mLMWIzcAZ0NdUqwgZ+QwyK5"
    "CofZqQqHqUwFD7UqZ1Ms5XS4qtLhqoI7VVlQCTm9noqsJ5+oll1OSzG9mpReTVxDKh9NEp"
    "XS7vfqCRYPkBAkKW2eUwRkKdLAD1j9aaJRlbrkRywhqj9kSn/I1DKZqzuw1Y3mWRbb0kbz"
    "6jZbNWCt32qbhXgk6l7itDz1xT/+MkBmFq/NDfxvCP7fSkX+pPCV2VN90cAbsRrgZDne7T"
    "KD5CJbwoNwjkz8hOxF13HQbO60JM6EZJN2nl/B8BuzPXjZuqBvYQGgAxhdMnjIEgQzRCl7"
    "aV5uj7sGbi6HnwFFNuvdC2N65oFLIpZJXAQU4kwPQ11dFykV43feEvOHn9+hXQOKugb84U"
    "mNQHY+RCjQJCWqtsASxiMqUve4pGbuSjP3KSaYPlQa54SoHmilB9pynYmVVa9pdaRpRFxl"
    "00frpnc1PGFbPXFGZNi7/Hw96A7+YPsh4vYEaC9G5HNvcNm9Es3myGZkCnnf+9c3l9hobi"
    "4Y5oZklDK3sbhQpa1MMTpc904mECrlaA0EVJ7pFY18nUIlyjo5Jco66RJl7HcyIl0ubiAq"
    "0zxf9kaO5fKVkZJmtriUtrPl29kiCt+ahrZr17mzvl4u+9tOeFfa2+LzS6m8sUuIzX+7lg"
    "NbElPI8mY7zwgyY83Gf4ftVpo//AGnQHzg+AEDBlyAnbMHTCDgPPgdmFq2qJjhZzEC/09G"
    "5tg0pWDnbiHqZ/BTCyV1NzbxAGnI5SPyqo3Cha61sR02EH/Eim7BfvMGspzjIrvvcfbme5"
    "zae/kqSEHL9eOMDBsogzamE28hyDmgch036WDnpbpLaDJh+5ezx6mc5ZUiKa+zh8ZpjGQf"
    "TfGc7L3UEk3HEY5VzJ2A+CbMDfxMrzfa4NnGjoMIwMQrLcW9a6wPzAtRedWmbMTmAHW8fG"
    "hIH9k2yfdEWUX7DfRfxLHAY+E8KwtrGeYpLAs3VK5Nn+Nvf4XctNY/py7xoBNP4v8c/tRS"
    "TiPI3VXXqD6/FXXnB72zXp8nYvvzb0QGvcv+1XlvwC/N+NNsVSxkEzzHSLat5JlzIkIqD0"
    "RVW0OnSIICa5Vta+ikUhTC71OVWR8Kv2BNAk8bKvllaf37S+9L7/zE16VG5KZ3dd6/+pew"
    "IHP/srgSGpTPe13W1kDQUGM5+HuHlJdm+22WUtplo7TLZmJCPCvzpQsFmmdQrT85yA9qKV"
    "OPIiqilZSknyXPPJ09Z3PN043YnjfhCjCQ4c7RuKTBJy5Vy0dCoZMs68/T1GcwvIl9lpO7"
    "KnFOS7EaBlix3bdJ46vd0y+yJ5mQOuPSwRZxqeZBvZGAC10KefORALoe7yaP28gAPdCwxj"
    "Moi4Irk3QjSXVoCPrlMm5K+nsGvsHXr6Tbknh8kk3aeT6fwIAcFNst5vXpkmXp26AH4WIJ"
    "jwkWx4xA4vtugtAG4ZAh1p1lLACvScMrThERFZH2/GzgGd6pxr606NwAFPMKV7e3iHBIuE"
    "pweysSU4jlBPK3t+JUFFHpkt3l//HPSRGdiDORLYJGJHxPBCcPuqSvgiV9lwNZxrAUE9L5"
    "KBLrkr98JHuCZZkIEjmwEakEqndMbFOwBvP5ZanO6fX1RUwlO+0nIoiuvlye9gY7e4INsU"
    "bY26Izwa5UyycqqQ0fSivG7tyoaN+KS+phVnqY1arOoELp1zo0xTLhWLryrsqVd7vIxpOH"
    "lkTT8e/kKjhw2WaVWpONk2bxarF4fjRlyRJ3EZEmejE7nUJBRp2cIKNOygU/lxzKlI2w37"
    "yB6O4VMhLv5RiJ99JGYvZERxoq9/PN9VVWCHYokuR0eOKA/wET021URnPA5WDEiFyA6c5l"
    "9/ck3GcX16dJfsA7OH3teO1v/w+cLf4z"
)
