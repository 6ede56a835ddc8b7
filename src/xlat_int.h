/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the translation core's files (xlat.c, xlat_6to4.c,
 * xlat_4to6.c, pkt.c) and nobody else.
 */
#ifndef NAT64D_XLAT_INT_H
#define NAT64D_XLAT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "xlat.h"

/* ---- Internet checksum (RFC 1071) and incremental update (RFC 1624) */

/* One's-complement sum of len bytes, added to sum (32-bit accumulator,
 * not folded).  Odd lengths pad with a zero byte. */
uint32_t csum_partial(const void *p, size_t len, uint32_t sum);
/* Fold to 16 bits and complement: the value to store in a header. */
uint16_t csum_fold(uint32_t sum);
/* Sum of the IPv4 / IPv6 pseudo-header (RFC 768 / RFC 8200 8.1). */
uint32_t csum_pseudo4(struct in_addr src, struct in_addr dst,
    uint8_t proto, uint32_t len);
uint32_t csum_pseudo6(const struct in6_addr *src, const struct in6_addr *dst,
    uint8_t proto, uint32_t len);
/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m').  old_sum/new_sum are
 * unfolded sums of the replaced and the replacing data. */
uint16_t csum_replace(uint16_t old_csum, uint32_t old_sum, uint32_t new_sum);

/* ---- Verdicts */

/* Count and return a drop.  Every drop in the core goes through here. */
enum xlat_verdict xlat_drop(struct xlat *x, struct xlat_out *out,
    enum xlat_drop reason);

/* Token bucket for ICMP errors of our own; false means suppress. */
bool xlat_icmp_allowed(struct xlat *x, uint64_t now_ms);

/* Next IPv4 Identification (RFC 7915 5.1, RFC 6864). */
uint16_t xlat_next_id(struct xlat *x);

/* ---- Output */

/* Reserve n bytes of out->scratch; NULL if it does not fit. */
uint8_t *xlat_scratch(struct xlat_out *out, size_t n);
/* Append an output packet of one or two pieces; false if out is full. */
bool xlat_emit(struct xlat_out *out, uint8_t *p, size_t len);
bool xlat_emit2(struct xlat_out *out, uint8_t *h, size_t hlen,
    uint8_t *b, size_t blen);

/* ---- Address mapping (order: EAM, then pool lease, then RFC 6052) */

/*
 * IPv6 -> IPv4.  may_assign: an outer source of a data packet may get a
 * new pool lease.  Returns XLAT_DROP_NONE and *out, or why not:
 * SRC_RESERVED/DST_RESERVED (per is_src) for invalid addresses,
 * WKPF_NONGLOBAL, POOL_EXHAUSTED, SRC_UNMAPPED/DST_UNMAPPED.
 * *via_prefix tells whether the RFC 6052 prefix was used (hairpin test).
 */
enum xlat_drop xlat_addr6to4(struct xlat *x, const struct in6_addr *a6,
    bool is_src, bool may_assign, uint64_t now_ms, struct in_addr *out,
    bool *via_prefix);

/*
 * IPv4 -> IPv6.  An address inside the dynamic pool without an active
 * lease is unmapped (never falls through to the prefix).
 */
enum xlat_drop xlat_addr4to6(struct xlat *x, struct in_addr a4,
    bool is_src, uint64_t now_ms, struct in6_addr *out);

/* Does the translator own a4 through an EAM or the pool (RFC 7757 4)? */
bool xlat_owns4(const struct xlat *x, struct in_addr a4);

/* RFC 6791: source for an ICMPv4 error whose IPv6 source is unmappable.
 * hint spreads choices over a larger pool. */
struct in_addr xlat_err4_source(const struct xlat *x, uint32_t hint);

/* ---- Offloads (xlat_gso.c) */

/* RFC 1624 on a partial checksum (the pseudo-header sum, folded, not
 * complemented: what a NEEDS_CSUM packet carries in its L4 field). */
uint16_t csum_replace_partial(uint16_t partial, uint32_t old_sum,
    uint32_t new_sum);

/*
 * out->off_in against a TCP/UDP packet whose L4 header is at l4off, l4len
 * bytes: usable for a one-header translation (partial checksum in the
 * standard place, GSO type matching proto and family)?  *seg and *last:
 * L4 lengths of a full and of the last segment.
 */
bool xlat_off_usable(const struct xlat_offload *o, int family,
    uint8_t proto, const uint8_t *l4, size_t l4off, size_t l4len,
    size_t *seg, size_t *last);

/* The output metadata for the other family: L4 now at new_l4off. */
void xlat_off_rewrite(const struct xlat_offload *in, size_t old_l4off,
    size_t new_l4off, struct xlat_offload *o);

/* ---- The two directions */

#define XLAT_F_HAIRPIN	0x01	/* already hairpinned once: no second loop */

enum xlat_verdict xlat_6to4(struct xlat *x, uint8_t *pkt, size_t len,
    uint64_t now_ms, struct xlat_out *out, unsigned flags);
enum xlat_verdict xlat_4to6(struct xlat *x, uint8_t *pkt, size_t len,
    uint64_t now_ms, struct xlat_out *out, unsigned flags);

#endif
