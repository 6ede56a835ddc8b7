/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Linux TUN device: open/attach, persist (--mktun/--rmtun), MTU. */
#ifndef NAT64D_TUN_H
#define NAT64D_TUN_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

struct tun {
	int		fd;		/* non-blocking, -1 when closed */
	char		name[IFNAMSIZ];
	unsigned	ifindex;
	uint32_t	mtu;		/* SIOCGIFMTU at open */
	bool		multi_queue;	/* attached with IFF_MULTI_QUEUE */
};

/*
 * Attach to the persistent device `name` or create it (it then vanishes
 * when the fd closes).  Reads the MTU; below 1280 (RFC 8200 5) is an
 * error.  Returns 0, or -1 with the error logged.
 */
int tun_open(struct tun *t, const char *name)
    __attribute__((warn_unused_result));
void tun_close(struct tun *t);

/*
 * --mktun (persist true): create `name` as persistent, owned by uid/gid
 * when they are not (uid_t)-1 / (gid_t)-1.  --rmtun (persist false):
 * clear the persist flag, which deletes the device.  0 or -1 (logged).
 */
int tun_persist(const char *name, bool persist, uid_t uid, gid_t gid)
    __attribute__((warn_unused_result));

/* One packet; -1 with errno (EAGAIN when drained).  No framing header is
 * used today; IFF_VNET_HDR offloads would strip/add it here. */
ssize_t tun_read(const struct tun *t, void *buf, size_t len);
ssize_t tun_writev(const struct tun *t, const struct iovec *iov,
    unsigned niov);

#endif
