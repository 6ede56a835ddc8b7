/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dynamic IPv4 pool, TAYGA's behaviour (dynamic.c there): a lease per
 * unmapped IPv6 source, dormant after dormant_s idle, freed after
 * expire_s, persisted in dynamic.map.
 *
 * Leases live in one dense array (48 bytes each).  IPv6 -> lease is a
 * chained hash of indices; IPv4 -> lease is a two-level table indexed by
 * the pool offset, a page allocated when its first lease appears, with a
 * bitmap of used offsets so probing skips 64 leases a step.  Active
 * leases sit on one list, dormant ones on a list ordered by last use
 * (head = least recently used), so reclaiming and expiring are O(1) per
 * lease.
 */
#include <sys/random.h>
#include <sys/stat.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "log.h"
#include "maps.h"
#include "pool.h"

#define NIL		UINT32_MAX
#define PAGE_SHIFT_MAX	12		/* 4096 offsets per IPv4 page */
#define PAGE_WORDS	((1U << PAGE_SHIFT_MAX) / 64)
#define SAVE_INTERVAL_MS (302400ULL * 1000)	/* TAYGA: every 3.5 days */
#define TMP_SUFFIX	"~~"

enum lease_state {
	LEASE_ACTIVE = 0,
	LEASE_DORMANT,
	LEASE_DETACHED,		/* on no list: being moved or loaded */
	LEASE_DOOMED,		/* loaded but expired, about to be freed */
};

struct lease {
	struct in6_addr	a6;
	int64_t		last_ms;	/* monotonic, < 0: before boot */
	uint32_t	a4;		/* host byte order */
	uint32_t	hnext;		/* IPv6 hash chain */
	uint32_t	prev, next;	/* active list or dormant LRU list */
	uint8_t		state;
};

struct lease_list {
	uint32_t	head, tail;
};

struct v4page {
	uint32_t	nused;
	uint64_t	used[PAGE_WORDS];	/* bit set: leased */
	uint32_t	idx[];		/* lease index + 1, 0: none */
};

struct range4 {
	uint32_t	lo, hi;		/* host byte order, inclusive */
};

struct pool {
	struct pool_params prm;
	uint32_t	net;		/* host byte order */
	unsigned	bits;		/* 32 - len */
	uint64_t	range;		/* 1 << bits */
	unsigned	pshift;
	struct v4page	**page;
	size_t		npage;

	struct lease	*lease;
	uint32_t	nlease, cap;

	uint32_t	*bucket;
	uint32_t	nbucket;	/* power of two */
	uint64_t	hkey[2];

	struct lease_list active, dormant;

	struct range4	*excl;		/* sorted, merged */
	size_t		nexcl;
	uint64_t	nexcluded;	/* unassignable offsets, incl. 0 */

	bool		dirty;
	bool		saved;
	uint64_t	last_save_ms;
};

/* ---- geometry and the IPv4 table ---- */

static bool
in_range(const struct pool *p, uint32_t a4)
{
	return p->bits == 32 || (a4 >> p->bits) == (p->net >> p->bits);
}

static uint32_t
off_mask(const struct pool *p)
{
	return (uint32_t)(p->range - 1);
}

static int
geometry_alloc(struct pool *p, const struct pool_params *prm)
{
	uint32_t net = ntohl(prm->net.s_addr);
	unsigned bits = 32 - (prm->len > 32 ? 32 : prm->len);
	struct v4page **page;
	size_t npage;
	unsigned pshift;

	pshift = bits < PAGE_SHIFT_MAX ? bits : PAGE_SHIFT_MAX;
	npage = (size_t)((1ULL << bits) >> pshift);
	if ((page = calloc(npage, sizeof(*page))) == NULL)
		return -1;
	p->prm = *prm;
	p->bits = bits;
	p->range = 1ULL << bits;
	p->net = bits == 32 ? 0 : net & ~(uint32_t)(p->range - 1);
	p->pshift = pshift;
	p->page = page;
	p->npage = npage;
	return 0;
}

static void
geometry_free(struct pool *p)
{
	size_t i;

	for (i = 0; i < p->npage; i++)
		free(p->page[i]);
	free(p->page);
	p->page = NULL;
	p->npage = 0;
}

static uint32_t
slot_get(const struct pool *p, uint32_t a4)
{
	uint32_t off = a4 - p->net;
	const struct v4page *pg;

	if (!in_range(p, a4))
		return NIL;
	pg = p->page[off >> p->pshift];
	if (pg == NULL)
		return NIL;
	return pg->idx[off & ((1U << p->pshift) - 1)] - 1;
}

static size_t
page_size(const struct pool *p)
{
	return sizeof(struct v4page) + ((size_t)1 << p->pshift) *
	    sizeof(uint32_t);
}

/* idx == NIL clears the slot. */
static int
slot_set(struct pool *p, uint32_t a4, uint32_t idx)
{
	uint32_t off = a4 - p->net, i = off & ((1U << p->pshift) - 1);
	struct v4page **pg = &p->page[off >> p->pshift];
	uint64_t bit = 1ULL << (i & 63);

	if (*pg == NULL && (*pg = calloc(1, page_size(p))) == NULL)
		return -1;
	if (idx == NIL && (*pg)->idx[i] != 0) {
		(*pg)->used[i / 64] &= ~bit;
		(*pg)->nused--;
	} else if (idx != NIL && (*pg)->idx[i] == 0) {
		(*pg)->used[i / 64] |= bit;
		(*pg)->nused++;
	}
	(*pg)->idx[i] = idx + 1;
	return 0;
}

/* First offset in [off, stop) without a lease, or stop. */
static uint64_t
first_unleased(const struct pool *p, uint64_t off, uint64_t stop)
{
	uint64_t psz = 1ULL << p->pshift;

	while (off < stop) {
		const struct v4page *pg = p->page[off >> p->pshift];
		uint64_t base = off & ~(psz - 1), pend = base + psz, bits;
		unsigned w;

		if (pend > stop)
			pend = stop;
		if (pg == NULL)
			return off;
		if (pg->nused == psz) {
			off = pend;
			continue;
		}
		w = (unsigned)((off - base) / 64);
		bits = ~pg->used[w] & (~0ULL << ((off - base) & 63));
		for (;;) {
			if (bits != 0) {
				off = base + w * 64 +
				    (uint64_t)__builtin_ctzll(bits);
				return off < pend ? off : stop;
			}
			if (base + ++w * 64 >= pend)
				break;
			bits = ~pg->used[w];
		}
		off = pend;
	}
	return stop;
}

/* ---- exclusions ---- */

/* Index of the first exclusion ending at or after a4. */
static size_t
excl_lower(const struct pool *p, uint32_t a4)
{
	size_t lo = 0, hi = p->nexcl;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->excl[mid].hi < a4)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool
excluded(const struct pool *p, uint32_t a4)
{
	size_t x;

	if (a4 == p->net)
		return true;
	x = excl_lower(p, a4);
	return x < p->nexcl && p->excl[x].lo <= a4;
}

static void
count_excluded(struct pool *p)
{
	uint64_t first = p->net, last = p->net + p->range - 1, n = 1;
	size_t i;

	for (i = 0; i < p->nexcl; i++) {
		uint64_t lo = p->excl[i].lo, hi = p->excl[i].hi;

		if (lo <= first)
			lo = first + 1;	/* network counted already */
		if (hi > last)
			hi = last;
		if (lo <= hi)
			n += hi - lo + 1;
	}
	p->nexcluded = n;
}

static int
range_cmp(const void *a, const void *b)
{
	const struct range4 *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static size_t
range_merge(struct range4 *r, size_t n)
{
	size_t i, o = 0;

	if (n == 0)
		return 0;
	qsort(r, n, sizeof(*r), range_cmp);
	for (i = 1; i < n; i++) {
		if (r[i].lo <= r[o].hi ||
		    (r[o].hi != UINT32_MAX && r[i].lo == r[o].hi + 1)) {
			if (r[i].hi > r[o].hi)
				r[o].hi = r[i].hi;
		} else
			r[++o] = r[i];
	}
	return o + 1;
}

/* ---- the IPv6 hash ---- */

/* MurmurHash3's 64-bit finaliser: every input bit reaches every output
 * bit, so the bucket mask may take any bits. */
static uint64_t
fmix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static uint32_t
hash6(const struct pool *p, const struct in6_addr *a6)
{
	uint64_t w[2];

	memcpy(w, a6, sizeof(w));
	return (uint32_t)fmix64(fmix64(w[0] ^ p->hkey[0]) ^ w[1] ^
	    p->hkey[1]) & (p->nbucket - 1);
}

static uint32_t
hfind(const struct pool *p, const struct in6_addr *a6)
{
	uint32_t i;

	for (i = p->bucket[hash6(p, a6)]; i != NIL; i = p->lease[i].hnext)
		if (IN6_ARE_ADDR_EQUAL(&p->lease[i].a6, a6))
			return i;
	return NIL;
}

static void
hinsert(struct pool *p, uint32_t idx)
{
	uint32_t *b = &p->bucket[hash6(p, &p->lease[idx].a6)];

	p->lease[idx].hnext = *b;
	*b = idx;
}

/* Unlink idx from its chain; with repl != NIL, put repl in its place
 * (repl is idx's lease moved to a new index). */
static void
hreplace(struct pool *p, uint32_t idx, uint32_t repl)
{
	uint32_t *link = &p->bucket[hash6(p, &p->lease[idx].a6)];

	while (*link != idx)
		link = &p->lease[*link].hnext;
	*link = repl == NIL ? p->lease[idx].hnext : repl;
}

static void
hgrow(struct pool *p)
{
	uint32_t n = p->nbucket * 2, i;
	uint32_t *b;

	if (n == 0 || (b = malloc((size_t)n * sizeof(*b))) == NULL)
		return;		/* longer chains, still correct */
	free(p->bucket);
	p->bucket = b;
	p->nbucket = n;
	memset(b, 0xff, (size_t)n * sizeof(*b));
	for (i = 0; i < p->nlease; i++)
		hinsert(p, i);
}

/* ---- lists ---- */

static struct lease_list *
list_of(struct pool *p, uint32_t idx)
{
	switch (p->lease[idx].state) {
	case LEASE_ACTIVE:
		return &p->active;
	case LEASE_DORMANT:
		return &p->dormant;
	default:
		return NULL;
	}
}

static void
list_unlink(struct pool *p, struct lease_list *l, uint32_t idx)
{
	struct lease *e = &p->lease[idx];

	if (e->prev == NIL)
		l->head = e->next;
	else
		p->lease[e->prev].next = e->next;
	if (e->next == NIL)
		l->tail = e->prev;
	else
		p->lease[e->next].prev = e->prev;
	e->prev = e->next = NIL;
}

/* Link idx after pos (pos == NIL: at the head). */
static void
list_insert_after(struct pool *p, struct lease_list *l, uint32_t pos,
    uint32_t idx)
{
	struct lease *e = &p->lease[idx];

	e->prev = pos;
	e->next = pos == NIL ? l->head : p->lease[pos].next;
	if (e->next == NIL)
		l->tail = idx;
	else
		p->lease[e->next].prev = idx;
	if (pos == NIL)
		l->head = idx;
	else
		p->lease[pos].next = idx;
}

static void
list_push_tail(struct pool *p, struct lease_list *l, uint32_t idx)
{
	list_insert_after(p, l, l->tail, idx);
}

/* Point the neighbours of the lease now at index to at it. */
static void
list_moved(struct pool *p, uint32_t to)
{
	struct lease_list *l = list_of(p, to);
	struct lease *e = &p->lease[to];

	if (l == NULL)
		return;
	if (e->prev == NIL)
		l->head = to;
	else
		p->lease[e->prev].next = to;
	if (e->next == NIL)
		l->tail = to;
	else
		p->lease[e->next].prev = to;
}

/* ---- lease life cycle ---- */

static void
log_dyn(uint64_t now_ms, const char *what, const struct lease *e)
{
	char s4[INET_ADDRSTRLEN], s6[INET6_ADDRSTRLEN];
	struct in_addr a4 = { .s_addr = htonl(e->a4) };

	if ((log_categories() & LOGCAT_DYN) == 0)
		return;
	inet_ntop(AF_INET, &a4, s4, sizeof(s4));
	inet_ntop(AF_INET6, &e->a6, s6, sizeof(s6));
	log_cat(LOGCAT_DYN, now_ms, "DYN: %s %s -> %s", what, s4, s6);
}

/* A new lease on no list, in the hash and the IPv4 table. */
static uint32_t
lease_new(struct pool *p, const struct in6_addr *a6, uint32_t a4,
    int64_t last_ms, enum lease_state state)
{
	struct lease *e;
	uint32_t idx;

	if (p->nlease == p->cap) {
		uint32_t ncap = p->cap ? p->cap * 2 : 64;
		struct lease *nl;

		if (ncap < p->cap)
			return NIL;
		if ((nl = reallocarray(p->lease, ncap, sizeof(*nl))) == NULL)
			return NIL;
		p->lease = nl;
		p->cap = ncap;
	}
	idx = p->nlease;
	if (slot_set(p, a4, idx) == -1)
		return NIL;
	e = &p->lease[idx];
	memset(e, 0, sizeof(*e));
	e->a6 = *a6;
	e->a4 = a4;
	e->last_ms = last_ms;
	e->prev = e->next = NIL;
	e->state = state;
	if (p->nlease >= p->nbucket)
		hgrow(p);		/* rehashes [0, nlease) */
	p->nlease++;
	hinsert(p, idx);
	return idx;
}

/* Remove idx; the last lease moves into its slot to keep the array
 * dense, so callers walking the array go from the end down. */
static void
lease_free(struct pool *p, uint32_t idx)
{
	struct lease_list *l = list_of(p, idx);
	uint32_t last = p->nlease - 1;

	if (l != NULL)
		list_unlink(p, l, idx);
	hreplace(p, idx, NIL);
	if (slot_get(p, p->lease[idx].a4) == idx)
		(void)slot_set(p, p->lease[idx].a4, NIL); /* page exists */
	if (idx != last) {
		hreplace(p, last, idx);
		p->lease[idx] = p->lease[last];
		list_moved(p, idx);
		if (slot_get(p, p->lease[idx].a4) == last)
			(void)slot_set(p, p->lease[idx].a4, idx);
	}
	p->nlease--;
}

static int
last_cmp(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Insert one lease into the dormant list in last-use order, searching
 * from the most recent end, where newly dormant leases usually go. */
static void
dormant_insert(struct pool *p, uint32_t idx)
{
	uint32_t pos = p->dormant.tail;

	while (pos != NIL && p->lease[pos].last_ms > p->lease[idx].last_ms)
		pos = p->lease[pos].prev;
	p->lease[idx].state = LEASE_DORMANT;
	list_insert_after(p, &p->dormant, pos, idx);
}

/* Add n leases (on no list) to the dormant list: sort them by last use,
 * then merge from the tail, O(n log n + dormant) rather than O(n^2). */
static void
dormant_add(struct pool *p, const uint32_t *idx, size_t n)
{
	int64_t (*v)[2];
	size_t i;

	if (n == 0)
		return;
	if ((v = calloc(n, sizeof(*v))) == NULL) {
		for (i = 0; i < n; i++)
			dormant_insert(p, idx[i]);
		return;
	}
	for (i = 0; i < n; i++) {
		v[i][0] = p->lease[idx[i]].last_ms;
		v[i][1] = idx[i];
	}
	qsort(v, n, sizeof(*v), last_cmp);
	for (i = n; i-- > 0;)
		dormant_insert(p, (uint32_t)v[i][1]);
	free(v);
}

/* ---- lifecycle of the pool ---- */

struct pool *
pool_new(const struct pool_params *prm)
{
	struct pool *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if (geometry_alloc(p, prm) == -1) {
		free(p);
		return NULL;
	}
	p->nbucket = 64;
	if ((p->bucket = malloc(p->nbucket * sizeof(*p->bucket))) == NULL) {
		geometry_free(p);
		free(p);
		return NULL;
	}
	memset(p->bucket, 0xff, p->nbucket * sizeof(*p->bucket));
	/* A keyed hash: IPv6 sources are chosen by clients. */
	if (getrandom(p->hkey, sizeof(p->hkey), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(p->hkey)) {
		p->hkey[0] = 0x243f6a8885a308d3ULL ^ (uintptr_t)p;
		p->hkey[1] = 0x13198a2e03707344ULL;
	}
	p->active.head = p->active.tail = NIL;
	p->dormant.head = p->dormant.tail = NIL;
	p->nexcluded = 1;
	return p;
}

void
pool_free(struct pool *p)
{
	if (p == NULL)
		return;
	geometry_free(p);
	free(p->lease);
	free(p->bucket);
	free(p->excl);
	free(p);
}

size_t
pool_count(const struct pool *p)
{
	return p->nlease;
}

size_t
pool_capacity(const struct pool *p)
{
	return (size_t)(p->range - p->nexcluded);
}

bool
pool_get(const struct pool *p, size_t i, struct pool_lease_info *out)
{
	const struct lease *e;

	if (i >= p->nlease)
		return false;
	e = &p->lease[i];
	out->a4.s_addr = htonl(e->a4);
	out->a6 = e->a6;
	out->last_use_ms = e->last_ms < 0 ? 0 : (uint64_t)e->last_ms;
	out->dormant = e->state != LEASE_ACTIVE;
	return true;
}

bool
pool_dirty(const struct pool *p)
{
	return p->dirty;
}

/* ---- assignment ---- */

/*
 * TAYGA's start point, so a host gets the address TAYGA would give it:
 * the four 32-bit words as the host reads them from memory, summed with
 * end-around carry folded into the pool's width after each word (a
 * carry out of 32 bits is lost, as in TAYGA).  /24: 2001:db8::69 -> .80.
 */
static uint32_t
start_offset(const struct pool *p, const struct in6_addr *a6)
{
	uint32_t w[4], base = 0, max = off_mask(p);
	int i;

	memcpy(w, a6, sizeof(w));
	for (i = 0; i < 4; i++) {
		base += w[i];
		if (p->bits < 32)
			while (base & ~max)
				base = (base & max) + (base >> p->bits);
	}
	return base;
}

/* First assignable offset in [off, end), or end: jump over excluded
 * ranges, then over leased offsets a bitmap word at a time. */
static uint64_t
probe_span(const struct pool *p, uint64_t off, uint64_t end)
{
	while (off < end) {
		uint32_t a4 = p->net + (uint32_t)off;
		size_t x = excl_lower(p, a4);
		uint64_t stop = end, f;

		if (off == 0) {
			off = 1;		/* the network address */
			continue;
		}
		if (x < p->nexcl && p->excl[x].lo <= a4) {
			off = (uint64_t)p->excl[x].hi - p->net + 1;
			continue;
		}
		if (x < p->nexcl && (uint64_t)p->excl[x].lo - p->net < stop)
			stop = (uint64_t)p->excl[x].lo - p->net;
		if ((f = first_unleased(p, off, stop)) < stop)
			return f;
		off = stop;
	}
	return end;
}

/* Linear probe from start, wrapping once round the pool. */
static bool
probe(const struct pool *p, uint32_t start, uint32_t *a4)
{
	uint64_t off;

	if (p->nlease >= p->range - p->nexcluded)
		return false;
	if ((off = probe_span(p, start, p->range)) == p->range &&
	    (off = probe_span(p, 0, start)) == start)
		return false;
	*a4 = p->net + (uint32_t)off;
	return true;
}

static void
activate(struct pool *p, uint32_t idx, uint64_t now_ms)
{
	p->lease[idx].state = LEASE_ACTIVE;
	p->lease[idx].last_ms = (int64_t)now_ms;
	list_push_tail(p, &p->active, idx);
}

/* Take over the least recently used dormant lease for src. */
static uint32_t
reclaim(struct pool *p, const struct in6_addr *src, uint64_t now_ms)
{
	uint32_t idx = p->dormant.head;

	if (idx == NIL)
		return NIL;
	list_unlink(p, &p->dormant, idx);
	hreplace(p, idx, NIL);
	p->lease[idx].a6 = *src;
	hinsert(p, idx);
	activate(p, idx, now_ms);
	return idx;
}

static enum pool_result
lookup6(void *opaque, const struct in6_addr *src, bool may_assign,
    uint64_t now_ms, struct in_addr *out)
{
	struct pool *p = opaque;
	uint32_t idx, a4;

	if ((idx = hfind(p, src)) != NIL) {
		/* TAYGA: a dormant lease is out of the map tables; only a
		 * packet that may assign brings it back. */
		if (p->lease[idx].state == LEASE_DORMANT) {
			if (!may_assign)
				return POOL_NONE;
			list_unlink(p, &p->dormant, idx);
			activate(p, idx, now_ms);
			log_dyn(now_ms, "reactivated", &p->lease[idx]);
		}
		p->lease[idx].last_ms = (int64_t)now_ms;
		out->s_addr = htonl(p->lease[idx].a4);
		return POOL_OK;
	}
	if (!may_assign)
		return POOL_NONE;
	if (probe(p, start_offset(p, src), &a4)) {
		idx = lease_new(p, src, a4, (int64_t)now_ms, LEASE_ACTIVE);
		if (idx == NIL) {
			log_warnx("dynamic pool: out of memory");
			return POOL_FULL;
		}
		activate(p, idx, now_ms);
		log_dyn(now_ms, "assigned", &p->lease[idx]);
	} else if ((idx = reclaim(p, src, now_ms)) != NIL)
		log_dyn(now_ms, "reassigned", &p->lease[idx]);
	else
		return POOL_FULL;
	p->dirty = true;
	out->s_addr = htonl(p->lease[idx].a4);
	return POOL_OK;
}

/* Dormant leases are invisible from IPv4 (TAYGA: ICMP 3/1 to them). */
static enum pool_result
lookup4(void *opaque, struct in_addr a4, uint64_t now_ms,
    struct in6_addr *out)
{
	struct pool *p = opaque;
	uint32_t idx = slot_get(p, ntohl(a4.s_addr));

	if (idx == NIL || p->lease[idx].state != LEASE_ACTIVE)
		return POOL_NONE;
	p->lease[idx].last_ms = (int64_t)now_ms;
	*out = p->lease[idx].a6;
	return POOL_OK;
}

static bool
covers4(void *opaque, struct in_addr a4)
{
	return in_range(opaque, ntohl(a4.s_addr));
}

const struct xlat_pool_ops pool_ops = {
	.lookup6 = lookup6,
	.lookup4 = lookup4,
	.covers4 = covers4,
};

/* ---- maintenance ---- */

static bool
idle_for(const struct lease *e, uint64_t now_ms, uint32_t s)
{
	return (int64_t)now_ms - e->last_ms >= (int64_t)s * 1000;
}

bool
pool_maintain(struct pool *p, uint64_t now_ms)
{
	uint32_t idx, next, *gone = NULL;
	size_t ngone = 0, cap = 0;

	for (idx = p->active.head; idx != NIL; idx = next) {
		next = p->lease[idx].next;
		if (!idle_for(&p->lease[idx], now_ms, p->prm.dormant_s))
			continue;
		log_dyn(now_ms, "dormant", &p->lease[idx]);
		list_unlink(p, &p->active, idx);
		p->lease[idx].state = LEASE_DETACHED;
		if (ngone == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			uint32_t *ng = reallocarray(gone, ncap, sizeof(*ng));

			if (ng == NULL) {
				dormant_insert(p, idx);
				continue;
			}
			gone = ng;
			cap = ncap;
		}
		gone[ngone++] = idx;
	}
	dormant_add(p, gone, ngone);
	free(gone);

	while ((idx = p->dormant.head) != NIL &&
	    idle_for(&p->lease[idx], now_ms, p->prm.expire_s)) {
		log_dyn(now_ms, "expired", &p->lease[idx]);
		lease_free(p, idx);
	}
	/* TAYGA writes at the first pass, after assignments, and every
	 * 3.5 days. */
	return p->dirty || !p->saved || now_ms - p->last_save_ms >=
	    SAVE_INTERVAL_MS;
}

/* ---- exclusions and reconfiguration ---- */

static void
log_drop(const struct lease *e, const char *why)
{
	char s4[INET_ADDRSTRLEN], s6[INET6_ADDRSTRLEN];
	struct in_addr a4 = { .s_addr = htonl(e->a4) };

	inet_ntop(AF_INET, &a4, s4, sizeof(s4));
	inet_ntop(AF_INET6, &e->a6, s6, sizeof(s6));
	log_info("dynamic pool: dropped lease %s -> %s: %s", s4, s6, why);
}

void
pool_set_exclusions(struct pool *p, const struct maps *m,
    struct in_addr self)
{
	size_t n = m != NULL ? maps_count(m) : 0, i;
	struct range4 *r;
	uint32_t idx;

	if ((r = calloc(n + 1, sizeof(*r))) == NULL) {
		log_warnx("dynamic pool: out of memory for exclusions");
		return;
	}
	r[0].lo = r[0].hi = ntohl(self.s_addr);
	for (i = 0; i < n; i++) {
		const struct eam *e = maps_get(m, i);
		uint32_t lo = ntohl(e->p4.s_addr);
		uint32_t span = e->len4 == 0 ? UINT32_MAX :
		    (uint32_t)((1ULL << (32 - e->len4)) - 1);

		r[i + 1].lo = lo & ~span;
		r[i + 1].hi = (lo & ~span) | span;
	}
	free(p->excl);
	p->excl = r;
	p->nexcl = range_merge(r, n + 1);
	count_excluded(p);

	for (idx = p->nlease; idx-- > 0;) {
		const struct lease *e = &p->lease[idx];
		const char *why = NULL;

		if (excluded(p, e->a4))
			why = "IPv4 address now excluded (ipv4-addr or map)";
		else if (m != NULL && maps_find6(m, &e->a6) != NULL)
			why = "IPv6 address now covered by a map";
		if (why == NULL)
			continue;
		log_drop(e, why);
		lease_free(p, idx);
	}
}

void
pool_reconfigure(struct pool *p, const struct pool_params *np)
{
	struct pool old = *p;
	uint32_t idx;

	if (geometry_alloc(p, np) == -1) {
		log_warnx("dynamic pool: out of memory, keeping the old range");
		return;
	}
	count_excluded(p);
	for (idx = p->nlease; idx-- > 0;) {
		const struct lease *e = &p->lease[idx];

		if (in_range(p, e->a4) && !excluded(p, e->a4) &&
		    slot_set(p, e->a4, idx) == 0)
			continue;
		log_drop(e, "outside the new dynamic-pool range");
		lease_free(p, idx);
	}
	geometry_free(&old);
}

/* ---- dynamic.map ---- */

#define MAP_DELIM	" \t\r\n"

static void
fmt4(uint32_t a4, char *buf)
{
	struct in_addr a = { .s_addr = htonl(a4) };

	inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* Why a4/a6 cannot be loaded, or NULL. */
static const char *
load_conflict(const struct pool *p, uint32_t a4, const struct in6_addr *a6)
{
	if (!in_range(p, a4))
		return "lies outside the dynamic pool";
	if (a4 == p->net)
		return "is the dynamic pool's network address";
	if (excluded(p, a4))
		return "is excluded (ipv4-addr or a map)";
	if (addr6_is_invalid(a6))
		return "has an invalid IPv6 address";
	if (slot_get(p, a4) != NIL)
		return "is a duplicate IPv4 address";
	if (hfind(p, a6) != NIL)
		return "has a duplicate IPv6 address";
	return NULL;
}

/*
 * One line: IPv4 <TAB> IPv6 <TAB> last-use (Unix seconds), exactly three
 * tokens as TAYGA requires.  The wall time is kept in last_ms until
 * load_settle converts it.  Returns -1 only when out of memory.
 */
static int
load_line(struct pool *p, const char *path, size_t lineno, char *line,
    time_t wall_now, bool *future)
{
	char *tok[4], *save = NULL, *end, s4[INET_ADDRSTRLEN];
	struct in_addr a4;
	struct in6_addr a6;
	const char *why;
	long long ts;
	int n;

	for (n = 0; n < 4; n++)
		if ((tok[n] = strtok_r(n ? NULL : line, MAP_DELIM, &save)) ==
		    NULL)
			break;
	if (n == 0 || tok[0][0] == '#')
		return 0;
	if (n != 3) {
		log_warnx("%s:%zu: malformed line: expected 3 fields "
		    "(IPv4 IPv6 last-use), found %s", path, lineno,
		    n < 3 ? "fewer" : "more");
		return 0;
	}
	if (inet_pton(AF_INET, tok[0], &a4) != 1) {
		log_warnx("%s:%zu: malformed line: '%s' is not an IPv4 "
		    "address", path, lineno, tok[0]);
		return 0;
	}
	if (inet_pton(AF_INET6, tok[1], &a6) != 1) {
		log_warnx("%s:%zu: malformed line: '%s' is not an IPv6 "
		    "address", path, lineno, tok[1]);
		return 0;
	}
	errno = 0;
	ts = strtoll(tok[2], &end, 10);
	if (errno != 0 || *end != '\0' || end == tok[2] || ts <= 0) {
		log_warnx("%s:%zu: malformed line: last-use '%s' is not a "
		    "positive number of seconds", path, lineno, tok[2]);
		return 0;
	}
	if ((why = load_conflict(p, ntohl(a4.s_addr), &a6)) != NULL) {
		fmt4(ntohl(a4.s_addr), s4);
		log_warnx("%s:%zu: ignoring map %s -> %s: %s", path, lineno,
		    s4, tok[1], why);
		return 0;
	}
	if (lease_new(p, &a6, ntohl(a4.s_addr), ts, LEASE_DETACHED) == NIL) {
		log_warnx("%s:%zu: out of memory", path, lineno);
		return -1;
	}
	if (ts > wall_now)
		*future = true;
	return 0;
}

/*
 * Leases loaded at [base, nlease): used within dormant_s -> active, older
 * -> dormant, older than expire_s -> freed.  TAYGA: a timestamp in the
 * future means the clock was wrong, so every lease becomes dormant.
 */
static size_t
load_settle(struct pool *p, uint32_t base, time_t wall_now,
    uint64_t mono_now_ms, bool future)
{
	int64_t now = (int64_t)mono_now_ms;
	uint32_t i, *dorm;
	size_t nd = 0;

	dorm = calloc(p->nlease - base + 1, sizeof(*dorm));
	for (i = base; i < p->nlease; i++) {
		struct lease *e = &p->lease[i];
		int64_t age = (int64_t)wall_now - e->last_ms;

		if (future) {
			e->last_ms = now - (int64_t)p->prm.dormant_s * 1000;
			age = p->prm.dormant_s;
		} else
			e->last_ms = now - age * 1000;
		if (!future && age >= (int64_t)p->prm.expire_s) {
			e->state = LEASE_DOOMED;
			continue;
		}
		log_dyn(mono_now_ms, "loaded", e);
		if (age < (int64_t)p->prm.dormant_s) {
			e->state = LEASE_ACTIVE;
			list_push_tail(p, &p->active, i);
		} else if (dorm != NULL)
			dorm[nd++] = i;
		else
			dormant_insert(p, i);
	}
	dormant_add(p, dorm, nd);
	free(dorm);
	for (i = p->nlease; i-- > base;) {
		if (p->lease[i].state != LEASE_DOOMED)
			continue;
		log_dyn(mono_now_ms, "expired", &p->lease[i]);
		lease_free(p, i);
	}
	return p->nlease - base;
}

int
pool_load(struct pool *p, const char *path, time_t wall_now,
    uint64_t mono_now_ms)
{
	uint32_t base = p->nlease;
	char *line = NULL;
	size_t sz = 0, lineno = 0, n;
	bool future = false, rerr;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		log_warn("%s", path);
		return -1;
	}
	while (getline(&line, &sz, f) != -1)
		if (load_line(p, path, ++lineno, line, wall_now, &future) == -1)
			break;
	if ((rerr = ferror(f)))
		log_warn("%s", path);
	free(line);
	fclose(f);
	n = load_settle(p, base, wall_now, mono_now_ms, future);
	log_info("Loaded %zu dynamic %s from %s", n, n == 1 ? "map" : "maps",
	    path);
	return rerr ? -1 : (int)n;
}

static void
write_header(FILE *f, time_t wall_now)
{
	char when[64] = "?";
	struct tm tm;

	if (gmtime_r(&wall_now, &tm) != NULL &&
	    asctime_r(&tm, when) != NULL)
		when[strcspn(when, "\n")] = '\0';
	fprintf(f, "###\n###\n### nat64d dynamic map database (TAYGA format)\n"
	    "###\n### You can edit this (carefully!) as long as you shut "
	    "down nat64d first\n###\n###\n### Last written: %s\n###\n###\n\n",
	    when);
}

static void
write_lease(FILE *f, const struct lease *e, time_t wall_now,
    uint64_t mono_now_ms)
{
	char s4[INET_ADDRSTRLEN], s6[INET6_ADDRSTRLEN];
	int64_t d = e->last_ms - (int64_t)mono_now_ms;
	long long t;

	/* Round towards the past; TAYGA refuses times <= 0. */
	t = (long long)wall_now + (d >= 0 ? d / 1000 : -((-d + 999) / 1000));
	if (t <= 0)
		t = 1;
	fmt4(e->a4, s4);
	inet_ntop(AF_INET6, &e->a6, s6, sizeof(s6));
	fprintf(f, "%s\t%s\t%lld\n", s4, s6, t);
}

/* The rename is durable only once the directory is synced. */
static int
fsync_dir(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int fd, rc;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		log_warn("%s", dir);
		return -1;
	}
	if ((rc = fsync(fd)) == -1)
		log_warn("fsync %s", dir);
	close(fd);
	return rc;
}

/* Write everything to path~~; returns 0, or -1 with errno set. */
static int
write_file(const struct pool *p, FILE *f, time_t wall_now,
    uint64_t mono_now_ms)
{
	uint32_t i;

	write_header(f, wall_now);
	/* TAYGA's order: active leases, then dormant, most recent first. */
	for (i = p->active.head; i != NIL; i = p->lease[i].next)
		write_lease(f, &p->lease[i], wall_now, mono_now_ms);
	for (i = p->dormant.tail; i != NIL; i = p->lease[i].prev)
		write_lease(f, &p->lease[i], wall_now, mono_now_ms);
	if (ferror(f)) {
		errno = EIO;
		return -1;
	}
	if (fflush(f) == EOF || fsync(fileno(f)) == -1)
		return -1;
	return 0;
}

/* A crash at any point leaves the old file or the new one, never a mix:
 * write a temp file, sync it, rename over, sync the directory. */
int
pool_save(struct pool *p, const char *path, time_t wall_now,
    uint64_t mono_now_ms)
{
	char tmp[PATH_MAX];
	FILE *f;
	int rc, saved_errno;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s%s", path, TMP_SUFFIX) >=
	    sizeof(tmp)) {
		log_warnx("%s: path too long", path);
		return -1;
	}
	if ((f = fopen(tmp, "we")) == NULL) {
		log_warn("%s", tmp);
		return -1;
	}
	rc = write_file(p, f, wall_now, mono_now_ms);
	saved_errno = errno;
	if (fclose(f) == EOF && rc == 0) {
		rc = -1;
		saved_errno = errno;
	}
	if (rc == -1) {
		errno = saved_errno;
		log_warn("%s", tmp);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) == -1) {
		log_warn("rename %s to %s", tmp, path);
		unlink(tmp);
		return -1;
	}
	if (fsync_dir(path) == -1)
		return -1;
	p->dirty = false;
	p->saved = true;
	p->last_save_ms = mono_now_ms;
	return 0;
}

size_t
pool_mem_bytes(const struct pool *p)
{
	size_t n = sizeof(*p), i;

	n += p->npage * sizeof(*p->page);
	for (i = 0; i < p->npage; i++)
		if (p->page[i] != NULL)
			n += page_size(p);
	n += (size_t)p->cap * sizeof(*p->lease);
	n += (size_t)p->nbucket * sizeof(*p->bucket);
	n += p->nexcl * sizeof(*p->excl);
	return n;
}
