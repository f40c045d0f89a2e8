#!/usr/bin/python3
# test-a11y.py: the kiosk as a screen reader sees it. Starts the real
# `anjian` with GTK's AT-SPI bridge on and drives it through the
# accessibility tree alone: controls are found by role and name, used through
# their AT-SPI actions, and the result is read back from the tree and the
# kiosk's database. Nothing here touches a widget.
#
#   test-a11y.py drive            a home's safety officer signs in by tile
#                                 and PIN, starts the daily walk-round due
#                                 for her post, answers every item, finishes
#                                 it, and the home no longer lists it as due
#   test-a11y.py drive-inspector  an inspector signs in and answers one item
#                                 of an ordinary inspection
#   test-a11y.py audit            visit every main page and fail on any
#                                 control whose name is empty, a type name
#                                 or a raw mnemonic
#
# Needs a D-Bus session (the script re-runs itself under dbus-run-session
# when there is none), an X display, at-spi2-core and gir1.2-atspi-2.0.
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import warnings

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi, GLib  # noqa: E402

# Atspi 2.46 marks get_action_name deprecated without a replacement for it.
warnings.filterwarnings('ignore', category=DeprecationWarning)

INSPECTOR = '张伟'
PIN = '123456'
INSTITUTION = 'DLX001'
# The safety officer of DLX001 (data/registry.json, README): the daily
# walk-round (data/schedules.json) is due for her post every day.
STAFF = '李春梅'
STAFF_ID = 'u-li-chunmei'
STAFF_PIN = '246810'
ROUND = 'round-daily'

# Roles a person acts on: each needs a name of its own.
INTERACTIVE = {
    'push button', 'toggle button', 'check box', 'radio button', 'entry',
    'password text', 'combo box', 'spin button', 'switch', 'slider', 'link',
    'menu item', 'check menu item', 'radio menu item', 'page tab',
}
TYPE_NAME = re.compile(r'^(Gtk|Adw|Aj)[A-Za-z]+$')
MNEMONIC = re.compile(r'(^|[\s(（])_\w')


class Failure(Exception):
    pass


def log(*args):
    print('#', *args, flush=True)


def wait_for(what, condition, timeout=15.0):
    end = time.monotonic() + timeout
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > end:
            raise Failure('timed out waiting for ' + what)
        time.sleep(0.2)


def showing(node):
    """On screen: GTK 4.8 sets no SHOWING state below the window, but what is
    not on screen (a page of the stack not shown) has no size."""
    try:
        extents = node.get_extents(Atspi.CoordType.WINDOW)
    except GLib.Error:
        return True   # no Component interface: look inside
    return extents.width > 0 and extents.height > 0


def children(node):
    try:
        count = node.get_child_count()
    except GLib.Error:
        return []
    out = []
    for i in range(count):
        try:
            child = node.get_child_at_index(i)
        except GLib.Error:
            child = None
        if child is not None:
            out.append(child)
    return out


def walk(node, only_showing=True):
    """Every node under @node (depth first), only those on screen."""
    stack = [node]
    while stack:
        current = stack.pop()
        if only_showing and current is not node and not showing(current):
            continue
        yield current
        stack.extend(reversed(children(current)))


def role(node):
    try:
        return node.get_role_name()
    except GLib.Error:
        return ''


def name(node):
    try:
        return node.get_name() or ''
    except GLib.Error:
        return ''


def actions(node):
    try:
        return [Atspi.Action.get_action_name(node, i) for i in range(Atspi.Action.get_n_actions(node))]
    except (GLib.Error, AttributeError, TypeError):
        return []


class Kiosk:
    def __init__(self, build_root, source_root, lang):
        self.dir = tempfile.mkdtemp(prefix='anjian-a11y-')
        env = dict(os.environ)
        env.update({
            'XDG_DATA_HOME': os.path.join(self.dir, 'data'),
            'XDG_CONFIG_HOME': os.path.join(self.dir, 'config'),
            'XDG_CACHE_HOME': os.path.join(self.dir, 'cache'),
            'GSETTINGS_BACKEND': 'memory',
            'ANJIAN_DATA_DIR': os.path.join(source_root, 'data'),
            'ANJIAN_NO_AUTO_SYNC': '1',
            'GTK_A11Y': 'atspi',
            'LANGUAGE': lang,
            'LANG': 'C.UTF-8',
            'ASAN_OPTIONS': 'detect_leaks=0',
        })
        env.pop('NO_AT_BRIDGE', None)
        env.pop('LC_ALL', None)
        self.db = os.path.join(self.dir, 'data', 'anjian', 'anjian.db')
        command = [os.path.join(build_root, 'app', 'kiosk', 'anjian')]
        self.process = subprocess.Popen(command, env=env)
        try:
            # Seen once on a loaded machine: GTK could not open the X display
            # for a moment. A kiosk that ends at once is started once more.
            status = self.process.wait(3)
            log('the kiosk ended at once (status %d); starting it again' % status)
            self.process = subprocess.Popen(command, env=env)
        except subprocess.TimeoutExpired:
            pass
        try:
            self.app = wait_for('the kiosk on the accessibility bus', self.find_app, 60)
            self.frame = wait_for('the kiosk window', lambda: next(
                (c for c in children(self.app) if role(c) == 'frame'), None), 30)
        except Failure:
            self.close(keep=True)
            raise

    def find_app(self):
        if self.process.poll() is not None:
            raise Failure('the kiosk exited with %d' % self.process.returncode)
        desktop = Atspi.get_desktop(0)
        for app in children(desktop):
            try:
                if app.get_process_id() == self.process.pid:
                    return app
            except GLib.Error:
                pass
        return None

    def close(self, keep):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    # -- finding and using controls, as a screen reader does --

    def dialogs(self):
        """The kiosk's windows other than its main one: a message dialog is
        a window of its own, beside the frame."""
        return [c for c in children(self.app) if c != self.frame]

    def find(self, want_role, want_name, timeout=15.0, exact=True, roots=None):
        def look():
            for root in (roots() if roots else [self.frame]):
                for node in walk(root):
                    if role(node) != want_role:
                        continue
                    n = name(node)
                    if (n == want_name) if exact else (want_name in n):
                        return node
            return None
        return wait_for('%s “%s”' % (want_role, want_name), look, timeout)

    def act(self, node, action):
        # Right after a page changes, GTK may answer for a moment with no
        # actions: ask again before calling it a failure.
        try:
            names = wait_for('the “%s” action' % action, lambda: action in actions(node) and actions(node), 5)
        except Failure:
            raise Failure('%s “%s” offers no “%s” action (it offers %s)' % (role(node), name(node), action, actions(node)))
        node.do_action(names.index(action))
        time.sleep(0.3)

    def press(self, want_role, want_name, exact=True):
        node = self.find(want_role, want_name, exact=exact)
        self.act(node, 'click')
        return node

    def window_action(self, action):
        """What a menu item does: one of the window's actions, which GTK
        offers on the frame."""
        self.act(self.frame, action)

    def type_into(self, node, text):
        """Keys typed into @node, which must have the keyboard focus (GTK
        4.8 has no EditableText interface, and no GrabFocus to move it)."""
        wait_for('the focus on %s “%s”' % (role(node), name(node)),
                 lambda: node.get_state_set().contains(Atspi.StateType.FOCUSED), 5)
        Atspi.generate_keyboard_event(0, text, Atspi.KeySynthType.STRING)
        time.sleep(0.3)


def sign_in(kiosk, t, user=INSPECTOR, pin=PIN, home=None):
    # The tile is a button named after the person; "click" chooses him, and
    # the PIN entry takes the focus. @home finds what shows the home page is
    # there (the inspector's "Start an inspection").
    kiosk.press('push button', user)
    entry = kiosk.find('password text', t['pin'])
    kiosk.type_into(entry, pin)
    kiosk.press('push button', t['sign_in'])
    if home is None:
        kiosk.find('push button', t['start'])
    else:
        home()


def choose_institution(kiosk, t, audit=None):
    kiosk.press('push button', t['start'])
    search = kiosk.find('entry', t['search'])
    kiosk.type_into(search, INSTITUTION)
    row = kiosk.find('push button', t['institution'])
    if audit is not None:
        audit('institutions')
    kiosk.act(row, 'row.open')
    kiosk.find('push button', t['begin'])


def label_text(kiosk, pattern):
    """The first label on screen whose text matches @pattern."""
    for node in walk(kiosk.frame):
        if role(node) == 'label' and re.search(pattern, name(node)):
            return name(node)
    return None


def answer_one_item(kiosk, t):
    choose_institution(kiosk, t)
    kiosk.press('push button', t['begin'])
    kiosk.find('push button', t['pass'])
    first = label_text(kiosk, t['position'])
    if first is None or label_text(kiosk, t['progress'] % 0) is None:
        raise Failure('the inspection page does not say where it stands (%s)' % first)
    kiosk.press('push button', t['pass'])
    wait_for('one item counted as answered', lambda: label_text(kiosk, t['progress'] % 1))
    kiosk.press('push button', t['next'])
    wait_for('the next item', lambda: label_text(kiosk, t['position']) not in (None, first))
    log('answered “%s”, now on “%s”' % (first, label_text(kiosk, t['position'])))


TEXTS = {
    'zh_CN': {
        'pin': 'PIN 码', 'sign_in': '登录', 'start': '开始检查', 'begin': '开始检查',
        'pass': '符合', 'hazard': '有隐患', 'next': '下一项', 'search': '搜索机构',
        'summary': '汇总', 'institution': '东林县城关镇敬老院', 'position': r'^第 \d+/\d+ 项', 'progress': r'^已检查 %d/',
        'position_total': r'^第 \d+/(\d+) 项', 'round': '日巡查', 'start_round': '开始巡查',
        'finish': '完成检查', 'confirm': '完成', 'done': '已完成',
    },
    'en': {
        'pin': 'PIN', 'sign_in': 'Sign in', 'start': 'Start an inspection', 'begin': 'Begin the inspection',
        'pass': 'Pass', 'hazard': 'Hazard', 'next': 'Next', 'search': 'Search institutions',
        'summary': 'Summary', 'institution': '东林县城关镇敬老院', 'position': r'^Item \d+ of \d+', 'progress': r'^%d of \d+ answered',
        'position_total': r'^Item \d+ of (\d+)', 'round': 'Daily walk-round', 'start_round': 'Start round',
        'finish': 'Finish the inspection', 'confirm': 'Finish', 'done': 'Done',
    },
}


def dump(node, depth=0):
    """What is on screen under @node, as a screen reader could list it (with
    AJ_A11Y_DUMP=1 in the environment, after a failure)."""
    log('%s%s “%s” %s' % ('  ' * depth, role(node), name(node), ' '.join(actions(node))))
    for child in children(node):
        if showing(child):
            dump(child, depth + 1)


def find_round(kiosk, t, timeout=15.0):
    """The row of the daily walk-round on the home page, as a screen reader
    meets it: the list item named after the round (a missed one below is
    named with its day too). Returns (row, its Start round button or None,
    whether it says the round is done)."""
    def look():
        for node in walk(kiosk.frame):
            if role(node) == 'list item' and name(node) == t['round']:
                inside = list(walk(node))
                button = next((b for b in inside if role(b) == 'push button' and name(b) == t['start_round']), None)
                done = any(role(n) in ('image', 'icon') and name(n) == t['done'] for n in inside)
                return node, button, done
        return None
    return wait_for('the list item “%s”' % t['round'], look, timeout)


def answer_round(kiosk, t):
    """Every item of the round open on screen answered “pass”, one after
    the other, as far as the summary. Returns the number of items."""
    kiosk.find('push button', t['pass'])
    position = wait_for('where the round stands', lambda: label_text(kiosk, t['position']))
    total = int(re.search(t['position_total'], position).group(1))
    if label_text(kiosk, t['progress'] % 0) is None:
        raise Failure('a new round says it has answers already (%s)' % position)
    for done in range(1, total + 1):
        here = label_text(kiosk, t['position'])
        kiosk.press('push button', t['pass'])
        wait_for('%d items counted as answered' % done, lambda: label_text(kiosk, t['progress'] % done))
        if done < total:
            kiosk.press('push button', t['next'])
            wait_for('the item after “%s”' % here, lambda: label_text(kiosk, t['position']) not in (None, here))
    log('answered %d items “pass”' % total)
    # On the last item the button that went on goes to the summary.
    kiosk.press('push button', t['summary'])
    return total


def finish_round(kiosk, t):
    finish = kiosk.find('push button', t['finish'])
    kiosk.act(finish, 'click')
    # Asked to confirm: a dialog, a window of its own.
    confirm = kiosk.find('push button', t['confirm'], roots=kiosk.dialogs)
    kiosk.act(confirm, 'click')
    wait_for('the summary to say the round is finished',
             lambda: not any(role(n) == 'push button' and name(n) == t['finish'] for n in walk(kiosk.frame)))


def audit_page(kiosk, page, problems):
    # The tree may be rebuilt for a moment after a page changes.
    wait_for('the controls of the %s page' % page,
             lambda: any(role(n) in INTERACTIVE for n in walk(kiosk.frame)), 5)
    seen = 0
    for node in walk(kiosk.frame):
        r = role(node)
        if r not in INTERACTIVE:
            continue
        seen += 1
        if not node.get_state_set().contains(Atspi.StateType.SENSITIVE):
            continue   # nothing to do with it now
        n = name(node).strip()
        if n == '' or TYPE_NAME.match(n) or MNEMONIC.search(n):
            problems.append('%s: %s named “%s”' % (page, r, n))
        elif not actions(node) and r not in ('entry', 'password text', 'spin button', 'slider'):
            problems.append('%s: %s “%s” offers no action' % (page, r, n))
    log('%s: %d controls' % (page, seen))


def run_drive(kiosk, t):
    sign_in(kiosk, t, STAFF, STAFF_PIN, home=lambda: find_round(kiosk, t, 30))
    row, start, done = find_round(kiosk, t)
    if start is None or done:
        raise Failure('the daily walk-round is listed but offers no “%s” button' % t['start_round'])
    log('due: “%s”' % name(row))
    kiosk.act(start, 'click')
    total = answer_round(kiosk, t)
    finish_round(kiosk, t)
    # Home, as the main menu's item does; the round is listed done, with no
    # button to start it again.
    kiosk.window_action('win.home')
    wait_for('the daily walk-round listed as done, with nothing to start',
             lambda: (lambda r: r[1] is None and r[2])(find_round(kiosk, t)))
    log('after: “%s” is listed “%s”' % (t['round'], t['done']))
    kiosk.close(keep=True)
    with sqlite3.connect(kiosk.db) as db:
        finished = db.execute(
            "SELECT i.id FROM events e JOIN inspections i ON i.id = e.subject "
            "WHERE e.type = 'inspection.finished' AND i.mode = 'self' AND i.template_id = ? AND i.inspector = ?",
            (ROUND, STAFF_ID)).fetchall()
        if len(finished) != 1:
            raise Failure('expected one finished self-inspection of %s by %s; the database has %d' % (ROUND, STAFF_ID, len(finished)))
        results = [r[0] for r in db.execute("SELECT result FROM item_results WHERE inspection_id = ?", finished[0])]
    if results != ['pass'] * total:
        raise Failure('expected %d items answered “pass”; the database has %s' % (total, results))
    log('the daily walk-round done through the accessibility tree alone: %d items, finished' % total)


def run_drive_inspector(kiosk, t):
    sign_in(kiosk, t)
    answer_one_item(kiosk, t)
    kiosk.close(keep=True)
    with sqlite3.connect(kiosk.db) as db:
        answered = db.execute("SELECT count(*) FROM events WHERE type = 'item.answered'").fetchone()[0]
        results = [r[0] for r in db.execute("SELECT result FROM item_results")]
    if answered != 1 or results != ['pass']:
        raise Failure('expected one item answered “pass”; the database has %d events and %s' % (answered, results))
    log('one item answered “pass” through the accessibility tree alone')


def run_audit(kiosk, t):
    problems = []
    audit_page(kiosk, 'sign-in', problems)
    kiosk.press('push button', INSPECTOR)
    kiosk.find('password text', t['pin'])
    audit_page(kiosk, 'sign-in with PIN', problems)
    entry = kiosk.find('password text', t['pin'])
    kiosk.type_into(entry, PIN)
    kiosk.press('push button', t['sign_in'])
    kiosk.find('push button', t['start'])
    audit_page(kiosk, 'home', problems)
    # The pages of the main menu, opened with the window's actions as the
    # menu items do.
    for action in ('win.ledger', 'win.stats', 'win.settings', 'win.change-pin', 'win.scan', 'win.refused'):
        kiosk.window_action('win.home')
        kiosk.window_action(action)
        time.sleep(1.0)
        audit_page(kiosk, action[4:], problems)
    kiosk.window_action('win.home')
    choose_institution(kiosk, t, lambda page: audit_page(kiosk, page, problems))
    audit_page(kiosk, 'start', problems)
    kiosk.press('push button', t['begin'])
    kiosk.find('push button', t['pass'])
    audit_page(kiosk, 'inspection', problems)
    kiosk.press('push button', t['hazard'])
    time.sleep(1.0)
    audit_page(kiosk, 'hazard sheet', problems)
    kiosk.window_action('win.go-back')
    kiosk.press('push button', t['summary'])
    time.sleep(1.0)
    audit_page(kiosk, 'summary', problems)
    if problems:
        raise Failure('controls without a usable name or action:\n  ' + '\n  '.join(problems))


def main():
    modes = {'drive': run_drive, 'drive-inspector': run_drive_inspector, 'audit': run_audit}
    if len(sys.argv) < 2 or sys.argv[1] not in modes:
        print('usage: test-a11y.py drive|drive-inspector|audit [LANG]', file=sys.stderr)
        return 2
    if 'DBUS_SESSION_BUS_ADDRESS' not in os.environ and not os.environ.get('AJ_A11Y_IN_SESSION'):
        os.environ['AJ_A11Y_IN_SESSION'] = '1'
        os.execvp('dbus-run-session', ['dbus-run-session', '--', sys.executable] + sys.argv)
    lang = sys.argv[2] if len(sys.argv) > 2 else 'zh_CN'
    build_root = os.environ['ANJIAN_BUILD_ROOT']
    source_root = os.environ['ANJIAN_SOURCE_ROOT']
    print('1..1')
    kiosk = None
    try:
        kiosk = Kiosk(build_root, source_root, lang)
        modes[sys.argv[1]](kiosk, TEXTS[lang])
    except (Failure, GLib.Error) as e:
        for line in str(e).splitlines():
            log(line)
        if kiosk is not None and os.environ.get('AJ_A11Y_DUMP'):
            for window in children(kiosk.app):
                dump(window)
        if kiosk is not None:
            log('kiosk data kept in', kiosk.dir)
            kiosk.close(keep=True)
        print('not ok 1 - /a11y/%s/%s' % (sys.argv[1], lang))
        return 1
    kiosk.close(keep=False)
    print('ok 1 - /a11y/%s/%s' % (sys.argv[1], lang))
    return 0


if __name__ == '__main__':
    sys.exit(main())
