/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tun-up / tun-ip / tun-route through raw rtnetlink (no libnl). */
#ifndef NAT64D_NETLINK_H
#define NAT64D_NETLINK_H

struct config;

/*
 * Configure the TUN interface from cfg: link up first, then every
 * tun-ip, then every tun-route, whatever the order in the file.  IPv4
 * routes need the link up; it is brought up (and that logged) even
 * without tun-up.  Each kernel error is logged with the directive and
 * value ("tun-route 192.0.2.0/24: File exists").  Returns 0 or -1.
 */
int netlink_configure(const struct config *cfg, unsigned ifindex)
    __attribute__((warn_unused_result));

/*
 * SIGHUP: bring the TUN from o's tun-up/tun-ip/tun-route to n's:
 * addresses and routes no longer listed are removed, new ones added, the
 * link set up if n needs it (never set down).  Needs CAP_NET_ADMIN; 0 or
 * -1 (logged, partially applied).
 */
int netlink_reconfigure(const struct config *o, const struct config *n,
    unsigned ifindex) __attribute__((warn_unused_result));

#endif
