/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Config loading.  Two readers (libconfuse's native syntax below, TAYGA's
 * lines in config_tayga.c) collect `directive value` items with their
 * file:line; validate_items() and finish() are the one validation path.
 * All diagnostics are collected, sorted by file and line, then printed.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/mman.h>

#include <confuse.h>

#include "addr.h"
#include "config_int.h"
#include "log.h"
#include "maps.h"

#define WUR		__attribute__((warn_unused_result))

#define DEF_OFFLINK_MTU	1280
#define MIN_MTU		1280	/* RFC 8200 5 */
#define MAX_MTU		65535
#define DEF_ICMP_RATE	100
#define DEF_ICMP_BURST	200
#define MAX_ICMP_RATE	1000000
#define DEF_DORMANT_S	7440	/* TAYGA's 2 h 4 min */
#define DEF_EXPIRE_S	1209600	/* TAYGA's 14 days */
#define MAX_WORKERS	64
#define NATIVE_MAX_INC	64
#define PFX_STRLEN	(INET6_ADDRSTRLEN + 5)
#define CLAT_DEF_OWN4	"192.0.0.2"	/* RFC 6877 / RFC 7335 */
#define CLAT_DEF_IPV4	"192.0.0.1"
#define CLAT_DEF_FALLBACK "64:ff9b::"	/* RFC 6052 2.1 well-known */

/* ---- diagnostics and the item list ---------------------------------- */

const char *
raw_file(struct raw *r, const char *path)
{
	char **n, *s;
	size_t i;

	for (i = 0; i < r->nfiles; i++)
		if (strcmp(r->files[i], path) == 0)
			return r->files[i];
	n = reallocarray(r->files, r->nfiles + 1, sizeof(*n));
	if (n == NULL || (s = strdup(path)) == NULL) {
		if (n != NULL)
			r->files = n;
		r->oom = true;
		return "?";
	}
	r->files = n;
	r->files[r->nfiles++] = s;
	return s;
}

static size_t
file_rank(const struct raw *r, const char *file)
{
	size_t i;

	for (i = 0; i < r->nfiles; i++)
		if (r->files[i] == file)
			return i;
	return r->nfiles;
}

void
raw_add(struct raw *r, const char *name, const char *value,
    const char *file, unsigned line, enum map_origin origin)
{
	struct raw_item *n, *it;

	n = reallocarray(r->items, r->nitems + 1, sizeof(*n));
	if (n == NULL) {
		r->oom = true;
		return;
	}
	r->items = n;
	it = &n[r->nitems];
	it->name = strdup(name);
	it->value = strdup(value);
	if (it->name == NULL || it->value == NULL) {
		free(it->name);
		free(it->value);
		r->oom = true;
		return;
	}
	it->file = file;
	it->line = line;
	it->origin = origin;
	r->nitems++;
}

void
raw_diag(struct raw *r, bool error, const char *file, unsigned line,
    const char *fmt, ...)
{
	struct raw_diag *n, *d;
	char body[1024];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	if (error)
		r->nerrors++;
	n = reallocarray(r->diags, r->ndiags + 1, sizeof(*n));
	if (n == NULL) {
		r->oom = true;
		return;
	}
	r->diags = n;
	d = &n[r->ndiags];
	d->rank = file_rank(r, file);
	d->line = line;
	d->seq = r->ndiags;
	d->error = error;
	if (line > 0)
		rc = asprintf(&d->text, "%s:%u: %s%s", file, line,
		    error ? "" : "warning: ", body);
	else
		rc = asprintf(&d->text, "%s: %s%s", file,
		    error ? "" : "warning: ", body);
	if (rc == -1) {
		r->oom = true;
		return;
	}
	r->ndiags++;
}

/* Whole-file diagnostics (line 0) go after that file's numbered lines. */
static int
diag_cmp(const void *a, const void *b)
{
	const struct raw_diag *x = a, *y = b;
	unsigned lx = x->line ? x->line : ~0u, ly = y->line ? y->line : ~0u;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
raw_print(struct raw *r, FILE *errf)
{
	size_t i;

	if (r->ndiags > 1)
		qsort(r->diags, r->ndiags, sizeof(*r->diags), diag_cmp);
	if (errf == NULL)
		return;
	for (i = 0; i < r->ndiags; i++)
		fprintf(errf, "%s\n", r->diags[i].text);
	fflush(errf);
}

static void
raw_free(struct raw *r)
{
	size_t i;

	for (i = 0; i < r->nitems; i++) {
		free(r->items[i].name);
		free(r->items[i].value);
	}
	for (i = 0; i < r->nfiles; i++)
		free(r->files[i]);
	for (i = 0; i < r->ndiags; i++)
		free(r->diags[i].text);
	free(r->items);
	free(r->files);
	free(r->diags);
}

/*
 * Read a whole file.  NULL with why filled in (strerror, or what is
 * wrong with the contents) when it cannot be used.
 */
static char *
slurp(const char *path, size_t *lenp, char *why, size_t whylen)
{
	char *buf;
	size_t len;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(why, whylen, "%s", strerror(errno));
		return NULL;
	}
	if ((buf = malloc(RAW_MAX_FILE + 1)) == NULL) {
		fclose(fp);
		snprintf(why, whylen, "%s", strerror(ENOMEM));
		return NULL;
	}
	len = fread(buf, 1, RAW_MAX_FILE + 1, fp);
	if (ferror(fp))
		snprintf(why, whylen, "%s", strerror(errno));
	else if (len > RAW_MAX_FILE)
		snprintf(why, whylen, "larger than %d bytes", RAW_MAX_FILE);
	else if (memchr(buf, '\0', len) != NULL)
		snprintf(why, whylen, "not text: it contains NUL bytes");
	else {
		fclose(fp);
		buf[len] = '\0';
		*lenp = len;
		return buf;
	}
	fclose(fp);
	free(buf);
	return NULL;
}

/* ---- the directive table -------------------------------------------- */

struct vctx;
enum repeat { REP_ONCE, REP_LAST, REP_MULTI };

struct directive {
	const char	*name;
	enum repeat	 rep;
	void		(*fn)(struct vctx *, const struct raw_item *);
};

enum {
	D_TUN_DEVICE, D_IPV4_ADDR, D_IPV6_ADDR, D_PREFIX, D_WKPF_STRICT,
	D_MAP, D_DYNAMIC_POOL, D_DATA_DIR, D_MAP_FILE, D_UDP_CKSUM, D_LOG,
	D_OFFLINK_MTU, D_TUN_UP, D_TUN_IP, D_TUN_ROUTE, D_STRICT_FRAG,
	D_WORKERS, D_ERR_POOL, D_ERR_IPV6, D_RATE, D_BURST, D_HAIRPIN,
	D_DORMANT, D_EXPIRE, D_PREFIX_FALLBACK, D_CLAT_UPLINK, D_CLAT_IPV4,
	D_CLAT_IPV6, D_CLAT_REACH, D_CLAT_ROUTE, D_OFFLOAD, D_COUNT
};

struct vctx {
	struct raw		*r;
	struct config		*c;
	struct maps		*m;
	const struct raw_item	*first[D_COUNT];
	bool			 have_err4, have_err6, bad_times;
};

static const struct directive directives[D_COUNT];

static const struct directive *
directive_find(const char *name)
{
	size_t i;

	for (i = 0; i < D_COUNT; i++)
		if (strcasecmp(directives[i].name, name) == 0)
			return &directives[i];
	return NULL;
}

/* ---- the native (libconfuse) reader ---------------------------------- */

struct native_inc {
	char		 proc[32];	/* what libconfuse calls the file */
	const char	*real;
	int		 fd;
	int		 parent;	/* index of the includer, -1: top */
};

/* libconfuse's callbacks carry no user pointer; loading is not reentrant
 * anyway (its lexer is global). */
static struct native_ctx {
	struct raw	*r;
	const char	*top;
	struct native_inc inc[NATIVE_MAX_INC];
	size_t		 ninc;
} *nctx;

/* Which include libconfuse is reading now; -1 for the top file. */
static int
native_inc_index(cfg_t *cfg)
{
	size_t i;

	for (i = 0; cfg->filename != NULL && i < nctx->ninc; i++)
		if (strcmp(nctx->inc[i].proc, cfg->filename) == 0)
			return (int)i;
	return -1;
}

static const char *
native_file(cfg_t *cfg)
{
	int i = native_inc_index(cfg);

	if (i >= 0)
		return nctx->inc[i].real;
	if (cfg->filename == NULL)
		return nctx->top;
	return raw_file(nctx->r, cfg->filename);
}

/* Is path already being read further up the include chain? */
static bool
native_inc_loops(int cur, const char *path)
{
	for (; cur >= 0; cur = nctx->inc[cur].parent)
		if (strcmp(nctx->inc[cur].real, path) == 0)
			return true;
	return strcmp(nctx->top, path) == 0;
}

static size_t
skip_quoted(const char *buf, size_t len, size_t i, unsigned *line)
{
	char q = buf[i++];

	while (i < len && buf[i] != q) {
		if (buf[i] == '\\' && i + 1 < len)
			i++;
		if (buf[i] == '\n')
			(*line)++;
		i++;
	}
	return i < len ? i + 1 : len;
}

/* Blank buf[i..] up to the end of the comment; newlines stay. */
static size_t
blank_comment(char *buf, size_t len, size_t i, unsigned *line)
{
	bool block = buf[i] == '/' && i + 1 < len && buf[i + 1] == '*';

	for (; i < len; i++) {
		if (block && buf[i] == '*' && i + 1 < len &&
		    buf[i + 1] == '/') {
			buf[i] = buf[i + 1] = ' ';
			return i + 2;
		}
		if (buf[i] == '\n') {
			if (!block)
				return i;
			(*line)++;
			continue;
		}
		buf[i] = ' ';
	}
	return len;
}

static bool
is_word_char(const char *buf, size_t len, size_t i)
{
	if (buf[i] == '/')
		return !(i + 1 < len && (buf[i + 1] == '/' ||
		    buf[i + 1] == '*'));
	return strchr(" #\"'\t\n\r={}()+,*", buf[i]) == NULL;
}

static void
native_name(struct raw *r, const char *file, unsigned line,
    const char *w, size_t wlen)
{
	char name[128];

	if (wlen >= sizeof(name))
		wlen = sizeof(name) - 1;
	memcpy(name, w, wlen);
	name[wlen] = '\0';
	if (strcasecmp(name, "include") != 0 && directive_find(name) == NULL)
		raw_add(r, name, "", file, line, MAP_ORIGIN_CONF);
}

/*
 * Two jobs before libconfuse sees the text.  Comments are blanked out,
 * because libconfuse 3.3 counts two extra lines for each `#` or `//`
 * comment and one for each C comment.  And words followed by `=`, `+=`
 * or `(` (statement names) that are no directive are recorded, because
 * libconfuse runs with CFGF_IGNORE_UNKNOWN so that an unknown name does
 * not end the parse and hide later errors.
 */
static void
native_prepare(struct raw *r, const char *file, char *buf, size_t len)
{
	size_t i = 0, w = 0, wlen = 0;
	unsigned line = 1, wline = 0;

	while (i < len) {
		char ch = buf[i];

		if (ch == '\n') {
			line++;
			i++;
		} else if (ch == ' ' || ch == '\t' || ch == '\r') {
			i++;
		} else if (ch == '#' || (ch == '/' && !is_word_char(buf, len,
		    i))) {
			i = blank_comment(buf, len, i, &line);
		} else if (ch == '"' || ch == '\'') {
			i = skip_quoted(buf, len, i, &line);
			wlen = 0;
		} else if (ch == '=' || ch == '(' || (ch == '+' && i + 1 <
		    len && buf[i + 1] == '=')) {
			if (wlen > 0)
				native_name(r, file, wline, buf + w, wlen);
			wlen = 0;
			i += ch == '+' ? 2 : 1;
		} else if (!is_word_char(buf, len, i)) {
			wlen = 0;
			i++;
		} else {
			for (w = i, wline = line; i < len &&
			    is_word_char(buf, len, i); i++)
				;
			wlen = i - w;
		}
	}
}

/* Every value is taken over as an item as soon as it is parsed, with the
 * line libconfuse is at; libconfuse itself keeps nothing.  So repeating
 * a list directive (or `+=`) appends, and repeats of others are seen. */
static int
native_take(cfg_t *cfg, cfg_opt_t *opt)
{
	unsigned i, n = cfg_opt_size(opt);

	for (i = 0; i < n; i++)
		raw_add(nctx->r, cfg_opt_name(opt), cfg_opt_getnstr(opt, i),
		    native_file(cfg), (unsigned)cfg->line, MAP_ORIGIN_CONF);
	cfg_free_value(opt);
	return 0;
}

static void __attribute__((format(printf, 2, 0)))
native_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	raw_diag(nctx->r, true, native_file(cfg),
	    cfg->line > 0 ? (unsigned)cfg->line : 0, "%s", msg);
}

static void
resolve_near(char *out, size_t outlen, const char *base, const char *name)
{
	const char *slash = strrchr(base, '/');

	if (name[0] == '/' || slash == NULL)
		snprintf(out, outlen, "%s", name);
	else
		snprintf(out, outlen, "%.*s/%s", (int)(slash - base), base,
		    name);
}

/*
 * include("file"), relative to the including file.  The text is
 * prepared like the top file and handed to libconfuse's own include
 * through a memfd, so nesting and its limit stay libconfuse's.  Our own
 * errors return 0: the parse goes on and later errors are reported too
 * (and libconfuse 3.3 leaks its lexer buffers when a parse fails inside
 * an include).
 */
static int
native_include(cfg_t *cfg, cfg_opt_t *opt, int argc, const char **argv)
{
	const char *cur = native_file(cfg), *proc;
	unsigned line = (unsigned)cfg->line;
	char path[PATH_MAX], why[128], *buf;
	struct native_inc *inc;
	size_t len;

	if (argc != 1 || nctx->ninc == NATIVE_MAX_INC) {
		raw_diag(nctx->r, true, cur, line, "directive 'include': "
		    "expected one file name and at most %d includes",
		    NATIVE_MAX_INC);
		return 0;
	}
	resolve_near(path, sizeof(path), cur, argv[0]);
	if (native_inc_loops(native_inc_index(cfg), path)) {
		raw_diag(nctx->r, true, cur, line, "directive 'include': "
		    "value '%s' is not a file outside the include chain; "
		    "expected no include loop", argv[0]);
		return 0;
	}
	if ((buf = slurp(path, &len, why, sizeof(why))) == NULL) {
		raw_diag(nctx->r, true, cur, line, "directive 'include': "
		    "value '%s' is not a readable file (%s: %s); expected a "
		    "config file", argv[0], path, why);
		return 0;
	}
	inc = &nctx->inc[nctx->ninc];
	inc->parent = native_inc_index(cfg);
	inc->real = raw_file(nctx->r, path);
	native_prepare(nctx->r, inc->real, buf, len);
	inc->fd = memfd_create("nat64d-include", MFD_CLOEXEC);
	if (inc->fd == -1 || write(inc->fd, buf, len) != (ssize_t)len) {
		raw_diag(nctx->r, true, cur, line, "directive 'include': "
		    "cannot buffer '%s' (%s)", argv[0], strerror(errno));
		if (inc->fd != -1)
			close(inc->fd);
		free(buf);
		return 0;
	}
	free(buf);
	snprintf(inc->proc, sizeof(inc->proc), "/proc/self/fd/%d", inc->fd);
	nctx->ninc++;
	proc = inc->proc;
	return cfg_include(cfg, opt, 1, &proc);
}

static cfg_opt_t native_opts[] = {
	CFG_STR("tun-device", NULL, CFGF_NODEFAULT),
	CFG_STR("ipv4-addr", NULL, CFGF_NODEFAULT),
	CFG_STR("ipv6-addr", NULL, CFGF_NODEFAULT),
	CFG_STR("prefix", NULL, CFGF_NODEFAULT),
	CFG_STR("wkpf-strict", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("map", NULL, CFGF_NODEFAULT),
	CFG_STR("dynamic-pool", NULL, CFGF_NODEFAULT),
	CFG_STR("data-dir", NULL, CFGF_NODEFAULT),
	CFG_STR("map-file", NULL, CFGF_NODEFAULT),
	CFG_STR("udp-cksum-mode", NULL, CFGF_NODEFAULT),
	CFG_STR("log", NULL, CFGF_NODEFAULT),
	CFG_STR("offlink-mtu", NULL, CFGF_NODEFAULT),
	CFG_STR("tun-up", NULL, CFGF_NODEFAULT),
	CFG_STR("offload", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("tun-ip", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("tun-route", NULL, CFGF_NODEFAULT),
	CFG_STR("strict-frag-hdr", NULL, CFGF_NODEFAULT),
	CFG_STR("workers", NULL, CFGF_NODEFAULT),
	CFG_STR("icmp-error-pool", NULL, CFGF_NODEFAULT),
	CFG_STR("icmp-error-ipv6", NULL, CFGF_NODEFAULT),
	CFG_STR("icmp-rate-limit", NULL, CFGF_NODEFAULT),
	CFG_STR("icmp-rate-burst", NULL, CFGF_NODEFAULT),
	CFG_STR("hairpin", NULL, CFGF_NODEFAULT),
	CFG_STR("pool-dormant-time", NULL, CFGF_NODEFAULT),
	CFG_STR("pool-expire-time", NULL, CFGF_NODEFAULT),
	CFG_STR("prefix-fallback", NULL, CFGF_NODEFAULT),
	CFG_STR("clat-uplink", NULL, CFGF_NODEFAULT),
	CFG_STR("clat-ipv4", NULL, CFGF_NODEFAULT),
	CFG_STR("clat-ipv6", NULL, CFGF_NODEFAULT),
	CFG_STR("clat-reach", NULL, CFGF_NODEFAULT),
	CFG_STR("clat-default-route", NULL, CFGF_NODEFAULT),
	CFG_FUNC("include", native_include),
	CFG_END()
};

static int
native_parse(struct raw *r, const char *file, char *buf, size_t len)
{
	struct native_ctx ctx = { .r = r, .top = file };
	unsigned before = r->nerrors;
	cfg_t *cfg;
	FILE *fp;
	size_t i;
	int rc;

	if ((cfg = cfg_init(native_opts, CFGF_NOCASE |
	    CFGF_IGNORE_UNKNOWN)) == NULL) {
		r->oom = true;
		return -1;
	}
	for (i = 0; native_opts[i].name != NULL; i++)
		if (native_opts[i].type != CFGT_FUNC)
			cfg_set_validate_func(cfg, native_opts[i].name,
			    native_take);
	cfg_set_error_function(cfg, native_error);
	cfg->filename = strdup(file);
	fp = fmemopen(buf, len, "r");
	nctx = &ctx;
	rc = (cfg->filename != NULL && fp != NULL) ?
	    cfg_parse_fp(cfg, fp) : CFG_PARSE_ERROR;
	nctx = NULL;
	if (fp != NULL)
		fclose(fp);
	cfg_free(cfg);
	for (i = 0; i < ctx.ninc; i++)
		close(ctx.inc[i].fd);
	if (rc != CFG_SUCCESS && r->nerrors == before)
		raw_diag(r, true, file, 0, "cannot be parsed");
	return rc == CFG_SUCCESS ? 0 : -1;
}

/* Returns -1 when the parse stopped early (a syntax error). */
static int
native_read(struct raw *r, const char *file, char *buf, size_t len)
{
	native_prepare(r, file, buf, len);
	if (len == 0)
		return 0;
	return native_parse(r, file, buf, len);
}

/* ---- value parsers --------------------------------------------------- */

enum pfx { PFX_OK, PFX_ADDR, PFX_LEN };

static WUR bool
parse_uint(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* addr[/len] of family af; without /len, len is deflen (-1: required). */
static WUR enum pfx
parse_prefix(const char *s, int af, void *addr, unsigned *len, int deflen)
{
	unsigned long max = af == AF_INET ? 32 : 128, v;
	char buf[PFX_STRLEN + 8], *slash;

	if (strlen(s) >= sizeof(buf) || strpbrk(s, " \t") != NULL)
		return PFX_ADDR;
	strcpy(buf, s);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	if (inet_pton(af, buf, addr) != 1)
		return PFX_ADDR;
	if (slash == NULL) {
		if (deflen < 0)
			return PFX_ADDR;
		*len = (unsigned)deflen;
		return PFX_OK;
	}
	if (!parse_uint(slash, 0, max, &v))
		return PFX_LEN;
	*len = (unsigned)v;
	return PFX_OK;
}

static WUR bool
parse_bool(const char *s, bool *out)
{
	static const char *yes[] = { "yes", "true", "on", "1" };
	static const char *no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

static struct in_addr
mask4(struct in_addr a, unsigned len)
{
	a.s_addr = htonl(ntohl(a.s_addr) & addr4_mask(len));
	return a;
}

static struct in6_addr
mask6(struct in6_addr a, unsigned len)
{
	unsigned i;

	for (i = 0; i < 16; i++) {
		if (len >= 8)
			len -= 8;
		else {
			a.s6_addr[i] &= (uint8_t)(0xff00 >> len);
			len = 0;
		}
	}
	return a;
}

static const char *
fmt_pfx(char *buf, int af, const void *a, unsigned len, bool showlen)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(af, a, s, sizeof(s));
	if (showlen)
		snprintf(buf, PFX_STRLEN, "%s/%u", s, len);
	else
		snprintf(buf, PFX_STRLEN, "%s", s);
	return buf;
}

/* ---- directive handlers ---------------------------------------------- */

static void __attribute__((format(printf, 5, 6)))
bad(struct vctx *v, const struct raw_item *it, const char *value,
    const char *thing, const char *expfmt, ...)
{
	char exp[512];
	va_list ap;

	va_start(ap, expfmt);
	vsnprintf(exp, sizeof(exp), expfmt, ap);
	va_end(ap);
	raw_diag(v->r, true, it->file, it->line, "directive '%s': value "
	    "'%s' is not %s; expected %s", it->name, value, thing, exp);
}

#define EXP_BOOL	"yes, no, true, false, on, off, 1 or 0"
#define EXP_RESV4	"an address outside 0.0.0.0/8, 127.0.0.0/8, " \
			"224.0.0.0/4 and 255.255.255.255"
#define EXP_RESV6	"an address outside ::/8, fe80::/10 and ff00::/8"

static WUR bool
get_addr4(struct vctx *v, const struct raw_item *it, struct in_addr *a)
{
	if (inet_pton(AF_INET, it->value, a) != 1) {
		bad(v, it, it->value, "an IPv4 address", "A.B.C.D");
		return false;
	}
	if (addr4_is_invalid(*a)) {
		bad(v, it, it->value, "a usable IPv4 address", EXP_RESV4);
		return false;
	}
	return true;
}

static WUR bool
get_addr6(struct vctx *v, const struct raw_item *it, struct in6_addr *a)
{
	if (inet_pton(AF_INET6, it->value, a) != 1) {
		bad(v, it, it->value, "an IPv6 address",
		    "an address such as 2001:db8::1");
		return false;
	}
	if (addr6_is_invalid(a)) {
		bad(v, it, it->value, "a usable IPv6 address", EXP_RESV6);
		return false;
	}
	return true;
}

/*
 * An IPv4 network: A.B.C.D[/len], len <= maxlen, no host bits, network
 * address not reserved.  word is the text being checked (part of
 * it->value for `map`).
 */
static WUR bool
get_net4(struct vctx *v, const struct raw_item *it, const char *word,
    unsigned maxlen, struct in_addr *a, unsigned *len)
{
	char want[PFX_STRLEN];

	switch (parse_prefix(word, AF_INET, a, len, 32)) {
	case PFX_ADDR:
		bad(v, it, word, "an IPv4 address or prefix",
		    "A.B.C.D or A.B.C.D/len");
		return false;
	case PFX_LEN:
		bad(v, it, word, "a valid IPv4 prefix length",
		    "/0 to /%u", maxlen);
		return false;
	case PFX_OK:
		break;
	}
	if (*len > maxlen) {
		bad(v, it, word, "a valid IPv4 prefix length", "/0 to /%u",
		    maxlen);
		return false;
	}
	if (mask4(*a, *len).s_addr != a->s_addr) {
		bad(v, it, word, "a network address (host bits set)", "%s",
		    fmt_pfx(want, AF_INET, &(struct in_addr){
		    mask4(*a, *len).s_addr }, *len, true));
		return false;
	}
	if (addr4_is_invalid(*a)) {
		bad(v, it, word, "a usable IPv4 prefix", EXP_RESV4);
		return false;
	}
	return true;
}

static WUR bool
get_net6(struct vctx *v, const struct raw_item *it, const char *word,
    int deflen, struct in6_addr *a, unsigned *len)
{
	char want[PFX_STRLEN];
	struct in6_addr m;

	switch (parse_prefix(word, AF_INET6, a, len, deflen)) {
	case PFX_ADDR:
		bad(v, it, word, deflen < 0 ? "an IPv6 prefix" :
		    "an IPv6 address or prefix", deflen < 0 ?
		    "X:X::/len such as 64:ff9b::/96" : "X:X::X or X:X::/len");
		return false;
	case PFX_LEN:
		bad(v, it, word, "a valid IPv6 prefix length", "/0 to /128");
		return false;
	case PFX_OK:
		break;
	}
	m = mask6(*a, *len);
	if (memcmp(&m, a, sizeof(m)) != 0) {
		bad(v, it, word, "a network address (host bits set)", "%s",
		    fmt_pfx(want, AF_INET6, &m, *len, true));
		return false;
	}
	if (addr6_is_invalid(a)) {
		bad(v, it, word, "a usable IPv6 prefix", EXP_RESV6);
		return false;
	}
	return true;
}

static WUR bool
get_ifname(struct vctx *v, const struct raw_item *it, char *out)
{
	const char *s = it->value;

	if (s[0] == '\0' || strlen(s) >= IFNAMSIZ) {
		bad(v, it, s, "a valid interface name", "1 to %d characters",
		    IFNAMSIZ - 1);
		return false;
	}
	if (strpbrk(s, "/: \t") != NULL || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0) {
		bad(v, it, s, "a valid interface name",
		    "a name without '/', ':' or blanks");
		return false;
	}
	strcpy(out, s);
	return true;
}

static void
d_tun_device(struct vctx *v, const struct raw_item *it)
{
	if (!get_ifname(v, it, v->c->tun_device))
		return;
}

static void
d_ipv4_addr(struct vctx *v, const struct raw_item *it)
{
	struct in_addr a;

	if (!get_addr4(v, it, &a))
		return;
	v->c->xlat.ipv4_addr = a;
	if ((ntohl(a.s_addr) & 0xffff0000) == 0xa9fe0000)
		raw_diag(v->r, false, it->file, it->line, "directive "
		    "'ipv4-addr': value '%s' is link-local (169.254.0.0/16)",
		    it->value);
}

static void
d_ipv6_addr(struct vctx *v, const struct raw_item *it)
{
	if (!get_addr6(v, it, &v->c->xlat.ipv6_addr))
		return;
}

/* RFC 6052 2.2: six lengths; bits 64-71 (the u-octet) must be zero. */
static WUR bool
get_prefix6052(struct vctx *v, const struct raw_item *it,
    struct in6_addr *out, uint8_t *outlen)
{
	char want[PFX_STRLEN];
	struct in6_addr a;
	unsigned len;
	enum pfx rc;

	rc = parse_prefix(it->value, AF_INET6, &a, &len, -1);
	if (rc == PFX_LEN || (rc == PFX_OK && !addr_prefix_len_ok(len))) {
		bad(v, it, it->value, "a valid RFC 6052 prefix length",
		    "/32, /40, /48, /56, /64 or /96");
		return false;
	}
	if (!get_net6(v, it, it->value, -1, &a, &len))
		return false;
	if (a.s6_addr[8] != 0) {
		a.s6_addr[8] = 0;
		bad(v, it, it->value, "a valid RFC 6052 prefix (bits 64 to 71 "
		    "must be zero)", "%s", fmt_pfx(want, AF_INET6, &a, len,
		    true));
		return false;
	}
	*out = a;
	*outlen = (uint8_t)len;
	return true;
}

/* `auto`: RFC 8781 / RFC 7050 discovery at run time (discover.c). */
static void
d_prefix(struct vctx *v, const struct raw_item *it)
{
	struct xlat_cfg *x = &v->c->xlat;

	if (strcasecmp(it->value, "auto") == 0) {
		v->c->prefix_auto = true;
		return;
	}
	if (get_prefix6052(v, it, &x->prefix, &x->prefix_len))
		x->has_prefix = true;
}

static void
d_prefix_fallback(struct vctx *v, const struct raw_item *it)
{
	struct config *c = v->c;

	if (get_prefix6052(v, it, &c->prefix_fallback,
	    &c->prefix_fallback_len))
		c->has_prefix_fallback = true;
}

static void
d_clat_uplink(struct vctx *v, const struct raw_item *it)
{
	if (get_ifname(v, it, v->c->clat.uplink))
		v->c->clat.enabled = true;
}

static void
d_clat_ipv4(struct vctx *v, const struct raw_item *it)
{
	if (!get_addr4(v, it, &v->c->clat.ipv4))
		return;
}

static void
d_clat_ipv6(struct vctx *v, const struct raw_item *it)
{
	struct config_clat *cl = &v->c->clat;

	if (strcasecmp(it->value, "auto") == 0) {
		cl->ipv6_auto = true;
		return;
	}
	if (!get_addr6(v, it, &cl->ipv6))
		return;
	cl->ipv6_auto = false;
}

static void
d_clat_reach(struct vctx *v, const struct raw_item *it)
{
	if (strcasecmp(it->value, "proxy-ndp") == 0)
		v->c->clat.reach = CLAT_REACH_PROXY_NDP;
	else if (strcasecmp(it->value, "route") == 0)
		v->c->clat.reach = CLAT_REACH_ROUTE;
	else if (strcasecmp(it->value, "none") == 0)
		v->c->clat.reach = CLAT_REACH_NONE;
	else
		bad(v, it, it->value, "a CLAT reachability mode",
		    "proxy-ndp, route or none");
}

static void
d_bool(struct vctx *v, const struct raw_item *it, bool *out)
{
	if (!parse_bool(it->value, out))
		bad(v, it, it->value, "a boolean", EXP_BOOL);
}

static void
d_wkpf_strict(struct vctx *v, const struct raw_item *it)
{
	d_bool(v, it, &v->c->xlat.wkpf_strict);
}

static void
d_tun_up(struct vctx *v, const struct raw_item *it)
{
	d_bool(v, it, &v->c->tun_up);
}

static void
d_offload(struct vctx *v, const struct raw_item *it)
{
	d_bool(v, it, &v->c->offload);
}

static void
d_clat_route(struct vctx *v, const struct raw_item *it)
{
	d_bool(v, it, &v->c->clat.default_route);
}

static void
d_strict_frag(struct vctx *v, const struct raw_item *it)
{
	raw_diag(v->r, false, it->file, it->line, "directive "
	    "'strict-frag-hdr' is deprecated and ignored");
}

static WUR bool
add_map(struct vctx *v, const struct raw_item *it, const struct eam *e)
{
	struct config *c = v->c;
	struct config_map *n, *cm;

	n = reallocarray(c->maps, c->nmaps + 1, sizeof(*n));
	if (n == NULL) {
		v->r->oom = true;
		return false;
	}
	c->maps = n;
	cm = &n[c->nmaps++];
	memset(cm, 0, sizeof(*cm));
	cm->eam = *e;
	cm->origin = it->origin;
	snprintf(cm->file, sizeof(cm->file), "%s", it->file);
	cm->line = it->line;
	return true;
}

/* RFC 7757 3: IPv4[/len] IPv6[/len]; suffix(IPv6) >= suffix(IPv4). */
static void
d_map(struct vctx *v, const struct raw_item *it)
{
	char w4[PFX_STRLEN + 8], w6[PFX_STRLEN + 8], extra[2], err[256];
	char thing[320];
	struct eam e = { 0 };
	unsigned l4, l6;

	if (sscanf(it->value, "%45s %50s %1s", w4, w6, extra) != 2) {
		bad(v, it, it->value, "a map entry", "IPv4[/len] IPv6[/len]");
		return;
	}
	if (!get_net4(v, it, w4, 32, &e.p4, &l4) ||
	    !get_net6(v, it, w6, 128, &e.p6, &l6))
		return;
	e.len4 = (uint8_t)l4;
	e.len6 = (uint8_t)l6;
	if (128 - l6 < 32 - l4) {
		bad(v, it, it->value, "a valid RFC 7757 mapping (IPv6 suffix "
		    "shorter than the IPv4 suffix)", "an IPv6 suffix of at "
		    "least %u bits, e.g. /%u", 32 - l4, 96 + l4);
		return;
	}
	if (maps_add(v->m, &e, err, sizeof(err)) != 0) {
		snprintf(thing, sizeof(thing), "a new mapping (%s)", err);
		bad(v, it, it->value, thing, "each IPv4 and each IPv6 prefix "
		    "mapped only once");
		return;
	}
	if (!add_map(v, it, &e))
		return;
}

static void
d_dynamic_pool(struct vctx *v, const struct raw_item *it)
{
	struct pool_params *p = &v->c->pool;
	unsigned len;

	if (!get_net4(v, it, it->value, 31, &p->net, &len))
		return;
	p->len = (uint8_t)len;
	v->c->has_pool = true;
}

static void
d_path(struct vctx *v, const struct raw_item *it, char *out, bool abs)
{
	if (it->value[0] == '\0' || strlen(it->value) >= PATH_MAX) {
		bad(v, it, it->value, "a usable path", "1 to %d characters",
		    PATH_MAX - 1);
		return;
	}
	if (abs && it->value[0] != '/') {
		bad(v, it, it->value, "an absolute path",
		    "a path starting with '/'");
		return;
	}
	strcpy(out, it->value);
}

static void
d_data_dir(struct vctx *v, const struct raw_item *it)
{
	d_path(v, it, v->c->data_dir, true);
}

/* Resolved in finish(), once data-dir is known. */
static void
d_map_file(struct vctx *v, const struct raw_item *it)
{
	d_path(v, it, v->c->map_file, false);
}

/* TAYGA accepts the prefixes dr*, calc*, forw* and fwd*. */
static void
d_udp_cksum(struct vctx *v, const struct raw_item *it)
{
	const char *s = it->value;

	if (strncasecmp(s, "dr", 2) == 0)
		v->c->xlat.udp_cksum = UDP_CKSUM_DROP;
	else if (strncasecmp(s, "calc", 4) == 0)
		v->c->xlat.udp_cksum = UDP_CKSUM_CALC;
	else if (strncasecmp(s, "fwd", 3) == 0 ||
	    strncasecmp(s, "forw", 4) == 0)
		v->c->xlat.udp_cksum = UDP_CKSUM_FWD;
	else
		bad(v, it, s, "a UDP checksum mode", "drop, fwd or calc");
}

static const struct {
	const char	*name;
	unsigned	 bit;
} logcats[] = {
	{ "drop", LOGCAT_DROP }, { "reject", LOGCAT_REJECT },
	{ "icmp", LOGCAT_ICMP }, { "self", LOGCAT_SELF },
	{ "dyn", LOGCAT_DYN },
};
#define NLOGCATS	(sizeof(logcats) / sizeof(logcats[0]))

static void
d_log(struct vctx *v, const struct raw_item *it)
{
	char *copy, *w, *save = NULL;
	unsigned mask = 0;
	size_t i;

	if ((copy = strdup(it->value)) == NULL) {
		v->r->oom = true;
		return;
	}
	for (w = strtok_r(copy, " \t", &save); w != NULL;
	    w = strtok_r(NULL, " \t", &save)) {
		for (i = 0; i < NLOGCATS; i++)
			if (strcasecmp(w, logcats[i].name) == 0)
				break;
		if (i == NLOGCATS)
			bad(v, it, w, "a log category",
			    "drop, reject, icmp, self or dyn");
		else
			mask |= logcats[i].bit;
	}
	free(copy);
	v->c->log_mask = mask;
}

static void
d_offlink_mtu(struct vctx *v, const struct raw_item *it)
{
	unsigned long n;

	if (!parse_uint(it->value, MIN_MTU, MAX_MTU, &n)) {
		bad(v, it, it->value, "an MTU in range", "%d to %d", MIN_MTU,
		    MAX_MTU);
		return;
	}
	v->c->xlat.offlink_mtu = (uint32_t)n;
}

static WUR bool
add_net(struct vctx *v, struct config_net **arr, size_t *n,
    const struct config_net *net)
{
	struct config_net *a;

	if ((a = reallocarray(*arr, *n + 1, sizeof(*a))) == NULL) {
		v->r->oom = true;
		return false;
	}
	a[(*n)++] = *net;
	*arr = a;
	return true;
}

/*
 * tun-ip takes an address with an optional length (192.0.2.1/24);
 * tun-route a network.  Neither refuses special ranges: a default route
 * (0.0.0.0/0) or a link-local address on the TUN are legitimate.
 */
static void
d_tun_net(struct vctx *v, const struct raw_item *it, bool route)
{
	struct config_net net = { 0 }, m;
	char want[PFX_STRLEN];
	unsigned len, max;
	enum pfx rc;

	net.family = strchr(it->value, ':') != NULL ? AF_INET6 : AF_INET;
	max = net.family == AF_INET ? 32 : 128;
	rc = parse_prefix(it->value, net.family, &net.addr, &len, (int)max);
	if (rc != PFX_OK) {
		if (rc == PFX_ADDR)
			bad(v, it, it->value, "an IPv4 or IPv6 address",
			    "address or address/len");
		else
			bad(v, it, it->value, "a valid prefix length",
			    "/0 to /%u", max);
		return;
	}
	net.len = (uint8_t)len;
	m = net;
	if (net.family == AF_INET)
		m.addr.v4 = mask4(net.addr.v4, len);
	else
		m.addr.v6 = mask6(net.addr.v6, len);
	if (route && memcmp(&m.addr, &net.addr, sizeof(m.addr)) != 0) {
		bad(v, it, it->value, "a network address (host bits set)",
		    "%s", fmt_pfx(want, m.family, &m.addr, len, true));
		return;
	}
	if (route) {
		if (!add_net(v, &v->c->tun_routes, &v->c->ntun_routes, &net))
			return;
	} else if (!add_net(v, &v->c->tun_ips, &v->c->ntun_ips, &net))
		return;
}

static void
d_tun_ip(struct vctx *v, const struct raw_item *it)
{
	d_tun_net(v, it, false);
}

static void
d_tun_route(struct vctx *v, const struct raw_item *it)
{
	d_tun_net(v, it, true);
}

/* Multi-queue workers are a TAYGA 0.9.6 feature; nat64d has one thread. */
static void
d_workers(struct vctx *v, const struct raw_item *it)
{
	unsigned long n;

	if (strcmp(it->value, "-1") != 0 &&
	    !parse_uint(it->value, 0, MAX_WORKERS, &n)) {
		bad(v, it, it->value, "a worker count", "-1 or 0 to %d",
		    MAX_WORKERS);
		return;
	}
	raw_diag(v->r, false, it->file, it->line, "directive 'workers' is "
	    "ignored: nat64d is single-threaded");
}

/* RFC 6791: sources for ICMPv4 errors from unmappable IPv6 routers. */
static void
d_err_pool(struct vctx *v, const struct raw_item *it)
{
	unsigned len;

	if (!get_net4(v, it, it->value, 32, &v->c->xlat.err4_pool, &len))
		return;
	v->c->xlat.err4_pool_len = (uint8_t)len;
	v->have_err4 = true;
}

static void
d_err_ipv6(struct vctx *v, const struct raw_item *it)
{
	if (get_addr6(v, it, &v->c->xlat.err6_addr))
		v->have_err6 = true;
}

static WUR bool
get_count(struct vctx *v, const struct raw_item *it, unsigned long min,
    unsigned long max, const char *thing, uint32_t *out)
{
	unsigned long n;

	if (!parse_uint(it->value, min, max, &n)) {
		bad(v, it, it->value, thing, "%lu to %lu", min, max);
		return false;
	}
	*out = (uint32_t)n;
	return true;
}

static void
d_rate(struct vctx *v, const struct raw_item *it)
{
	if (!get_count(v, it, 0, MAX_ICMP_RATE, "an error rate per second",
	    &v->c->xlat.icmp_rate))
		return;
}

static void
d_burst(struct vctx *v, const struct raw_item *it)
{
	if (!get_count(v, it, 1, MAX_ICMP_RATE, "a burst size",
	    &v->c->xlat.icmp_burst))
		return;
}

static void
d_hairpin(struct vctx *v, const struct raw_item *it)
{
	if (strcasecmp(it->value, "rfc7757") == 0)
		v->c->xlat.hairpin = HAIRPIN_RFC7757;
	else if (strcasecmp(it->value, "drop") == 0)
		v->c->xlat.hairpin = HAIRPIN_DROP;
	else
		bad(v, it, it->value, "a hairpin mode", "rfc7757 or drop");
}

static void
d_dormant(struct vctx *v, const struct raw_item *it)
{
	if (!get_count(v, it, 1, UINT32_MAX, "a time in seconds",
	    &v->c->pool.dormant_s))
		v->bad_times = true;
}

static void
d_expire(struct vctx *v, const struct raw_item *it)
{
	if (!get_count(v, it, 1, UINT32_MAX, "a time in seconds",
	    &v->c->pool.expire_s))
		v->bad_times = true;
}

static const struct directive directives[D_COUNT] = {
	[D_TUN_DEVICE]	= { "tun-device", REP_ONCE, d_tun_device },
	[D_IPV4_ADDR]	= { "ipv4-addr", REP_ONCE, d_ipv4_addr },
	[D_IPV6_ADDR]	= { "ipv6-addr", REP_ONCE, d_ipv6_addr },
	[D_PREFIX]	= { "prefix", REP_ONCE, d_prefix },
	[D_WKPF_STRICT]	= { "wkpf-strict", REP_LAST, d_wkpf_strict },
	[D_MAP]		= { "map", REP_MULTI, d_map },
	[D_DYNAMIC_POOL] = { "dynamic-pool", REP_ONCE, d_dynamic_pool },
	[D_DATA_DIR]	= { "data-dir", REP_ONCE, d_data_dir },
	[D_MAP_FILE]	= { "map-file", REP_ONCE, d_map_file },
	[D_UDP_CKSUM]	= { "udp-cksum-mode", REP_LAST, d_udp_cksum },
	[D_LOG]		= { "log", REP_ONCE, d_log },
	[D_OFFLINK_MTU]	= { "offlink-mtu", REP_ONCE, d_offlink_mtu },
	[D_TUN_UP]	= { "tun-up", REP_LAST, d_tun_up },
	[D_OFFLOAD]	= { "offload", REP_LAST, d_offload },
	[D_TUN_IP]	= { "tun-ip", REP_MULTI, d_tun_ip },
	[D_TUN_ROUTE]	= { "tun-route", REP_MULTI, d_tun_route },
	[D_STRICT_FRAG]	= { "strict-frag-hdr", REP_LAST, d_strict_frag },
	[D_WORKERS]	= { "workers", REP_ONCE, d_workers },
	[D_ERR_POOL]	= { "icmp-error-pool", REP_ONCE, d_err_pool },
	[D_ERR_IPV6]	= { "icmp-error-ipv6", REP_ONCE, d_err_ipv6 },
	[D_RATE]	= { "icmp-rate-limit", REP_ONCE, d_rate },
	[D_BURST]	= { "icmp-rate-burst", REP_ONCE, d_burst },
	[D_HAIRPIN]	= { "hairpin", REP_ONCE, d_hairpin },
	[D_DORMANT]	= { "pool-dormant-time", REP_ONCE, d_dormant },
	[D_EXPIRE]	= { "pool-expire-time", REP_ONCE, d_expire },
	[D_PREFIX_FALLBACK] = { "prefix-fallback", REP_ONCE, d_prefix_fallback },
	[D_CLAT_UPLINK]	= { "clat-uplink", REP_ONCE, d_clat_uplink },
	[D_CLAT_IPV4]	= { "clat-ipv4", REP_ONCE, d_clat_ipv4 },
	[D_CLAT_IPV6]	= { "clat-ipv6", REP_ONCE, d_clat_ipv6 },
	[D_CLAT_REACH]	= { "clat-reach", REP_ONCE, d_clat_reach },
	[D_CLAT_ROUTE]	= { "clat-default-route", REP_LAST, d_clat_route },
};

/* ---- the validation path --------------------------------------------- */

static void
validate_item(struct vctx *v, struct raw_item *it)
{
	const struct directive *d = directive_find(it->name);
	const struct raw_item *first;
	size_t idx;

	if (d == NULL) {
		raw_diag(v->r, true, it->file, it->line,
		    "unknown directive '%s'", it->name);
		return;
	}
	/* Messages use the canonical spelling (names are case-blind). */
	memcpy(it->name, d->name, strlen(d->name));
	idx = (size_t)(d - directives);
	if (it->origin == MAP_ORIGIN_MAPFILE && idx != D_MAP) {
		raw_diag(v->r, true, it->file, it->line, "directive '%s' is "
		    "not allowed in a map-file; expected only 'map' lines",
		    d->name);
		return;
	}
	first = v->first[idx];
	if (d->rep == REP_ONCE && first != NULL) {
		bad(v, it, it->value, "allowed a second time",
		    "'%s' only once (first at %s:%u)", d->name, first->file,
		    first->line);
		return;
	}
	if (first == NULL)
		v->first[idx] = it;
	d->fn(v, it);
}

static void
validate_items(struct vctx *v, size_t from)
{
	size_t i;

	for (i = from; i < v->r->nitems; i++)
		validate_item(v, &v->r->items[i]);
}

static void
missing(struct vctx *v, const char *file, const char *name,
    const char *expect)
{
	raw_diag(v->r, true, file, 0, "directive '%s' is missing; expected "
	    "%s", name, expect);
}

/* systemd's StateDirectory= may list several, colon-separated. */
static void
data_dir_from_env(struct config *c)
{
	const char *env = getenv("STATE_DIRECTORY");
	size_t n;

	if (c->data_dir[0] != '\0' || env == NULL || env[0] != '/')
		return;
	n = strcspn(env, ":");
	if (n < sizeof(c->data_dir))
		snprintf(c->data_dir, sizeof(c->data_dir), "%.*s", (int)n,
		    env);
}

/*
 * The RFC 6052 prefix plus ipv4-addr gives ipv6-addr when it is not
 * set, also for 64:ff9b::/96 with a non-global ipv4-addr such as clatd's
 * 192.0.0.2: only the translator itself uses that address (TAYGA #187
 * refuses it and breaks clatd).
 */
static void
own_addresses(struct vctx *v, const char *file)
{
	struct xlat_cfg *x = &v->c->xlat;

	if (v->first[D_TUN_DEVICE] == NULL)
		missing(v, file, "tun-device", "the TUN interface name");
	if (v->first[D_IPV4_ADDR] == NULL && !v->c->clat.enabled)
		missing(v, file, "ipv4-addr",
		    "the translator's own IPv4 address");
	if (v->first[D_IPV6_ADDR] == NULL) {
		if (v->c->prefix_auto && !x->has_prefix) {
			/* Embedded into the prefix once it is discovered. */
			v->c->ipv6_addr_derived = true;
			x->prefix_pending = true;
		} else if (x->has_prefix) {
			addr_embed4(&x->prefix, x->prefix_len, x->ipv4_addr,
			    &x->ipv6_addr);
			v->c->ipv6_addr_derived = true;
		} else if (v->first[D_PREFIX] == NULL)
			missing(v, file, "ipv6-addr", "the translator's own "
			    "IPv6 address (needed without 'prefix')");
	}
	if (!v->have_err4) {
		x->err4_pool = x->ipv4_addr;
		x->err4_pool_len = 32;
	}
	if (!v->have_err6) {
		x->err6_addr = x->ipv6_addr;
		v->c->err6_addr_derived = true;
	}
}

/* A clat-* or prefix-fallback directive that has no effect. */
static void
unused(struct vctx *v, int idx, const char *needs)
{
	const struct raw_item *it = v->first[idx];

	if (it != NULL)
		raw_diag(v->r, false, it->file, it->line, "directive '%s' is "
		    "ignored without %s", it->name, needs);
}

/*
 * RFC 6877 CLAT defaults, before own_addresses(): the translator's own
 * IPv4 is 192.0.0.2 and the host's 192.0.0.1 (RFC 7335), the PLAT's
 * prefix is discovered with the well-known prefix as the fallback.
 */
static void
clat_defaults(struct vctx *v)
{
	struct config *c = v->c;

	if (!c->clat.enabled) {
		unused(v, D_CLAT_IPV4, "clat-uplink");
		unused(v, D_CLAT_IPV6, "clat-uplink");
		unused(v, D_CLAT_REACH, "clat-uplink");
		unused(v, D_CLAT_ROUTE, "clat-uplink");
		if (!c->prefix_auto)
			unused(v, D_PREFIX_FALLBACK, "'prefix = auto'");
		return;
	}
	if (v->first[D_IPV4_ADDR] == NULL)
		inet_pton(AF_INET, CLAT_DEF_OWN4, &c->xlat.ipv4_addr);
	if (v->first[D_CLAT_IPV4] == NULL)
		inet_pton(AF_INET, CLAT_DEF_IPV4, &c->clat.ipv4);
	if (v->first[D_CLAT_IPV6] == NULL)
		c->clat.ipv6_auto = true;
	if (v->first[D_PREFIX] == NULL)
		c->prefix_auto = true;
	if (c->prefix_auto && !c->has_prefix_fallback) {
		inet_pton(AF_INET6, CLAT_DEF_FALLBACK, &c->prefix_fallback);
		c->prefix_fallback_len = 96;
		c->has_prefix_fallback = true;
	}
	if (!c->prefix_auto)
		unused(v, D_PREFIX_FALLBACK, "'prefix = auto'");
	if (v->first[D_TUN_UP] == NULL)
		c->tun_up = true;
}

/* A `map` of exactly clat-ipv4 wins (clatd writes one): its IPv6 side
 * is the CLAT's address. */
static const struct config_map *
clat_user_map(const struct config *c)
{
	for (size_t i = 0; i < c->nmaps; i++)
		if (c->maps[i].eam.len4 == 32 && c->maps[i].eam.len6 == 128 &&
		    c->maps[i].eam.p4.s_addr == c->clat.ipv4.s_addr)
			return &c->maps[i];
	return NULL;
}

static void
clat_map(struct vctx *v)
{
	struct config *c = v->c;
	const struct raw_item *it = v->first[D_CLAT_IPV6];
	const struct config_map *um = clat_user_map(c);
	struct eam e = { .p4 = c->clat.ipv4, .len4 = 32, .len6 = 128 };
	char err[256], thing[320], a6[INET6_ADDRSTRLEN];

	if (um != NULL) {
		if (it != NULL && !c->clat.ipv6_auto &&
		    memcmp(&um->eam.p6, &c->clat.ipv6, 16) != 0) {
			inet_ntop(AF_INET6, &um->eam.p6, a6, sizeof(a6));
			bad(v, it, it->value, "the IPv6 side of the map of "
			    "clat-ipv4", "%s (or no clat-ipv6)", a6);
			return;
		}
		c->clat.user_map = true;
		c->clat.ipv6_auto = false;
		c->clat.ipv6 = um->eam.p6;
		return;
	}
	if (c->clat.ipv6_auto)
		return;		/* clat.c adds it at start */
	e.p6 = c->clat.ipv6;
	if (maps_add(v->m, &e, err, sizeof(err)) != 0) {
		snprintf(thing, sizeof(thing), "a free address (%s)", err);
		bad(v, it, it->value, thing, "clat-ipv4 and clat-ipv6 in no "
		    "other map");
		return;
	}
	if (add_map(v, it, &e))
		c->maps[c->nmaps - 1].origin = MAP_ORIGIN_CLAT;
}

/* CLAT: clat-ipv4/32 on the TUN unless an IPv4 tun-ip is given. */
static void
clat_finish(struct vctx *v)
{
	struct config *c = v->c;
	struct config_net n = { .family = AF_INET, .len = 32 };
	const struct raw_item *up = v->first[D_CLAT_UPLINK];

	if (!c->clat.enabled)
		return;
	if (c->clat.ipv4.s_addr == c->xlat.ipv4_addr.s_addr) {
		bad(v, v->first[D_CLAT_IPV4] ? v->first[D_CLAT_IPV4] : up,
		    v->first[D_CLAT_IPV4] ? v->first[D_CLAT_IPV4]->value :
		    CLAT_DEF_IPV4, "an address other than ipv4-addr",
		    "the host's IPv4 address (default %s), not the "
		    "translator's own", CLAT_DEF_IPV4);
		return;
	}
	clat_map(v);
	for (size_t i = 0; i < c->ntun_ips; i++)
		if (c->tun_ips[i].family == AF_INET)
			return;
	n.addr.v4 = c->clat.ipv4;
	if (!add_net(v, &c->tun_ips, &c->ntun_ips, &n))
		return;
}

/* TAYGA holds ipv4-addr as a /32 map of its own: a `map` of exactly that
 * address would give the translator's address to another host. */
static void
own_map_clash(struct vctx *v)
{
	const struct in_addr self = v->c->xlat.ipv4_addr;
	const struct config_map *cm;
	char a4[INET_ADDRSTRLEN];
	size_t i;

	if (v->first[D_IPV4_ADDR] == NULL)
		return;
	for (i = 0; i < v->c->nmaps; i++) {
		cm = &v->c->maps[i];
		if (cm->eam.len4 != 32 || cm->eam.p4.s_addr != self.s_addr)
			continue;
		inet_ntop(AF_INET, &self, a4, sizeof(a4));
		raw_diag(v->r, true, cm->file, cm->line, "directive 'map': "
		    "IPv4 address '%s' is not free to map; expected an "
		    "address other than ipv4-addr, the translator's own", a4);
	}
}

static void
pool_times(struct vctx *v)
{
	const struct raw_item *it = v->first[D_EXPIRE];
	const struct pool_params *p = &v->c->pool;

	if (v->bad_times || p->expire_s >= p->dormant_s)
		return;
	if (it == NULL)
		it = v->first[D_DORMANT];
	bad(v, it, it->value, "a valid pool lifetime", "pool-expire-time "
	    "(%u) at least pool-dormant-time (%u)", p->expire_s,
	    p->dormant_s);
}

static WUR bool
map_file_path(struct vctx *v, const struct raw_item *it)
{
	struct config *c = v->c;
	char path[PATH_MAX * 2];

	if (c->map_file[0] == '/')
		return true;
	if (c->data_dir[0] == '\0') {
		bad(v, it, it->value, "an absolute path", "an absolute path, "
		    "or 'data-dir' (or $STATE_DIRECTORY) for a relative one");
		return false;
	}
	snprintf(path, sizeof(path), "%s/%s", c->data_dir, c->map_file);
	if (strlen(path) >= sizeof(c->map_file)) {
		bad(v, it, it->value, "a usable path", "data-dir/map-file "
		    "shorter than %d characters", PATH_MAX);
		return false;
	}
	strcpy(c->map_file, path);
	return true;
}

/* TAYGA #184: a file of `map` lines; relative to data-dir. */
static void
load_map_file(struct vctx *v)
{
	const struct raw_item *it = v->first[D_MAP_FILE];
	struct config *c = v->c;
	char why[128], thing[PATH_MAX + 160], *buf;
	size_t len, from;

	if (it == NULL || c->map_file[0] == '\0' || !map_file_path(v, it))
		return;
	if ((buf = slurp(c->map_file, &len, why, sizeof(why))) == NULL) {
		snprintf(thing, sizeof(thing), "a readable map file (%s: %s)",
		    c->map_file, why);
		bad(v, it, it->value, thing, "a file of 'map' lines");
		return;
	}
	from = v->r->nitems;
	tayga_read(v->r, raw_file(v->r, c->map_file), buf, len,
	    MAP_ORIGIN_MAPFILE);
	free(buf);
	validate_items(v, from);
}

static void
finish(struct vctx *v, const char *file)
{
	clat_defaults(v);
	own_addresses(v, file);
	pool_times(v);
	data_dir_from_env(v->c);
	load_map_file(v);
	own_map_clash(v);
	clat_finish(v);
	if (v->first[D_PREFIX] == NULL && v->first[D_MAP] == NULL &&
	    !v->c->clat.enabled)
		missing(v, file, "prefix", "an RFC 6052 prefix or at least "
		    "one 'map'");
}

static void
config_defaults(struct config *c)
{
	c->xlat.wkpf_strict = true;
	c->offload = true;
	c->xlat.udp_cksum = UDP_CKSUM_DROP;
	c->xlat.hairpin = HAIRPIN_RFC7757;
	c->xlat.mtu = 0;		/* the daemon reads the TUN's */
	c->xlat.offlink_mtu = DEF_OFFLINK_MTU;
	c->xlat.icmp_rate = DEF_ICMP_RATE;
	c->xlat.icmp_burst = DEF_ICMP_BURST;
	c->pool.dormant_s = DEF_DORMANT_S;
	c->pool.expire_s = DEF_EXPIRE_S;
	c->clat.reach = CLAT_REACH_PROXY_NDP;
	c->clat.default_route = true;
}

/* Returns true when the whole file was read (no syntax error). */
static bool
read_top(struct raw *r, struct config *c, const char *file)
{
	char why[128], *buf;
	bool complete = true;
	size_t len;

	if ((buf = slurp(file, &len, why, sizeof(why))) == NULL) {
		raw_diag(r, true, file, 0, "cannot be read (%s)", why);
		return false;
	}
	c->tayga_dialect = tayga_detect(buf, len);
	if (c->tayga_dialect)
		tayga_read(r, file, buf, len, MAP_ORIGIN_CONF);
	else
		complete = native_read(r, file, buf, len) == 0;
	free(buf);
	return complete;
}

struct config *
config_load(const char *path, FILE *errf)
{
	struct raw r = { 0 };
	struct vctx v = { .r = &r };
	const char *file = raw_file(&r, path);
	struct config *c;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (v.m = maps_new()) == NULL) {
		r.oom = true;
	} else if (strlen(path) >= sizeof(c->path)) {
		raw_diag(&r, true, file, 0, "cannot be read (%s)",
		    strerror(ENAMETOOLONG));
	} else {
		v.c = c;
		config_defaults(c);
		strcpy(c->path, path);
		/* After a syntax error the rest of the file is unknown:
		 * report what was read, but no missing directives. */
		if (read_top(&r, c, file)) {
			validate_items(&v, 0);
			finish(&v, file);
		} else
			validate_items(&v, 0);
	}
	if (r.oom)
		raw_diag(&r, true, file, 0, "cannot be loaded (%s)",
		    strerror(ENOMEM));
	raw_print(&r, errf);
	if (r.nerrors > 0) {
		config_free(c);
		c = NULL;
	}
	if (v.m != NULL)
		maps_free(v.m);
	raw_free(&r);
	return c;
}

void
config_free(struct config *c)
{
	if (c == NULL)
		return;
	free(c->maps);
	free(c->tun_ips);
	free(c->tun_routes);
	free(c);
}

struct maps *
config_build_maps(const struct config *c)
{
	struct maps *m;
	char err[256];
	size_t i;

	if ((m = maps_new()) == NULL)
		return NULL;
	for (i = 0; i < c->nmaps; i++) {
		if (maps_add(m, &c->maps[i].eam, err, sizeof(err)) != 0) {
			maps_free(m);
			return NULL;
		}
	}
	return m;
}

/* ---- --dump-config ----------------------------------------------------- */

/* A double-quoted libconfuse string: \ " and $ (${VAR}) escaped. */
static void
dump_str(FILE *f, const char *key, const char *s)
{
	fprintf(f, "%s = \"", key);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\' || *s == '$')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputs("\"\n", f);
}

static void
dump_maps(const struct config *c, FILE *f)
{
	char p4[PFX_STRLEN], p6[PFX_STRLEN];
	const struct eam *e;
	bool any = false;
	size_t i;

	for (i = 0; i < c->nmaps; i++) {
		if (c->maps[i].origin != MAP_ORIGIN_CONF)
			continue;
		e = &c->maps[i].eam;
		fprintf(f, "%s\t\"%s %s\"", any ? ",\n" : "map = {\n",
		    fmt_pfx(p4, AF_INET, &e->p4, e->len4, e->len4 != 32),
		    fmt_pfx(p6, AF_INET6, &e->p6, e->len6, e->len6 != 128));
		any = true;
	}
	if (any)
		fputs("\n}\n", f);
}

static void
dump_nets(FILE *f, const char *key, const struct config_net *n, size_t cnt)
{
	char buf[PFX_STRLEN];
	size_t i;

	for (i = 0; i < cnt; i++)
		fprintf(f, "%s%s\t\"%s\"", i ? ",\n" : key, i ? "" :
		    " = {\n", fmt_pfx(buf, n[i].family, &n[i].addr,
		    n[i].len, true));
	if (cnt > 0)
		fputs("\n}\n", f);
}

static void
dump_log(const struct config *c, FILE *f)
{
	const char *sep = "";
	size_t i;

	fputs("log = \"", f);
	for (i = 0; i < NLOGCATS; i++) {
		if (c->log_mask & logcats[i].bit) {
			fprintf(f, "%s%s", sep, logcats[i].name);
			sep = " ";
		}
	}
	fputs("\"\n", f);
}

static void
dump_xlat(const struct config *c, FILE *f)
{
	static const char *udp[] = { "drop", "fwd", "calc" };
	const struct xlat_cfg *x = &c->xlat;
	char buf[PFX_STRLEN];

	fprintf(f, "udp-cksum-mode = %s\n", udp[x->udp_cksum]);
	fprintf(f, "offlink-mtu = %u\n", x->offlink_mtu);
	fprintf(f, "hairpin = %s\n",
	    x->hairpin == HAIRPIN_DROP ? "drop" : "rfc7757");
	fprintf(f, "icmp-error-pool = %s\n", fmt_pfx(buf, AF_INET,
	    &x->err4_pool, x->err4_pool_len, true));
	if (!(c->prefix_auto && c->err6_addr_derived))
		fprintf(f, "icmp-error-ipv6 = %s\n", fmt_pfx(buf, AF_INET6,
		    &x->err6_addr, 128, false));
	fprintf(f, "icmp-rate-limit = %u\n", x->icmp_rate);
	fprintf(f, "icmp-rate-burst = %u\n", x->icmp_burst);
}

static void
dump_clat(const struct config *c, FILE *f)
{
	static const char *reach[] = { "proxy-ndp", "route", "none" };
	const struct config_clat *cl = &c->clat;
	char buf[PFX_STRLEN];

	if (!cl->enabled)
		return;
	dump_str(f, "clat-uplink", cl->uplink);
	fprintf(f, "clat-ipv4 = %s\n", fmt_pfx(buf, AF_INET, &cl->ipv4, 32,
	    false));
	if (cl->ipv6_auto)
		fputs("clat-ipv6 = auto\n", f);
	else if (!cl->user_map)
		fprintf(f, "clat-ipv6 = %s\n", fmt_pfx(buf, AF_INET6,
		    &cl->ipv6, 128, false));
	fprintf(f, "clat-reach = %s\n", reach[cl->reach]);
	fprintf(f, "clat-default-route = %s\n", cl->default_route ? "yes" :
	    "no");
}

void
config_dump(const struct config *c, FILE *f)
{
	const struct xlat_cfg *x = &c->xlat;
	char buf[PFX_STRLEN];

	fputs("# nat64d effective configuration\n", f);
	dump_str(f, "tun-device", c->tun_device);
	fprintf(f, "ipv4-addr = %s\n", fmt_pfx(buf, AF_INET, &x->ipv4_addr,
	    32, false));
	if (!(c->prefix_auto && c->ipv6_addr_derived))
		fprintf(f, "ipv6-addr = %s\n", fmt_pfx(buf, AF_INET6,
		    &x->ipv6_addr, 128, false));
	if (c->prefix_auto)
		fputs("prefix = auto\n", f);
	else if (x->has_prefix)
		fprintf(f, "prefix = %s\n", fmt_pfx(buf, AF_INET6,
		    &x->prefix, x->prefix_len, true));
	if (c->has_prefix_fallback)
		fprintf(f, "prefix-fallback = %s\n", fmt_pfx(buf, AF_INET6,
		    &c->prefix_fallback, c->prefix_fallback_len, true));
	fprintf(f, "wkpf-strict = %s\n", x->wkpf_strict ? "yes" : "no");
	dump_maps(c, f);
	if (c->map_file[0] != '\0')
		dump_str(f, "map-file", c->map_file);
	if (c->has_pool)
		fprintf(f, "dynamic-pool = %s\n", fmt_pfx(buf, AF_INET,
		    &c->pool.net, c->pool.len, true));
	fprintf(f, "pool-dormant-time = %u\n", c->pool.dormant_s);
	fprintf(f, "pool-expire-time = %u\n", c->pool.expire_s);
	if (c->data_dir[0] != '\0')
		dump_str(f, "data-dir", c->data_dir);
	dump_xlat(c, f);
	dump_log(c, f);
	fprintf(f, "tun-up = %s\n", c->tun_up ? "yes" : "no");
	fprintf(f, "offload = %s\n", c->offload ? "yes" : "no");
	dump_nets(f, "tun-ip", c->tun_ips, c->ntun_ips);
	dump_nets(f, "tun-route", c->tun_routes, c->ntun_routes);
	dump_clat(c, f);
}
