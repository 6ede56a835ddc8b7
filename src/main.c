/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nat64d: command line, startup sequence, daemonizing, privilege drop. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "autoprefix.h"
#include "clat.h"
#include "config.h"
#include "log.h"
#include "loop.h"
#include "netlink.h"
#include "notify.h"
#include "pool.h"
#include "tun.h"

#define PCAP_DEFAULT_MTU	1500
#define PCAP_SEED		1	/* offline output is reproducible */
#define IPV6_MIN_MTU		1280

enum mode {
	MODE_DAEMON = 0,
	MODE_MKTUN,
	MODE_RMTUN,
	MODE_CHECK,
	MODE_DUMP,
	MODE_PCAP,
};

struct opts {
	const char	*conf;
	enum mode	 mode;
	bool		 debug;
	bool		 nodetach;
	bool		 chroot;
	bool		 target_set;
	enum log_target	 target;
	const char	*user;
	const char	*group;
	const char	*pidfile;
	const char	*pcap_in;
	const char	*pcap_out;
	uint32_t	 mtu;		/* --mtu, 0 if not given */
};

struct ids {
	uid_t		uid;		/* (uid_t)-1: keep */
	gid_t		gid;		/* (gid_t)-1: keep */
};

enum {
	OPT_MKTUN = 256,
	OPT_RMTUN,
	OPT_SYSLOG,
	OPT_STDOUT,
	OPT_CHECK,
	OPT_DUMP,
	OPT_PCAP,
	OPT_MTU,
};

static const struct option long_opts[] = {
	{ "config",		required_argument,	NULL, 'c' },
	{ "debug",		no_argument,		NULL, 'd' },
	{ "nodetach",		no_argument,		NULL, 'n' },
	{ "user",		required_argument,	NULL, 'u' },
	{ "group",		required_argument,	NULL, 'g' },
	{ "chroot",		no_argument,		NULL, 'r' },
	{ "pidfile",		required_argument,	NULL, 'p' },
	{ "mktun",		no_argument,		NULL, OPT_MKTUN },
	{ "rmtun",		no_argument,		NULL, OPT_RMTUN },
	{ "syslog",		no_argument,		NULL, OPT_SYSLOG },
	{ "stdout",		no_argument,		NULL, OPT_STDOUT },
	{ "check-config",	no_argument,		NULL, OPT_CHECK },
	{ "dump-config",	no_argument,		NULL, OPT_DUMP },
	{ "translate-pcap",	required_argument,	NULL, OPT_PCAP },
	{ "mtu",		required_argument,	NULL, OPT_MTU },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 },
};

static void
synopsis(FILE *f)
{
	fputs(
"usage: nat64d [-dnr] [-c FILE] [-u USER] [-g GROUP] [-p FILE]\n"
"              [--syslog | --stdout]\n"
"       nat64d [-c FILE] [-u USER] [-g GROUP] --mktun | --rmtun\n"
"       nat64d [-c FILE] --check-config | --dump-config\n"
"       nat64d [-c FILE] [-d] [--mtu N] --translate-pcap IN OUT\n"
"       nat64d -h | -V\n", f);
}

static void
usage(FILE *f)
{
	synopsis(f);
	fprintf(f,
"\n"
"  -c, --config FILE     configuration file (default %s)\n"
"  -d, --debug           stay in the foreground, debug log to stderr\n"
"  -n, --nodetach        stay in the foreground, log target unchanged\n"
"  -u, --user USER       run as USER once the TUN is set up\n"
"  -g, --group GROUP     run as GROUP (default: USER's group)\n"
"  -r, --chroot          chroot to data-dir (needs data-dir and -u)\n"
"  -p, --pidfile FILE    write the daemon's PID to FILE\n"
"      --mktun           create the persistent TUN device (owned by\n"
"                        -u/-g if given) and exit\n"
"      --rmtun           remove the persistent TUN device and exit\n"
"      --syslog          log to syslog (the default)\n"
"      --stdout          log to stdout, line buffered\n"
"      --check-config    validate the configuration and exit\n"
"      --dump-config     print the effective configuration and exit\n"
"      --translate-pcap IN OUT\n"
"                        translate the packets of pcap file IN into\n"
"                        OUT (raw IP) without a TUN device; with -d,\n"
"                        print one verdict line per packet\n"
"      --mtu N           MTU for --translate-pcap (default %d)\n"
"  -h, --help            print this help and exit\n"
"  -V, --version         print the version and exit\n",
	    CONFIG_DEFAULT_PATH, PCAP_DEFAULT_MTU);
}

static void __attribute__((noreturn))
usage_error(const char *msg, const char *arg)
{
	if (msg != NULL)
		fprintf(stderr, "nat64d: %s%s%s\n", msg, arg ? ": " : "",
		    arg ? arg : "");
	synopsis(stderr);
	fputs("Try 'nat64d --help' for the options.\n", stderr);
	exit(1);
}

static void
set_mode(struct opts *o, enum mode m)
{
	if (o->mode == MODE_MKTUN && m == MODE_RMTUN)
		usage_error("--mktun and --rmtun cannot be used together", NULL);
	if (o->mode == MODE_RMTUN && m == MODE_MKTUN)
		usage_error("--mktun and --rmtun cannot be used together", NULL);
	if (o->mode != MODE_DAEMON && o->mode != m)
		usage_error("only one of --mktun, --rmtun, --check-config, "
		    "--dump-config and --translate-pcap may be given", NULL);
	o->mode = m;
}

static uint32_t
parse_mtu(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < IPV6_MIN_MTU ||
	    v > 65535)
		usage_error("--mtu: expected a number from 1280 to 65535", s);
	return (uint32_t)v;
}

static void
set_target(struct opts *o, enum log_target t)
{
	o->target = t;
	o->target_set = true;
}

/* One option; false for an unknown one. */
static bool
parse_opt(struct opts *o, int ch)
{
	switch (ch) {
	case 'c': o->conf = optarg; break;
	case 'd': o->debug = true; set_target(o, LOG_TO_STDERR); break;
	case 'n': o->nodetach = true; break;
	case 'u': o->user = optarg; break;
	case 'g': o->group = optarg; break;
	case 'r': o->chroot = true; break;
	case 'p': o->pidfile = optarg; break;
	case OPT_MKTUN: set_mode(o, MODE_MKTUN); break;
	case OPT_RMTUN: set_mode(o, MODE_RMTUN); break;
	case OPT_SYSLOG: set_target(o, LOG_TO_SYSLOG); break;
	case OPT_STDOUT: set_target(o, LOG_TO_STDOUT); break;
	case OPT_CHECK: set_mode(o, MODE_CHECK); break;
	case OPT_DUMP: set_mode(o, MODE_DUMP); break;
	case OPT_PCAP: set_mode(o, MODE_PCAP); o->pcap_in = optarg; break;
	case OPT_MTU: o->mtu = parse_mtu(optarg); break;
	case 'h': usage(stdout); exit(0);
	case 'V': printf("nat64d %s\n", NAT64D_VERSION); exit(0);
	default: return false;
	}
	return true;
}

static void
check_args(struct opts *o)
{
	if (o->mode == MODE_PCAP && o->pcap_out == NULL)
		usage_error("--translate-pcap needs IN and OUT", NULL);
	if (o->mtu != 0 && o->mode != MODE_PCAP)
		usage_error("--mtu applies only to --translate-pcap", NULL);
	if (o->chroot && (o->mode == MODE_MKTUN || o->mode == MODE_RMTUN))
		usage_error("--chroot cannot be used with --mktun or --rmtun",
		    NULL);
	/* The offline tools talk to the terminal unless told otherwise. */
	if (!o->target_set)
		o->target = o->mode == MODE_DAEMON ? LOG_TO_SYSLOG :
		    LOG_TO_STDERR;
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	int ch;

	memset(o, 0, sizeof(*o));
	o->conf = CONFIG_DEFAULT_PATH;
	while ((ch = getopt_long(argc, argv, "c:dnu:g:rp:hV", long_opts,
	    NULL)) != -1)
		if (!parse_opt(o, ch))
			usage_error(NULL, NULL);
	for (int i = optind; i < argc; i++) {
		if (argv[i][0] == '\0')
			continue;	/* clatd passes "" */
		if (o->mode == MODE_PCAP && o->pcap_out == NULL)
			o->pcap_out = argv[i];
		else
			usage_error("unexpected argument", argv[i]);
	}
	check_args(o);
}

/* ---- users, files, privileges */

static void
lookup_ids(const struct opts *o, struct ids *ids)
{
	ids->uid = (uid_t)-1;
	ids->gid = (gid_t)-1;
	if (o->user != NULL) {
		struct passwd *pw = getpwnam(o->user);

		if (pw == NULL)
			fatalx("-u %s: no such user", o->user);
		ids->uid = pw->pw_uid;
		ids->gid = pw->pw_gid;
	}
	if (o->group != NULL) {
		struct group *gr = getgrnam(o->group);

		if (gr == NULL)
			fatalx("-g %s: no such group", o->group);
		ids->gid = gr->gr_gid;
	}
}

/* data-dir holds dynamic.map; create it for the user we become. */
static void
prepare_data_dir(const struct config *c, const struct ids *ids)
{
	if (c->data_dir[0] == '\0')
		return;
	if (mkdir(c->data_dir, 0755) == -1) {
		if (errno != EEXIST)
			fatal("data-dir %s", c->data_dir);
		return;
	}
	log_info("created data-dir %s", c->data_dir);
	if ((ids->uid != (uid_t)-1 || ids->gid != (gid_t)-1) &&
	    chown(c->data_dir, ids->uid, ids->gid) == -1)
		fatal("chown %s", c->data_dir);
}

static int
pidfile_open(const char *path)
{
	int fd;

	if (path == NULL)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1)
		fatal("pidfile %s", path);
	return fd;
}

static void
pidfile_write(int fd, const char *path)
{
	if (fd == -1)
		return;
	if (dprintf(fd, "%ld\n", (long)getpid()) < 0)
		fatal("pidfile %s", path);
	close(fd);
}

static void
drop_privs(const struct opts *o, const struct ids *ids, struct nat64d *d)
{
	const char *dir = d->cfg->data_dir[0] != '\0' ? d->cfg->data_dir : "/";

	if (o->chroot) {
		if (chroot(dir) == -1)
			fatal("chroot %s", dir);
		dir = "/";
		d->chrooted = true;
		if (d->dynmap[0] != '\0')
			snprintf(d->dynmap, sizeof(d->dynmap), "/dynamic.map");
	}
	if (chdir(dir) == -1)
		fatal("chdir %s", dir);
	if (ids->gid != (gid_t)-1) {
		if (setgroups(0, NULL) == -1)
			fatal("setgroups");
		if (setresgid(ids->gid, ids->gid, ids->gid) == -1)
			fatal("setgid %lu", (unsigned long)ids->gid);
	}
	if (ids->uid != (uid_t)-1) {
		if (setresuid(ids->uid, ids->uid, ids->uid) == -1)
			fatal("setuid %lu", (unsigned long)ids->uid);
		/* Leaving root drops every capability; make sure. */
		if (ids->uid != 0 && (setuid(0) != -1 || seteuid(0) != -1))
			fatalx("privileges could be regained after setuid");
	}
	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/* ---- modes */

static struct config *
load_config(const char *path)
{
	struct config *c = config_load(path, stderr);

	if (c == NULL)
		log_warnx("%s: configuration invalid", path);
	return c;
}

static int
check_config(const char *path)
{
	struct config *c = config_load(path, stderr);

	if (c == NULL)
		return 1;
	printf("%s: configuration OK\n", path);
	config_free(c);
	return 0;
}

static int
persist_tun(const struct opts *o, const struct config *c)
{
	struct ids ids;
	bool make = o->mode == MODE_MKTUN;

	lookup_ids(o, &ids);
	if (tun_persist(c->tun_device, make, ids.uid, ids.gid) == -1)
		return 1;
	log_info("%s persistent tun device %s", make ? "Created" : "Removed",
	    c->tun_device);
	return 0;
}

static int
translate_pcap(const struct opts *o, struct nat64d *d)
{
	int rc;

	if (loop_core_init(d, o->mtu ? o->mtu : PCAP_DEFAULT_MTU,
	    PCAP_SEED) == -1)
		return 1;
	rc = loop_translate_pcap(d, o->pcap_in, o->pcap_out, o->debug);
	loop_core_free(d);
	return rc;
}

static uint32_t
random_seed(void)
{
	uint32_t seed;

	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint32_t)time(NULL) ^ (uint32_t)getpid();
	return seed;
}

static void
setup_tun(struct nat64d *d)
{
	if (tun_open_offload(&d->tun, d->cfg->tun_device,
	    d->cfg->offload) == -1)
		exit(1);
	log_info("TUN device %s, MTU %u", d->tun.name, d->tun.mtu);
	if (netlink_configure(d->cfg, d->tun.ifindex) == -1)
		exit(1);
}

static void
load_pool(struct nat64d *d)
{
	const struct config *c = d->cfg;

	if (d->pool == NULL || c->data_dir[0] == '\0')
		return;
	if ((size_t)snprintf(d->dynmap, sizeof(d->dynmap), "%s/dynamic.map",
	    c->data_dir) >= sizeof(d->dynmap))
		fatalx("data-dir %s: path too long", c->data_dir);
	/* Translating matters more than old leases: go on without them. */
	if (pool_load(d->pool, d->dynmap, time(NULL), loop_now_ms()) == -1)
		log_warnx("%s: starting with an empty dynamic pool", d->dynmap);
}

static int
run_daemon(const struct opts *o, struct nat64d *d)
{
	struct ids ids;
	int pidfd, rc;

	if (o->chroot && d->cfg->data_dir[0] == '\0')
		fatalx("--chroot needs data-dir in %s", o->conf);
	if (o->chroot && o->user == NULL)
		fatalx("--chroot needs -u USER (root can leave a chroot)");
	lookup_ids(o, &ids);
	notify_init();
	log_info("Starting nat64d %s", NAT64D_VERSION);
	prepare_data_dir(d->cfg, &ids);
	pidfd = pidfile_open(o->pidfile);
	setup_tun(d);
	if (clat_setup(d->cfg, d->tun.ifindex) == -1) {
		clat_teardown();
		return 1;
	}
	if (loop_core_init(d, d->tun.mtu, random_seed()) == -1 ||
	    autoprefix_start(d, loop_now_ms()) == -1) {
		clat_teardown();
		return 1;
	}
	load_pool(d);
	if (!o->debug && !o->nodetach && daemon(0, 0) == -1)
		fatal("daemon");
	pidfile_write(pidfd, o->pidfile);
	drop_privs(o, &ids, d);
	notify_ready();
	rc = loop_run(d);
	autoprefix_stop();
	clat_teardown();
	return rc;
}

int
main(int argc, char **argv)
{
	static char conf_abs[PATH_MAX];
	struct opts o;
	struct nat64d d;
	int rc;

	parse_args(argc, argv, &o);
	log_init(o.target, o.debug);
	if (o.mode == MODE_CHECK)
		return check_config(o.conf);
	memset(&d, 0, sizeof(d));
	d.tun.fd = -1;
	/* SIGHUP re-reads it after chdir("/"). */
	d.conf_path = realpath(o.conf, conf_abs) != NULL ? conf_abs : o.conf;
	if ((d.cfg = load_config(o.conf)) == NULL)
		return 1;
	switch (o.mode) {
	case MODE_DUMP:
		config_dump(d.cfg, stdout);
		rc = fflush(stdout) == 0 ? 0 : 1;
		break;
	case MODE_MKTUN:
	case MODE_RMTUN:
		rc = persist_tun(&o, d.cfg);
		break;
	case MODE_PCAP:
		return translate_pcap(&o, &d);
	default:
		rc = run_daemon(&o, &d);
		tun_close(&d.tun);
		loop_core_free(&d);
		return rc;
	}
	config_free(d.cfg);
	return rc;
}
