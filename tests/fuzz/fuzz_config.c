/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target over config_load(): the input is a config file (either
 * dialect; the detector decides), handed over as a memfd path.  Every
 * input must load or be refused with messages, never crash, and a config
 * that loads must dump and load again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "config.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
write_memfd(const void *p, size_t n, char *path, size_t cap)
{
	int fd = memfd_create("fuzzconf", MFD_CLOEXEC);

	if (fd == -1)
		abort();
	if (n && write(fd, p, n) != (ssize_t)n)
		abort();
	snprintf(path, cap, "/proc/self/fd/%d", fd);
	return fd;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct config *c, *c2;
	char path[64], path2[64], *dump = NULL;
	size_t dlen = 0;
	FILE *df;
	int fd, fd2;

	if (devnull == NULL) {
		log_init(LOG_TO_STDERR, false);
		/* Keep relative map-file/data-dir lookups away from real
		 * state: STATE_DIRECTORY is the data-dir fallback. */
		setenv("STATE_DIRECTORY", "/nonexistent-nat64d-fuzz", 1);
		if ((devnull = fopen("/dev/null", "w")) == NULL)
			abort();
	}
	if (size > 16384)
		return 0;
	fd = write_memfd(data, size, path, sizeof(path));
	c = config_load(path, devnull);
	close(fd);
	if (c == NULL)
		return 0;
	/* The dump of a loaded config is itself a valid config. */
	if ((df = open_memstream(&dump, &dlen)) == NULL)
		abort();
	config_dump(c, df);
	fclose(df);
	fd2 = write_memfd(dump, dlen, path2, sizeof(path2));
	c2 = config_load(path2, devnull);
	close(fd2);
	if (c2 == NULL && c->map_file[0] == '\0')
		abort();
	config_free(c2);
	config_free(c);
	free(dump);
	return 0;
}
