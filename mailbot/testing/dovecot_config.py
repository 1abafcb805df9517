"""Dovecot's configuration for a private development server: the file's text and the users it runs as."""

from __future__ import annotations

import grp
import os
import pwd
from pathlib import Path
from string import Template
from typing import Any

MAX_BASE_DIR = 60  # sockets such as <base_dir>/token-login/imap-urlauth must fit in 108 bytes

# Dovecot 2.3 never gives mail access to uid 0, whatever first_valid_uid says ("userdb
# returned 0 as uid", "Mail access not allowed for root"), and imap-login refuses to run as
# root; privileges() fills in the users. ssl = no also leaves the imaps listener unbound.
CONFIG = Template("""\
# Written by mailbot.testing.servers: a private Dovecot for development and tests.
base_dir = $base_dir
state_dir = $state_dir
instance_name = mailbot-$port
protocols = imap
listen = $host
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
login_greeting = $greeting
auth_username_format = %Lu
auth_username_chars = abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01234567890.-_@+=
auth_failure_delay = 0
log_path = $log_path
mail_location = maildir:~/Maildir
mail_max_userip_connections = 100
# IDLE: inotify sees new mail and Dovecot pushes it after a fixed 0.5 s batching delay; this
# is the fallback stat() poll (default 30 s). imap_idle_notify_interval only spaces the
# "* OK Still here" keepalives and does not delay notifications.
mailbox_idle_check_interval = 1 secs
imap_idle_notify_interval = 2 mins
imap_hibernate_timeout = 0
default_internal_user = $internal_user
default_internal_group = $internal_group
default_login_user = $login_user
first_valid_uid = $uid
first_valid_gid = $gid
valid_chroot_dirs = $chroot_dirs
namespace inbox {
  inbox = yes
  separator = /
}
passdb {
  driver = static
  args = password=$password
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$home
}
service imap-login {
  inet_listener imap {
    address = $host
    port = $port
  }
  chroot = $login_chroot
}
# Without this socket there is no auth penalty, which after one wrong password delays
# every login from 127.0.0.1 (up to 15 s), the next correct one too.
service anvil {
  chroot = $anvil_chroot
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
""")

# Appended with Dovecot(oauth2_introspection_url=...): XOAUTH2 and OAUTHBEARER check each token at that
# URL (RFC 7662 introspection, POSTed), whose answer must be active and name the user who logs in. The
# static passdb above refuses a token (it is not the password) and the oauth2 one is asked next.
OAUTH2 = Template("""\
auth_mechanisms = plain login xoauth2 oauthbearer
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $args
}
""")
OAUTH2_ARGS = Template("""\
introspection_mode = post
introspection_url = $url
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
""")


def privileges(home: Path) -> tuple[dict[str, Any], tuple[int, int] | None]:
    """The settings that differ between running as root and as a normal user, and who owns the mail.

    As root: internal processes run as root, imap-login as dovenull (or nobody), and mail
    processes as nobody, chrooted into ``root/home`` (``home=<chroot>/./<user>``) so that
    private parent directories (pytest's tmp dirs are 0700) do not lock them out.
    As a normal user: every process runs as that user, and nothing can chroot.
    """
    settings: dict[str, Any]
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.getuid()).pw_name
        settings = dict(
            internal_user=me,
            internal_group=grp.getgrgid(os.getgid()).gr_name,
            login_user=me,
            uid=os.getuid(),
            gid=os.getgid(),
            home=f"{home}/%u",
            chroot_dirs="",
            login_chroot="",
            anvil_chroot="",
        )
        return settings, None
    nobody = pwd.getpwnam("nobody")
    try:
        login_user = pwd.getpwnam("dovenull").pw_name
    except KeyError:
        login_user = nobody.pw_name
    mail_owner = (nobody.pw_uid, nobody.pw_gid)
    os.chown(home, *mail_owner)
    settings = dict(
        internal_user="root",
        internal_group=grp.getgrgid(0).gr_name,
        login_user=login_user,
        uid=nobody.pw_uid,
        gid=nobody.pw_gid,
        home=f"{home}/./%u",
        chroot_dirs=home,
        login_chroot="login",
        anvil_chroot="empty",
    )
    return settings, mail_owner
