"""Gunicorn settings for Jineng's web process; deploy/jineng-web.service starts it as

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py

Listens on 127.0.0.1:8000 only: nginx (deploy/nginx-jineng.conf) terminates TLS in front of it.
Tunables come from the same environment file as the site (see .env.example).
"""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR / "src") not in sys.path:
    sys.path.insert(0, str(BASE_DIR / "src"))

from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from jineng import config as jineng_config  # noqa: E402

# Names below that match a gunicorn setting are settings (so "config" would be one: hence the alias).
# Check the environment before any worker forks: one clear line naming the variable, instead of
# every worker failing to boot with the same traceback.
try:
    jineng_config.load(BASE_DIR)
    _default_workers = min(2 * multiprocessing.cpu_count() + 1, 9)
    workers = jineng_config.env_int("JINENG_WEB_WORKERS", _default_workers, minimum=1)
    timeout = jineng_config.env_int("JINENG_WEB_TIMEOUT", 60, minimum=10)
except ImproperlyConfigured as exc:
    sys.exit(f"{exc}\n（gunicorn 未启动。请修改 /etc/jineng/jineng.env 后重试，变量说明见 .env.example）")

wsgi_app = "jineng.wsgi:application"
bind = ["127.0.0.1:8000"]
worker_class = "sync"
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak never grows into an outage.
max_requests = 2000
max_requests_jitter = 200
# Only nginx on this host may say that the original request was HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = "127.0.0.1,::1"
limit_request_line = 8190
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%({x-forwarded-for}i)s" "%(a)s"'
proc_name = "jineng-web"
