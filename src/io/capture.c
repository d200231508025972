// SPDX-License-Identifier: ISC
/*
 * capture.c: the pcap handle and its decode loop (shell).  Device "any"
 * sees every uplink and our own outgoing frames (Linux cooked headers say
 * which way a frame went); immediate mode delivers each frame at once; the
 * kernel ring absorbs bursts; timestamps are the kernel's, in ns.
 */
#include "nktrace/capture.h"
#include "nktrace/inet.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct nkt_capture {
	pcap_t *p;
	int dlt;
	int nano;
	struct nkt_capture_stats st;
	nkt_capture_cb cb;
	void *ctx;
};

/* "(host A or host B)" for the given direction keyword. */
static void hosts(char *buf, size_t len, const char *dir, const uint32_t *a,
		  size_t n)
{
	size_t i, off = 0;
	char s[NKT_INET_ADDRSTRLEN];

	off += (size_t)snprintf(buf + off, len - off, "(");
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s host %s",
					i ? " or " : "", dir,
					nkt_inet_fmt(a[i], s));
	if (off < len)
		snprintf(buf + off, len - off, ")");
}

static void ports(char *buf, size_t len, const char *dir, const uint16_t *p,
		  size_t n)
{
	size_t i, off = 0;

	off += (size_t)snprintf(buf + off, len - off, "(");
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s port %u",
					i ? " or " : "", dir, p[i]);
	if (off < len)
		snprintf(buf + off, len - off, ")");
}

/* Open "any" with a filter (the caller's string, freed here). */
static struct nkt_capture *open_filtered(char *filter, size_t buffer_bytes,
					 struct nkt_err *err)
{
	struct nkt_capture *c = nkt_xcalloc(1, sizeof(*c));
	char ebuf[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	int rc;

	if (filter == NULL) {
		nkt_err_set(err, NKT_ESYS, "out of memory");
		goto fail;
	}
	c->p = pcap_create("any", ebuf);
	if (c->p == NULL) {
		nkt_err_set(err, NKT_ESYS, "pcap: %s", ebuf);
		goto fail;
	}
	pcap_set_snaplen(c->p, 1024);
	pcap_set_immediate_mode(c->p, 1);
	pcap_set_buffer_size(c->p, (int)buffer_bytes);
	c->nano = pcap_set_tstamp_precision(c->p, PCAP_TSTAMP_PRECISION_NANO) ==
		  0;
	rc = pcap_activate(c->p);
	if (rc < 0) {
		nkt_err_set(err,
			    rc == PCAP_ERROR_PERM_DENIED ? NKT_EPRIV : NKT_ESYS,
			    "capture: %s", pcap_geterr(c->p));
		goto fail;
	}
	/* LINUX_SLL2 names the interface each frame crossed (which uplink a
	 * reply came back by); without it, LINUX_SLL */
#ifdef DLT_LINUX_SLL2
	(void)pcap_set_datalink(c->p, DLT_LINUX_SLL2);
#endif
	c->dlt = pcap_datalink(c->p);
	if (pcap_compile(c->p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		nkt_err_set(err, NKT_ESYS, "capture filter: %s",
			    pcap_geterr(c->p));
		goto fail;
	}
	rc = pcap_setfilter(c->p, &prog);
	pcap_freecode(&prog);
	if (rc != 0) {
		nkt_err_set(err, NKT_ESYS, "capture filter: %s",
			    pcap_geterr(c->p));
		goto fail;
	}
	free(filter);
	return c;
fail:
	free(filter);
	nkt_capture_close(c);
	return NULL;
}

struct nkt_capture *nkt_capture_open(const uint32_t *srcs, size_t n_src,
				     const uint16_t *sports, size_t n_ports,
				     size_t buffer_bytes, struct nkt_err *err)
{
	char dsth[1024], srch[1024], dp[512], sp[512], *filter = NULL;

	hosts(dsth, sizeof(dsth), "dst", srcs, n_src);
	hosts(srch, sizeof(srch), "src", srcs, n_src);
	ports(dp, sizeof(dp), "dst", sports, n_ports);
	ports(sp, sizeof(sp), "src", sports, n_ports);
	/* Replies: ICMP echo reply and errors, TCP SYN-ACK/RST to our ports.
	 * Probes: echo requests, UDP and TCP SYNs from our ports. */
	if (asprintf(&filter,
		     "ip and ((%s and (icmp[0] == 0 or icmp[0] == 3 or "
		     "icmp[0] == 4 or icmp[0] == 5 or icmp[0] == 11 or "
		     "icmp[0] == 12 or (tcp and tcp[13] & 0x14 != 0 and %s))) "
		     "or (%s and ((icmp and icmp[0] == 8) or (udp and %s) or "
		     "(tcp and tcp[13] & 0x02 != 0 and %s))))",
		     dsth, n_ports ? dp : "tcp", srch, n_ports ? sp : "udp",
		     n_ports ? sp : "tcp") < 0)
		filter = NULL;
	return open_filtered(filter, buffer_bytes, err);
}

struct nkt_capture *nkt_capture_open_icmp(const uint32_t *srcs, size_t n_src,
					  size_t buffer_bytes,
					  struct nkt_err *err)
{
	char dsth[1024], *filter = NULL;

	hosts(dsth, sizeof(dsth), "dst", srcs, n_src);
	if (asprintf(&filter,
		     "ip and %s and icmp and (icmp[0] == 0 or icmp[0] == 3 or "
		     "icmp[0] == 11 or icmp[0] == 12)",
		     dsth) < 0)
		filter = NULL;
	return open_filtered(filter, buffer_bytes, err);
}

static void on_frame(u_char *user, const struct pcap_pkthdr *h,
		     const u_char *data)
{
	struct nkt_capture *c = (struct nkt_capture *)(void *)user;
	struct nkt_reply r;
	uint64_t ts = (uint64_t)h->ts.tv_sec * NKT_NS_PER_S +
		      (uint64_t)h->ts.tv_usec * (c->nano ? 1 : 1000);
	int rc;

	c->st.frames++;
	rc = nkt_reply_decode(data, h->caplen, h->len, c->dlt, &r);
	if (rc == NKT_OK) {
		c->st.decoded++;
		c->cb(c->ctx, &r, ts);
	} else if (rc == NKT_EMALFORMED)
		c->st.malformed++;
	else
		c->st.ignored++;
}

int nkt_capture_dispatch(struct nkt_capture *c, nkt_capture_cb cb, void *ctx)
{
	int n;
	c->cb = cb;
	c->ctx = ctx;
	n = pcap_dispatch(c->p, -1, on_frame, (u_char *)c);
	return n < 0 ? -1 : n;
}

void nkt_capture_stop(struct nkt_capture *c)
{
	pcap_breakloop(c->p);
}

void nkt_capture_stats(struct nkt_capture *c, struct nkt_capture_stats *st)
{
	struct pcap_stat ps;
	*st = c->st;
	if (c->p != NULL && pcap_stats(c->p, &ps) == 0) {
		st->recv = ps.ps_recv;
		st->drop = ps.ps_drop;
		st->ifdrop = ps.ps_ifdrop;
	}
}

void nkt_capture_close(struct nkt_capture *c)
{
	if (c == NULL)
		return;
	if (c->p != NULL)
		pcap_close(c->p);
	free(c);
}
