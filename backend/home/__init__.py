"""The service's front door: the home page (``/``) and the interactive API reference (``/docs``)."""
