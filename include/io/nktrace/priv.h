/* SPDX-License-Identifier: ISC */
/*
 * priv.h: privilege lives only between start and "handles opened".  After
 * the raw socket, link-layer handles and the pcap handle are open, the
 * process drops to an unprivileged user and clears every capability, before
 * any thread starts (capabilities are per thread on Linux).
 */
#ifndef NKTRACE_PRIV_H
#define NKTRACE_PRIV_H

#include "nktrace/common.h"

/* What to tell a user who lacks the privilege to probe. */
#define NKT_PRIV_HINT                                                          \
	"raw sockets need root or the cap_net_raw capability: run as root, "  \
	"or grant it once with 'sudo setcap cap_net_raw+ep PATH/TO/nktrace'"

/*
 * Drop privileges: as root, empty the capability bounding set, switch to
 * `user` (groups, gid, uid; never back) and clear all capabilities; as
 * another user (file capabilities), clear the capabilities it has (the
 * bounding set needs CAP_SETPCAP to change, and no_new_privs makes it moot).  Also sets no_new_privs.  Returns 0, or NKT_EINVAL for
 * an unknown or root user, or NKT_ESYS.
 */
int nkt_priv_drop(const char *user, struct nkt_err *err);

/* Can this process open raw IPv4 sockets?  Returns 0, or NKT_EPRIV with
 * NKT_PRIV_HINT's advice in err. */
int nkt_priv_check_raw(struct nkt_err *err);

/* The user to drop to when none is given: $SUDO_USER if it is set and not
 * root, else "nobody". */
const char *nkt_priv_default_user(void);

/* The user this process dropped root for (nkt_priv_drop as root), or NULL:
 * what an error about a file it cannot write should name. */
const char *nkt_priv_dropped_to(void);

#endif
