#!/usr/bin/env python3
"""Checks the direction of dependency in app/ (see app/core/README.md).

A unit is a .c file and its .h (and its -private.h) counted as one. The check
fails when:
  - any include cycle exists between units anywhere in app/;
  - a core unit includes a unit of a higher layer, or a core unit is in no layer;
  - core includes GTK, libadwaita or libsoup;
  - a kiosk page, sheet or row includes the window's or the application's header;
  - the kiosk uses SQLite, or a kiosk or server unit other than the server's
    storage unit includes a store-private header;
  - any file but app/server/aj-server-db-pg.c includes libpq (PostgreSQL).
Prints every violation and exits 1 if there is any."""
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
APP = os.path.join(ROOT, 'app')

# Lowest first. A unit may include units of its own layer or below.
CORE_LAYERS = [
    ('pure rules and formats', ['aj-error', 'aj-util', 'aj-event', 'aj-event-schema', 'aj-hlc', 'aj-codec', 'aj-checklist', 'aj-reference',
                                'aj-qr', 'aj-photo', 'aj-scope', 'aj-hazard-rules', 'aj-draw', 'aj-register-row',
                                'aj-workdays', 'aj-schedule', 'aj-doc-number']),
    ('projection', ['aj-db', 'aj-projection']),
    ('store', ['aj-store']),
    ('domain', ['aj-registry', 'aj-inspection', 'aj-hazard', 'aj-signature', 'aj-hazard-steps', 'aj-roster',
                'aj-register-io', 'aj-draw-record', 'aj-assignment', 'aj-rounds', 'aj-department',
                'aj-numbering', 'aj-team']),
    ('views and exchange', ['aj-authority', 'aj-ledger-model', 'aj-ledger', 'aj-stats', 'aj-report', 'aj-labels', 'aj-sync', 'aj-completion',
                            'aj-report-layout', 'aj-report-documents']),
]
PRIVATE_HEADERS = {'aj-db.h', 'aj-store-private.h', 'aj-projection.h', 'aj-hazard-private.h'}
SERVER_STORAGE = re.compile(r'aj-server-store')
# The server's PostgreSQL statements: all in one file (app/server/aj-server-db.h).
SERVER_PG = re.compile(r'aj-server-db-pg\.c$')
PAGE = re.compile(r'aj-.*-(page|sheet|row|rows|strip|viewer)\.[ch]$')
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]', re.M)


def unit_of(name):
    base = os.path.splitext(name)[0]
    return base[:-len('-private')] if base.endswith('-private') else base


def main():
    files = {}
    for part in ('core', 'kiosk', 'server'):
        folder = os.path.join(APP, part)
        for name in sorted(os.listdir(folder)):
            if name.endswith(('.c', '.h')):
                with open(os.path.join(folder, name), encoding='utf-8') as f:
                    files[(part, name)] = INCLUDE.findall(f.read())

    problems = []
    units = {}      # (part, unit) -> set of (part, unit)
    where = {}      # unit name -> part, for resolving includes
    for (part, name) in files:
        units.setdefault((part, unit_of(name)), set())
        where.setdefault(unit_of(name), part)
    for (part, name), includes in files.items():
        me = (part, unit_of(name))
        for inc in includes:
            target = unit_of(os.path.basename(inc))
            if target in where and (where[target], target) != me:
                units[me].add((where[target], target))

            if part == 'core' and re.match(r'(gtk|adwaita|libsoup)/', inc):
                problems.append(f'app/core/{name}: core includes {inc} (core has no widgets and no HTTP server)')
            if part == 'kiosk' and (inc == 'sqlite3.h' or os.path.basename(inc) in PRIVATE_HEADERS):
                problems.append(f'app/kiosk/{name}: the kiosk includes {inc}; ask core for a named function')
            if part == 'server' and not SERVER_STORAGE.search(name) and \
                    (inc == 'sqlite3.h' or os.path.basename(inc) in PRIVATE_HEADERS):
                problems.append(f'app/server/{name}: includes {inc}; SQL belongs in aj-server-store')
            if inc == 'libpq-fe.h' and not (part == 'server' and SERVER_PG.search(name)):
                problems.append(f'app/{part}/{name}: includes {inc}; PostgreSQL belongs in aj-server-db-pg.c')
            if part == 'kiosk' and PAGE.search(name) and os.path.basename(inc) in ('aj-window.h', 'aj-application.h'):
                problems.append(f'app/kiosk/{name}: a page includes {inc}; use actions and the session')

    for (part, name) in files:
        if part == 'kiosk':
            with open(os.path.join(APP, part, name), encoding='utf-8') as f:
                if re.search(r'\bsqlite3_?', f.read()):
                    problems.append(f'app/kiosk/{name}: uses sqlite3')

    rank = {}
    for i, (_, members) in enumerate(CORE_LAYERS):
        for m in members:
            rank[m] = i
    for (part, unit), deps in units.items():
        if part != 'core':
            continue
        if unit not in rank:
            problems.append(f'app/core/{unit}: in no layer; add it to CORE_LAYERS and app/core/README.md')
            continue
        for (dpart, dep) in deps:
            if dpart == 'core' and dep in rank and rank[dep] > rank[unit]:
                problems.append(f'app/core/{unit} ({CORE_LAYERS[rank[unit]][0]}) includes {dep} '
                                f'({CORE_LAYERS[rank[dep]][0]}), a higher layer')

    # Include cycles: strongly connected components of more than one unit.
    index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in units.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(comp)

    sys.setrecursionlimit(10000)
    for v in sorted(units):
        if v not in index:
            visit(v)
    for comp in sccs:
        problems.append('include cycle: ' + ' → '.join(f'{p}/{u}' for p, u in sorted(comp)))

    for p in problems:
        print(p)
    print(f'{len(units)} units checked, {len(problems)} problems')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
