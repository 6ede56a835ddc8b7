/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target over xlat_packet(), the entry point every packet of the
 * daemon goes through.  The first input byte picks one of several
 * configurations (prefix lengths, WKPF strictness, UDP checksum modes,
 * hairpin, small MTUs) so all paths are reachable; the rest is the packet.
 * Outputs are checked for consistency: every emitted packet must parse.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "log.h"
#include "maps.h"
#include "pkt.h"
#include "pool.h"
#include "xlat.h"

#define NCFG 6

static struct xlat_cfg cfgs[NCFG];
static struct maps *maps;
static struct pool *pools[NCFG];
static struct xlat xs[NCFG];
static uint8_t buf[XLAT_HEADROOM + 65536];
static struct xlat_out out;

static void
add_map(const char *a4, unsigned l4, const char *a6, unsigned l6)
{
	struct eam e;
	char err[256];

	memset(&e, 0, sizeof(e));
	inet_pton(AF_INET, a4, &e.p4);
	inet_pton(AF_INET6, a6, &e.p6);
	e.len4 = l4;
	e.len6 = l6;
	if (maps_add(maps, &e, err, sizeof(err)) != 0)
		abort();
}

static void
setup(void)
{
	static const unsigned plens[NCFG] = { 96, 32, 40, 56, 64, 96 };
	struct pool_params pp;
	int i;

	maps = maps_new();
	add_map("192.0.2.1", 32, "2001:db8:1::1", 128);
	add_map("198.51.100.0", 28, "2001:db8:2::", 124);
	add_map("203.0.113.0", 24, "2001:db8:3::", 112);
	for (i = 0; i < NCFG; i++) {
		struct xlat_cfg *c = &cfgs[i];

		memset(c, 0, sizeof(*c));
		inet_pton(AF_INET, "192.0.2.254", &c->ipv4_addr);
		inet_pton(AF_INET6, "2001:db8:ffff::1", &c->ipv6_addr);
		c->has_prefix = true;
		inet_pton(AF_INET6, i == 0 || i == 5 ? "64:ff9b::" :
		    "2001:db8:6400::", &c->prefix);
		c->prefix_len = plens[i];
		c->wkpf_strict = i == 0;
		c->udp_cksum = (enum udp_cksum_mode)(i % 3);
		c->hairpin = i == 4 ? HAIRPIN_DROP : HAIRPIN_RFC7757;
		c->mtu = i == 3 ? 1280 : 1500;
		c->offlink_mtu = 1280;
		c->err4_pool = c->ipv4_addr;
		c->err4_pool_len = i == 2 ? 30 : 32;
		c->err6_addr = c->ipv6_addr;
		c->icmp_rate = i == 1 ? 0 : 1000;
		c->icmp_burst = 50;
		memset(&pp, 0, sizeof(pp));
		inet_pton(AF_INET, "100.64.0.0", &pp.net);
		pp.len = i == 3 ? 30 : 24;
		pp.dormant_s = 7440;
		pp.expire_s = 1209600;
		pools[i] = pool_new(&pp);
		pool_set_exclusions(pools[i], maps, c->ipv4_addr);
		xlat_init(&xs[i], c, maps, &pool_ops, pools[i], 12345);
	}
}

static void
check_output(const struct xlat_out *o)
{
	struct ip4_info i4;
	struct ip6_info i6;
	uint8_t pkt[65536 + 128];
	unsigned i, k;
	size_t n;

	for (i = 0; i < o->n; i++) {
		n = 0;
		for (k = 0; k < o->pkt[i].niov; k++) {
			if (n + o->pkt[i].iov[k].iov_len > sizeof(pkt))
				abort();
			memcpy(pkt + n, o->pkt[i].iov[k].iov_base,
			    o->pkt[i].iov[k].iov_len);
			n += o->pkt[i].iov[k].iov_len;
		}
		if (n == 0)
			abort();
		if (pkt[0] >> 4 == 4) {
			if (pkt_parse_ip4(pkt, n, PKT_OUTER, &i4) != XLAT_DROP_NONE)
				abort();
		} else if (pkt_parse_ip6(pkt, n, PKT_OUTER, &i6) !=
		    XLAT_DROP_NONE) {
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static uint64_t now = 1000;
	unsigned sel;

	if (!ready) {
		log_init(LOG_TO_STDERR, false);
		setup();
		ready = 1;
	}
	if (size < 1 || size > 65536)
		return 0;
	sel = data[0] % NCFG;
	memcpy(buf + XLAT_HEADROOM, data + 1, size - 1);
	now += 7;
	xlat_packet(&xs[sel], buf + XLAT_HEADROOM, size - 1, now, &out);
	check_output(&out);
	return 0;
}
