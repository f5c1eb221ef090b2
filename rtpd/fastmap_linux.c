/* SPDX-License-Identifier: ISC */
/* Linux: the four map operations rtpd may make on the fast path's map. */

#include <sys/types.h>
#include <sys/syscall.h>

#include <linux/bpf.h>

#include <string.h>
#include <unistd.h>

#include "rtpd.h"

/*
 * bpf(2) itself, not libbpf: rtpd's seccomp filter lets through only
 * these commands, and a library helper may issue others on its way.
 */
static int
fastmap_call(int cmd, int fd, const void *key, void *val, uint64_t flags)
{
	union bpf_attr	a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.key = (uint64_t)(uintptr_t)key;
	a.value = (uint64_t)(uintptr_t)val;
	a.flags = flags;
	return (syscall(SYS_bpf, cmd, &a, sizeof(a)) == -1 ? -1 : 0);
}

int
fastmap_update(int fd, const void *key, const void *val)
{
	return (fastmap_call(BPF_MAP_UPDATE_ELEM, fd, key, (void *)val,
	    BPF_ANY));
}

/* Under the entry's lock: counters and sequence state of one moment. */
int
fastmap_lookup(int fd, const void *key, void *val)
{
	return (fastmap_call(BPF_MAP_LOOKUP_ELEM, fd, key, val, BPF_F_LOCK));
}

int
fastmap_delete(int fd, const void *key)
{
	return (fastmap_call(BPF_MAP_DELETE_ELEM, fd, key, NULL, 0));
}
