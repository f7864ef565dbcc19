"""Console: staff passwords, console sessions and failed-login counters.

Carries the SQL of SQLite and PostgreSQL and picks by the connection it is given.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQLITE = r"""
CREATE TABLE "console_session" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "ended_at" TIMESTAMP,
    "staff_id" CHAR(36) NOT NULL REFERENCES "staff" ("id") ON DELETE RESTRICT
) /* A logged-in console session; valid until ``expires_at`` unless ended earlier. */;
CREATE TABLE "console_login_throttle" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "login" VARCHAR(50) NOT NULL UNIQUE,
    "failures" INT NOT NULL,
    "last_failure_at" TIMESTAMP,
    "locked_until" TIMESTAMP
) /* Failed console logins of one login name (known or not) since its last success. */;
CREATE TABLE "console_password" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "login" VARCHAR(50) NOT NULL UNIQUE,
    "password_hash" VARCHAR(200) NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "staff_id" CHAR(36) NOT NULL UNIQUE REFERENCES "staff" ("id") ON DELETE RESTRICT
) /* A staff member's console login: a unique login name and an scrypt password hash. */;
"""

POSTGRES = r"""
CREATE TABLE "console_session" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "ended_at" TIMESTAMPTZ,
    "staff_id" UUID NOT NULL REFERENCES "staff" ("id") ON DELETE RESTRICT
);
COMMENT ON TABLE "console_session" IS 'A logged-in console session; valid until ``expires_at`` unless ended earlier.';
CREATE TABLE "console_login_throttle" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "login" VARCHAR(50) NOT NULL UNIQUE,
    "failures" INT NOT NULL,
    "last_failure_at" TIMESTAMPTZ,
    "locked_until" TIMESTAMPTZ
);
COMMENT ON TABLE "console_login_throttle" IS 'Failed console logins of one login name (known or not) since its last success.';
CREATE TABLE "console_password" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "login" VARCHAR(50) NOT NULL UNIQUE,
    "password_hash" VARCHAR(200) NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "staff_id" UUID NOT NULL UNIQUE REFERENCES "staff" ("id") ON DELETE RESTRICT
);
COMMENT ON TABLE "console_password" IS 'A staff member''s console login: a unique login name and an scrypt password hash.';
"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES if db.capabilities.dialect == "postgres" else SQLITE


async def downgrade(db: BaseDBAsyncClient) -> str:
    return (
        'DROP TABLE IF EXISTS "console_login_throttle"; DROP TABLE IF EXISTS "console_session"; '
        'DROP TABLE IF EXISTS "console_password";'
    )


MODELS_STATE = (
    "eJztXe1z2jge/lc0fNl0hu0kJCRp9uZmCKVXdtOkA7S9u2WHKFgQTYzMWnZSbrf/+0nyC3"
    "7HNiYRjr6kxdZPth/J1vN71V+NhaEhnb7tU2ojs3EB/moQuEDsP5EzTdCAy+X6OD9gwTtd"
    "NMXrNnfUMuHUYkdnUKeIHdIQnZp4aWGDsKPE1nV+0JiyhpjM14dsgv+00cQy5si6F/fy+x"
    "/sMCYa+o6o93P5MJlhpGuhW8Uav7Y4PrFWS3Hsy5f++w+iJb/c3WRq6PaCrFsvV9a9Qfzm"
    "to21t1yGn5sjgkxoIS3wGPwu3ef1Djl3zA5Ypo38W9XWBzQ0g7bOwWj8Y2aTKccAiCvxPy"
    "f/dG8t0Gwyub4ZTYa90WTSKIDd1CAcd0wsDtRfP5x+14CIow1+ge7HzuDg+PSNgMCg1twU"
    "JwVcjR9CEFrQERWgr1F+YM8Xx7l7D80esRcC6z67DUimKIa5JxtBnd10Gby9A2vA15PNg9"
    "IDKz+8jY83w8/9UefqAtwbdIktqI/JaNC5HvZHfEghodgak0Gv/+nyy2DYG1wAE+HFnW1S"
    "Z/JvHpjGAn6f6IjMrXv28+g0Y6C+dgZirI6csTLYW+W8bNfumZY4xYdsPUTi38QhSn4VvP"
    "YyD0vuWR8B9/AwD7qHh+nw8nNhfKcm0rDFANQKwRwRqwbtzR+d58P6PA/U5+lIn0eBNtGc"
    "31EBjNcSNZzMeT4U6d+J2GeCzUeOxARacYTfszMWXqDUmRyQjCCtuaJvvf/sI+7sAbUboq"
    "/cFyoD+FH/U2846nz6zC+3oPRPXeDXGfX4mZY4uoocjY2S3wn41h99BPwn+O/NdS+6Pvvt"
    "Rv9t8HuCtmVMiPE0gVrg3feOeqj94JRp9hBYzvmBOzh9eIKmNgmdWU8PtobPZvGZcemKff"
    "htgHRoJb9tLmscel3s2fD/8Ca8d3Q9DYIfpyliXdPtIBo4vdQVJIrYvTIqWA1KQ7e3uqLl"
    "E8kFIowo6BAvtgYu0GOXd5gDO/czIj10/CtmtIy071r4VJi+MTQw1NOxvSFoZLA/mxF2NO"
    "NuqM+a4Bucmo/IxDM8FWBMTFtPYL7Fsfsa6HTg9lkT7PhMXLQWkbm5gATOxV3y7rhwaKVM"
    "MLz4S2i63cVfqJXZpb5mF6XT+2pQO49K307X6Nsxhd40kr5n+WxanqzMQDe6neHHPjdVTS"
    "G9x8gck5vPvUFndMMOGUt+h4aZZtMak877T/3rCwC1BSZyWLge0Gpyzx6lyBsRlKmd7eX0"
    "JI9t4CTdOHCirAOv1ToQ1kAejYdSox6WrGDU5WR6sg+yh0nmKDueuklB5hYUqpLAyTuwG/"
    "hazKwWRTgO7weDLaxz8htaxVhFlnq5v7DGNCN22IRPvh4Rnlbs+dlTI0sgMGDzfNDvjho/"
    "8pgrlTkuhxaPHhGpCKIe72pvP+PZMGENLZaGhch0NWHzyjC1LTHrrzsciP7qOsGUBbM0dP"
    "ws0yUnFFHK+t8Stq7T29DprE7TrazV14V3CSl9ct/Abe2Xwjj3OdBhTaZlQePlFSaob6FF"
    "I8F+6Z9rZpkwddZqgr1mlZoxf/eYgUvisOjkj22sm5d43idWAfsmjq+U7lSQ17ww57fw87"
    "tW6/j4rHV4fHrePjk7a58fnrO24n7jp84yqPRl/1/961FY5eEHsq2e/njFxmC4gLqeOgpB"
    "uc1jsQdfQ3c4jltnp/4A8B9ZkA8/da6uPIwDH0L21HPDXBWxnQVlZDZ0lo1cUiF4exaC96"
    "cNiYWtQpM4KFNDnFt5YG6lo9yKgcyeM8EMmA6w176G4B7lm8MZUzgKLlwYNlORZihhccsi"
    "GGG5Oi1uz8I1YgajglbQsJQyg2abQQPUe0s7aP0Mc82IITQ8swpbQgupxQUVPA/8BP0uMC"
    "7p6l1gGlSt3K0N7V5cPbEXd+xIVMMLNhX/E64q1uj3REkV6qIyjHYVjfGp977f5QlGC6Th"
    "aVJ+UaMMRalciSmc4FJpZstLk5IQuHlSW9IzW2KJLe6XpgC2a4kaols9u57eo+lD8QytkF"
    "QNga44g2i9jsZAzg4WCQnWMEKoTsEibKW17ARvVL4FeS39fK9T4xHq2Jt0uVflr52r/vsL"
    "IGR5LOTX3mDYe88jIR+RSZEmx5rs3A3UJyaCtGhuZEy01JhI5sWKWsHymcGy7GCx1WQJV8"
    "icFLXphqVquJrsxLLroIa1SXGOlCBavwlefZa1AxtaQJyQELUJbV+sfki32nmCqlmr9E9J"
    "OxZW7aC2ZFCV+Jb4YjUEu3LvxSNmirQDUUnuEu5BYswbN19Gnzujfu96dAEM21pCCyNijU"
    "n/2j+MiXtUDh7jYFv8Gx+Vk3hUSr4JJ3nehJP0N+Ek9iZoaAlNa+GOfV6kw1L1w7n6NDJn"
    "brKPiZmiEGdNaV8sSx3eP8wzMObabSKCKMn+uwk/lGj4fVXoWYbFtLvCHuWQmHIol3Yoz2"
    "yiFUc/KPV84B/WCnmD+wOLQx8SU9iXwx5OpyUDWcKCCv9y+POM7uLgB6UU8iWRVxnSrzBD"
    "WuXOVhQAEqk0VxDRoIwCNNFJhGjh2MaQ2BawRtWoF01lUQne0id4x74GFQBbt+KTUVyDX8"
    "At8ub91LstE06DiX41QfylU+f3Eic6hey5jQe0bQbzkHU04v3UFSkdaXPuQSWsr20LpF6J"
    "vnqsq1Vd4WLd2Isq3kH2jCbS3rvd1RWuUMFOYWnZErhgsc4u769OyMWzJ+JsOg6fVymg8h"
    "wWGflzjgSWkPqQh5NsgFyb3CVkeBav01AeeFnna8jvYOiau45UgtYH0V/etWQfEUuoUlPN"
    "NKtxqZpyKWMO1U3PG/Op8MbksQnym25KIePfZUAttASYAAjcDn6i4OmerfzwzrAtCg7Gdv"
    "v47o79PTk6enMBnJD0ph/u2wSQaIANOTJ5iVTCj1AeVGO3DlunjQiYz3TJzWWaQ+VOeIKb"
    "qmwiZWWT9Li0FCf9NlFostGwcCDOcStHIM5xKzUQh5+K+CQLe2Rq64nZE89LrkwUDVmJMc"
    "q/Dm+u02LYrOTwZA1PLfA30DHdX1aYNKYcitBweq/JwafOv6NvUPfq5jI6TryDS1UpodZO"
    "r/2ZzqryhDSVJ17SRSPnhN2th+YZ6nn422ml62fBHbc2q2g02Hqjlja6R0zZoRYY22fvTs"
    "/H9unxKeIq0uyMHTk/PAL3TB9CGs9oADOD6URMx3K8iUJRCoudIHTsiL2NKWc7u9KYjMm1"
    "yEWgAJoIaGz8CbhbMS1wagozALsDYN1jCkzjiR2lWEPst9O7OMcLPkBRsYMpewbXHQ1dR9"
    "rPfKTHRNwEmONHRAFmKqST+AD4SXFnvCsPdaZ/whUFc7jUEaVvU/TFWMmUrUphvhZtsXV0"
    "cnZyfnx64iuJ/pEs3XCzHqhqbOyqxgZ/4VMTjLIMHRFBFR5ZLjxSBcqpGCRZmNh2m0zsko"
    "qtoxwSSFgoBCJjA0A/5CIf8eoA0ZiRB2gJQzMFt7cuh7u9/QW4W/k4raigFR43QUs2Hmx6"
    "AKrjJWDXBXeMzxh6rDrGTi4yJjPTWDDiA9gPTtLSSM42lEbZwJ/NBu5N2dxGcE+gdvu3VW"
    "8DV9kJ6dDXNztB7d/2GhwhyiCvDMgy0WuJSxfHd95K4NmJ23Ol8+349mC5eHc67IlmOt/I"
    "/oBWar+a/WC0fKgK8Fm3eQ1tea12O1ftrHZG7ax2vPYhe1JqFd75OSpXQ7yr3//ZKdyZUk"
    "I3e/eliGidSopUsQEToyBL1jma3BlawudihL6n4BoTrMVEziLmvX+PQpw8Fs3i8/Krm+t/"
    "ec2jIS5KMVaKscox3626pLJ29zwmxMkgvLSJpicGhITONzM383TyGu/WTSvVjJQmtA+akH"
    "j2ggPgiVRDGF/NIAQCpNloJGFOoLlKCZB2JSKQ360sJ99xP7/CiQi6wc4+V2FU8rJ/3Rn8"
    "J5lMXiYER1/+Z9TrJK2DL/nJ7vJNS5YGTs6zirXJ8+mehptvdCj3HpG5AmspEZamG3NA2d"
    "ovspgM4bGl+H/IcfWCpWk88quKKDZoa1jcQzx0r9qu1XIi9ZcsfTnhw1sMf09CLSYlFxNi"
    "WImQpy8mnoRaTIosJso2ke8lqJdtQi4KYfDVFFq2maH6BRvlIhGR9jnC0p6wRRClP1EQEA"
    "a8QhUwiFj5A0TAmIkwfctESKz+ce5QRYfJrjl3bXG7V945mVYweUnES39BX4RGeO9IDPd0"
    "f11ApBYejmfYoYx/0oq4krz2tcBXeZCkGQrF0nbH0pyKTKn8zC/YtJGZ+ZWi8lbSYfOP5z"
    "IC1jMSeZKW4dlhfgG3t1i7vQXYSVDkDXheI9aaohSOkACGqSEzTtAq713Zd6RmBRnUzJsF"
    "xSwOITFldoguZ3nNDhTqRYF3JRTmZTH3y5nlZcW+QC04267TX3QEZ5MSTsiwXCm9T6rinW"
    "prFNkmfr0YskpLKbOoqLSUV56W4qhsI5wVayXONnPoc5bXsOIMFJ1RDlE8z1kPlZVborU2"
    "XZXyR61IyL4vVCdLdxXB+i8fxyYHliqSTRryUNtItm+u3yd1Rfy2dgxtXBQDTqR8pei4rw"
    "8gOL33vMZOyTjHcYy0C2GT9ELNuLOY/ybouwXc/DJut8RWcvW5Kjuv2Mj5WpblnZVwE//G"
    "YE035Hjta1fEZCeezX1w2u9/4TZJ1gGnEFnXRBovnQn1pKUg1iZzNXArf03DzXMtCI7oTx"
    "R8fv9BhBtzz9MDWoEDiiBbZYDNd5JyS3Caj5hX4ETsQtYbEXnM/VVTZFrOpkkI8NJViWvD"
    "Dq4zJry1hpa6sRK+tW5HLR0SLh3OAE8SywZkul9CcoryFqG8ITv1+r2JD0B69ExErBYOGR"
    "VEI81Q1NhFIFdRWBm21avCPVCErG0uH1twV8PyxWNlgL/60rFbVuaP7E6aWJo/voNpVm1+"
    "p/VECzbPEYzvWCYEKYVUME+k8bKtTncAzhlowGBfKb7HGQG3t3wTMyZ9ewsOOPtc74Emon"
    "TegIXxiGhSlP4Or5To1wj40B7Y5FOODXn00CyyLMYqhn9GdS23fS3oWdjScnSaw9ByFF3n"
    "13YWfipMx9xXqgi+AZEaQlx9RS1kwXkRfL32Ctwc4C61hOozWSq0K6B052ZZ3VkpcK9QgV"
    "MxXirGSyb1TOIYry9UKBwx/U0cb2bpbE/fJ7bXKIemtsAE/7w0jbkJF4ALNkUi89LdRpq9"
    "XQlKVz6hih0GGTaeFzDuNP4xs4nYeg2IK/E/J/9sSPepaGYoRc5YFaGVa4naOaCrp5XsKY"
    "2C+AZESgEs2b4Ju0ZY0cjXQiMLmK2DHlLKjQwJ9QMuXckPvw2QDq1kS0RgyR06Pe3hPEjj"
    "QqH3aGbompvbi9GWcH0QffkJxXWBa9dkz5thKZwvMAEzqR8NtMuVoK0bc0wugGGbzm5qP1"
    "HAS903wTfElilhF3e65AEDTRE0Igzp3HbubNJGLWNJwZNhPjBgk/O0d3ERla69p6Z4MaCF"
    "92EISyn2uZEbBd6oIjhHxGpoPz5q5dksmLVK94C0YhsGKya6aUmVnXl6mGRaMNH3JWbdlR"
    "jmsKQaZqmHWe2E+BpGmRsuC/oiAiLKEZHtiPCM0Ft6ITyD935CutEFEZhQUvkfglp8gkoa"
    "UfLTVdKAZSFn1bCOF5IFHhD7wyt1CRcDUxKdzt6CAVoYj6KUlwUcyChTFTEFpvHUBAQ9uh"
    "kPbkdJHoydXGOzSvq7/1qw75SzTPyh1FQp1VR/gAoygKCconmKAOz5oG50L8ob3iFDiLji"
    "VPvOqXKE1hRMetgisEaGKb2DsJot0x7w4s42qajl2dUhXiQx1oRWmcTVDLafTH2Bjfz1G2"
    "N+SITDeByTzweNcpYZ6vQXwDrj+bU2sbAOqLFAXGqGTWoB3Zg+0MSKEDvoPw9vXULTEgxe"
    "pEko1iopa3VGJzYA3N7fI/Yi9oUK2/49YZmt/o3O107/qnN51bsA8BFicfkxubrp/tZ7fy"
    "EmNtLGpHt1M+S/p7pBkRZ9i14mT8K5txI6RUhQGRVl1imc+VbGDxQUVGMs8xjbS62ksy8s"
    "qcwDUg+zoDwFtdmgzBa67P68vAXsAy+4jXot8VT2ll3bW3ylZ0uDS+4yB3LO040af/Crl6"
    "Lvxz4EFcA69PqpJ6rBb58yZNXfkPUVmU5hKPY4XcNOLuARb9TMMmM9BpqzB7bzlvD4aDwB"
    "dqMrwHkoBdA3Nj1BCpxOkcb3weQmJQ2uwEH3HhMomr+JG622725TMQ4mpGpx7IeNig9VDH"
    "6uNyWD7zbPUpbqpShx5ScaXuq9uWHQUies375OZcS3rKQoL3GWdyqqPHQ5ecazxYEF6cbA"
    "Tt5xJNYmPyMxveabw8LIutYtlwIzw3SYw8qJ0qIep6AX4BgwALkPjIKDsX2C0PHYPjs/PG"
    "qCsd0+np2tf52et47G9jt4PnWOvQGsW6jroB3jMM9+B2NywLAwuMTs8JCdfXd6ztq3UZv9"
    "PTuaiTwpJnqk8Q7O32lv3oKO4/JbIEgoOG7ymmiYgF8xJHNqN8FHRCARch9t9j9V11fCur"
    "7exIlDm70NS1CuTst+FTuxKIt9mdV/7yz2qkKsqhArFfySVYjtstsxdJSRax5pkcnkpk7b"
    "YjnnHZ4Mzm7uZ0ZL3A685O9fwCPUsebGK93erlPmbm/ZQZ3vfONs8o2gqeOkTcEr711lme"
    "+pkUllmT9LlrnKe34VxErlPb+OYSblcp6Ccip0TeYRfsEYnD16ccubvZ87tEFSUJ87tqE6"
    "FemKl6oa3ZuGZSVbu8MNmnkUJFH+amIFZTbqSR8g5tu3eUqM6ILyzT0Nr54W4DcGDh7Yq0"
    "64zZgY1htAMZtWwhYt9gil9nTKFJu4olR998qMLJcZWQxiEd3HF6id2tPOs7VoO31n0XZs"
    "Y9EZe31sM6lUYuq8DYrUZnfRylzy/HMycSEqkyATF1c8VGYe6mY0CWNc4cGOyKqRlm2kt3"
    "IhVMflBIn+DCl9Msww40hskIvLLYOt8+yExi8BFmhxJwIHQoTrgpedEVMuSLm4dx4SwPpZ"
    "LS3gXU8UTE3cAK3yCygmp5icPODumMl507+wqyAmKHPSdEm4W4d58GatUgEX51QsxitZ92"
    "W1NMoQCvBykRgpNsmCgRilLZIygF+5PXIrXtpBJp7eJxFS90wmE4XrNpv4ZzpMiuPJxfHU"
    "FqpR6tFu56Ee7XY69eDnwtSDv1QFEHab1xDdo1zE7iiD2B3FiR27ooWS0pR+Hd5cp+Up+S"
    "JROoenFvgb6JjuY+hyBrgcjBCH8zD1d1QNwN1N2E+Vd3C5LTvYdjH78X/CaBpA"
)
