/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The translation core: one IP packet in, zero or more packets out.
 *
 * No file descriptors, no clock reads, no globals: everything the core
 * needs arrives through struct xlat (const config, maps, the pool hook,
 * the mutable rate limiter, ID generator and counters) and the time
 * argument.  The daemon, --translate-pcap, the benchmarks and the fuzzers
 * all call xlat_packet().
 */
#ifndef NAT64D_XLAT_H
#define NAT64D_XLAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include <netinet/in.h>

struct maps;

/*
 * Drop reasons.  One list: the enum, the counter names and the log text
 * all come from here.  X(ENUM_NAME, "counter-name", "human text")
 */
#define XLAT_DROP_REASONS(X) \
	X(NONE,             "none",              "not dropped") \
	X(TRUNCATED,        "truncated",         "packet shorter than its headers") \
	X(BAD_VERSION,      "bad-version",       "IP version is neither 4 nor 6") \
	X(BAD_IHL,          "bad-ihl",           "IPv4 header length below 20 or beyond the packet") \
	X(BAD_TOTLEN,       "bad-totlen",        "IPv4 total length inconsistent with the packet") \
	X(BAD_IP4_CSUM,     "bad-ip4-csum",      "IPv4 header checksum wrong") \
	X(BAD_PLEN,         "bad-plen",          "IPv6 payload length inconsistent with the packet") \
	X(BAD_EXTHDR,       "bad-exthdr",        "IPv6 extension header chain malformed") \
	X(BAD_FRAG,         "bad-frag",          "fragment malformed (offset/length)") \
	X(BAD_L4,           "bad-l4",            "transport header truncated or malformed") \
	X(BAD_ICMP_CSUM,    "bad-icmp-csum",     "ICMP checksum wrong") \
	X(SRC_RESERVED,     "src-reserved",      "source address reserved or invalid") \
	X(DST_RESERVED,     "dst-reserved",      "destination address reserved or invalid") \
	X(SRC_UNMAPPED,     "src-unmapped",      "unable to map source address") \
	X(DST_UNMAPPED,     "dst-unmapped",      "unable to map destination address") \
	X(WKPF_NONGLOBAL,   "wkpf-nonglobal",    "non-global IPv4 address with the well-known prefix") \
	X(POOL_EXHAUSTED,   "pool-exhausted",    "dynamic pool has no free address") \
	X(HAIRPIN,          "hairpin",           "hairpin loop refused") \
	X(TTL_EXPIRED,      "ttl-expired",       "TTL or hop limit expired") \
	X(UDP_ZERO_CSUM,    "udp-zero-csum",     "UDP zero checksum (udp-cksum-mode drop)") \
	X(FRAG_ZERO_CSUM,   "frag-zero-csum",    "fragmented UDP with zero checksum cannot be computed") \
	X(TOO_BIG,          "too-big",           "packet larger than the MTU") \
	X(ICMP_UNTRANSLATABLE, "icmp-untranslatable", "ICMP type/code has no translation") \
	X(ICMP_NESTED,      "icmp-nested",       "ICMP error inside an ICMP error") \
	X(ICMP_INNER,       "icmp-inner-bad",    "packet embedded in ICMP error malformed or unmappable") \
	X(PROTO_UNSUPPORTED,"proto-unsupported", "protocol cannot be translated") \
	X(ROUTING_HDR,      "routing-hdr",       "routing header with segments left") \
	X(SELF_UNREACH,     "self-unreach",      "addressed to the translator itself") \
	X(FRAG_ICMP,        "frag-icmp",         "fragmented ICMP cannot be translated") \
	X(RATELIMITED,      "icmp-ratelimited",  "own ICMP error suppressed by rate limit") \
	X(NO_SPACE,         "no-space",          "translated packet does not fit the output") \
	X(LOOP,             "loop",              "packet would loop through the translator") \
	X(NO_PREFIX,        "no-prefix",         "NAT64 prefix not discovered yet (prefix = auto)")

enum xlat_drop {
#define XLAT_ENUM(e, name, text) XLAT_DROP_##e,
	XLAT_DROP_REASONS(XLAT_ENUM)
#undef XLAT_ENUM
	XLAT_DROP_MAX
};

const char *xlat_drop_name(enum xlat_drop r);
const char *xlat_drop_text(enum xlat_drop r);

/*
 * What happened to a packet.  The log categories of TAYGA's `log`
 * directive map onto these: DROP -> drop, REJECT -> reject (dropped and
 * answered with an ICMP error), ICMP -> an ICMP error was translated,
 * SELF -> addressed to the translator and answered by it.
 */
enum xlat_verdict {
	XLAT_DROP,		/* nothing to send; out->reason says why */
	XLAT_FORWARD,		/* translated packet(s) in out */
	XLAT_REJECT,		/* dropped; out holds our ICMP error to the sender */
	XLAT_SELF,		/* for us; out holds our reply (echo) or is empty */
	XLAT_SEGMENT,		/* offload: nothing done; segment the super-packet
				 * with xlat_gso_segment() (or complete its
				 * checksum) and translate the pieces */
};

enum udp_cksum_mode {
	UDP_CKSUM_DROP = 0,	/* TAYGA default: drop UDP with zero checksum */
	UDP_CKSUM_FWD,		/* translate, keep zero (IPv6 side may refuse it) */
	UDP_CKSUM_CALC,		/* compute a full checksum (whole datagram only) */
};

enum hairpin_mode {
	HAIRPIN_RFC7757 = 0,	/* RFC 7757 section 4: translate back to IPv6 */
	HAIRPIN_DROP,		/* TAYGA behaviour: silently drop */
};

/* Addressing and behaviour the core reads; part of struct config. */
struct xlat_cfg {
	struct in_addr	ipv4_addr;	/* own IPv4: ICMPv4 errors, echo */
	struct in6_addr	ipv6_addr;	/* own IPv6: ICMPv6 errors, echo */

	bool		has_prefix;	/* RFC 6052 prefix configured */
	struct in6_addr	prefix;
	uint8_t		prefix_len;	/* 32, 40, 48, 56, 64 or 96 */
	bool		wkpf_strict;	/* RFC 6052 3.1 with 64:ff9b::/96 */
	bool		prefix_pending;	/* prefix = auto, none known yet */

	enum udp_cksum_mode udp_cksum;
	enum hairpin_mode   hairpin;

	uint32_t	mtu;		/* TUN MTU, both families (>= 1280) */
	uint32_t	offlink_mtu;	/* max IPv6 packet when fragmenting */

	/* RFC 6791: source of translated ICMPv4 errors whose IPv6 source
	 * cannot be mapped.  Default: ipv4_addr/32. */
	struct in_addr	err4_pool;
	uint8_t		err4_pool_len;
	/* Likewise for ICMPv6 errors whose IPv4 source cannot be mapped.
	 * Default: ipv6_addr. */
	struct in6_addr	err6_addr;

	/* Token bucket for ICMP errors we generate ourselves. */
	uint32_t	icmp_rate;	/* tokens per second, 0 = unlimited */
	uint32_t	icmp_burst;	/* bucket size */
};

/*
 * Hook to the dynamic pool (pool.c implements it).  The core calls
 * lookup6 with may_assign only for IPv6 data packets (not ICMP errors,
 * not embedded packets).
 */
enum pool_result {
	POOL_OK = 0,		/* *out set */
	POOL_NONE,		/* not in the pool, nothing assigned */
	POOL_FULL,		/* would assign but the pool is exhausted */
};

struct xlat_pool_ops {
	enum pool_result (*lookup6)(void *pool, const struct in6_addr *src,
	    bool may_assign, uint64_t now_ms, struct in_addr *out);
	/* IPv4 -> IPv6 for an active lease.  Returns POOL_NONE when the
	 * address is outside the pool, POOL_FULL never. */
	enum pool_result (*lookup4)(void *pool, struct in_addr a4,
	    uint64_t now_ms, struct in6_addr *out);
	/* Does the pool's range cover a4 (assigned or not)? */
	bool (*covers4)(void *pool, struct in_addr a4);
};

struct xlat_stats {
	uint64_t	rx6, rx4;		/* packets handed to the core */
	uint64_t	tx6, tx4;		/* packets produced */
	uint64_t	icmp_out;		/* ICMP errors of our own */
	uint64_t	hairpin;		/* RFC 7757 4 hairpinned */
	uint64_t	frag_out;		/* IPv6 fragments produced */
	uint64_t	gso_in;			/* super-packets translated whole */
	uint64_t	gso_sw;			/* super-packets left to software */
	uint64_t	csum_partial;		/* partial checksums adjusted */
	uint64_t	csum_sw;		/* partial checksums completed */
	uint64_t	drop[XLAT_DROP_MAX];
};

/* Everything the core needs.  cfg and maps are read-only for the core. */
struct xlat {
	const struct xlat_cfg	*cfg;
	const struct maps	*maps;		/* EAM table, may be NULL */
	const struct xlat_pool_ops *pool_ops;	/* may be NULL: no pool */
	void			*pool;

	/* Mutable state owned by the caller, used only through the core. */
	uint64_t		tb_tokens_milli; /* token bucket, tokens*1000 */
	uint64_t		tb_last_ms;
	uint32_t		ip4_id;		/* IPv4 ID generator state */
	struct xlat_stats	stats;
};

/* Initialise mutable state.  seed feeds the IPv4 ID generator. */
void xlat_init(struct xlat *x, const struct xlat_cfg *cfg,
    const struct maps *maps, const struct xlat_pool_ops *ops, void *pool,
    uint32_t seed);

/*
 * Output: up to XLAT_MAX_OUT packets, each one or two iovecs (a header
 * built in scratch plus a payload slice in the input buffer, or one slice
 * of the input buffer rewritten in place).
 */
#define XLAT_MAX_OUT	64	/* 65535 / 1232 -> 54 fragments */
#define XLAT_HEADROOM	64	/* bytes the caller leaves before the packet */
#define XLAT_SCRATCH	(XLAT_MAX_OUT * 64 + 2048)

/*
 * Offload metadata, the fields of the virtio-net header a TUN device
 * with IFF_VNET_HDR exchanges (linux/virtio_net.h), in host byte order.
 * All zero: an ordinary packet with a complete checksum.
 */
#define XLAT_OFF_NEEDS_CSUM	0x01	/* L4 checksum field holds the
					 * pseudo-header sum, not complemented;
					 * sum from csum_start, store at
					 * csum_start + csum_offset */
#define XLAT_OFF_DATA_VALID	0x02
#define XLAT_GSO_NONE		0
#define XLAT_GSO_TCPV4		1
#define XLAT_GSO_UDP		3	/* UFO: not supported, segmented */
#define XLAT_GSO_TCPV6		4
#define XLAT_GSO_UDP_L4		5
#define XLAT_GSO_ECN		0x80

struct xlat_offload {
	uint8_t		flags;
	uint8_t		gso_type;
	uint16_t	hdr_len;
	uint16_t	gso_size;
	uint16_t	csum_start;
	uint16_t	csum_offset;
};

struct xlat_pktout {
	struct iovec	iov[2];
	unsigned	niov;
	struct xlat_offload off;	/* zero unless a super-packet/partial */
};

struct xlat_out {
	unsigned		n;
	struct xlat_pktout	pkt[XLAT_MAX_OUT];
	enum xlat_drop		reason;		/* why dropped/rejected */
	size_t			scratch_used;
	/* Set by xlat_packet_offload() for the core, NULL otherwise. */
	const struct xlat_offload *off_in;
	uint8_t			scratch[XLAT_SCRATCH];
};

/*
 * Translate one packet.  pkt[0..len) holds an IPv4 or IPv6 packet and at
 * least XLAT_HEADROOM writable bytes precede pkt (headers grow into it).
 * The buffer is modified.  now_ms is a monotonic clock in milliseconds.
 */
enum xlat_verdict xlat_packet(struct xlat *x, uint8_t *pkt, size_t len,
    uint64_t now_ms, struct xlat_out *out);

/*
 * The same for a packet that came with offload metadata (off may be NULL:
 * xlat_packet()).  A TCP/UDP super-packet whose every segment would be
 * translated alike is translated once: one header rewritten, the output's
 * pkt[0].off describes it for the other family.  A partial checksum is
 * adjusted, not completed.  Anything else: a packet with only a partial
 * checksum gets it completed in software and goes through xlat_packet();
 * a super-packet returns XLAT_SEGMENT untouched.
 */
enum xlat_verdict xlat_packet_offload(struct xlat *x, uint8_t *pkt,
    size_t len, uint64_t now_ms, const struct xlat_offload *off,
    struct xlat_out *out);

/*
 * Software GSO: segment i of the super-packet pkt as an ordinary packet
 * with complete checksums, written to seg (cap bytes), as the kernel's
 * TCP/UDP segmentation would cut it.  Returns its length, 0 when i is
 * past the last segment, -1 if the metadata does not describe pkt.
 */
long xlat_gso_segment(const uint8_t *pkt, size_t len,
    const struct xlat_offload *off, unsigned i, uint8_t *seg, size_t cap);

#endif
