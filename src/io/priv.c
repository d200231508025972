// SPDX-License-Identifier: ISC
/* priv.c: dropping uid, gid, groups and capabilities (shell). */
#include "nktrace/priv.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

int nkt_priv_check_raw(struct nkt_err *err)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0)
		return nkt_err_set(err,
				   errno == EPERM || errno == EACCES ? NKT_EPRIV
								      : NKT_ESYS,
				   "cannot open a raw socket: %s",
				   strerror(errno));
	close(fd);
	return NKT_OK;
}

const char *nkt_priv_default_user(void)
{
	const char *u = getenv("SUDO_USER");
	if (u != NULL && *u != '\0' && strcmp(u, "root") != 0)
		return u;
	return "nobody";
}

/* The shell's one record of the drop (a process drops once). */
static char dropped_to[64];

const char *nkt_priv_dropped_to(void)
{
	return dropped_to[0] ? dropped_to : NULL;
}

int nkt_priv_drop(const char *user, struct nkt_err *err)
{
	cap_t caps;

	if (geteuid() == 0 || getuid() == 0) {
		struct passwd *pw = getpwnam(user);
		if (pw == NULL)
			return nkt_err_set(err, NKT_EINVAL, "no user '%s'",
					   user);
		if (pw->pw_uid == 0)
			return nkt_err_set(err, NKT_EINVAL,
					   "--user %s: refusing to keep root "
					   "privileges",
					   user);
		/* Empty the bounding set while CAP_SETPCAP is still ours. */
		for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++)
			if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 &&
			    errno != EINVAL)
				return nkt_err_set(err, NKT_ESYS,
						   "dropping capability %d from "
						   "the bounding set: %s",
						   (int)c, strerror(errno));
		if (setgroups(1, &pw->pw_gid) != 0 ||
		    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
		    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0)
			return nkt_err_set(err, NKT_ESYS,
					   "dropping to %s: %s", user,
					   strerror(errno));
		if (setuid(0) == 0)
			return nkt_err_set(err, NKT_ESYS,
					   "could regain root after dropping");
		snprintf(dropped_to, sizeof(dropped_to), "%s", user);
	}
	caps = cap_init(); /* empty: permitted, effective, inheritable */
	if (caps == NULL || cap_set_proc(caps) != 0) {
		int e = errno;
		cap_free(caps);
		return nkt_err_set(err, NKT_ESYS, "clearing capabilities: %s",
				   strerror(e));
	}
	cap_free(caps);
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return nkt_err_set(err, NKT_ESYS, "no_new_privs: %s",
				   strerror(errno));
#if defined(__SANITIZE_ADDRESS__)
	/* Sanitizer builds only: LeakSanitizer inspects the process's
	 * threads at exit with ptrace, which a non-dumpable process forbids.
	 * Release builds keep the kernel's non-dumpable default, so no other
	 * process of this user can reach the open raw socket. */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
#endif
	return NKT_OK;
}
