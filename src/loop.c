/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's one thread: poll() over the TUN fd and a signalfd, drain
 * the TUN through the core, pool timers, SIGHUP reload.  Also the offline
 * --translate-pcap driver, which shares the per-packet path.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/ip_icmp.h>
#include <netinet/icmp6.h>
#include <sys/signalfd.h>

#include "autoprefix.h"
#include "clat.h"
#include "config.h"
#include "discover.h"
#include "gro.h"
#include "log.h"
#include "loop.h"
#include "maps.h"
#include "netlink.h"
#include "notify.h"
#include "pcap.h"
#include "pool.h"
#include "xlat.h"

#define MAINTAIN_MS	10000ULL		/* pool dormancy/expiry pass */
#define SAVE_BATCH_MS	5000ULL			/* at most one save per 5 s */
#define SAVE_ANYWAY_MS	(84ULL * 3600 * 1000)	/* 3.5 days, as TAYGA */
#define DRAIN_BUDGET	4096			/* packets per wake-up */

static uint8_t rxbuf[XLAT_HEADROOM + 65536];
static uint8_t segbuf[XLAT_HEADROOM + 65536];	/* software GSO */
static struct xlat_out xout;
static struct gro gro;

/* ---- per-packet logging */

/* What a log line needs, taken before the core rewrites the buffer. */
struct pkt_summary {
	int		version;	/* 4 or 6; 0 unparsable */
	char		src[INET6_ADDRSTRLEN];
	char		dst[INET6_ADDRSTRLEN];
	unsigned	proto;
	size_t		len;
	bool		icmp_error;
};

/* Final protocol of an IPv6 packet past the extension headers we know;
 * logging only, so a short or odd chain just stops the walk. */
static unsigned
ip6_upper(const uint8_t *p, size_t len, size_t *off)
{
	unsigned nh = p[6];

	*off = sizeof(struct ip6_hdr);
	for (int i = 0; i < 8 && *off + 8 <= len; i++) {
		if (nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
		    nh == IPPROTO_DSTOPTS) {
			unsigned next = p[*off];

			*off += ((size_t)p[*off + 1] + 1) * 8;
			nh = next;
		} else if (nh == IPPROTO_FRAGMENT) {
			nh = p[*off];
			*off += 8;
		} else
			break;
	}
	return nh;
}

static void
summarize(const uint8_t *p, size_t len, struct pkt_summary *s)
{
	size_t off;

	memset(s, 0, sizeof(*s));
	s->len = len;
	if (len >= sizeof(struct ip) && p[0] >> 4 == 4) {
		s->version = 4;
		inet_ntop(AF_INET, p + 12, s->src, sizeof(s->src));
		inet_ntop(AF_INET, p + 16, s->dst, sizeof(s->dst));
		s->proto = p[9];
		off = (size_t)(p[0] & 0x0f) * 4;
		if (s->proto == IPPROTO_ICMP && off < len &&
		    ((p[6] & 0x1f) | p[7]) == 0)
			s->icmp_error = p[off] == ICMP_UNREACH ||
			    p[off] == ICMP_TIMXCEED || p[off] == ICMP_PARAMPROB;
	} else if (len >= sizeof(struct ip6_hdr) && p[0] >> 4 == 6) {
		s->version = 6;
		inet_ntop(AF_INET6, p + 8, s->src, sizeof(s->src));
		inet_ntop(AF_INET6, p + 24, s->dst, sizeof(s->dst));
		s->proto = ip6_upper(p, len, &off);
		if (s->proto == IPPROTO_ICMPV6 && off < len)
			s->icmp_error = !(p[off] & ICMP6_INFOMSG_MASK);
	}
}

static void
log_verdict(const struct pkt_summary *s, enum xlat_verdict v,
    const struct xlat_out *out, uint64_t now_ms)
{
	const char *what, *why = xlat_drop_text(out->reason);
	unsigned cat;

	switch (v) {
	case XLAT_DROP:
		cat = LOGCAT_DROP, what = "DROP";
		break;
	case XLAT_REJECT:
		cat = LOGCAT_REJECT, what = "REJECT";
		break;
	case XLAT_SELF:
		cat = LOGCAT_SELF, what = "SELF";
		if (out->reason == XLAT_DROP_NONE)
			why = out->n ? "answered by the translator" :
			    "addressed to the translator";
		break;
	default:
		if (!s->icmp_error)
			return;
		cat = LOGCAT_ICMP, what = "ICMP";
		why = "ICMP error translated";
		break;
	}
	if (s->version == 0) {
		log_cat(cat, now_ms, "%s: [?] (%zu bytes) %s", what, s->len,
		    why);
		return;
	}
	log_cat(cat, now_ms, "%s: [v%d] [%s]->[%s] (%zu bytes) (proto %u) %s",
	    what, s->version, s->src, s->dst, s->len, s->proto, why);
}

enum xlat_verdict
loop_handle_packet(struct xlat *x, uint8_t *pkt, size_t len,
    uint64_t now_ms, struct xlat_out *out)
{
	return loop_handle_offload(x, pkt, len, now_ms, NULL, out);
}

enum xlat_verdict
loop_handle_offload(struct xlat *x, uint8_t *pkt, size_t len,
    uint64_t now_ms, const struct xlat_offload *off, struct xlat_out *out)
{
	const unsigned want = LOGCAT_DROP | LOGCAT_REJECT | LOGCAT_SELF |
	    LOGCAT_ICMP;
	struct pkt_summary s;
	enum xlat_verdict v;
	bool logging = (log_categories() & want) != 0;

	if (logging)
		summarize(pkt, len, &s);
	v = xlat_packet_offload(x, pkt, len, now_ms, off, out);
	if (logging && v != XLAT_SEGMENT)
		log_verdict(&s, v, out, now_ms);
	return v;
}

const char *
loop_verdict_name(enum xlat_verdict v)
{
	switch (v) {
	case XLAT_DROP:
		return "DROP";
	case XLAT_FORWARD:
		return "FORWARD";
	case XLAT_REJECT:
		return "REJECT";
	case XLAT_SELF:
		return "SELF";
	case XLAT_SEGMENT:
		return "SEGMENT";
	}
	return "?";
}

uint64_t
loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000ULL + (uint64_t)ts.tv_nsec / 1000000ULL;
}

/* ---- translator state */

static void
log_maps(const struct maps *m)
{
	char a4[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];

	if (!log_debug_enabled() || m == NULL)
		return;
	for (size_t i = 0; i < maps_count(m); i++) {
		const struct eam *e = maps_get(m, i);

		inet_ntop(AF_INET, &e->p4, a4, sizeof(a4));
		inet_ntop(AF_INET6, &e->p6, a6, sizeof(a6));
		log_debug("map %s/%u %s/%u", a4, e->len4, a6, e->len6);
	}
}

int
loop_core_init(struct nat64d *d, uint32_t mtu, uint32_t seed)
{
	struct config *c = d->cfg;

	c->xlat.mtu = mtu;
	if ((d->maps = config_build_maps(c)) == NULL) {
		log_warnx("explicit address maps: out of memory");
		return -1;
	}
	log_maps(d->maps);
	d->pool = NULL;
	if (c->has_pool) {
		if ((d->pool = pool_new(&c->pool)) == NULL) {
			log_warnx("dynamic pool: out of memory");
			return -1;
		}
		pool_set_exclusions(d->pool, d->maps, c->xlat.ipv4_addr);
	}
	xlat_init(&d->x, &c->xlat, d->maps, d->pool ? &pool_ops : NULL,
	    d->pool, seed);
	log_set_categories(c->log_mask);
	return 0;
}

void
loop_core_free(struct nat64d *d)
{
	if (d->pool != NULL)
		pool_free(d->pool);
	if (d->maps != NULL)
		maps_free(d->maps);
	if (d->cfg != NULL)
		config_free(d->cfg);
	d->pool = NULL;
	d->maps = NULL;
	d->cfg = NULL;
}

/* ---- dynamic.map persistence */

struct timers {
	uint64_t	next_maintain;
	uint64_t	last_save;
};

static void
save_pool(struct nat64d *d, struct timers *t, uint64_t now)
{
	t->last_save = now;	/* also on failure: retry in a batch period */
	if (d->pool == NULL || d->dynmap[0] == '\0')
		return;
	(void)pool_save(d->pool, d->dynmap, time(NULL), now);
}

static void
run_timers(struct nat64d *d, struct timers *t, uint64_t now)
{
	if (d->pool == NULL)
		return;
	if (now >= t->next_maintain) {
		(void)pool_maintain(d->pool, now);
		t->next_maintain = now + MAINTAIN_MS;
	}
	if (d->dynmap[0] == '\0')
		return;
	if ((pool_dirty(d->pool) && now >= t->last_save + SAVE_BATCH_MS) ||
	    now >= t->last_save + SAVE_ANYWAY_MS)
		save_pool(d, t, now);
}

/* Milliseconds until run_timers has work, or -1 for none. */
static int
timers_timeout(const struct nat64d *d, const struct timers *t, uint64_t now)
{
	uint64_t due;

	if (d->pool == NULL)
		return -1;
	due = t->next_maintain;
	if (d->dynmap[0] != '\0') {
		if (pool_dirty(d->pool) && t->last_save + SAVE_BATCH_MS < due)
			due = t->last_save + SAVE_BATCH_MS;
		if (t->last_save + SAVE_ANYWAY_MS < due)
			due = t->last_save + SAVE_ANYWAY_MS;
	}
	return due <= now ? 0 : (int)(due - now);
}

/* ---- SIGHUP */

static bool
nets_equal(const struct config_net *a, size_t na, const struct config_net *b,
    size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		size_t alen = a[i].family == AF_INET ? sizeof(a[i].addr.v4) :
		    sizeof(a[i].addr.v6);

		if (a[i].family != b[i].family || a[i].len != b[i].len ||
		    memcmp(&a[i].addr, &b[i].addr, alen) != 0)
			return false;
	}
	return true;
}

static bool
tun_cfg_changed(const struct config *o, const struct config *n)
{
	return o->tun_up != n->tun_up ||
	    !nets_equal(o->tun_ips, o->ntun_ips, n->tun_ips, n->ntun_ips) ||
	    !nets_equal(o->tun_routes, o->ntun_routes, n->tun_routes,
	    n->ntun_routes);
}

/* tun-up/tun-ip/tun-route are re-applied when we still may (root or
 * CAP_NET_ADMIN); tun-device and data-dir need a restart. */
static void
reload_tun(const struct nat64d *d, const struct config *n)
{
	const struct config *o = d->cfg;
	char list[64] = "";

	if (strcmp(o->tun_device, n->tun_device) != 0)
		strcat(list, ", tun-device");
	if (strcmp(o->data_dir, n->data_dir) != 0)
		strcat(list, ", data-dir");
	if (tun_cfg_changed(o, n) &&
	    netlink_reconfigure(o, n, d->tun.ifindex) == -1)
		strcat(list, ", tun-up/tun-ip/tun-route");
	if (list[0] != '\0')
		log_warnx("reload: changes to %s take effect only after a "
		    "restart", list + 2);
}

/* config_load with its errors captured and logged line by line. */
static struct config *
reload_config(const char *path)
{
	struct config *c;
	char *errs = NULL, *line, *save = NULL;
	size_t errlen = 0;
	FILE *ef;

	if ((ef = open_memstream(&errs, &errlen)) == NULL) {
		log_warn("reload: open_memstream");
		return NULL;
	}
	c = config_load(path, ef);
	fclose(ef);
	for (line = strtok_r(errs, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		log_warnx("%s", line);
	free(errs);
	return c;
}

/* Swap the pool onto the new range, create it, or retire it. */
static int
reload_pool(struct nat64d *d, const struct config *n,
    const struct maps *nm, struct timers *t, uint64_t now)
{
	if (!n->has_pool) {
		if (d->pool != NULL) {
			save_pool(d, t, now);
			pool_free(d->pool);
			d->pool = NULL;
			log_info("reload: dynamic pool removed");
		}
		return 0;
	}
	if (d->pool == NULL) {
		if ((d->pool = pool_new(&n->pool)) == NULL) {
			log_warnx("reload: dynamic pool: out of memory");
			return -1;
		}
		pool_set_exclusions(d->pool, nm, n->xlat.ipv4_addr);
		if (d->dynmap[0] != '\0')
			(void)pool_load(d->pool, d->dynmap, time(NULL), now);
		t->next_maintain = now;
		return 0;
	}
	pool_reconfigure(d->pool, &n->pool);
	pool_set_exclusions(d->pool, nm, n->xlat.ipv4_addr);
	return 0;
}

static void
loop_reload(struct nat64d *d, struct timers *t, uint64_t now)
{
	struct config *n;
	struct maps *nm;

	if (d->chrooted) {
		log_warnx("reload: %s is outside the chroot; restart nat64d "
		    "to apply configuration changes", d->conf_path);
		return;
	}
	if ((n = reload_config(d->conf_path)) == NULL) {
		log_warnx("reload failed, keeping the running configuration");
		return;
	}
	/* Discovery opens its raw socket before privileges are dropped:
	 * it cannot be started by a reload.  Refusing keeps traffic
	 * flowing on the running prefix instead of dropping it all. */
	if (n->prefix_auto && !autoprefix_running()) {
		log_warnx("reload: 'prefix = auto' needs a restart; keeping "
		    "the running configuration");
		config_free(n);
		return;
	}
	if (clat_reload(d->cfg, n) == -1 ||
	    (nm = config_build_maps(n)) == NULL) {
		log_warnx("reload: out of memory; keeping the running "
		    "configuration");
		config_free(n);
		return;
	}
	n->xlat.mtu = d->cfg->xlat.mtu;
	reload_tun(d, n);
	if (reload_pool(d, n, nm, t, now) == -1) {
		maps_free(nm);
		config_free(n);
		return;
	}
	d->x.cfg = &n->xlat;
	d->x.maps = nm;
	d->x.pool = d->pool;
	d->x.pool_ops = d->pool != NULL ? &pool_ops : NULL;
	maps_free(d->maps);
	/* The running device and data-dir (chroot, dynamic.map) stay. */
	memcpy(n->tun_device, d->cfg->tun_device, sizeof(n->tun_device));
	memcpy(n->data_dir, d->cfg->data_dir, sizeof(n->data_dir));
	config_free(d->cfg);
	d->cfg = n;
	d->maps = nm;
	log_set_categories(n->log_mask);
	autoprefix_apply(d);
	log_maps(nm);
	log_info("configuration reloaded: %zu maps", maps_count(nm));
}

/* ---- signals and the loop */

static int
signals_open(void)
{
	static const int sigs[] = {
		SIGHUP, SIGINT, SIGTERM, SIGQUIT, SIGUSR1, SIGUSR2,
	};
	sigset_t set;
	int fd;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1) {
		log_warn("sigprocmask");
		return -1;
	}
	if ((fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		log_warn("signalfd");
	/* A write to a vanished peer must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	return fd;
}

static void
log_stats(const struct nat64d *d)
{
	const struct xlat_stats *s = &d->x.stats;
	char drops[512] = "";
	size_t off = 0;
	uint64_t total = 0;

	for (int r = XLAT_DROP_NONE + 1; r < XLAT_DROP_MAX; r++) {
		if (s->drop[r] == 0)
			continue;
		total += s->drop[r];
		if (off < sizeof(drops))
			off += (size_t)snprintf(drops + off, sizeof(drops) - off,
			    " %s=%llu", xlat_drop_name((enum xlat_drop)r),
			    (unsigned long long)s->drop[r]);
	}
	log_info("packets: in %llu IPv6 / %llu IPv4, out %llu IPv6 / %llu "
	    "IPv4, %llu ICMP errors sent, %llu dropped, %llu write failures",
	    (unsigned long long)s->rx6, (unsigned long long)s->rx4,
	    (unsigned long long)s->tx6, (unsigned long long)s->tx4,
	    (unsigned long long)s->icmp_out, (unsigned long long)total,
	    (unsigned long long)(d->write_full + d->write_err));
	if (total > 0)
		log_info("drops:%s", drops);
	if (d->tun.vnet_hdr)
		log_info("offload: %llu gso super-packets translated whole, "
		    "%llu segmented in software, %llu partial checksums "
		    "adjusted, %llu completed, %llu udp batches written "
		    "(%llu datagrams)",
		    (unsigned long long)s->gso_in,
		    (unsigned long long)s->gso_sw,
		    (unsigned long long)s->csum_partial,
		    (unsigned long long)s->csum_sw,
		    (unsigned long long)gro.batches,
		    (unsigned long long)gro.datagrams);
}

/* Returns -1 to keep running, else the exit status. */
static int
handle_signals(struct nat64d *d, int sfd, struct timers *t)
{
	struct signalfd_siginfo si;
	uint64_t now;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		now = loop_now_ms();
		if (si.ssi_signo == SIGHUP) {
			notify_reloading();
			loop_reload(d, t, now);
			save_pool(d, t, now);
			notify_ready();
			continue;
		}
		notify_stopping();
		save_pool(d, t, now);
		log_info("Exiting on signal %u", si.ssi_signo);
		log_stats(d);
		return 0;
	}
	return -1;
}

static void
write_pkt(struct nat64d *d, const struct iovec *iov, unsigned niov,
    const struct xlat_offload *off)
{
	if (tun_send(&d->tun, iov, niov, off) >= 0)
		return;
	if (errno == EAGAIN || errno == ENOBUFS) {
		d->write_full++;
	} else if (d->write_err++ % 1000 == 0) {
		log_warn("tun-device %s: write (%llu failures)",
		    d->tun.name, (unsigned long long)d->write_err);
	}
}

static void
gro_out(struct nat64d *d)
{
	struct iovec iov;
	struct xlat_offload off;

	if (gro_flush(&gro, &iov, &off) > 0)
		write_pkt(d, &iov, 1, &off);
}

/* Into the batch, flushing it first when the packet starts another. */
static bool
gro_take(struct nat64d *d, const struct xlat_pktout *o)
{
	enum gro_result r;

	if ((!gro.v4 && !gro.v6) || o->niov != 1)
		return false;
	r = gro_add(&gro, o->iov[0].iov_base, o->iov[0].iov_len, &o->off);
	if (r == GRO_NO && gro.nseg > 0) {
		gro_out(d);
		r = gro_add(&gro, o->iov[0].iov_base, o->iov[0].iov_len,
		    &o->off);
	}
	if (r == GRO_FULL)
		gro_out(d);
	return r != GRO_NO;
}

/* The core's output, in order behind the batch; drain_tun flushes. */
static void
send_out(struct nat64d *d, const struct xlat_out *out)
{
	if (out->n == 0 || (out->n == 1 && gro_take(d, &out->pkt[0])))
		return;
	gro_out(d);
	for (unsigned i = 0; i < out->n; i++)
		write_pkt(d, out->pkt[i].iov, out->pkt[i].niov,
		    &out->pkt[i].off);
}

/* A super-packet the core will not translate whole: the kernel's
 * segments, one by one, through the ordinary path. */
static void
segment_out(struct nat64d *d, const uint8_t *pkt, size_t len,
    const struct xlat_offload *off, uint64_t now)
{
	uint8_t *seg = segbuf + XLAT_HEADROOM;
	long n;

	for (unsigned i = 0;; i++) {
		n = xlat_gso_segment(pkt, len, off, i, seg,
		    sizeof(segbuf) - XLAT_HEADROOM);
		if (n <= 0) {
			if (n < 0 && i == 0)
				d->x.stats.drop[XLAT_DROP_BAD_L4]++;
			return;
		}
		(void)loop_handle_packet(&d->x, seg, (size_t)n, now, &xout);
		send_out(d, &xout);
	}
}

/* Read until EAGAIN (or the budget), translate, write. */
static void
drain_tun(struct nat64d *d)
{
	uint8_t *pkt = rxbuf + XLAT_HEADROOM;
	uint64_t now = loop_now_ms();
	struct xlat_offload off;
	enum xlat_verdict v;
	ssize_t n;

	for (int i = 0; i < DRAIN_BUDGET; i++) {
		n = tun_recv(&d->tun, pkt, sizeof(rxbuf) - XLAT_HEADROOM, &off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && d->read_err++ % 1000 == 0)
				log_warn("tun-device %s: read", d->tun.name);
			break;
		}
		v = loop_handle_offload(&d->x, pkt, (size_t)n, now, &off,
		    &xout);
		if (v == XLAT_SEGMENT)
			segment_out(d, pkt, (size_t)n, &off, now);
		else
			send_out(d, &xout);
	}
	gro_out(d);
}

static int
min_timeout(int a, int b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

int
loop_run(struct nat64d *d)
{
	struct pollfd pfd[2 + DISCOVER_MAX_FDS];
	struct timers t;
	int sfd, rc, tmo;
	size_t nd;
	uint64_t now = loop_now_ms();

	if ((sfd = signals_open()) == -1)
		return 1;
	/* The kernel parses UDP_L4 on write when it offers USO on read. */
	gro_init(&gro, d->tun.vnet_hdr && (d->tun.offloads & TUN_F_USO4),
	    d->tun.vnet_hdr && (d->tun.offloads & TUN_F_USO6));
	t.next_maintain = now + MAINTAIN_MS;
	t.last_save = now;
	pfd[0].fd = d->tun.fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = sfd;
	pfd[1].events = POLLIN;
	for (;;) {
		nd = autoprefix_fds(pfd + 2, DISCOVER_MAX_FDS);
		tmo = min_timeout(timers_timeout(d, &t, now),
		    autoprefix_timeout(now));
		if (poll(pfd, 2 + nd, tmo) == -1 && errno != EINTR) {
			log_warn("poll");
			return 1;
		}
		if (pfd[1].revents & POLLIN &&
		    (rc = handle_signals(d, sfd, &t)) != -1) {
			close(sfd);
			return rc;
		}
		if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
			log_warnx("tun-device %s: device went away", d->tun.name);
			return 1;
		}
		if (pfd[0].revents & POLLIN)
			drain_tun(d);
		now = loop_now_ms();
		autoprefix_run(d, pfd + 2, nd, now);
		run_timers(d, &t, now);
	}
}

/* ---- --translate-pcap */

static void
pcap_report(unsigned long n, enum xlat_verdict v, const struct xlat_out *o)
{
	if (v == XLAT_FORWARD)
		printf("%lu: FORWARD %u packet%s\n", n, o->n, o->n == 1 ? "" : "s");
	else
		printf("%lu: %s %s\n", n, loop_verdict_name(v),
		    xlat_drop_name(o->reason));
}

static int
pcap_pump(struct nat64d *d, struct pcap_reader *r, struct pcap_writer *w,
    bool verbose)
{
	uint8_t *base = rxbuf + XLAT_HEADROOM;
	struct pcap_rec rec;
	enum xlat_verdict v;
	uint64_t now = 0, t;
	int rc;

	while ((rc = pcap_next(r, base, sizeof(rxbuf) - XLAT_HEADROOM,
	    &rec)) == 1) {
		if (rec.ip_len == 0) {
			if (verbose)
				printf("%lu: SKIP not an IP packet\n", r->recno);
			continue;
		}
		/* The capture's clock drives the core; never backwards. */
		t = rec.ts_ns / 1000000ULL;
		now = t > now ? t : now;
		v = loop_handle_packet(&d->x, base + rec.ip_off, rec.ip_len,
		    now, &xout);
		if (verbose)
			pcap_report(r->recno, v, &xout);
		for (unsigned i = 0; i < xout.n; i++)
			if (pcap_write(w, rec.ts_ns, xout.pkt[i].iov,
			    xout.pkt[i].niov) == -1)
				return -2;
	}
	return rc;
}

int
loop_translate_pcap(struct nat64d *d, const char *in, const char *out,
    bool verbose)
{
	struct pcap_reader r;
	struct pcap_writer w;
	FILE *fi, *fo;
	int rc;

	if ((fi = fopen(in, "rb")) == NULL) {
		log_warn("%s", in);
		return 1;
	}
	if (pcap_reader_open(&r, fi) == -1) {
		log_warnx("%s: %s", in, r.err);
		fclose(fi);
		return 1;
	}
	if ((fo = fopen(out, "wb")) == NULL ||
	    pcap_writer_open(&w, fo, PCAP_LINKTYPE_RAW) == -1) {
		log_warn("%s", out);
		if (fo != NULL)
			fclose(fo);
		fclose(fi);
		return 1;
	}
	rc = pcap_pump(d, &r, &w, verbose);
	fclose(fi);
	if (rc == -1)
		log_warnx("%s: %s", in, r.err);
	if (fclose(fo) != 0 && rc >= 0)
		rc = -2;
	if (rc == -2)
		log_warn("%s", out);
	if (rc < 0)
		return 1;
	log_info("%s: %lu packets read, %lu written to %s", in, r.recno,
	    w.count, out);
	return 0;
}
