/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Linux TUN device. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <endian.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "log.h"
#include "tun.h"
#include "xlat.h"

#define TUN_CLONE_DEV	"/dev/net/tun"
#define IPV6_MIN_MTU	1280	/* RFC 8200 5 */

/*
 * TUNSETIFF with IFF_NO_PI: no 4-byte packet-info header, the buffer is
 * the IP packet.  IFF_MULTI_QUEUE first: a persistent device created
 * multi-queue (TAYGA >= 0.9.3 does) refuses a single-queue attach with
 * EINVAL, and vice versa, so the second try covers both kinds.
 */
static int
tun_attach(const char *name, int oflags, bool *mq, short extra)
{
	const short try[] = {
		IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE | extra,
		IFF_TUN | IFF_NO_PI | extra,
	};
	struct ifreq ifr;
	int fd, err = EINVAL;

	if (strlen(name) >= IFNAMSIZ) {
		log_warnx("tun-device %s: name longer than %d characters",
		    name, IFNAMSIZ - 1);
		return -1;
	}
	for (size_t i = 0; i < sizeof(try) / sizeof(try[0]); i++) {
		if ((fd = open(TUN_CLONE_DEV, O_RDWR | O_CLOEXEC | oflags)) == -1) {
			log_warn("open %s", TUN_CLONE_DEV);
			return -1;
		}
		memset(&ifr, 0, sizeof(ifr));
		memcpy(ifr.ifr_name, name, strlen(name));
		ifr.ifr_flags = try[i];
		if (ioctl(fd, TUNSETIFF, &ifr) == 0) {
			*mq = (try[i] & IFF_MULTI_QUEUE) != 0;
			return fd;
		}
		err = errno;
		close(fd);
		if (err != EINVAL)
			break;
	}
	errno = err;
	if (err == EINVAL)
		log_warn("tun-device %s: cannot attach (not a TUN device, "
		    "or created with unsupported flags)", name);
	else
		log_warn("tun-device %s: TUNSETIFF", name);
	return -1;
}

/* SIOCGIFMTU and SIOCGIFINDEX through a throwaway socket. */
static int
tun_query(struct tun *t)
{
	struct ifreq ifr;
	int s;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("socket");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, t->name, sizeof(ifr.ifr_name));
	if (ioctl(s, SIOCGIFMTU, &ifr) == -1) {
		log_warn("tun-device %s: SIOCGIFMTU", t->name);
		close(s);
		return -1;
	}
	t->mtu = (uint32_t)ifr.ifr_mtu;
	if (ioctl(s, SIOCGIFINDEX, &ifr) == -1) {
		log_warn("tun-device %s: SIOCGIFINDEX", t->name);
		close(s);
		return -1;
	}
	t->ifindex = (unsigned)ifr.ifr_ifindex;
	close(s);
	return 0;
}

/* Most first: a kernel before 6.2 refuses USO, a very old one TSO. */
static void
tun_offload(struct tun *t)
{
	static const unsigned try[] = {
		TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN |
		    TUN_F_USO4 | TUN_F_USO6,
		TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN,
		TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6,
		TUN_F_CSUM,
		0,
	};

	for (size_t i = 0; i < sizeof(try) / sizeof(try[0]); i++) {
		if (ioctl(t->fd, TUNSETOFFLOAD, (unsigned long)try[i]) == 0) {
			t->offloads = try[i];
			log_debug("tun-device %s: offloads 0x%x", t->name,
			    try[i]);
			return;
		}
	}
	log_warn("tun-device %s: TUNSETOFFLOAD", t->name);
}

int
tun_open(struct tun *t, const char *name)
{
	return tun_open_offload(t, name, false);
}

int
tun_open_offload(struct tun *t, const char *name, bool offload)
{
	memset(t, 0, sizeof(*t));
	t->fd = -1;
	if (offload) {
		t->fd = tun_attach(name, O_NONBLOCK, &t->multi_queue,
		    IFF_VNET_HDR);
		t->vnet_hdr = t->fd != -1;
	}
	if (t->fd == -1)
		t->fd = tun_attach(name, O_NONBLOCK, &t->multi_queue, 0);
	if (t->fd == -1)
		return -1;
	memcpy(t->name, name, strlen(name) + 1);
	if (tun_query(t) == -1) {
		tun_close(t);
		return -1;
	}
	if (t->vnet_hdr)
		tun_offload(t);
	if (t->mtu < IPV6_MIN_MTU) {
		log_warnx("tun-device %s: MTU %u is below the IPv6 minimum "
		    "of %d (RFC 8200 5); raise it with `ip link set %s mtu "
		    "1500`", t->name, t->mtu, IPV6_MIN_MTU, t->name);
		tun_close(t);
		return -1;
	}
	return 0;
}

void
tun_close(struct tun *t)
{
	if (t->fd != -1)
		close(t->fd);
	t->fd = -1;
}

int
tun_persist(const char *name, bool persist, uid_t uid, gid_t gid)
{
	bool mq;
	int fd;

	if ((fd = tun_attach(name, 0, &mq, 0)) == -1)
		return -1;
	if (persist && uid != (uid_t)-1 &&
	    ioctl(fd, TUNSETOWNER, (unsigned long)uid) == -1) {
		log_warn("tun-device %s: TUNSETOWNER %lu", name,
		    (unsigned long)uid);
		goto fail;
	}
	if (persist && gid != (gid_t)-1 &&
	    ioctl(fd, TUNSETGROUP, (unsigned long)gid) == -1) {
		log_warn("tun-device %s: TUNSETGROUP %lu", name,
		    (unsigned long)gid);
		goto fail;
	}
	if (ioctl(fd, TUNSETPERSIST, persist ? 1UL : 0UL) == -1) {
		log_warn("tun-device %s: TUNSETPERSIST", name);
		goto fail;
	}
	close(fd);
	return 0;
fail:
	close(fd);
	return -1;
}

ssize_t
tun_read(const struct tun *t, void *buf, size_t len)
{
	return read(t->fd, buf, len);
}

ssize_t
tun_writev(const struct tun *t, const struct iovec *iov, unsigned niov)
{
	return writev(t->fd, iov, (int)niov);
}

/* The legacy virtio-net header is in the host's byte order unless
 * TUNSETVNETBE/LE says otherwise; little-endian hosts agree either way,
 * and we never set it. */
ssize_t
tun_recv(const struct tun *t, void *buf, size_t len, struct xlat_offload *off)
{
	struct virtio_net_hdr vh;
	struct iovec iov[2] = {
		{ .iov_base = &vh, .iov_len = sizeof(vh) },
		{ .iov_base = buf, .iov_len = len },
	};
	ssize_t n;

	if (!t->vnet_hdr) {
		memset(off, 0, sizeof(*off));
		return read(t->fd, buf, len);
	}
	if ((n = readv(t->fd, iov, 2)) < 0)
		return n;
	if ((size_t)n < sizeof(vh)) {
		errno = EINVAL;
		return -1;
	}
	off->flags = vh.flags;
	off->gso_type = vh.gso_type;
	off->hdr_len = le16toh(vh.hdr_len);
	off->gso_size = le16toh(vh.gso_size);
	off->csum_start = le16toh(vh.csum_start);
	off->csum_offset = le16toh(vh.csum_offset);
	return n - (ssize_t)sizeof(vh);
}

ssize_t
tun_send(const struct tun *t, const struct iovec *iov, unsigned niov,
    const struct xlat_offload *off)
{
	struct virtio_net_hdr vh;
	struct iovec v[3];
	ssize_t n;

	if (!t->vnet_hdr)
		return writev(t->fd, iov, (int)niov);
	vh.flags = off->flags;
	vh.gso_type = off->gso_type;
	vh.hdr_len = htole16(off->hdr_len);
	vh.gso_size = htole16(off->gso_size);
	vh.csum_start = htole16(off->csum_start);
	vh.csum_offset = htole16(off->csum_offset);
	v[0].iov_base = &vh;
	v[0].iov_len = sizeof(vh);
	for (unsigned i = 0; i < niov && i < 2; i++)
		v[i + 1] = iov[i];
	n = writev(t->fd, v, (int)(niov < 2 ? niov : 2) + 1);
	return n < 0 ? n : n - (ssize_t)sizeof(vh);
}
