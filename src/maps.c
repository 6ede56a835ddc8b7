/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RFC 7757 explicit address mappings.
 *
 * Each side has one open-addressing hash table per prefix length in use,
 * keyed by the masked address.  A lookup probes the lengths present from
 * longest to shortest, so it costs O(number of distinct lengths) hash
 * probes and never allocates; host maps (/32 <-> /128), the common case,
 * are one probe each way.  Overlapping prefixes are fine on both sides.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "addr.h"
#include "maps.h"

#define MAPS_MAX	(UINT32_MAX / 2)	/* indexes fit a slot */
#define TAB_MIN		8

struct u128 {
	uint64_t	hi, lo;
};

struct slot4 {
	uint32_t	key;		/* masked, host order */
	uint32_t	idx1;		/* entry index + 1; 0 = empty */
};

struct slot6 {
	struct u128	key;		/* masked */
	uint32_t	idx1;
};

struct tab4 {
	struct slot4	*slot;
	uint32_t	 mask, used;
};

struct tab6 {
	struct slot6	*slot;
	uint32_t	 mask, used;
};

struct maps {
	struct eam	*ent;		/* insertion order */
	size_t		 n, cap;
	struct tab4	 t4[33];
	struct tab6	 t6[129];
	uint8_t		 lens4[33];	/* lengths in use, longest first */
	uint8_t		 lens6[129];
	unsigned	 nlens4, nlens6;
};

static struct u128
u128_load(const struct in6_addr *a)
{
	struct u128 v = { 0, 0 };
	int i;

	for (i = 0; i < 8; i++) {
		v.hi = v.hi << 8 | a->s6_addr[i];
		v.lo = v.lo << 8 | a->s6_addr[i + 8];
	}
	return v;
}

static void
u128_store(struct u128 v, struct in6_addr *a)
{
	int i;

	for (i = 7; i >= 0; i--) {
		a->s6_addr[i] = (uint8_t)v.hi;
		a->s6_addr[i + 8] = (uint8_t)v.lo;
		v.hi >>= 8;
		v.lo >>= 8;
	}
}

static uint64_t
mask64(unsigned len)
{
	return len == 0 ? 0 : len >= 64 ? UINT64_MAX : UINT64_MAX << (64 - len);
}

static struct u128
u128_mask(struct u128 v, unsigned len)
{
	v.hi &= mask64(len);
	v.lo &= len <= 64 ? 0 : mask64(len - 64);
	return v;
}

/* The k (<= 32) bits of v that start at bit off (0 = most significant). */
static uint32_t
u128_get_bits(struct u128 v, unsigned off, unsigned k)
{
	unsigned shift = 128 - off - k;
	uint64_t s;

	if (k == 0)
		return 0;
	if (shift >= 64)
		s = v.hi >> (shift - 64);
	else
		s = v.lo >> shift | (shift ? v.hi << (64 - shift) : 0);
	return (uint32_t)(s & (UINT64_MAX >> (64 - k)));
}

/* OR the k (<= 32) low bits of s into v at bit off. */
static void
u128_put_bits(struct u128 *v, unsigned off, unsigned k, uint32_t s)
{
	unsigned shift = 128 - off - k;

	if (k == 0)
		return;
	if (shift >= 64) {
		v->hi |= (uint64_t)s << (shift - 64);
	} else {
		v->lo |= (uint64_t)s << shift;
		if (shift)
			v->hi |= (uint64_t)s >> (64 - shift);
	}
}

static uint32_t
hash4(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

static uint32_t
hash6(struct u128 k)
{
	uint64_t h = k.hi * 0x9e3779b97f4a7c15ULL ^ k.lo;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (uint32_t)h;
}

/* Slot holding key, or the empty slot where it would go. */
static struct slot4 *
tab4_probe(const struct tab4 *t, uint32_t key)
{
	uint32_t i = hash4(key) & t->mask;

	while (t->slot[i].idx1 != 0 && t->slot[i].key != key)
		i = (i + 1) & t->mask;
	return &t->slot[i];
}

static struct slot6 *
tab6_probe(const struct tab6 *t, struct u128 key)
{
	uint32_t i = hash6(key) & t->mask;

	while (t->slot[i].idx1 != 0 &&
	    (t->slot[i].key.hi != key.hi || t->slot[i].key.lo != key.lo))
		i = (i + 1) & t->mask;
	return &t->slot[i];
}

/* Keep the load factor at most 1/2 so probe chains stay short. */
static int
tab4_reserve(struct tab4 *t)
{
	struct tab4 nt;
	uint32_t i, size = t->slot ? t->mask + 1 : 0;

	if ((t->used + 1) * 2 <= size)
		return 0;
	nt.mask = (size ? size * 2 : TAB_MIN) - 1;
	nt.used = t->used;
	if ((nt.slot = calloc(nt.mask + 1, sizeof(*nt.slot))) == NULL)
		return -1;
	for (i = 0; i < size; i++)
		if (t->slot[i].idx1 != 0)
			*tab4_probe(&nt, t->slot[i].key) = t->slot[i];
	free(t->slot);
	*t = nt;
	return 0;
}

static int
tab6_reserve(struct tab6 *t)
{
	struct tab6 nt;
	uint32_t i, size = t->slot ? t->mask + 1 : 0;

	if ((t->used + 1) * 2 <= size)
		return 0;
	nt.mask = (size ? size * 2 : TAB_MIN) - 1;
	nt.used = t->used;
	if ((nt.slot = calloc(nt.mask + 1, sizeof(*nt.slot))) == NULL)
		return -1;
	for (i = 0; i < size; i++)
		if (t->slot[i].idx1 != 0)
			*tab6_probe(&nt, t->slot[i].key) = t->slot[i];
	free(t->slot);
	*t = nt;
	return 0;
}

/* Insert len into a descending list of distinct lengths. */
static void
lens_add(uint8_t *lens, unsigned *n, uint8_t len)
{
	unsigned i, j;

	for (i = 0; i < *n && lens[i] > len; i++)
		;
	if (i < *n && lens[i] == len)
		return;
	for (j = *n; j > i; j--)
		lens[j] = lens[j - 1];
	lens[i] = len;
	(*n)++;
}

struct maps *
maps_new(void)
{
	return calloc(1, sizeof(struct maps));
}

void
maps_free(struct maps *m)
{
	unsigned i;

	if (m == NULL)
		return;
	for (i = 0; i < 33; i++)
		free(m->t4[i].slot);
	for (i = 0; i < 129; i++)
		free(m->t6[i].slot);
	free(m->ent);
	free(m);
}

static void
fmt4(char *buf, size_t len, struct in_addr a, unsigned plen)
{
	char s[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, s, sizeof(s));
	snprintf(buf, len, "%s/%u", s, plen);
}

static void
fmt6(char *buf, size_t len, const struct in6_addr *a, unsigned plen)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a, s, sizeof(s));
	snprintf(buf, len, "%s/%u", s, plen);
}

/* Host bits and RFC 7757 suffix lengths; the error names the prefix. */
static int
check_entry(const struct eam *e, char *err, size_t errlen)
{
	char p4[INET_ADDRSTRLEN + 4], p6[INET6_ADDRSTRLEN + 5];
	char want[INET6_ADDRSTRLEN + 5];
	struct in_addr n4;
	struct in6_addr n6;

	if (e->len4 > 32 || e->len6 > 128) {
		snprintf(err, errlen, "prefix length /%u or /%u out of range",
		    e->len4, e->len6);
		return -1;
	}
	fmt4(p4, sizeof(p4), e->p4, e->len4);
	fmt6(p6, sizeof(p6), &e->p6, e->len6);
	n4.s_addr = htonl(ntohl(e->p4.s_addr) & addr4_mask(e->len4));
	if (n4.s_addr != e->p4.s_addr) {
		fmt4(want, sizeof(want), n4, e->len4);
		snprintf(err, errlen, "IPv4 prefix %s has host bits set; "
		    "expected %s", p4, want);
		return -1;
	}
	u128_store(u128_mask(u128_load(&e->p6), e->len6), &n6);
	if (memcmp(&n6, &e->p6, sizeof(n6)) != 0) {
		fmt6(want, sizeof(want), &n6, e->len6);
		snprintf(err, errlen, "IPv6 prefix %s has host bits set; "
		    "expected %s", p6, want);
		return -1;
	}
	if (128 - e->len6 < 32 - e->len4) {
		snprintf(err, errlen, "IPv6 prefix %s has a %u-bit suffix, "
		    "shorter than the %u-bit suffix of IPv4 prefix %s",
		    p6, 128 - e->len6, 32 - e->len4, p4);
		return -1;
	}
	return 0;
}

/* Exact duplicates of either side are ambiguous; name the clash. */
static int
check_dup(const struct maps *m, const struct eam *e, char *err,
    size_t errlen)
{
	char p[INET6_ADDRSTRLEN + 5], other[INET6_ADDRSTRLEN + 5];
	const struct eam *old;
	struct slot4 *s4;
	struct slot6 *s6;

	if (m->t4[e->len4].slot != NULL) {
		s4 = tab4_probe(&m->t4[e->len4], ntohl(e->p4.s_addr));
		if (s4->idx1 != 0) {
			old = &m->ent[s4->idx1 - 1];
			fmt4(p, sizeof(p), e->p4, e->len4);
			fmt6(other, sizeof(other), &old->p6, old->len6);
			snprintf(err, errlen, "IPv4 prefix %s is already "
			    "mapped to %s", p, other);
			return -1;
		}
	}
	if (m->t6[e->len6].slot != NULL) {
		s6 = tab6_probe(&m->t6[e->len6], u128_load(&e->p6));
		if (s6->idx1 != 0) {
			old = &m->ent[s6->idx1 - 1];
			fmt6(p, sizeof(p), &e->p6, e->len6);
			fmt4(other, sizeof(other), old->p4, old->len4);
			snprintf(err, errlen, "IPv6 prefix %s is already "
			    "mapped to %s", p, other);
			return -1;
		}
	}
	return 0;
}

static int
grow_entries(struct maps *m)
{
	struct eam *n;
	size_t cap;

	if (m->n < m->cap)
		return 0;
	cap = m->cap ? m->cap * 2 : 16;
	if ((n = reallocarray(m->ent, cap, sizeof(*n))) == NULL)
		return -1;
	m->ent = n;
	m->cap = cap;
	return 0;
}

int
maps_add(struct maps *m, const struct eam *e, char *err, size_t errlen)
{
	struct slot4 *s4;
	struct slot6 *s6;
	uint32_t idx1;

	if (check_entry(e, err, errlen) == -1 ||
	    check_dup(m, e, err, errlen) == -1)
		return -1;
	if (m->n >= MAPS_MAX || grow_entries(m) == -1 ||
	    tab4_reserve(&m->t4[e->len4]) == -1 ||
	    tab6_reserve(&m->t6[e->len6]) == -1) {
		snprintf(err, errlen, "cannot add map: %s", strerror(ENOMEM));
		return -1;
	}
	m->ent[m->n] = *e;
	idx1 = (uint32_t)++m->n;

	s4 = tab4_probe(&m->t4[e->len4], ntohl(e->p4.s_addr));
	s4->key = ntohl(e->p4.s_addr);
	s4->idx1 = idx1;
	m->t4[e->len4].used++;
	lens_add(m->lens4, &m->nlens4, e->len4);

	s6 = tab6_probe(&m->t6[e->len6], u128_load(&e->p6));
	s6->key = u128_load(&e->p6);
	s6->idx1 = idx1;
	m->t6[e->len6].used++;
	lens_add(m->lens6, &m->nlens6, e->len6);
	return 0;
}

size_t
maps_count(const struct maps *m)
{
	return m ? m->n : 0;
}

const struct eam *
maps_get(const struct maps *m, size_t i)
{
	if (m == NULL || i >= m->n)
		return NULL;
	return &m->ent[i];
}

const struct eam *
maps_find4(const struct maps *m, struct in_addr a4)
{
	uint32_t h, key;
	unsigned i, len;
	struct slot4 *s;

	if (m == NULL)
		return NULL;
	h = ntohl(a4.s_addr);
	for (i = 0; i < m->nlens4; i++) {
		len = m->lens4[i];
		key = h & addr4_mask(len);
		s = tab4_probe(&m->t4[len], key);
		if (s->idx1 != 0)
			return &m->ent[s->idx1 - 1];
	}
	return NULL;
}

const struct eam *
maps_find6(const struct maps *m, const struct in6_addr *a6)
{
	struct u128 a, key;
	unsigned i, len;
	struct slot6 *s;

	if (m == NULL)
		return NULL;
	a = u128_load(a6);
	for (i = 0; i < m->nlens6; i++) {
		len = m->lens6[i];
		key = u128_mask(a, len);
		s = tab6_probe(&m->t6[len], key);
		if (s->idx1 != 0)
			return &m->ent[s->idx1 - 1];
	}
	return NULL;
}

/*
 * RFC 7757 3.2: the IPv4 suffix follows the IPv6 prefix directly.  When
 * the IPv6 suffix is longer, its remaining low bits are zero.
 */
bool
maps_4to6(const struct maps *m, struct in_addr a4, struct in6_addr *out)
{
	const struct eam *e;
	struct u128 v;
	unsigned k;

	if ((e = maps_find4(m, a4)) == NULL)
		return false;
	k = 32 - e->len4;
	v = u128_load(&e->p6);
	u128_put_bits(&v, e->len6, k, ntohl(a4.s_addr) & ~addr4_mask(e->len4));
	u128_store(v, out);
	return true;
}

/*
 * RFC 7757 3.2, the other way: the 32 - len4 bits after the IPv6 prefix
 * become the IPv4 suffix; any further IPv6 suffix bits are ignored.
 */
bool
maps_6to4(const struct maps *m, const struct in6_addr *a6,
    struct in_addr *out)
{
	const struct eam *e;
	uint32_t s;
	unsigned k;

	if ((e = maps_find6(m, a6)) == NULL)
		return false;
	k = 32 - e->len4;
	s = u128_get_bits(u128_load(a6), e->len6, k);
	out->s_addr = htonl(ntohl(e->p4.s_addr) | s);
	return true;
}
