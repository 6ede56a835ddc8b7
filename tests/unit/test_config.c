/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Config loader: golden files (bgpd regress style) and a few explicit
 * checks.  tests/config/bad/X.conf must fail with exactly X.err on the
 * error stream; tests/config/good/X.conf must load, print exactly X.warn
 * (or nothing) and dump exactly X.dump, and the dump must load back to
 * the same dump.  "@TOP@" in expected files stands for the repository
 * root.  Cases named mapfile-* and statedir-* run with $STATE_DIRECTORY
 * set to @TOP@/tests/config/data; all others without it.
 */
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "addr.h"
#include "config.h"
#include "maps.h"

#define GOLDEN		"tests/config"
#define MIN_BAD		40
#define MIN_GOOD	15

static char top[PATH_MAX];

static char *
read_text(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp, *mem;
	int ch;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	mem = open_memstream(&buf, &len);
	assert_non_null(mem);
	while ((ch = fgetc(fp)) != EOF)
		fputc(ch, mem);
	fclose(fp);
	fclose(mem);
	return buf;
}

/* Replace every @TOP@ with the repository root. */
static char *
subst_top(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	const char *p;

	assert_non_null(mem);
	while ((p = strstr(s, "@TOP@")) != NULL) {
		fwrite(s, 1, (size_t)(p - s), mem);
		fputs(top, mem);
		s = p + 5;
	}
	fputs(s, mem);
	fclose(mem);
	return buf;
}

static char *
expected(const char *dir, const char *name, const char *ext)
{
	char path[PATH_MAX], *raw, *out;

	snprintf(path, sizeof(path), GOLDEN "/%s/%s.%s", dir, name, ext);
	if ((raw = read_text(path)) == NULL)
		return NULL;
	out = subst_top(raw);
	free(raw);
	return out;
}

static void
case_env(const char *name)
{
	char dir[PATH_MAX + 32];

	if (strncmp(name, "mapfile-", 8) == 0 ||
	    strncmp(name, "statedir-", 9) == 0) {
		snprintf(dir, sizeof(dir), "%s/" GOLDEN "/data", top);
		setenv("STATE_DIRECTORY", dir, 1);
	} else
		unsetenv("STATE_DIRECTORY");
}

/* config_load with its error stream captured. */
static struct config *
load(const char *path, char **errs)
{
	struct config *c;
	size_t len = 0;
	FILE *mem;

	*errs = NULL;
	mem = open_memstream(errs, &len);
	assert_non_null(mem);
	c = config_load(path, mem);
	fclose(mem);
	return c;
}

static char *
dump(const struct config *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	assert_non_null(mem);
	config_dump(c, mem);
	fclose(mem);
	return buf;
}

static bool
check_text(const char *what, const char *name, const char *want,
    const char *got)
{
	if (strcmp(want, got) == 0)
		return true;
	print_error("%s: %s differ\n--- expected\n%s--- got\n%s", name,
	    what, want, got);
	return false;
}

/* Names of dir/X.conf, sorted; returns the count. */
static size_t
list_cases(const char *dir, char ***names)
{
	char path[PATH_MAX];
	struct dirent **ents;
	size_t n = 0, len;
	int i, cnt;

	snprintf(path, sizeof(path), GOLDEN "/%s", dir);
	cnt = scandir(path, &ents, NULL, alphasort);
	assert_true(cnt >= 0);
	*names = calloc((size_t)cnt + 1, sizeof(char *));
	assert_non_null(*names);
	for (i = 0; i < cnt; i++) {
		len = strlen(ents[i]->d_name);
		if (len > 5 && strcmp(ents[i]->d_name + len - 5, ".conf") == 0)
			(*names)[n++] = strndup(ents[i]->d_name, len - 5);
		free(ents[i]);
	}
	free(ents);
	return n;
}

static void
free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static bool
bad_case(const char *name)
{
	char path[PATH_MAX], *want, *errs;
	struct config *c;
	bool ok;

	case_env(name);
	snprintf(path, sizeof(path), GOLDEN "/bad/%s.conf", name);
	if ((want = expected("bad", name, "err")) == NULL) {
		print_error("%s: no .err file\n", path);
		return false;
	}
	c = load(path, &errs);
	ok = c == NULL;
	if (!ok)
		print_error("%s: loaded, expected errors\n", path);
	config_free(c);
	ok = check_text("errors", path, want, errs) && ok;
	free(want);
	free(errs);
	return ok;
}

static void
test_golden_bad(void **state)
{
	char **names;
	size_t i, n = list_cases("bad", &names);

	unsigned failed = 0;

	assert_true(n >= MIN_BAD);
	for (i = 0; i < n; i++)
		failed += !bad_case(names[i]);
	free_names(names, n);
	assert_int_equal(failed, 0);
}

/* Load the dump again: it must dump the same (the round trip). */
static bool
round_trip(const char *name, const char *first)
{
	char tmp[] = "/tmp/nat64d-config-XXXXXX", *errs, *second;
	struct config *c;
	bool ok;
	int fd;

	fd = mkstemp(tmp);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, first, strlen(first)),
	    (ssize_t)strlen(first));
	close(fd);
	c = load(tmp, &errs);
	unlink(tmp);
	if (c == NULL) {
		print_error("%s: dump does not load back:\n%s", name, errs);
		free(errs);
		return false;
	}
	second = dump(c);
	ok = !c->tayga_dialect &&
	    check_text("round-trip dumps", name, first, second);
	free(second);
	free(errs);
	config_free(c);
	return ok;
}

static bool
good_case(const char *name)
{
	char path[PATH_MAX], *want, *warn, *errs, *got;
	struct config *c;
	bool ok;

	case_env(name);
	snprintf(path, sizeof(path), GOLDEN "/good/%s.conf", name);
	if ((want = expected("good", name, "dump")) == NULL) {
		print_error("%s: no .dump file\n", path);
		return false;
	}
	warn = expected("good", name, "warn");
	if ((c = load(path, &errs)) == NULL) {
		print_error("%s: refused:\n%s", path, errs);
		free(errs);
		free(want);
		free(warn);
		return false;
	}
	ok = check_text("warnings", path, warn != NULL ? warn : "", errs);
	got = dump(c);
	ok = check_text("dumps", path, want, got) && ok;
	ok = round_trip(path, got) && ok;
	free(got);
	free(want);
	free(warn);
	free(errs);
	config_free(c);
	return ok;
}

static void
test_golden_good(void **state)
{
	char **names;
	size_t i, n = list_cases("good", &names);

	unsigned failed = 0;

	assert_true(n >= MIN_GOOD);
	for (i = 0; i < n; i++)
		failed += !good_case(names[i]);
	free_names(names, n);
	assert_int_equal(failed, 0);
}

static struct config *
load_ok(const char *path)
{
	struct config *c;
	char *errs;

	c = load(path, &errs);
	if (c == NULL)
		print_error("%s refused:\n%s", path, errs);
	assert_non_null(c);
	free(errs);
	return c;
}

static void
assert_addr6(const struct in6_addr *a, const char *want)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a, s, sizeof(s));
	assert_string_equal(s, want);
}

/* TAYGA's sample config, as TAYGA users have it. */
static void
test_tayga_sample(void **state)
{
	struct config *c;

	unsetenv("STATE_DIRECTORY");
	c = load_ok(GOLDEN "/good/tayga-sample.conf");
	assert_true(c->tayga_dialect);
	assert_string_equal(c->tun_device, "nat64");
	assert_string_equal(c->data_dir, "/var/lib/tayga");
	assert_int_equal(c->nmaps, 1);
	assert_addr6(&c->maps[0].eam.p6, "2001:db8:1:4444::1");
	assert_int_equal(c->maps[0].eam.len6, 128);
	assert_int_equal(c->maps[0].eam.len4, 32);
	assert_true(c->has_pool);
	assert_int_equal(c->pool.len, 24);
	assert_int_equal(ntohl(c->pool.net.s_addr), 0xc0a8ff00);
	assert_true(c->ipv6_addr_derived);
	config_free(c);
}

/* clatd writes this; TAYGA refuses it (#187), nat64d derives ipv6-addr. */
static void
test_clatd(void **state)
{
	struct config *c;

	unsetenv("STATE_DIRECTORY");
	c = load_ok(GOLDEN "/good/clatd.conf");
	assert_string_equal(c->tun_device, "clat");
	assert_true(c->xlat.wkpf_strict);
	assert_true(c->ipv6_addr_derived);
	assert_addr6(&c->xlat.ipv6_addr, "64:ff9b::c000:2");
	assert_addr6(&c->xlat.err6_addr, "64:ff9b::c000:2");
	assert_int_equal(c->nmaps, 1);
	assert_int_equal(ntohl(c->maps[0].eam.p4.s_addr), 0xc0000001);
	config_free(c);
}

static void
test_state_directory(void **state)
{
	struct config *c;

	setenv("STATE_DIRECTORY", "/run/nat64d-a:/run/nat64d-b", 1);
	c = load_ok(GOLDEN "/good/clatd.conf");
	assert_string_equal(c->data_dir, "/run/nat64d-a");
	config_free(c);
	/* An explicit data-dir wins over the environment. */
	c = load_ok(GOLDEN "/good/tayga-sample.conf");
	assert_string_equal(c->data_dir, "/var/lib/tayga");
	config_free(c);
	unsetenv("STATE_DIRECTORY");
	c = load_ok(GOLDEN "/good/clatd.conf");
	assert_string_equal(c->data_dir, "");
	config_free(c);
}

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

static void
test_three_errors(void **state)
{
	struct config *c;
	char *errs;

	unsetenv("STATE_DIRECTORY");
	c = load(GOLDEN "/bad/three-errors.conf", &errs);
	assert_null(c);
	assert_int_equal(count_lines(errs), 3);
	free(errs);
}

static void
test_mapfile(void **state)
{
	struct config *c;
	char want[PATH_MAX + 64], *errs;

	case_env("mapfile-ok");
	c = load_ok(GOLDEN "/good/mapfile-ok.conf");
	snprintf(want, sizeof(want), "%s/" GOLDEN "/data/good.map", top);
	assert_string_equal(c->map_file, want);
	assert_int_equal(c->nmaps, 3);
	assert_int_equal(c->maps[0].origin, MAP_ORIGIN_CONF);
	assert_int_equal(c->maps[1].origin, MAP_ORIGIN_MAPFILE);
	assert_string_equal(c->maps[1].file, want);
	assert_int_equal(c->maps[1].line, 2);
	assert_int_equal(c->maps[2].line, 4);
	config_free(c);
	c = load(GOLDEN "/bad/mapfile-badline.conf", &errs);
	assert_null(c);
	snprintf(want, sizeof(want), "%s/" GOLDEN "/data/bad.map:3: ", top);
	assert_non_null(strstr(errs, want));
	free(errs);
	unsetenv("STATE_DIRECTORY");
}

static void
test_build_maps(void **state)
{
	struct in_addr a4, back;
	struct in6_addr a6;
	struct config *c;
	struct maps *m;

	unsetenv("STATE_DIRECTORY");
	c = load_ok(GOLDEN "/good/eam-unequal.conf");
	m = config_build_maps(c);
	assert_non_null(m);
	assert_int_equal(maps_count(m), c->nmaps);
	inet_pton(AF_INET, "192.0.2.77", &a4);
	assert_true(maps_4to6(m, a4, &a6));
	assert_true(addr6_in_prefix(&a6, &c->maps[0].eam.p6, 104));
	back.s_addr = 0;
	assert_true(maps_6to4(m, &a6, &back));
	assert_int_equal(back.s_addr, a4.s_addr);
	inet_pton(AF_INET, "198.51.100.1", &a4);
	assert_false(maps_4to6(m, a4, &a6));
	maps_free(m);
	config_free(c);
}

static void
test_missing_file(void **state)
{
	struct config *c;
	char *errs;

	c = load(GOLDEN "/no-such.conf", &errs);
	assert_null(c);
	assert_string_equal(errs, GOLDEN "/no-such.conf: cannot be read "
	    "(No such file or directory)\n");
	free(errs);
}

static int
setup(void **state)
{
	const char *env = getenv("NAT64D_TOP");

	if (env != NULL && chdir(env) != 0)
		return -1;
	if (getcwd(top, sizeof(top)) == NULL)
		return -1;
	if (access(GOLDEN "/good", R_OK) != 0) {
		fprintf(stderr, "run from the repository root (or set "
		    "NAT64D_TOP)\n");
		return -1;
	}
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_bad),
		cmocka_unit_test(test_golden_good),
		cmocka_unit_test(test_tayga_sample),
		cmocka_unit_test(test_clatd),
		cmocka_unit_test(test_state_directory),
		cmocka_unit_test(test_three_errors),
		cmocka_unit_test(test_mapfile),
		cmocka_unit_test(test_build_maps),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
