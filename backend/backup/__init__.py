"""Backups of the service's database and restores that check themselves against the published
log: ``piaojia backup FILE`` and ``piaojia restore FILE``."""
