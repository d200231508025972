/* SPDX-License-Identifier: ISC */
/*
 * resolve.h: names of addresses (reverse DNS, PTR) and addresses of names
 * (targets given as host names), by c-ares: asynchronous, bounded in time
 * (each query has a time limit and a number of tries, and every wait has a
 * deadline) and cached for the life of the resolver (an address is asked
 * once, whatever the answer).  Names that are not plain host names (any
 * byte outside [A-Za-z0-9._-], or longer than 253) are dropped, so a
 * hostile PTR record cannot write to the terminal.  Shell: sockets and the
 * clock.  One thread owns a resolver.
 */
#ifndef NKTRACE_RESOLVE_H
#define NKTRACE_RESOLVE_H

#include "nktrace/common.h"

#include <stdint.h>

struct nkt_resolver;

/* Open a resolver over the system's configuration (/etc/resolv.conf; in a
 * lab namespace, the lab's), each query given query_ns per try and two
 * tries.  Returns NULL with err set. */
struct nkt_resolver *nkt_resolver_open(uint64_t query_ns, struct nkt_err *err);

void nkt_resolver_close(struct nkt_resolver *r);

/* Ask for the name of addr (host order) unless it was asked before.  Never
 * blocks. */
void nkt_resolver_want(struct nkt_resolver *r, uint32_t addr);

/* Answer whatever has arrived, without blocking. */
void nkt_resolver_poll(struct nkt_resolver *r);

/* Wait until no query is pending or the monotonic clock reaches
 * deadline_ns.  Queries still pending then stay pending. */
void nkt_resolver_wait(struct nkt_resolver *r, uint64_t deadline_ns);

/* 1 when addr was never asked or its answer has arrived (or failed), 0 while
 * it is pending. */
int nkt_resolver_settled(const struct nkt_resolver *r, uint32_t addr);

/* The name of addr: a given target name (nkt_resolver_host), else its
 * PTR name; NULL when none is known (yet). */
const char *nkt_resolver_name(const struct nkt_resolver *r, uint32_t addr);

/* The given name of addr when it was a target given as a host name, else
 * NULL. */
const char *nkt_resolver_given(const struct nkt_resolver *r, uint32_t addr);

/* The first IPv4 address of host name `name`, waiting until deadline_ns at
 * most; the name is kept as addr's given name.  Returns 0, or NKT_ENOTFOUND
 * / NKT_ESYS with err set ("kcna.kp: no such host"). */
int nkt_resolver_host(struct nkt_resolver *r, const char *name,
		      uint64_t deadline_ns, uint32_t *addr,
		      struct nkt_err *err);

/* Names asked, answered with a name, answered that there is none (or
 * with one that is not a plain host name), and not answered (the DNS
 * timed out, refused or failed, or it is still pending). */
void nkt_resolver_counts(const struct nkt_resolver *r, uint64_t *asked,
			 uint64_t *named, uint64_t *unnamed,
			 uint64_t *unanswered);

/* 1 if s is a plain host name (letters, digits, '.', '-', '_'; 1-253
 * bytes, not all digits and dots). */
int nkt_is_host_name(const char *s);

struct hostent;

/* What a DNS answer gives, as c-ares hands it over (status, and the
 * answer parsed into h, which may be NULL).  ptr: the PTR name kept for
 * an address (a plain host name), or NULL.  a: 1 with *addr the first
 * IPv4 address (host order), 0 when there is none. */
const char *nkt_resolver_ptr_name(int status, const struct hostent *h);
int nkt_resolver_a_addr(int status, const struct hostent *h,
			uint32_t *addr);

#endif
