"""Live reload of rules.yaml and its templates: a good edit takes over, a broken one is refused.

The daemon asks `RulesWatch.due()` every loop turn and every few seconds while it waits; that
costs a stat of each watched file, nothing more. What the rules configure lives in the
services (classification, deadlines, policy, templates, teams), so a reload builds new ones
(ops/wiring.py) and the daemon swaps them in between two messages.
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from pathlib import Path

from mailbot.config import ConfigError, Rules, load_rules
from mailbot.logs import log_failure
from mailbot.mail.compose import TemplateError
from mailbot.ops.wiring import Services, build_services

log = logging.getLogger("mailbot.reload")
# The folders are created and selected at connection time and name where handled mail has gone:
# they change only with a restart.
RESTART_ONLY = ("inbox", "processed", "quarantine")

Stamp = tuple[tuple[str, int, int, int], ...]


def stamp(rules_path: Path, template_dir: Path) -> Stamp:
    """Inode, size and modification time of the rules file, the template folder and everything in it.

    An editor that saves by renaming gives a new inode; one that writes in place, a new size or time.
    """
    paths = [str(rules_path), str(template_dir)]
    for folder, _, files in os.walk(template_dir):  # nothing when the folder is gone
        paths += sorted(os.path.join(folder, name) for name in files)
    found = []
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            found.append((path, -1, -1, -1))
            continue
        found.append((path, info.st_ino, info.st_size, info.st_mtime_ns))
    return tuple(found)


class RulesWatch:
    """Notices changes to the rules and templates in force, and loads them on request."""

    def __init__(self, rules: Rules, template_dir: Path) -> None:
        self.rules_path = Path(rules.source)
        self.template_dir = template_dir
        # A folder given with --templates stays; otherwise the rules' `templates:` is followed.
        self.follow_templates = template_dir.resolve() == rules.template_dir.resolve()
        self.seen = stamp(self.rules_path, template_dir)
        self.requested = False

    def request(self) -> None:
        """Reload at the next turn even when no file changed (SIGHUP)."""
        self.requested = True

    def due(self) -> bool:
        """Whether a reload was asked for or a watched file changed since the last attempt."""
        return self.requested or stamp(self.rules_path, self.template_dir) != self.seen

    def reload(self, current: Services) -> Services | None:
        """Services on the files as they are now; None, logged at ERROR, when they are refused.

        Every attempt, good or bad, is remembered: a broken file is reported once, not every few
        seconds, and its next edit is tried again.
        """
        self.requested = False
        self.seen = stamp(self.rules_path, self.template_dir)
        try:
            rules = self._restart_only_kept(current.rules, load_rules(self.rules_path))
            template_dir = rules.template_dir if self.follow_templates else self.template_dir
            services = build_services(rules, current.store, current.clock, template_dir, current.data_dir)
        except ConfigError as exc:
            log.error("rules reload refused, the rules in force stay: %s", exc)
            return None
        except TemplateError as exc:
            log.error("rules reload refused, the rules in force stay: template error: %s", exc)
            return None
        except Exception:  # a bug in loading must not stop the mail either
            log_failure(log, "rules reload failed, the rules in force stay")
            return None
        if template_dir != self.template_dir:
            self.template_dir = template_dir
            self.seen = stamp(self.rules_path, template_dir)
        log.info(
            "rules reloaded from %s: %d classification rules, %d teams, templates from %s",
            self.rules_path,
            len(rules.classification.rules),
            len(rules.teams),
            template_dir,
        )
        return services

    @staticmethod
    def _restart_only_kept(old: Rules, new: Rules) -> Rules:
        changed = [name for name in RESTART_ONLY if getattr(old.mailbox, name) != getattr(new.mailbox, name)]
        if not changed:
            return new
        log.warning(
            "rules reload: mailbox %s changed; that takes a restart, until then the old value stays",
            ", ".join(changed),
        )
        kept = {name: getattr(old.mailbox, name) for name in changed}
        return replace(new, mailbox=replace(new.mailbox, **kept))
