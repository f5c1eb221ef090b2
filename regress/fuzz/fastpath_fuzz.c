/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness: the fast path's eBPF program (parent/fastpath.bpf.c)
 * on any frame, run by the kernel (BPF_PROG_TEST_RUN), with one locked
 * IPv4 and one IPv6 leg in its maps.  What must hold: a frame that is
 * not the locked peer's UDP to our socket leaves untouched (or, if it
 * is anyone else's to that socket, dropped); the peer's leaves
 * redirected, rewritten to our other socket and the other peer, its
 * payload unchanged.  Needs root (CAP_BPF); without it every input is a
 * no-op and the harness says so once.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <linux/pkt_cls.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fastpath.h"
#include "fastpath.skel.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct fastpath_bpf	*skel;
static int			 prog = -1;

/* The legs: peer -> ours(in) becomes ours(out) -> other peer. */
static const char *const legs[2][5] = {
	{ "10.0.0.2", "10.0.0.1", "203.0.113.1", "203.0.113.2", "4" },
	{ "fd00:1::2", "fd00:1::1", "2001:db8:1::1", "2001:db8:1::2", "6" },
};
#define PEER_PORT	16000
#define IN_PORT		7070
#define OUT_PORT	7072
#define OTHER_PORT	26000

static void
addr(int fam, const char *s, uint8_t *a)
{
	memset(a, 0, 16);
	if (inet_pton(fam == 4 ? AF_INET : AF_INET6, s, a) != 1)
		abort();
}

static void
allow(int fam, const char *s, uint16_t port)
{
	struct fp_addr	a;
	struct fp_out	o;

	memset(&a, 0, sizeof(a));
	a.family = fam;
	a.port = htons(port);
	addr(fam, s, a.addr);
	memset(&o, 0, sizeof(o));
	o.ifindex = 1;
	o.tos = 46 << 2;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.allowed), &a, &o,
	    BPF_ANY) == -1)
		abort();
}

static void
leg(const char *const l[5])
{
	struct fp_key	k;
	struct fp_val	v;
	int		fam = l[4][0] - '0';

	allow(fam, l[1], IN_PORT);
	allow(fam, l[2], OUT_PORT);
	memset(&k, 0, sizeof(k));
	k.family = fam;
	addr(fam, l[0], k.saddr);
	addr(fam, l[1], k.daddr);
	k.sport = htons(PEER_PORT);
	k.dport = htons(IN_PORT);
	memset(&v, 0, sizeof(v));
	v.flags = FP_F_RTP;
	addr(fam, l[2], v.saddr);
	addr(fam, l[3], v.daddr);
	v.sport = htons(OUT_PORT);
	v.dport = htons(OTHER_PORT);
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.streams), &k, &v,
	    BPF_ANY) == -1)
		abort();
	memset(k.saddr, 0, sizeof(k.saddr));
	k.sport = 0;
	memset(&v, 0, sizeof(v));
	v.flags = FP_F_DROP;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.streams), &k, &v,
	    BPF_ANY) == -1)
		abort();
}

static int
quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return (0);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	libbpf_set_print(quiet);
	if ((skel = fastpath_bpf__open_and_load()) == NULL) {
		fprintf(stderr, "fastpath_fuzz: cannot load the program (not "
		    "root?): every input is a no-op\n");
		return (0);
	}
	prog = bpf_program__fd(skel->progs.siproxd_fastpath);
	leg(legs[0]);
	leg(legs[1]);
	return (0);
}

/* Is this frame the locked peer's UDP to our socket?  The L3 offset. */
static size_t
is_peer(const uint8_t *d, size_t n, int *fam)
{
	uint8_t	 a[16];
	size_t	 l3 = 14, l4;
	int	 f;

	if (n < 14 + 20)
		return (0);
	if (d[12] == 0x08 && d[13] == 0x00 && (d[l3] >> 4) == 4 &&
	    (d[l3] & 0xf) == 5 && d[l3 + 9] == 17) {
		f = 4;
		l4 = l3 + 20;
		addr(4, legs[0][0], a);
		if (memcmp(d + l3 + 12, a, 4) != 0)
			return (0);
		addr(4, legs[0][1], a);
		if (memcmp(d + l3 + 16, a, 4) != 0)
			return (0);
	} else if (d[12] == 0x86 && d[13] == 0xdd && n >= 14 + 40 &&
	    (d[l3] >> 4) == 6 && d[l3 + 6] == 17) {
		f = 6;
		l4 = l3 + 40;
		addr(6, legs[1][0], a);
		if (memcmp(d + l3 + 8, a, 16) != 0)
			return (0);
		addr(6, legs[1][1], a);
		if (memcmp(d + l3 + 24, a, 16) != 0)
			return (0);
	} else
		return (0);
	if (n < l4 + 8 || (d[l4] << 8 | d[l4 + 1]) != PEER_PORT ||
	    (d[l4 + 2] << 8 | d[l4 + 3]) != IN_PORT)
		return (0);
	*fam = f;
	return (l3);
}

static uint32_t
sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t	i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return (s);
}

static int
folds_to_ffff(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (s == 0xffff);
}

/*
 * The frame's checksums verify: the IPv4 header's, and the UDP one over
 * the pseudo-header, unless an IPv4 sender sent none.  BPF_PROG_TEST_RUN
 * gives the program a frame without offload, so every field is whole.
 */
static int
sums_ok(const uint8_t *p, int fam)
{
	size_t		l4 = fam == 4 ? 14 + 20 : 14 + 40;
	size_t		ulen = p[l4 + 4] << 8 | p[l4 + 5];
	uint32_t	s;

	if (fam == 4) {
		if (!folds_to_ffff(sum16(p + 14, 20, 0)))
			return (0);
		if (p[l4 + 6] == 0 && p[l4 + 7] == 0)
			return (1);
		s = sum16(p + 14 + 12, 8, 17 + ulen);
	} else
		s = sum16(p + 14 + 8, 32, 17 + ulen);
	return (folds_to_ffff(sum16(p + l4, ulen, s)));
}

/* A redirected frame: the other leg's addresses, the payload as it was. */
static void
check_rewrite(const uint8_t *in, const uint8_t *out, size_t n, int fam)
{
	uint8_t	a[16];
	size_t	l4 = fam == 4 ? 14 + 20 : 14 + 40;
	size_t	alen = fam == 4 ? 4 : 16;
	size_t	so = fam == 4 ? 14 + 12 : 14 + 8;

	addr(fam, legs[fam == 6][2], a);
	if (memcmp(out + so, a, alen) != 0)
		__builtin_trap();
	addr(fam, legs[fam == 6][3], a);
	if (memcmp(out + so + alen, a, alen) != 0)
		__builtin_trap();
	if ((out[l4] << 8 | out[l4 + 1]) != OUT_PORT ||
	    (out[l4 + 2] << 8 | out[l4 + 3]) != OTHER_PORT)
		__builtin_trap();
	if (memcmp(in + l4 + 8, out + l4 + 8, n - l4 - 8) != 0)
		__builtin_trap();
	/* a frame whose own sums verify must leave with sums that do */
	if (sums_ok(in, fam)) {
		if (!sums_ok(out, fam))
			__builtin_trap();
		if (getenv("FASTPATH_FUZZ_SAY") != NULL)
			fprintf(stderr, "checksums verify\n");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static uint8_t	out[4096];
	int		fam = 0, r;

	if (prog == -1 || len < 14 || len > 1500)
		return (0);
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = data,
	    .data_size_in = len, .data_out = out,
	    .data_size_out = sizeof(out), .repeat = 1);
	if (bpf_prog_test_run_opts(prog, &t) != 0)
		return (0);		/* the kernel refused the frame */
	r = t.retval;
	if (getenv("FASTPATH_FUZZ_SAY") != NULL)
		fprintf(stderr, "verdict %d\n", r);
	if (r == TC_ACT_OK) {
		/* untouched: whatever it was, the stack gets it as it came */
		if (t.data_size_out != len || memcmp(data, out, len) != 0)
			__builtin_trap();
		return (0);
	}
	if (r == TC_ACT_SHOT)
		return (0);
	if (r != TC_ACT_REDIRECT || is_peer(data, len, &fam) == 0)
		__builtin_trap();
	check_rewrite(data, out, len, fam);
	return (0);
}
