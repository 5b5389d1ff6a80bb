"""The site as deploy/gunicorn.conf.py serves it, with the fixes bench/learning_events.py proposes for
``online.services`` applied (``learning_events.proposed_fixes``): for ``learning_events.py --proposed``,
which starts a second gunicorn on this module to time the HTTP path with them."""

from __future__ import annotations

from learning_events import proposed_fixes

from jineng.wsgi import application

proposed_fixes(True).__enter__()

__all__ = ["application"]
