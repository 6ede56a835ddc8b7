/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `prefix = auto`: discover.c driven from the daemon's poll loop, its
 * prefix put into the running translator whenever it changes.
 */
#ifndef NAT64D_AUTOPREFIX_H
#define NAT64D_AUTOPREFIX_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nat64d;

/* Before privileges are dropped (the RA socket needs CAP_NET_RAW).
 * Does nothing without prefix = auto.  0 or -1 (logged). */
int autoprefix_start(struct nat64d *d, uint64_t now_ms)
    __attribute__((warn_unused_result));
/* Is discovery running (prefix = auto at startup)? */
bool autoprefix_running(void);
/* Its fds for poll(): up to max; returns how many. */
size_t autoprefix_fds(struct pollfd *p, size_t max);
/* Milliseconds until autoprefix_run has timer work; -1 for none. */
int autoprefix_timeout(uint64_t now_ms);
/* After poll(): p[0..n) are the entries autoprefix_fds filled. */
void autoprefix_run(struct nat64d *d, const struct pollfd *p, size_t n,
    uint64_t now_ms);
/* Put the current prefix into d->cfg (also after a reload). */
void autoprefix_apply(struct nat64d *d);
void autoprefix_stop(void);

#endif
