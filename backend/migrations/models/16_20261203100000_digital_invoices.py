"""数电票: transit invoices get 20-digit 发票号码 and no 发票代码, red ones a 红字确认单 number.

``receipt.number`` widens from 10 to 20 characters (receipts and invoices already issued keep
their numbers, and their 8-digit codes), and ``transit_invoice`` gains ``red_confirmation``,
the 红字发票信息确认单编号 a red 数电票 names.

SQLite cannot widen a column that a UNIQUE constraint covers: the ``receipt`` table is rebuilt
from its own current definition with the one column widened (SQLite's documented procedure:
foreign keys off, new table, copy, drop, rename, indexes again, all in one transaction), so
the sealed columns' CHECKs and every row stay as they are. PostgreSQL widens in place.
"""

from tortoise import BaseDBAsyncClient

# Foreign keys are switched off around the SQLite rebuild, which a transaction cannot do:
# the SQL below opens and commits its own.
RUN_IN_TRANSACTION = False
# Models declare the final columns: test_migrations compares the schemas by introspection.
ALTERED_TABLES = ("receipt", "transit_invoice")

NARROW, WIDE = '"number" VARCHAR(10) NOT NULL', '"number" VARCHAR(20) NOT NULL'
ADD_CONFIRMATION = 'ALTER TABLE "transit_invoice" ADD COLUMN "red_confirmation" VARCHAR(20)'

POSTGRES = f"""BEGIN;
ALTER TABLE "receipt" ALTER COLUMN "number" TYPE VARCHAR(20);
{ADD_CONFIRMATION};
COMMIT;
"""


async def _sqlite(db: BaseDBAsyncClient) -> str:
    rows = await db.execute_query_dict(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'receipt' AND sql IS NOT NULL"
    )
    table = next(row["sql"] for row in rows if row["type"] == "table")
    if NARROW not in table:
        raise RuntimeError("migration 16 expects receipt.number as VARCHAR(10)")
    indexes = [row["sql"] for row in rows if row["type"] == "index"]
    wide = table.replace('CREATE TABLE "receipt"', 'CREATE TABLE "receipt__wide"', 1)
    steps = [
        "PRAGMA foreign_keys = OFF",
        "BEGIN IMMEDIATE",
        wide.replace(NARROW, WIDE, 1),
        'INSERT INTO "receipt__wide" SELECT * FROM "receipt"',
        'DROP TABLE "receipt"',
        'ALTER TABLE "receipt__wide" RENAME TO "receipt"',
        *indexes,
        ADD_CONFIRMATION,
        "COMMIT",
        "PRAGMA foreign_keys = ON",
    ]
    return ";\n".join(steps) + ";\n"


async def upgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES if db.capabilities.dialect == "postgres" else await _sqlite(db)


async def downgrade(db: BaseDBAsyncClient) -> str:
    raise RuntimeError(
        "migration 16 cannot be undone: 20-digit numbers do not fit; restore a backup"
    )


MODELS_STATE = (
    "eJztXXlv4zba/yqEgUUzgDvIPWmmKOAknh1vc8w6nna79cJmLDohIlOuKCXjd3e++0tSh3"
    "VQsiTLCa3wnxwSH0r68Xru57+tmWUgk77vUeoiu3UK/tsicIbYH4k7bdCC8/nyOr/gwDtT"
    "NMXLNnfUseHEYVen0KSIXTIQndh47mCLsKvENU1+0ZqwhpjcLy+5BP/lopFj3SPnQbzLn/"
    "9hlzEx0DdEg3/nj6MpRqYRe1Vs8GeL6yNnMRfXvn7tXXwSLfnj7kYTy3RnZNl6vnAeLBI2"
    "d11svOc0/N49IsiGDjIin8Hf0v/e4JL3xuyCY7sofFVjecFAU+iaHIzWz1OXTDgGQDyJ/z"
    "j8xX+1SLPR6PpmMLrtDkajVgnsJhbhuGPicKD++93rdwmIuNriDzj/3OnvHBy/ExBY1Lm3"
    "xU0BV+u7IIQO9EgF6EuUH9n3pXE+f4B2l7gzgXWPvQYkE5TCPKBNoM5eugrewYUl4MvJFk"
    "AZgFUc3tbnm9svvUHn8hQ8WHSOHWgOyaDfub7tDfiQQkKxMyT9bu/q7Gv/tts/BTbCszvX"
    "pt7kXz0wrRn8NjIRuXce2L97xzkD9VunL8Zqzxsri60qb7Fd+3f2xS0+ZMshEr+lQyRfCk"
    "F7lYel8KxPgLu7WwTd3d1sePm9OL4TGxnYYQAapWBOkNWD9upN5+WwPikC9Uk20idJoG10"
    "z9+oBMZLigZO5iIbRfY+kdom2HzkSIygk0b4gt1x8AxlzuQIZQJpwyd9H/yxjbizDzRuiL"
    "nwF1QO8IPeVfd20Ln6wh83o/QvU+DXGXT5nX1xdZG4mhqlsBPwe2/wGfB/wb9vrrvJ8zls"
    "N/h3i78TdB1rRKznETQiaz+4GqD2nbNM08fIcc4v3MHJ4zO0jVHsznJ6sDN8Ok3PjDOf7N"
    "OvfWRCR77afK7xNuhiy4b/ezDhg6vLaRDdnCaIdU3Xg6jv9dJUkChi78pYwXpQuvV7aypa"
    "ISM5Q4QxCibEs7WBi/R4zjssgJ2/jWwVdKyL+ZpYDVgXTZpZfJO39q2sbT9+K87dssmCoZ"
    "kN5w1BA4v9WA2qpzg4j/XZwOn3hGw8xRMBxsh2TYlgUB673yKd9v0+G4idL1OPKHIc1lnO"
    "Ki4O3cDr8zbSZQORs9GMv54dQFcHcn2/z9tllw1Bju9+s/1ZYj+cQQLvxVvy7jhxjHmV6E"
    "JDrjZbFRryzloT2lxNqFazhZqJoyJatqNsJdtRSsdmW7IztJiaOaBVGejWeef2c49rjyeQ"
    "PmBkD8nNl26/M7hhl6w5f0PLzlIzD0nn4qp3fQqgwTZrNZTOj2gxemCfUmZFRGkapw49Pi"
    "yirjvM1tcdaoXdW1XYxZm8J+ux0qjHKWsYdTU5PdUHOcAkd5Q94/moJOcWJaqTgVN3YFfw"
    "aylNdxLhNLyfLHaw3pNf0SLFVeSpNLYX1pRkxC7b8DmUI+LTin0/+2rkCAT6bJ73e+eD1v"
    "ciFgStIS8gw6MnRGqCqMu72tptPB8mbKDZ3HIQmSxGbF5ZtrEmZr1lh33RX1MnmDYqVIaO"
    "32Wy5IgiSln/a8J27vV263XW1OkWaHMNdqSwQ8Ra04RcXpG7NahVtc/4k3IOKX329611lb"
    "5Cpfkl0mFDFnNJle8lJqjnoFlLovUN77XzFL8mazXCQbNalb9/BvyUz/pi0cl/1tEJn+H7"
    "HnFKaIVxmr/wp4K6Spl7/go//rS/f3DwYX/34Pjk6PDDh6OT3RPWVrxv+taHHAHkrPf33v"
    "UgLijyC/m64nC8UmNwO4OmmTkKUbrVY7EFu6E/HAf7H47DAeD/5EF+e9W5vAwwjmyE7Kvv"
    "LXtRRuMYpVFZPVzVBVP7Em+ZL/FfLiQOdkpN4ihNA3HeLwLzfjbK+ymQ2XdKlKfZAAftGw"
    "juXrE5nDOFk+DCmeUywXKKJIdbHoMRp2vS4fYivEZKzVZSdxyn0srjfOVxhPVeU3vcPHVm"
    "O6E+js+s0vrjUmJxSQEvAF8i30XGJVu8i0yDuoW7pXkiCBAi7uyOXUlKeNGm4i9h4GON/k"
    "xR8mvLxnO4QPaIf7ZndJfexsbIo85pM2fTOuhD+yDpaMxNuslcdS965zwYc4YMPJHFYraq"
    "cEG1y0mlgwFrjQJ8bb4nBm6RMMDsKMBUEKC/mZXAdknRQHTrl44mD2jyWD6aNUbVQKBrjr"
    "ZcHtUpkPO9eGKEDXTdapIXDztpHVdiJix2IC+pX245tZ6giYNJV/hU/q1z2bs4BYKWO6n+"
    "1u3fdi+4i+oTsiky1DiTvbeB5shGkJaNI0+RVhoTxQxlyaOk2FmSd5ikTpOllCGxdSBoIm"
    "OAvmVZO2K0CcDvFg7aYvuvVL9zeXMW29oYsGe9607/j52rzr/exfa3y5vrvwfto9vW2R+D"
    "bkc6BqEoV3UgYh1UHA3FFsCrDQaaQSwJqCw2ECGxHoS1BkEoLqoOQkisB2GtQVgqoEqcxx"
    "LS5p3HB/sFjuOD/czTmN/KPQgqwp6m19gXxT6iKy2Ne5xWY74a8yfMXQ8FRFK0V8tg8R4U"
    "xrx183XwpTPoda8Hp8BynTl0MCLOkPSuw8uY+FfVkMc8bMvr85J0Co9KxZVwWEQQO8yWww"
    "5TYpiB5tB2Zv7YF0U6TtU8nOuPU/bmJttM7AzFXt6UDsny1Hrbh3kOxlxLJ0UQyexYq/BD"
    "UgPWm0LPsRxolne+iZFp35vKvjdTlxjl0Y9SvRz4u41C3uKuE+Whj5Fp7KthDyeTij5/cU"
    "KNfzX8ecqQ8uBHqTTyFZHXKTgyB6S5KTh0coaaHNkS2YVLIhql0YBKjd2IlnYDj5GtAWtS"
    "jHrVqD+dQeRVXcCLZBBJ7QY1ANu0hONJXKM74BqJWcIo5TUzGkRjohuC+GvnZtlKnOgEsu"
    "+2HtG6KTJuWUcD3k9TkTKRcc8dOgjra92k+Jeiry7ratFUuFg37qyONcgzGiPjwu+uqXDF"
    "spALTcuawEUzkJ/z/pqKHCZPFp4w8byGOgI9v6+m1ROQZfnhnMTaZRdEVz5qnKVoKmiW69"
    "xZ30YzRCm8Xxe2G9HZlddXkxBLx3+mhdw0dEGuo9qjcFUUawuE4Mak+iKiwgrIjdGdJEdF"
    "lfICVYFXdb7GzIGWafjsXS1ofRL9FWXxthExSXbCeqbZG0lRGBzEPgNTB3bxA7lBuFVLFu"
    "BJ7tkZA0LJfmXagBEKm65KHsDPM0AdNAeYAAj8Dn6g4PmBCTLwjrESFOwM3aODuzv283Bv"
    "790p8CIF22EUVhtAYgA23MjmJQUIv0K5j6C7v7t/3EqA+UKPXF3WJJbojqc20DntlMxpl+"
    "1mm+FztI5TrWrs66Y9mcsbmBtrWN4SQ3KASa4l2UCONA7sH7c311kuuY48+MvAEwf8D5iY"
    "bi83LRtTDkVsOINlEgYfRVbQuST0iHdwpnNkNdqGvz3TWeccUybn2GtanNWcsJs1OL9AJr"
    "ewInS2fBYtGr1aRKPR1iultMEDYsIOdYAXnAQemPSDDB6OBaYWk4CYROW5QgixiCJu9AM7"
    "4zFPmzMenzIxa+h++On4ZOgeHxyjoXuI0AG7crK71waMnglIKSlt848ckrmNpvgbsKas9Q"
    "JBmwmBrPnRh13W8OjgyOvAfwH6kT0EgfHY+5e95Xj87v2QDMm1dx9AGwFeDYCAuwWTLSe2"
    "UMqwhuxhmALbemZXKTYQf7h4eXGPayGgSM/GREiLS6SWaSLjRz5/hkR8I7jHT+zrMBNMfT"
    "T4TfHhvKtgLJlUCxcU3MO5iSh9nyGFplLwrZVa/a3IoPt7hx8OTw6OD0PRM7ySJ3Guli51"
    "QrVNJVTju0dmFGae+iRBqH3Iq/mQa29i7aipCn+3Xqm3TTJ4S1cwCWsX8xPLKcMd+qUVY+"
    "c6QDRmzAN0hPqaMr7G5wzH44/AL6jptaKCrQh4EzRn48GmB6AmngP2XHDH+BnLTKVC28hD"
    "hmRqWzPG+AD2D+cBs5icdVgarVl/Mc16MGULq9YDgsZVUa5fs65DuLKhb24Il66i/BbMK+"
    "qr+bc+CEpRrbSaXnjKFsJIV7+VcNnSErnZ3Ha6RG8hrjsbdqmSLlTcP6KFrn64HfwsH6oS"
    "3KzfvIGavP2jowLsLGuVnXGZ30vattmXUqd0ksEkXQPxPj4sAPfxYXYW/8Mk2F6O9oxqCf"
    "m1PBOkTcq6VEc5T8aBzFnnaHRnGZLtYlWS3hS5Th8eZc/L5OnVEnL2fG+uhKwzcmxWcNI5"
    "Drbc5cSLtz5ziWFK/U1i99u5VeK9KPC7ZdNahSQtFG2DUCS+veQABCT18I5vZhAi/tdsNG"
    "SYE2gvMvyvfQrNTpZhJ1Pn4Gtu2ee8VN3cwvIwrlSbIlv3JN58pWW5+4TsBVhSCf8007oH"
    "lJ39IkjKEqZbiv8PeTZfMLetJ/5U4c4GXQOLd3ifsifX27U+TpTeybKPEz685fAPKPRhUv"
    "EwIZYjhTz7MAko9GFS5jDRuolii6BZugm1WAiLn6bQce0c0S/aqBATkWhfwD/tGTsEUfoD"
    "BRFiwLPwAIuIkz/CCFhTEQ7g2AiJ0z/NO9TRodxK558tfvfaUKfSCaYuE/HaO+irsBHBGk"
    "nhnm26i5A00Gq3kbq0JpaVfsy2JwXtG4FvHivQ/dcgxgWkwq1jfFrQPBmDrbk0zaW9Opfm"
    "JcrK5M/CPForObMwgVfRRD1s/vGgRsB6RiIe07ECPcxHMB5jYzwG2ItU5A14gCM22iLTjq"
    "AAlm0gO82g1d671u8ozRXksGbBLCincYiRabVD8jgrqnag0CwLvE+hMa+KeZgtrShXHBI0"
    "gmfbdByMieB0VMEIGaerJPcplVNVF5JSbeI3i0PW8Sk6PkXHp1SS5wY4z9NK3G0XkOacoG"
    "HNoSgmYzhEZj7vNNQ6boVO2mxBKhy1Mr77IVGT9Nx1eO2/vhebGlhqP7ZGyqNKqTd/960+"
    "mSfi70uz0MpDMWJCKpbnjlv6AIKTh8Bm7KWh88zGyDgVGsnA0Yybivn/BH1zgB9oxrWW2E"
    "nrOOvuvGYV51s5ljeWyU38TsGarcYJ2jcul8lG7JrbYLLf/vxtipwDXj6ycxsZPIMmNGVH"
    "QapN7mngJwCbxJsXOhA80h8o+HLxSTgbc7vTI1qAHSpiNYHLq+75mTjtJ8wTcSL2IOed8D"
    "vm1qoJsh2vwBwCPIOV9GzYwHOGhLc20Ny0FsKydt7RR4eCR4c3wCNp/oBc40uMTrO8ZVje"
    "mJZ6uW7SA5DtO5Mga4Q5RrvQKDMUDTYQqJUbVoVah3VYB8owa6uzyJYsNVk9h6wK8NefQX"
    "bNtP+JSs7SvP/pas95if+91iMj2ryAK76nmRBMKaSC80QGz97qdQfgPQMNWGyX4gXUCBiP"
    "eYU0Rj0egx3OfS4LrAkfnXdgZj0hKvPR3+CTpHaNiAntkU0+bdhQRw7NY5bFWKXwz0mz5b"
    "dvBHsW17TsHRdQtOwlz/mlnoXfirNj/pIqg2+EpIEQ159aCznwvgy+QXsNbgFw54Yk90ye"
    "CO0TaNm5XVV21gLcGxTg1PfwUmXdNc7F6zWA3WYfr69UCBwp+U1cb+fJbM/fRm7QqICkNs"
    "ME/zi3rXsbzgAnbIsw5rlfo5qtLonQVYyoZoNBjo7nFZQ7rZ+nLhEV2IB4Ev9x+EtLua2i"
    "nSMUeWNVhq1cUjTOAF0/W8m+0iqJb4SkEsCKlU/YNMKajXwrbGQJtXXUQkq5kkGSPeDMp/"
    "z0ax+Z0JFrIiJH7q3X0xbOgyxeKLaOppZp+JG9GK0J1yfRVxhO3ES4RPlV7IwmDJI10Rp4"
    "XZ1DryBEk9HC5MnCk3Wnlw9Yz+usSZhtWpwI9rAMqSKyxeUKFzTSrlACANO6x+QUWK7tle"
    "37gQJeVaENfkeMERKWF69L7pLSFm5JwlTDrTNeNUDqWHMKni37kQErzwOwiYfodABbauwR"
    "A1q65EecSss3K7nvyIpK47yqJEWCWKvS21qVrqv3ZevO0bc5Zt1VGOY4pR5mpYdZl+J8C6"
    "PMVeYlrWAREm0CyzeBBeaPNe1fgallOyFdafyKTCilLF9R/ZFEVE2ol7JF1YhOq2C2uk7g"
    "DAgeEfvBM8QJ4xYTHr3O3oM+mllPIoWcAzzIKBMhMQW29dwGBD35sTZ+RzLb2UaesVpU/T"
    "NcFmyf8o6J/2jxVUnxNRygkhxAlE6zeZoB2PJBXWnYVtexSIXgBM1TbTtPVcCpq2S4zRou"
    "XSpM6Q04dK0ZcINnd65NRQ7ZcxPimYxjlbTKZVztaPvRJCRYyb/+zjg/JByxAh6TzweDci"
    "4z1ulHwDrjkd0ucbAJqDVDnGqKbeoA05o8Umkukg30X4RvnUPbERy8CNDRXKuiXKs3OqkB"
    "4PaWLnFnqR0qbg0IiFWOV2h1fuv0Ljtnl91TAJ8gFo8fksub81+7F6diYiNjSM4vb275/x"
    "PToshIrqLXidDx3q2CTBEj1EpFlWUKb75VsQNFCfUYqzzG7tyoaOyLU2r1gNLDLFiektJs"
    "lGYNWXZ7Fm8J/UC0bHpRPKM0Gk+tb9kApDn6llDoWVPhUjjBhprzdKXEH931MuT91EZQA6"
    "y3QT/NRDW692lFVvMVWb8h20tJxj7n3HLlqWPSjdp5aqynSHP2wW7R5DGfrWfAXnQBOB9K"
    "AQyVTc+QAq9TZPD6q1ylZMAF2Dl/wASK5u/SSqv1u1uVBoYR6Sww26Gj4kOVgp/LTXLw/e"
    "Z5wlKzBCUu/CTdS4OVGwctc8KG7ZuUwH7NHJ7qMs7qTkWdAUFNPuPF/MCi7Ebflde6SbUp"
    "zpHYQfPVbmFkmWWZU4GpZXucw8Lz0qIBT0FPwQFgAHIbGAU7Q/cQoYOh++Fkd68Nhu7Rwf"
    "TD8r/jk/29ofsTPJl4194B1i00TXCU4mFe/A2GZIdhYXGK6e4uu/vT8Qlrf4SO2M8Pe1MR"
    "P8VI9wzewclPxrv3oOOZ/GYIEgoO2jwbHybgHxiSe+q2wWdEIBF0n132l84orWBG6WDipK"
    "HNLwAUpWvSsV9HDSCtsa9y+m+dxl7nJta5iZWCX7HcxOfsdSwT5cSgJ1rkcnITr225WPQO"
    "DxJnL/cjY0v8DoKg8I/gCZrY8P2VxuNlyNx4zC6avOaSV1weQdvEsmL0tfeuo8+3VMmko8"
    "9fJPpcxz2/CcZKxz2/jWEm1WKeonTadU3lEX5FH5wtWrjV1d4v7dqgKKgv7dtQn4h0yVNY"
    "DR5sy3Hk2u54g3YRAUmkxRo5UZqVctIniHnhwECIEV1QXlbWCvJsAf5iYOeRLXXCdcbEct"
    "4Bitm0ErpoUZ2WupMJE2zSglL93Ws1slpqZDGIZWSfkKBxYs9RkaK2R9k1bY9SJW2nbPm4"
    "tiyLYua8jZI0pq5tbSZ5vp2MfIiqBMikyTUfqjIf6kc0CWVc6cFO0OqRVm2k1zIh1MfLCS"
    "b6C6T02bLjHIe0QSFebh5tXaQGH38EmKHZnXAciDFcpzztjJhyUZaLW+chAayfxdwBwfNE"
    "IlVp6b3aH6A5Oc3JqQPuhjm5YPqXNhWkCFUOmq4I9/5uEbxZq0zAxT3ti/FGzn1VNY0quA"
    "K8nidGhk6ypCNGZY2kCuDXro9czw2D9fDFtqxpZpRPokUuZxqtgzGac6IygT4D9jcQVJx3"
    "ZGTLOBwvBIdH44j6zdQRV/ljuD6Q/80zLaV50vW7HJIhGY8f0WI8BpiC8Zi3OP2ZuJzJ/Y"
    "VdZI3HY9709GdssAvvQcd7Iniw2Agwtlc8GDw/YJPrK3kvkwfkpQbh/O8jQnMqbkz5z6mn"
    "Dt2hCLGO+SgjYrz3kX0vKoyMxzmBSH7+dB2EtDX+IdJ0+TmVqKUJ8pvA450UYfFOsjm8kx"
    "SDp+O7mhjfpbImWRF9k18OyeAHoOxUj90vdKb71ZpGTkBRQOPE2/Lzlp2Brm0j4pgL3/XR"
    "7+09GDygQC8kWnsTix+SPKUx+saeYC5+tLitj0e6yNROG3pKkVR0QWiZzkGn5tGqwys3kO"
    "yFryAponnzOkJUz0HxRma3jmtVM641vhzWVmkE5/BWrYKi4EfW/sYVGtH6mRK+J1Fes5gq"
    "ozi7I2g8JcId44sN4FihKuFUsB4iMteyeXAHu+9XbhAE0GbMyQN0/PIPck6n7gfooBKF9/"
    "48ziaYl0W1BkH7xtnhDvYLKA0O9jOVBvxWnL8RC6uCTShKpy1CSluEdLkNXRvitbkiVett"
    "JQpqZzNRkZLbhdVHBS1BjGXxCYCBHIjNwB884IB8fv4U3LkLzuNgx/S8iUT9ZvgN0LkpK1"
    "lQW8/cLtRnPJbNy29RaIYJVwDjpHhWOeuZ8WZWGzxj5wEQdA8d/MQ6mnF1KW0DajEGjt2Z"
    "szdj7U38WFzrFKyvSNyiVkCpyaaJSTR6ZBDImbXVlRDiPahs9Wl96fZvb647l6dgztaERa"
    "A5JOc3V18613+cgok1m0OySK7IIixe/eUPPFDFf6lhWVWoOk6r61RHmbsydao9HNmOKmXE"
    "siWZJF2lJaGYl3Vivp8Ume8n2fP9JDnfOVr2GuVYovRKb0HXvesu29n/NiSDz/0u+/OA/d"
    "n9V5dJC6c8e9neoTF0P8BdVGUfKjIs2aOSGhSCnNEUSdxp847nCFGTMmu9yDEdXw+loY8Q"
    "aegrQ6/TdFQ5hLdOw2KzgWKfN8X2TOTXLHPCy2ibd8rvF3Noz/FnT7mza62WLmqiHKRaUa"
    "iUolDX3lC89kZcu3qJSQEdrGjVLuPGZwYUK5WxNwSFLnZcURqoT4Vik+ffoA/csmxNAw3p"
    "R/CI5g6AUwfZor6GryHdecDUseyFpCjHhp6xqlIH262w+EztKa+QrJCtTQ3HKzUG+fmoo3"
    "RNEt3qyEettRBaC/H2oFeNt1eDFW2EY/Cbmc/aNfjl2PvkNK8B2aouv1sCa0mn35d2b7lF"
    "jsM+01tnctkqbNIuIljRaOuCQpXncRKW8vGkHl7BJ+isHXqeeLl1hFcJd+GlbKpRYGODiT"
    "0/BOKSxGd4g8/RuXnUys2znTbe1k9/a5UDfKtsvLxv4ZVfYsLHaF6OJzpSOaw2iukz+wrr"
    "eWTARRlUE1Qvh+veybYAa7ADvLQFKUakRaIEpLoM1GYtSN7sq4Ebb3qW89gyrdWMpKtrFc"
    "H/ZatrZaV9KJ7uoXiah9B2A71sClNuqaEL6qDZMhQROx8B4UYagAzsZWHi2dtnc8tm/+UY"
    "hNbsVGoBWs5YG01Ttp8/W0LcGVlzRLzhQt8YINzJvg2Cm0E4XezWst/gHbRr/murfPNyQ0"
    "gy0eU5JU1fVjJ6MUek+ktxJRdQYYwTdM1z+toU1mXDgeNUzcO5/qhgRBx7MWJcTFlvxhRh"
    "A7eQwyK+jIfZvoyHKV9GD7Uq9b+WdNpFWGkXYcE7VVlQCTq9noqsJ59RLbuclmR6NSm9mr"
    "iEVN6bJEqlze/Vg1oeICFIUj4mJyHLkqSBG1j9IbtRkbrkJpYg1RuZ0huZWipzdQe2utI8"
    "S2NbWmleXWerBqz1a22zEI943UuMlmc++adf+8jM4mtzHf8bgv/3Up4/KXxl+lSfNLBGrA"
    "Y4mRp5u9QguciWsCBcIBM/IXvRcRw0mzstiTEh2aSdZ1cw/MbsDF62LmhbWADoAMYuGdxl"
    "CYIZopS9NE99yE0Dt1eDL4Aim/XuuTE9c8cl4cskLgIKcaaFoa6ui6Tt8TtvifnDy0do04"
    "CipgF/eFIjkB0PERI0SYiqzbGE8REVWfc4pebclebcp5hg+lBpnBOkeqCVHmjLdSaWLHdW"
    "MU/TCLnKqo/Wbfd6cMqOeuIMyaB79eWm3+n/wc5DxPUJ0F4MyZdu/6pzLZrNkc2YKeTt96"
    "+vLrHR3FwwzA3JKGUeY3GiSkeZYuxw3SeZQKiUoTUgUHmmV1TyHRWqyXmUU5PzKF2Tk30n"
    "Y6TL+Q1EaZpny95I6VNfGCmpZotTaT1bvp4tIvCtqWi7cZ0769vVsr/thHelvi0+v5SKG7"
    "uC2PynazmwJVGFLG+285QgM9Zs9FfYbqX6wx9wCsQGx4s98HqVO17pSs4HvwNTv1ilH8UY"
    "1K5kzBybphTs3C1E/gxeGVqSd2MTD9BVKRuhA9FVKXVVylc6cXVVyrpFmBST8jpnaJyNkZ"
    "yjKT4n+yy1RNNRhMcqZk5A/BDmCn4m1xtt8Gxjx0EEYOKlluLWNdYH5omovGxTNmJzgDpe"
    "PDSkj+yY5GeirLrABvovYljgvnCeloW1DOMUlokbKtcJyLG3v0JsWuvnqUs86MST+I/DX1"
    "rKSQS5p+oalQC2ogZAv3ve7fFAbH/+DUm/e9W7vuj2+aUZf5qtioZsgucYyY6VVSUAYqS6"
    "AkC7YgWAcN+qshpC4hfMVeBJSSV3nNY/v3a/di9OfRlrSG671xe9678LzTK3O4sroaL5ot"
    "thbQ0EDTWWiX+mSPnVbHvOkkqbcpQ25UxMiGdlBL2QoHmK1vqDhnxnlzJ5KqIkWnhJ2l/y"
    "1NbZczZXba0U/6SSicBAhjtHo5KKoDhVLZuEQtVG64/f1PUw3sQ5y5m7Kv5PS7IaBlix07"
    "dJ46vN1i9yJpmQOqPSThhxquZBvRFHDJ0iefMeAjpP7ybLcGSAHkhYoxmUeceVCcaRhEA0"
    "BP1ykTgl7UB9XxHsZ9htSSxBySbtPFtQoFgOkvAWswZ1yDIlbtCDML2EpZxF+RFIfJtO4P"
    "IgDDXEurOMBeC5angmKiK8JdIWoQ08w6s87VOLzg1AMc98NR4jwiHhIsF4LAJWiOUE9OOx"
    "qJYiMmCyu/yXXz9FdCLqVlsEDUn4nghOHnSqXwVT/S4HsoxiKUak41Qk2iV/+UjOBMsyES"
    "RyYCNUSVsQI9sUrMF8fmFT0M3NZUwkO+slPIuuv16ddfs7e4IbYo2wd0Rngl0px0+UUis+"
    "lBaM3blRUb8Vp9TDrPQwq5W1QYWUsHVIimXctHRGXpUz8vYZfJd4hp1z7pkoeOi0zJNsky"
    "/0sNYjkzcfTSLtCznBCTImkgjC0MX7ES24lMH/9LLlCxc1qVxTtZM1JInXdEhWyAK1f3RU"
    "RK16dJStVuX38gWMLXC33Sax4tscs41eygLlBTTE6TYFbTNDGxTxeO4gG08eZJu9fyd3i4"
    "fLNqu29ewh0MobtZQ3vFJxyYynEZImOq/Ud6JFVGRzSY2+bIT95g1Ed6+QbXAvxza4l7YN"
    "sic6Us/pf9zeXGexCCFJUpTHEwf8j7GTdBuZhRxwORgx+T3ANHSbjsB9LnGa5h2cvfZh9v"
    "3/AYUDz0M="
)
