/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The effective configuration.  Two dialects are read: libconfuse's
 * native `key = value` syntax and TAYGA's `key value` lines; both end in
 * one struct config through one validation path.
 */
#ifndef NAT64D_CONFIG_H
#define NAT64D_CONFIG_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#include "maps.h"
#include "pool.h"
#include "xlat.h"

#define CONFIG_DEFAULT_PATH	"/etc/nat64d.conf"

enum map_origin {
	MAP_ORIGIN_CONF = 0,	/* `map` in the config file */
	MAP_ORIGIN_MAPFILE,	/* line of map-file */
	MAP_ORIGIN_CLAT,	/* clat-ipv4 <-> clat-ipv6, not dumped */
};

enum clat_reach {
	CLAT_REACH_PROXY_NDP = 0,	/* /128 route to the TUN + proxy NDP */
	CLAT_REACH_ROUTE,		/* only the /128 route to the TUN */
	CLAT_REACH_NONE,		/* the admin routes clat-ipv6 */
};

/* CLAT mode (RFC 6877), on when clat-uplink is set. */
struct config_clat {
	bool		enabled;
	char		uplink[IFNAMSIZ];
	struct in_addr	ipv4;			/* clat-ipv4, 192.0.0.1 */
	bool		ipv6_auto;		/* clat-ipv6 = auto */
	struct in6_addr	ipv6;			/* set, or resolved at start */
	bool		user_map;		/* a `map` of clat-ipv4 exists */
	enum clat_reach	reach;
	bool		default_route;
};

struct config_map {
	struct eam	eam;
	enum map_origin	origin;
	char		file[PATH_MAX];	/* where it was read, for messages */
	unsigned	line;
};

struct config_net {		/* tun-ip / tun-route */
	int		family;		/* AF_INET or AF_INET6 */
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
	} addr;
	uint8_t		len;
};

struct config {
	char		path[PATH_MAX];		/* file it was read from */
	bool		tayga_dialect;		/* read as a tayga.conf */

	char		tun_device[IFNAMSIZ];
	struct xlat_cfg	xlat;			/* mtu filled in by the daemon */
	bool		ipv6_addr_derived;	/* from prefix + ipv4-addr */
	bool		err6_addr_derived;	/* icmp-error-ipv6 = ipv6-addr */

	bool		prefix_auto;		/* prefix = auto (discovery) */
	bool		has_prefix_fallback;
	struct in6_addr	prefix_fallback;
	uint8_t		prefix_fallback_len;
	struct config_clat clat;

	struct config_map *maps;		/* conf-file maps, then map-file */
	size_t		nmaps;

	bool		has_pool;
	struct pool_params pool;		/* incl. dormant/expire times */

	char		data_dir[PATH_MAX];	/* "" if none */
	char		map_file[PATH_MAX];	/* resolved path, "" if none */

	unsigned	log_mask;		/* LOGCAT_* */

	bool		tun_up;
	bool		offload;		/* IFF_VNET_HDR offloads */
	struct config_net *tun_ips;
	size_t		ntun_ips;
	struct config_net *tun_routes;
	size_t		ntun_routes;
};

/*
 * Read and validate path.  Every error goes to errf as
 * "file:line: directive 'x': value 'y' is not ...; expected ..." and all
 * errors of the file are reported.  Returns NULL on any error.  The
 * map-file (if set) is read too; its errors are reported the same way.
 */
struct config *config_load(const char *path, FILE *errf)
    __attribute__((warn_unused_result));
void config_free(struct config *c);

/* Print the effective config in native syntax; parses back to the same
 * config (map-file entries are not inlined: map-file is printed). */
void config_dump(const struct config *c, FILE *f);

/* Build the EAM table from c->maps.  NULL on allocation failure. */
struct maps *config_build_maps(const struct config *c);

#endif
