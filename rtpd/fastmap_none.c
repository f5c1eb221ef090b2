/* SPDX-License-Identifier: ISC */
/* Systems without eBPF: no map; the parent never sends one. */

#include <sys/types.h>

#include <errno.h>

#include "rtpd.h"

int
fastmap_update(int fd, const void *key, const void *val)
{
	errno = ENOSYS;
	return (-1);
}

int
fastmap_lookup(int fd, const void *key, void *val)
{
	errno = ENOSYS;
	return (-1);
}

int
fastmap_delete(int fd, const void *key)
{
	errno = ENOSYS;
	return (-1);
}
