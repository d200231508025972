// SPDX-License-Identifier: ISC
/*
 * rawsend: the raw-socket ceiling of this machine, for tools/bench.  The
 * most trivial sender there is: one prebuilt ICMP echo request, its
 * destination and TTL changed in place, written with one sendto() per
 * packet as fast as the kernel takes them, for a fixed time.  Prints
 * "sent N packets in S s: R packets/s".
 *
 *   rawsend SRC BASE/PREFIXLEN MAXTTL SECONDS
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
	uint8_t pkt[36];
	struct sockaddr_in to;
	struct in_addr src, base;
	char *slash;
	unsigned len, maxttl, hosts, i = 0;
	double secs, t0, t;
	uint64_t sent = 0, errors = 0;
	int fd, one = 1;
	uint16_t c;

	if (argc != 5 || (slash = strchr(argv[2], '/')) == NULL) {
		fprintf(stderr, "usage: rawsend SRC BASE/LEN MAXTTL SECONDS\n");
		return 2;
	}
	*slash = '\0';
	len = (unsigned)atoi(slash + 1);
	maxttl = (unsigned)atoi(argv[3]);
	secs = atof(argv[4]);
	if (inet_pton(AF_INET, argv[1], &src) != 1 ||
	    inet_pton(AF_INET, argv[2], &base) != 1 || len < 8 || len > 32 ||
	    maxttl < 1 || maxttl > 255 || secs <= 0) {
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
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x45;
	pkt[2] = 0;
	pkt[3] = sizeof(pkt);
	pkt[5] = 1;
	pkt[9] = 1;
	memcpy(pkt + 12, &src, 4);
	pkt[20] = 8;
	pkt[24] = 0x12;
	c = cksum(pkt + 20, sizeof(pkt) - 20);
	pkt[22] = (uint8_t)(c >> 8);
	pkt[23] = (uint8_t)c;
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	t0 = now();
	do {
		/* 1024 packets between clock reads. */
		unsigned k;
		for (k = 0; k < 1024; k++, i++) {
			uint32_t d = ntohl(base.s_addr) + (i / maxttl) % hosts;
			to.sin_addr.s_addr = htonl(d);
			memcpy(pkt + 16, &to.sin_addr, 4);
			pkt[8] = (uint8_t)(1 + i % maxttl);
			if (sendto(fd, pkt, sizeof(pkt), 0,
				   (struct sockaddr *)&to, sizeof(to)) < 0)
				errors++;
			else
				sent++;
		}
		t = now() - t0;
	} while (t < secs);
	printf("sent %llu packets in %.3f s: %.0f packets/s (%llu errors)\n",
	       (unsigned long long)sent, t, (double)sent / t,
	       (unsigned long long)errors);
	close(fd);
	return 0;
}
