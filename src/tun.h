/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Linux TUN device: open/attach, persist (--mktun/--rmtun), MTU. */
#ifndef NAT64D_TUN_H
#define NAT64D_TUN_H

#include <linux/if_tun.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

/* UDP segmentation offload (Linux 6.2); Debian 12's headers lack them. */
#ifndef TUN_F_USO4
#define TUN_F_USO4	0x20
#endif
#ifndef TUN_F_USO6
#define TUN_F_USO6	0x40
#endif

struct tun {
	int		fd;		/* non-blocking, -1 when closed */
	char		name[IFNAMSIZ];
	unsigned	ifindex;
	uint32_t	mtu;		/* SIOCGIFMTU at open */
	bool		multi_queue;	/* attached with IFF_MULTI_QUEUE */
	bool		vnet_hdr;	/* IFF_VNET_HDR: offload metadata */
	unsigned	offloads;	/* TUN_F_* the kernel accepted */
};

struct xlat_offload;

/*
 * Attach to the persistent device `name` or create it (it then vanishes
 * when the fd closes).  Reads the MTU; below 1280 (RFC 8200 5) is an
 * error.  Returns 0, or -1 with the error logged.
 */
int tun_open(struct tun *t, const char *name)
    __attribute__((warn_unused_result));
/*
 * The same; with offload, attach with IFF_VNET_HDR and ask for checksum,
 * TSO and USO offloads (TUNSETOFFLOAD), falling back to fewer offloads,
 * then to none, as far as the kernel refuses them.
 */
int tun_open_offload(struct tun *t, const char *name, bool offload)
    __attribute__((warn_unused_result));
void tun_close(struct tun *t);

/*
 * --mktun (persist true): create `name` as persistent, owned by uid/gid
 * when they are not (uid_t)-1 / (gid_t)-1.  --rmtun (persist false):
 * clear the persist flag, which deletes the device.  0 or -1 (logged).
 */
int tun_persist(const char *name, bool persist, uid_t uid, gid_t gid)
    __attribute__((warn_unused_result));

/* One packet without offloads (t->vnet_hdr false); -1 with errno
 * (EAGAIN when drained). */
ssize_t tun_read(const struct tun *t, void *buf, size_t len);
ssize_t tun_writev(const struct tun *t, const struct iovec *iov,
    unsigned niov);
/* With the virtio-net header when t->vnet_hdr (off then describes the
 * packet; zeroed without it).  niov at most 2. */
ssize_t tun_recv(const struct tun *t, void *buf, size_t len,
    struct xlat_offload *off);
ssize_t tun_send(const struct tun *t, const struct iovec *iov,
    unsigned niov, const struct xlat_offload *off);

#endif
