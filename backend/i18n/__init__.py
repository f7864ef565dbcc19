"""Words for people, in English and Chinese: the error-code table, field labels and the
``Accept-Language`` choice between the two. Imports nothing of HTTP or the ORM."""
