// SPDX-License-Identifier: ISC
/*
 * rawsend: the raw-socket ceiling of this machine, for tools/bench.  The
 * most trivial sender there is: prebuilt ICMP echo requests, their
 * destination and TTL changed in place, written as fast as the kernel
 * takes them, for a fixed time: one sendto() per packet, or with BATCH,
 * sendmmsg() of BATCH packets a call (each its own buffer, headers
 * written in place: what a batched prober can do at best).  Prints
 * "sent N packets in S s: R packets/s".
 *
 *   rawsend SRC BASE/PREFIXLEN MAXTTL SECONDS [BATCH]
 *
 * Like every tool here it probes only what it is given: tools/bench runs
 * it inside its own lab namespace, towards the lab's targets.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static uint16_t cksum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;
	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	enum { BATCH_MAX = 1024 };
	static uint8_t pkts[BATCH_MAX][36];
	static struct sockaddr_in tos[BATCH_MAX];
	static struct iovec iov[BATCH_MAX];
	static struct mmsghdr msg[BATCH_MAX];
	uint8_t *pkt = pkts[0];
	struct sockaddr_in to;
	struct in_addr src, base;
	char *slash;
	unsigned len, maxttl, hosts, i = 0, batch = 0, b;
	double secs, t0, t = 0;
	uint64_t sent = 0, errors = 0;
	int fd, one = 1;
	uint16_t c;

	if ((argc != 5 && argc != 6) ||
	    (slash = strchr(argv[2], '/')) == NULL) {
		fprintf(stderr,
			"usage: rawsend SRC BASE/LEN MAXTTL SECONDS [BATCH]\n");
		return 2;
	}
	*slash = '\0';
	len = (unsigned)atoi(slash + 1);
	maxttl = (unsigned)atoi(argv[3]);
	secs = atof(argv[4]);
	if (argc == 6)
		batch = (unsigned)atoi(argv[5]);
	if (inet_pton(AF_INET, argv[1], &src) != 1 ||
	    inet_pton(AF_INET, argv[2], &base) != 1 || len < 8 || len > 32 ||
	    maxttl < 1 || maxttl > 255 || secs <= 0 || batch > BATCH_MAX ||
	    (argc == 6 && batch < 1)) {
		fprintf(stderr, "rawsend: bad arguments\n");
		return 2;
	}
	hosts = len == 32 ? 1 : 1u << (32 - len);
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		fprintf(stderr, "rawsend: socket: %s\n", strerror(errno));
		return 1;
	}
	setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one));
	memset(pkt, 0, sizeof(pkts[0]));
	pkt[0] = 0x45;
	pkt[2] = 0;
	pkt[3] = sizeof(pkts[0]);
	pkt[5] = 1;
	pkt[9] = 1;
	memcpy(pkt + 12, &src, 4);
	pkt[20] = 8;
	pkt[24] = 0x12;
	c = cksum(pkt + 20, sizeof(pkts[0]) - 20);
	pkt[22] = (uint8_t)(c >> 8);
	pkt[23] = (uint8_t)c;
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	for (b = 0; b < batch; b++) {
		memcpy(pkts[b], pkt, sizeof(pkts[b]));
		tos[b] = to;
		iov[b].iov_base = pkts[b];
		iov[b].iov_len = sizeof(pkts[b]);
		memset(&msg[b], 0, sizeof(msg[b]));
		msg[b].msg_hdr.msg_name = &tos[b];
		msg[b].msg_hdr.msg_namelen = sizeof(tos[b]);
		msg[b].msg_hdr.msg_iov = &iov[b];
		msg[b].msg_hdr.msg_iovlen = 1;
	}
	t0 = now();
	while (batch > 0) {
		/* about 1024 packets between clock reads */
		unsigned k;
		for (k = 0; k < 1024; k += batch) {
			unsigned done = 0;
			for (b = 0; b < batch; b++, i++) {
				uint32_t d = ntohl(base.s_addr) +
					     (i / maxttl) % hosts;
				tos[b].sin_addr.s_addr = htonl(d);
				memcpy(pkts[b] + 16, &tos[b].sin_addr, 4);
				pkts[b][8] = (uint8_t)(1 + i % maxttl);
			}
			while (done < batch) {
				int n = sendmmsg(fd, msg + done, batch - done,
						 0);
				if (n <= 0) {
					errors += batch - done;
					break;
				}
				sent += (unsigned)n;
				done += (unsigned)n;
			}
		}
		t = now() - t0;
		if (t >= secs)
			break;
	}
	while (batch == 0) {
		/* 1024 packets between clock reads. */
		unsigned k;
		for (k = 0; k < 1024; k++, i++) {
			uint32_t d = ntohl(base.s_addr) + (i / maxttl) % hosts;
			to.sin_addr.s_addr = htonl(d);
			memcpy(pkt + 16, &to.sin_addr, 4);
			pkt[8] = (uint8_t)(1 + i % maxttl);
			if (sendto(fd, pkt, sizeof(pkts[0]), 0,
				   (struct sockaddr *)&to, sizeof(to)) < 0)
				errors++;
			else
				sent++;
		}
		t = now() - t0;
		if (t >= secs)
			break;
	}
	printf("sent %llu packets in %.3f s: %.0f packets/s (%llu errors)\n",
	       (unsigned long long)sent, t, (double)sent / t,
	       (unsigned long long)errors);
	close(fd);
	return 0;
}
