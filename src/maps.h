/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 7757 explicit address mappings: longest-prefix match both ways. */
#ifndef NAT64D_MAPS_H
#define NAT64D_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

struct eam {
	struct in_addr	p4;		/* network address, host bits zero */
	uint8_t		len4;		/* 0..32 */
	struct in6_addr	p6;		/* network address, host bits zero */
	uint8_t		len6;		/* 0..128; 128-len6 >= 32-len4 */
};

struct maps;

struct maps *maps_new(void);
void maps_free(struct maps *m);

/*
 * Add an entry.  Returns 0, or -1 with err filled in (the caller adds
 * file:line): host bits set, suffix lengths that RFC 7757 3 forbids
 * (IPv6 suffix shorter than IPv4 suffix), or an exact duplicate of an
 * existing IPv4 or IPv6 side.  Overlapping (non-identical) prefixes are
 * allowed on both sides; lookups pick the longest match.
 */
int maps_add(struct maps *m, const struct eam *e, char *err, size_t errlen)
    __attribute__((warn_unused_result));

size_t maps_count(const struct maps *m);

/* RFC 7757 3.2: translate through the longest matching entry.  Returns
 * false when no entry covers the address. */
bool maps_4to6(const struct maps *m, struct in_addr a4, struct in6_addr *out);
bool maps_6to4(const struct maps *m, const struct in6_addr *a6,
    struct in_addr *out);

/* Entry whose IPv4 side is longest-prefix match for a4, or NULL. */
const struct eam *maps_find4(const struct maps *m, struct in_addr a4);
const struct eam *maps_find6(const struct maps *m, const struct in6_addr *a6);

/* Iterate in insertion order: for (i = 0; i < maps_count(m); i++). */
const struct eam *maps_get(const struct maps *m, size_t i);

#endif
