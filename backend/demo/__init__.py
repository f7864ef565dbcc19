"""The demo ``make run`` serves: a hospital and a metro company with staff keys and console
logins, a first receipt, recent trips for two riders, and the overview of every URL to open.

- ``accounts``: who the demo is (issuers, console logins, riders) and its key file;
- ``seed``: ``piaojia demo``, creating what is missing of it (idempotent);
- ``content``: the demo receipt and the riders' trips;
- ``overview``: the URLs and logins, for the home page, ``piaojia demo`` and ``piaojia serve``;
- ``cli``: ``piaojia serve`` in demo mode, printing the overview once it listens.
"""
