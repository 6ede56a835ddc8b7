/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dynamic IPv4 pool: leases for unmapped IPv6 sources, dormancy,
 * expiry, and TAYGA's dynamic.map file (load, atomic save).
 *
 * Times: the translation core passes a monotonic clock in milliseconds;
 * dynamic.map stores wall-clock Unix seconds.  load/save take both clocks
 * to convert between them.
 */
#ifndef NAT64D_POOL_H
#define NAT64D_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <netinet/in.h>

#include "xlat.h"

struct maps;

struct pool_params {
	struct in_addr	net;		/* network address, host bits zero */
	uint8_t		len;		/* 0..31 */
	uint32_t	dormant_s;	/* idle time to go dormant (7440) */
	uint32_t	expire_s;	/* idle time to be freed (14 days) */
};

struct pool_lease_info {
	struct in_addr	a4;
	struct in6_addr	a6;
	uint64_t	last_use_ms;	/* monotonic */
	bool		dormant;
};

struct pool;

struct pool *pool_new(const struct pool_params *p);
void pool_free(struct pool *p);

/* The xlat_pool_ops the core calls, with a struct pool * as opaque. */
extern const struct xlat_pool_ops pool_ops;

/*
 * Addresses never handed out: the translator's own ipv4-addr and every
 * address covered by an EAM entry.  Called at start and after reload;
 * leases now covered by an exclusion are dropped (logged).
 */
void pool_set_exclusions(struct pool *p, const struct maps *m,
    struct in_addr self);

/*
 * Apply a new range/lifetimes (SIGHUP with a changed dynamic-pool):
 * leases that still fit are kept with their addresses; others dropped.
 */
void pool_reconfigure(struct pool *p, const struct pool_params *np);

/* Dormancy and expiry.  Returns true when the on-disk file should be
 * rewritten (assignments since the last save). */
bool pool_maintain(struct pool *p, uint64_t now_ms);

/* Was anything assigned or reassigned since the last successful save? */
bool pool_dirty(const struct pool *p);

/*
 * dynamic.map in TAYGA's format.  load: malformed lines, out-of-pool
 * addresses, excluded addresses and duplicates are logged with
 * path:line and skipped; a missing file is not an error (returns 0).
 * Returns the number of leases loaded, -1 if the file is unreadable.
 * save: write path~~ (sic, TAYGA's temp name), fsync, rename, fsync dir.
 * Returns 0 or -1 (logged, old file intact).
 */
int pool_load(struct pool *p, const char *path, time_t wall_now,
    uint64_t mono_now_ms);
int pool_save(struct pool *p, const char *path, time_t wall_now,
    uint64_t mono_now_ms);

size_t pool_count(const struct pool *p);		/* leases, any state */
size_t pool_mem_bytes(const struct pool *p);	/* heap held by the pool */
size_t pool_capacity(const struct pool *p);	/* assignable addresses */
/* Iterate: returns false past the end. */
bool pool_get(const struct pool *p, size_t i, struct pool_lease_info *out);

#endif
