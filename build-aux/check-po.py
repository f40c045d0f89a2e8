#!/usr/bin/env python3
"""The Chinese translation is complete: Chinese is the users' language.

Fails when
  - a source file that marks strings for translation is missing from
    po/POTFILES (its strings would never reach the translators);
  - a string marked in the sources has no entry in po/zh_CN.po, or its
    entry is untranslated or fuzzy;
  - msgfmt --check finds a broken entry (format directives that do not
    match the English, a bad header).

Run as `meson test --suite lint check-po`, or directly from the source tree.
"""

import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PO = os.path.join(ROOT, "po", "zh_CN.po")

# The keywords of meson's 'glib' gettext preset.
KEYWORDS = ["_", "N_", "C_:1c,2", "NC_:1c,2", "g_dcgettext:2",
            "g_dngettext:2,3", "g_dpgettext2:2c,3", "ngettext:1,2"]

MARKED_C = re.compile(r'\b(?:N?C?_|ngettext|g_dngettext)\s*\(\s*"')
MARKED_UI = re.compile(r'translatable="yes"')


def marked_files():
    found = []
    for top in ("app", "ui", "data"):
        for folder, dirs, files in os.walk(os.path.join(ROOT, top)):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, ROOT)
                if name.endswith(".c"):
                    pattern = MARKED_C
                elif name.endswith(".ui") or name.endswith(".xml.in") or name.endswith(".desktop.in"):
                    pattern = MARKED_UI if name.endswith(".ui") else None
                else:
                    continue
                if pattern is None:
                    continue
                with open(path, encoding="utf-8") as f:
                    if pattern.search(f.read()):
                        found.append(rel)
    return found


def potfiles():
    with open(os.path.join(ROOT, "po", "POTFILES"), encoding="utf-8") as f:
        return [line.strip() for line in f
                if line.strip() and not line.startswith("#")]


def main():
    problems = []
    listed = potfiles()
    for rel in marked_files():
        if rel not in listed:
            problems.append(f"{rel} marks strings for translation but is not in po/POTFILES")
    for rel in listed:
        if not os.path.exists(os.path.join(ROOT, rel)):
            problems.append(f"po/POTFILES lists {rel}, which does not exist")

    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "anjian.pot")
        existing = [rel for rel in listed if os.path.exists(os.path.join(ROOT, rel))]
        cmd = ["xgettext", "--from-code=UTF-8", "--add-comments",
               "--output", pot, "--directory", ROOT]
        cmd += ["--keyword=" + k for k in KEYWORDS]
        cmd += existing
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            print(run.stderr, file=sys.stderr)
            return 1

        # Every marked string has an entry in zh_CN.po.
        run = subprocess.run(["msgcmp", "--use-fuzzy", "--use-untranslated", PO, pot],
                             capture_output=True, text=True)
        if run.returncode != 0:
            with open(pot, encoding="utf-8") as f:
                lines = f.read().splitlines()
            missing = []
            for m in re.finditer(r":(\d+): this message is used but not defined", run.stderr):
                i = min(int(m.group(1)), len(lines)) - 1
                while i > 0 and not lines[i].startswith("msgid "):
                    i -= 1
                text = lines[i][6:] if i >= 0 else "?"
                while text == '""' and i + 1 < len(lines) and lines[i + 1].startswith('"'):
                    text = lines[i + 1]   # a message on several lines: its first
                missing.append(text)
            problems.append(f"{len(missing)} marked strings have no entry in po/zh_CN.po "
                            "(run: meson compile -C <build> anjian-update-po, then translate): "
                            + "; ".join(missing[:10]))

        # No entry is untranslated or fuzzy, and none is broken.
        for flag, what in (("--untranslated", "untranslated"), ("--only-fuzzy", "fuzzy")):
            run = subprocess.run(["msgattrib", flag, "--no-obsolete", PO],
                                 capture_output=True, text=True)
            ids = re.findall(r'^msgid "(.+)"$', run.stdout, re.M)
            if ids:
                problems.append(f"{len(ids)} {what} entries in po/zh_CN.po, e.g. "
                                + "; ".join(ids[:5]))
        run = subprocess.run(["msgfmt", "--check", "-o", os.devnull, PO],
                             capture_output=True, text=True)
        if run.returncode != 0:
            problems.append("msgfmt --check po/zh_CN.po:\n" + run.stderr.strip())

    for p in problems:
        print("check-po: " + p)
    print(f"check-po: {len(listed)} files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
