/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A translator set up for the core's fixture tests: a config with an
 * RFC 6052 prefix, optional EAM entries and a dynamic pool.  Shared by
 * the tests of both directions.
 */
#ifndef NAT64D_TEST_FX_ENV_H
#define NAT64D_TEST_FX_ENV_H

#include <stdbool.h>

#include "maps.h"
#include "pool.h"
#include "xlat.h"

struct fx_env {
	struct xlat_cfg	cfg;
	struct xlat	x;
	struct maps	*m;
	struct pool	*p;
	const char	*own4, *own6;
};

/* Free the maps and the pool. */
void fx_env_reset(struct fx_env *e);
/* Fresh config: own addresses, prefix/len (NULL: none), wkpf-strict,
 * MTU 1500, offlink-mtu 1280, no ICMP rate limit, no maps, no pool. */
void fx_env_prefix(struct fx_env *e, const char *prefix, unsigned len,
    bool strict);
/* Re-initialise the translator after cfg, maps or pool changed. */
void fx_env_reinit(struct fx_env *e);
void fx_env_eam(struct fx_env *e, const char *p4, unsigned l4,
    const char *p6, unsigned l6);
void fx_env_pool(struct fx_env *e, const char *net, unsigned len);

#endif
