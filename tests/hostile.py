"""Schemathesis hooks for the hostile-input suite of dues (tests/soak.rs runs it).

Loaded with SCHEMATHESIS_HOOKS=hostile (PYTHONPATH=tests). Adds the check
`no_change_on_4xx`: around every request the rows of every table of the
database named by DUES_HOSTILE_DB are digested (count and hash of each table),
and a 4xx answer must leave the digest as it was (but for a refusal whose code
names an `on_failure` function in dues.error_code: that function records it). Requests run one at a time
(`--workers 1`) so that the digests before and after belong to one request.

By hand, with a running `dues serve` on ADDR over the database at URL and a
staff token TOKEN:

    pip install schemathesis 'psycopg[binary]'
    DUES_HOSTILE_DB=URL SCHEMATHESIS_HOOKS=hostile PYTHONPATH=tests \\
      st run http://ADDR/openapi.json -H "Authorization: Bearer TOKEN" \\
        --checks not_a_server_error,no_change_on_4xx --workers 1 \\
        --phases examples,coverage,fuzzing --max-examples 30
"""

import os

import psycopg
import schemathesis

_conn = None
_before = {}
_changed = {}


def _db():
    global _conn
    if _conn is None:
        _conn = psycopg.connect(os.environ["DUES_HOSTILE_DB"], autocommit=True)
    return _conn


def _tables():
    with _db().cursor() as cur:
        cur.execute(
            "select format('%I.%I', schemaname, tablename) from pg_tables "
            "where schemaname not in ('pg_catalog', 'information_schema') order by 1"
        )
        return [r[0] for r in cur.fetchall()]


def digest():
    """{table: 'count hash'} for every table of the application."""
    sql = " union all ".join(
        f"select %s, count(*)::text || ' ' || coalesce(sum(hashtext(x::text)::bigint), 0)::text from {t} x"
        for t in _tables()
    )
    with _db().cursor() as cur:
        cur.execute(sql, _tables())
        return dict(cur.fetchall())


@schemathesis.hook
def before_call(context, case, **kwargs):
    _before[id(case)] = digest()


def _recorded_codes():
    """Codes whose refusal runs an on_failure function, which records what it must (dues.error_code.on_failure)."""
    with _db().cursor() as cur:
        cur.execute("select sqlstate::text from dues.error_code where on_failure is not null")
        return {r[0] for r in cur.fetchall()}


def _code(response):
    try:
        return response.json().get("code")
    except Exception:
        return None


@schemathesis.hook
def after_call(context, case, response):
    if 400 <= response.status_code < 500 and id(case) in _before and _code(response) not in _recorded_codes():
        before = _before.pop(id(case))
        after = digest()
        _changed[id(case)] = sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))
    else:
        _before.pop(id(case), None)
        _changed.pop(id(case), None)


@schemathesis.check
def no_change_on_4xx(ctx, response, case):
    """A request refused with a 4xx changes no row of any table."""
    changed = _changed.pop(id(case), [])
    if 400 <= response.status_code < 500 and changed:
        raise AssertionError(
            f"{response.status_code} answer, yet these tables changed: {', '.join(changed)}"
        )
