// SPDX-License-Identifier: ISC
/*
 * sender.c: writes probes with libnet (shell).  Templates are built once
 * per flow shape (method, size, TOS, ports) with libnet's builders and
 * patched per probe (nkt_probe_patch), so sending allocates nothing.
 * Batches (sweep) go out with sendmmsg() on libnet's raw socket.
 */
#include "nktrace/sender.h"
#include "nktrace/clock.h"
#include "nktrace/inet.h"
#include "nktrace/wire.h"

#include <errno.h>
#include <libnet.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define MAX_SHAPES 32

struct shape {
	uint8_t method, tos;
	uint16_t size, sport, dport;
	uint8_t tmpl[NKT_PROBE_MAX_SIZE];
};

struct nkt_sender {
	libnet_t *raw;
	libnet_t *link[NKT_MAX_UPLINKS];
	uint8_t ether[NKT_MAX_UPLINKS][NKT_ETHER_HDR_LEN];
	size_t n_uplinks;
	struct nkt_key key;
	struct shape shapes[MAX_SHAPES];
	size_t n_shapes;
	uint8_t frame[NKT_ETHER_HDR_LEN + NKT_PROBE_MAX_SIZE];
	pcap_t *dead;
	pcap_dumper_t *dump;
	int dump_ether;
	/* batch mode */
	struct mmsghdr msg[NKT_SENDER_BATCH_MAX];
	struct iovec iov[NKT_SENDER_BATCH_MAX];
	struct sockaddr_in to[NKT_SENDER_BATCH_MAX];
};

static int eperm(int e)
{
	return e == EPERM || e == EACCES;
}

struct nkt_sender *nkt_sender_open(const struct nkt_uplink *uplinks,
				   size_t n_uplinks, int need_raw,
				   const struct nkt_key *key,
				   const char *dry_pcap, struct nkt_err *err)
{
	struct nkt_sender *s = nkt_xcalloc(1, sizeof(*s));
	char ebuf[LIBNET_ERRBUF_SIZE];
	size_t i;

	s->key = *key;
	s->n_uplinks = n_uplinks;
	for (i = 1; i < n_uplinks; i++)
		if (nkt_wire_ether(uplinks[i].gw_mac, uplinks[i].ifc.mac,
				   s->ether[i], err) != NKT_OK)
			goto fail;
	if (dry_pcap != NULL) {
		s->dump_ether = n_uplinks > 1;
		s->dead = pcap_open_dead_with_tstamp_precision(
			s->dump_ether ? DLT_EN10MB : DLT_RAW, 65535,
			PCAP_TSTAMP_PRECISION_NANO);
		s->dump = s->dead ? pcap_dump_open(s->dead, dry_pcap) : NULL;
		if (s->dump == NULL) {
			nkt_err_set(err, NKT_ESYS, "cannot write %s: %s",
				    dry_pcap,
				    s->dead ? pcap_geterr(s->dead) : "pcap");
			goto fail;
		}
		return s;
	}
	if (need_raw) {
		errno = 0;
		s->raw = libnet_init(LIBNET_RAW4_ADV, NULL, ebuf);
		if (s->raw == NULL) {
			int e = errno;
			nkt_err_set(err, eperm(e) ? NKT_EPRIV : NKT_ESYS,
				    "raw socket: %s", ebuf);
			goto fail;
		}
	}
	for (i = 1; i < n_uplinks; i++) {
		errno = 0;
		s->link[i] = libnet_init(LIBNET_LINK_ADV, uplinks[i].ifc.name,
					 ebuf);
		if (s->link[i] == NULL) {
			int e = errno;
			nkt_err_set(err, eperm(e) ? NKT_EPRIV : NKT_ESYS,
				    "link-layer handle on %s: %s",
				    uplinks[i].ifc.name, ebuf);
			goto fail;
		}
	}
	return s;
fail:
	nkt_sender_close(s, NULL);
	return NULL;
}

static const uint8_t *template_for(struct nkt_sender *s,
				   const struct nkt_flow *f)
{
	size_t i;

	for (i = 0; i < s->n_shapes; i++) {
		struct shape *sh = &s->shapes[i];
		if (sh->method == f->method && sh->tos == f->tos &&
		    sh->size == f->size && sh->sport == f->sport &&
		    sh->dport == f->dport)
			return sh->tmpl;
	}
	if (s->n_shapes == MAX_SHAPES)
		s->n_shapes = 0; /* start over: shapes are cheap to rebuild */
	{
		struct shape *sh = &s->shapes[s->n_shapes];
		if (nkt_wire_template(f, sh->tmpl, sizeof(sh->tmpl), NULL) !=
		    NKT_OK)
			return NULL;
		sh->method = f->method;
		sh->tos = f->tos;
		sh->size = f->size;
		sh->sport = f->sport;
		sh->dport = f->dport;
		s->n_shapes++;
		return sh->tmpl;
	}
}

int nkt_sender_send(struct nkt_sender *s, const struct nkt_probe_req *req,
		    uint64_t dry_wall_ns, uint64_t *tx_wall_ns)
{
	const uint8_t *tmpl = template_for(s, &req->flow);
	int forced = req->via > 0 && req->via < s->n_uplinks;
	size_t off = (forced || (s->dump && s->dump_ether)) ? NKT_ETHER_HDR_LEN
							    : 0;
	uint8_t *pkt = s->frame + off;
	int rc;

	if (tmpl == NULL)
		return ENOMEM;
	memcpy(pkt, tmpl, req->flow.size);
	nkt_probe_patch(pkt, &req->flow, &s->key, req->ttl, req->id);
	if (off)
		memcpy(s->frame, s->ether[forced ? req->via : 0],
		       NKT_ETHER_HDR_LEN);
	if (s->dump != NULL) {
		struct pcap_pkthdr h;
		h.ts.tv_sec = (time_t)(dry_wall_ns / NKT_NS_PER_S);
		/* a nanosecond-precision file keeps ns in tv_usec */
		h.ts.tv_usec = (suseconds_t)(dry_wall_ns % NKT_NS_PER_S);
		h.caplen = h.len = (bpf_u_int32)(off + req->flow.size);
		pcap_dump((u_char *)s->dump, &h, s->frame);
		*tx_wall_ns = dry_wall_ns;
		return 0;
	}
	*tx_wall_ns = nkt_clock_wall_ns();
	errno = 0;
	if (forced)
		rc = libnet_adv_write_link(s->link[req->via], s->frame,
					   (uint32_t)(off + req->flow.size));
	else if (s->raw != NULL)
		rc = libnet_adv_write_raw_ipv4(s->raw, pkt, req->flow.size);
	else
		return ENETUNREACH;
	if (rc < 0 || (size_t)rc != off + req->flow.size)
		return errno ? errno : EIO;
	return 0;
}

void nkt_sender_sndbuf(struct nkt_sender *s, int bytes)
{
	if (s->raw != NULL)
		setsockopt(libnet_getfd(s->raw), SOL_SOCKET, SO_SNDBUF, &bytes,
			   sizeof(bytes));
}

int nkt_sender_send_batch(struct nkt_sender *s, uint8_t *const *pkts,
			  size_t n, size_t len, struct nkt_batch_result *r)
{
	size_t i, done = 0;
	int fd;

	r->n_failed = 0;
	r->first_errno = 0;
	r->retries = 0;
	if (s->raw == NULL)
		return ENETUNREACH;
	fd = libnet_getfd(s->raw);
	for (i = 0; i < n; i++) {
		memset(&s->msg[i], 0, sizeof(s->msg[i]));
		s->iov[i].iov_base = pkts[i];
		s->iov[i].iov_len = len;
		memset(&s->to[i], 0, sizeof(s->to[i]));
		s->to[i].sin_family = AF_INET;
		memcpy(&s->to[i].sin_addr.s_addr, pkts[i] + 16, 4);
		s->msg[i].msg_hdr.msg_iov = &s->iov[i];
		s->msg[i].msg_hdr.msg_iovlen = 1;
		s->msg[i].msg_hdr.msg_name = &s->to[i];
		s->msg[i].msg_hdr.msg_namelen = sizeof(s->to[i]);
	}
	while (done < n) {
		int k = sendmmsg(fd, s->msg + done, (unsigned)(n - done), 0);
		if (k > 0) {
			done += (size_t)k;
			continue;
		}
		if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
			/* The interface queue is full: back off briefly,
			 * then write the rest. */
			struct timespec ts = {0, 20000};
			r->retries++;
			nanosleep(&ts, NULL);
			continue;
		}
		/* This one cannot be sent (no route, filtered): report it and
		 * go on with the rest. */
		if (r->n_failed == 0)
			r->first_errno = errno;
		r->failed[r->n_failed++] = done++;
	}
	return 0;
}

int nkt_sender_close(struct nkt_sender *s, struct nkt_err *err)
{
	size_t i;
	int rc = NKT_OK;

	if (s == NULL)
		return NKT_OK;
	if (s->raw != NULL)
		libnet_destroy(s->raw);
	for (i = 0; i < NKT_MAX_UPLINKS; i++)
		if (s->link[i] != NULL)
			libnet_destroy(s->link[i]);
	if (s->dump != NULL) {
		if (pcap_dump_flush(s->dump) != 0)
			rc = nkt_err_set(err, NKT_ESYS,
					 "writing the pcap file failed");
		pcap_dump_close(s->dump);
	}
	if (s->dead != NULL)
		pcap_close(s->dead);
	free(s);
	return rc;
}
