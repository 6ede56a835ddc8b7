/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "fx_env.h"

void
fx_env_reset(struct fx_env *e)
{
	if (e->m)
		maps_free(e->m);
	if (e->p)
		pool_free(e->p);
	e->m = NULL;
	e->p = NULL;
}

void
fx_env_reinit(struct fx_env *e)
{
	xlat_init(&e->x, &e->cfg, e->m, e->p ? &pool_ops : NULL, e->p, 7);
}

void
fx_env_prefix(struct fx_env *e, const char *prefix, unsigned len, bool strict)
{
	struct xlat_cfg *c = &e->cfg;

	fx_env_reset(e);
	memset(c, 0, sizeof(*c));
	c->ipv4_addr = fx_a4(e->own4);
	c->ipv6_addr = fx_a6(e->own6);
	c->has_prefix = prefix != NULL;
	if (prefix)
		c->prefix = fx_a6(prefix);
	c->prefix_len = (uint8_t)len;
	c->wkpf_strict = strict;
	c->udp_cksum = UDP_CKSUM_DROP;
	c->hairpin = HAIRPIN_RFC7757;
	c->mtu = 1500;
	c->offlink_mtu = 1280;
	c->err4_pool = c->ipv4_addr;
	c->err4_pool_len = 32;
	c->err6_addr = c->ipv6_addr;
	fx_env_reinit(e);
}

void
fx_env_eam(struct fx_env *e, const char *p4, unsigned l4, const char *p6,
    unsigned l6)
{
	struct eam m = { .p4 = fx_a4(p4), .len4 = (uint8_t)l4,
	    .p6 = fx_a6(p6), .len6 = (uint8_t)l6 };
	char err[256] = "";

	if (!e->m)
		e->m = maps_new();
	assert_non_null(e->m);
	if (maps_add(e->m, &m, err, sizeof(err)) != 0)
		fail_msg("maps_add: %s", err);
	fx_env_reinit(e);
}

void
fx_env_pool(struct fx_env *e, const char *net, unsigned len)
{
	struct pool_params prm = { .net = fx_a4(net), .len = (uint8_t)len,
	    .dormant_s = 7440, .expire_s = 14 * 86400 };

	e->p = pool_new(&prm);
	assert_non_null(e->p);
	fx_env_reinit(e);
}
