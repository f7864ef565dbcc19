"""The witness as its own process: ``piaojia witness serve``.

A witness is run by another party than the log. It holds its own Ed25519 key and a small SQLite
database recording, per trusted log, the latest tree head it cosigned, and speaks C2SP
tlog-witness over HTTP (``POST /add-checkpoint``). The protocol logic lives in
:mod:`chain.witness`; this package adds durable state, key files, HTTP and the command line.
"""
