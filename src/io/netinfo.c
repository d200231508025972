// SPDX-License-Identifier: ISC
/* netinfo.c: route, interface, gateway and neighbour lookups (shell). */
#include "nktrace/netinfo.h"
#include "nktrace/clock.h"
#include "nktrace/inet.h"
#include "nktrace/wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libnet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int nkt_net_route_src(uint32_t dst, uint32_t *src, struct nkt_err *err)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char a[NKT_INET_ADDRSTRLEN];
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = NKT_OK;

	if (fd < 0)
		return nkt_err_set(err, NKT_ESYS, "socket: %s",
				   strerror(errno));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(33434);
	sin.sin_addr.s_addr = htonl(dst);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		rc = nkt_err_set(err,
				 errno == ENETUNREACH || errno == EHOSTUNREACH
					 ? NKT_ENOTFOUND
					 : NKT_ESYS,
				 "no route to %s: %s", nkt_inet_fmt(dst, a),
				 strerror(errno));
	else if (getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
		rc = nkt_err_set(err, NKT_ESYS, "getsockname: %s",
				 strerror(errno));
	else
		*src = ntohl(sin.sin_addr.s_addr);
	close(fd);
	return rc;
}

int nkt_net_iface(const char *name, struct nkt_iface *out,
		  struct nkt_err *err)
{
	struct ifreq ifr;
	int fd, rc = NKT_OK;

	memset(out, 0, sizeof(*out));
	if (strlen(name) >= sizeof(out->name) || strlen(name) >= IFNAMSIZ)
		return nkt_err_set(err, NKT_EINVAL,
				   "interface name '%s' is too long", name);
	snprintf(out->name, sizeof(out->name), "%s", name);
	out->index = (int)if_nametoindex(name);
	if (out->index == 0)
		return nkt_err_set(err, NKT_ENOTFOUND, "no interface '%s'",
				   name);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return nkt_err_set(err, NKT_ESYS, "socket: %s",
				   strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0) {
		out->is_ether = ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER;
		memcpy(out->mac, ifr.ifr_hwaddr.sa_data, 6);
	} else
		rc = nkt_err_set(err, NKT_ESYS, "%s: %s", name,
				 strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (rc == NKT_OK && ioctl(fd, SIOCGIFADDR, &ifr) == 0)
		out->addr = ntohl(
			((struct sockaddr_in *)(void *)&ifr.ifr_addr)
				->sin_addr.s_addr);
	close(fd);
	return rc;
}

int nkt_net_default_gw(const char *iface, uint32_t *gw, struct nkt_err *err)
{
	FILE *f = fopen("/proc/net/route", "r");
	char line[256], dev[64];
	unsigned dst, g, flags;

	if (f == NULL)
		return nkt_err_set(err, NKT_ENOTFOUND,
				   "cannot read /proc/net/route");
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%63s %x %x %x", dev, &dst, &g, &flags) != 4)
			continue;
		if (strcmp(dev, iface) == 0 && dst == 0 && (flags & 0x2)) {
			*gw = ntohl(g);
			fclose(f);
			return NKT_OK;
		}
	}
	fclose(f);
	return nkt_err_set(err, NKT_ENOTFOUND,
			   "no default route on %s; give the gateway as "
			   "--via %s,GATEWAY",
			   iface, iface);
}

int nkt_net_neigh(const char *iface, uint32_t ip, uint8_t mac[6])
{
	FILE *f = fopen("/proc/net/arp", "r");
	char line[256], addr[32], hw[32], mask[32], dev[64];
	unsigned type, flags;
	uint32_t a;

	if (f == NULL)
		return NKT_ENOTFOUND;
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned m[6];
		if (sscanf(line, "%31s 0x%x 0x%x %31s %31s %63s", addr, &type,
			   &flags, hw, mask, dev) != 6)
			continue;
		if (strcmp(dev, iface) != 0 || !(flags & ATF_COM) ||
		    nkt_inet_parse(addr, &a) != NKT_OK || a != ip)
			continue;
		if (sscanf(hw, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
			   &m[4], &m[5]) != 6)
			continue;
		for (int i = 0; i < 6; i++)
			mac[i] = (uint8_t)m[i];
		fclose(f);
		return NKT_OK;
	}
	fclose(f);
	return NKT_ENOTFOUND;
}

int nkt_net_arp(const struct nkt_iface *ifc, uint32_t ip, uint8_t mac[6],
		struct nkt_err *err)
{
	char ebuf[PCAP_ERRBUF_SIZE > LIBNET_ERRBUF_SIZE ? PCAP_ERRBUF_SIZE
							: LIBNET_ERRBUF_SIZE];
	char filter[96], a[NKT_INET_ADDRSTRLEN];
	struct bpf_program prog;
	uint8_t frame[64];
	size_t flen = 0;
	libnet_t *l = NULL;
	pcap_t *p = NULL;
	int tries, rc;

	if (nkt_net_neigh(ifc->name, ip, mac) == NKT_OK)
		return NKT_OK;
	if (!ifc->is_ether)
		return nkt_err_set(err, NKT_EINVAL,
				   "%s is not an Ethernet interface",
				   ifc->name);
	rc = nkt_wire_arp_request(ifc->mac, ifc->addr, ip, frame,
				  sizeof(frame), &flen, err);
	if (rc != NKT_OK)
		return rc;
	l = libnet_init(LIBNET_LINK_ADV, ifc->name, ebuf);
	if (l == NULL) {
		rc = nkt_err_set(err, errno == EPERM ? NKT_EPRIV : NKT_ESYS,
				 "libnet on %s: %s", ifc->name, ebuf);
		goto out;
	}
	p = pcap_open_live(ifc->name, 128, 0, 100, ebuf);
	if (p == NULL) {
		rc = nkt_err_set(err, NKT_ESYS, "pcap on %s: %s", ifc->name,
				 ebuf);
		goto out;
	}
	snprintf(filter, sizeof(filter), "arp and arp[6:2] == 2 and src host %s",
		 nkt_inet_fmt(ip, a));
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0 ||
	    pcap_setfilter(p, &prog) != 0) {
		rc = nkt_err_set(err, NKT_ESYS, "pcap filter: %s",
				 pcap_geterr(p));
		goto out;
	}
	pcap_freecode(&prog);
	if (pcap_setnonblock(p, 1, ebuf) != 0) {
		rc = nkt_err_set(err, NKT_ESYS, "pcap: %s", ebuf);
		goto out;
	}
	rc = nkt_err_set(err, NKT_ENOTFOUND, "no ARP reply from %s on %s",
			 nkt_inet_fmt(ip, a), ifc->name);
	for (tries = 0; tries < 3 && rc != NKT_OK; tries++) {
		uint64_t deadline;
		if (libnet_adv_write_link(l, frame, (uint32_t)flen) < 0) {
			rc = nkt_err_set(err, NKT_ESYS, "ARP request: %s",
					 libnet_geterror(l));
			goto out;
		}
		deadline = nkt_clock_mono_ns() + NKT_NS_PER_S;
		do {
			struct pcap_pkthdr *h;
			const u_char *d;
			if (pcap_next_ex(p, &h, &d) == 1 && h->caplen >= 42) {
				memcpy(mac, d + 22, 6); /* sender HW address */
				rc = NKT_OK;
				break;
			}
			usleep(5000);
		} while (nkt_clock_mono_ns() < deadline);
	}
out:
	if (p != NULL)
		pcap_close(p);
	if (l != NULL)
		libnet_destroy(l);
	return rc;
}
