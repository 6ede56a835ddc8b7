/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 6052 address embedding and the special-purpose address tables. */
#ifndef NAT64D_ADDR_H
#define NAT64D_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

/* True for the prefix lengths RFC 6052 2.2 allows: 32 40 48 56 64 96. */
bool addr_prefix_len_ok(unsigned plen);

/* RFC 6052 2.2: embed a4 into prefix/plen; u-octet and suffix are zero. */
void addr_embed4(const struct in6_addr *prefix, unsigned plen,
    struct in_addr a4, struct in6_addr *out);

/* RFC 6052 2.2: extract the IPv4 address.  The u-octet (bits 64-71) and
 * the suffix are ignored, as 2.2's SHOULD says. */
struct in_addr addr_extract4(const struct in6_addr *a6, unsigned plen);

/* Does a6 lie inside prefix/plen (any plen 0..128)? */
bool addr6_in_prefix(const struct in6_addr *a6,
    const struct in6_addr *prefix, unsigned plen);
bool addr4_in_prefix(struct in_addr a4, struct in_addr prefix, unsigned plen);

/* Host-order netmask for plen 0..32. */
uint32_t addr4_mask(unsigned plen);

/* Addresses no translator may emit or accept as source/destination:
 * 0/8, 127/8, 224/4 (multicast), 255.255.255.255. */
bool addr4_is_invalid(struct in_addr a4);

/* IPv6: ::/8 (includes ::ffff:0:0/96 and ::/128), ff00::/8, fe80::/10.
 * 64:ff9b::/32 is always valid. */
bool addr6_is_invalid(const struct in6_addr *a6);

/* RFC 6052 3.1 with the well-known prefix: addresses the IANA IPv4
 * special-purpose registry does not mark globally reachable.  Used only
 * when the prefix is exactly 64:ff9b::/96 and wkpf-strict is on. */
bool addr4_is_nonglobal(struct in_addr a4);

/* The well-known prefix 64:ff9b::/96 (RFC 6052 2.1). */
bool addr_is_wkpf(const struct in6_addr *prefix, unsigned plen);

#endif
