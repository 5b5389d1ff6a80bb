"""The product's Celery worker (``celery -A jineng.celery worker``) for ``subsidy_batch.py --celery N``.

The one thing added: the bench's policy profile (ZZ21 with XC19's B02/B08, ``subsidy_batch._bench_profile``),
which exists only in the bench's processes, is registered before the pool forks, together with the code
a chunk runs — so each of the N children starts as warm as the sequential bench's process after its
warm-up call. Arguments are celery's, after ``worker``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    import django

    django.setup()
    from subsidy_batch import _bench_profile

    import jineng.claims.runs  # noqa: F401 — the chunk's code, imported once before the fork
    from jineng.celery import app
    from jineng.policy.profiles import all_profiles

    all_profiles()
    _bench_profile()
    app.worker_main(["worker", *sys.argv[1:]])


if __name__ == "__main__":
    main()
