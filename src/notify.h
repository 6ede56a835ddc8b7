/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sd_notify(3) protocol without libsystemd. */
#ifndef NAT64D_NOTIFY_H
#define NAT64D_NOTIFY_H

/* Connect to $NOTIFY_SOCKET now, before chroot/setuid make it unreachable.
 * Later sends reuse the connection.  No-op without the variable. */
void notify_init(void);

/* Send state (e.g. "READY=1") to $NOTIFY_SOCKET (a path, or "@name" for
 * the abstract namespace).  Returns 1 sent, 0 no socket set, -1 error. */
int notify_send(const char *state);

void notify_ready(void);	/* READY=1 with STATUS= */
void notify_reloading(void);	/* RELOADING=1 with MONOTONIC_USEC= */
void notify_stopping(void);	/* STOPPING=1 */

#endif
