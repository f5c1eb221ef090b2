/* SPDX-License-Identifier: ISC */
/* The kernel fast path's maps, as the BPF program, the parent and rtpd see them. */

#ifndef SIPROXD_FASTPATH_H
#define SIPROXD_FASTPATH_H

/*
 * Included by parent/fastpath.bpf.c (clang -target bpf, which has the
 * uintN_t names from there) and by C code, which has them from here.
 * Addresses and ports are in network byte order, an IPv4 address in the
 * first 4 bytes of 16, the rest zero; every struct has its padding named,
 * so that a key is the same bytes wherever it is built.
 */
#ifndef __bpf__
#include <stdint.h>
#define FP_LOCK		uint32_t lock	/* the kernel's; never touched here */
#else
#define FP_LOCK		struct bpf_spin_lock lock
#endif

#define FP_AF_INET	4
#define FP_AF_INET6	6

/* One of our relay sockets; the parent's map of them ("allowed"). */
struct fp_addr {
	uint8_t		family;		/* FP_AF_* */
	uint8_t		pad;
	uint16_t	port;
	uint8_t		addr[16];
};

/* What the parent bound there: where it leaves and with which DSCP. */
struct fp_out {
	uint32_t	ifindex;
	uint8_t		tos;		/* rtp_dscp << 2, as the socket's */
	uint8_t		pad[3];
};

/* A packet's UDP 5-tuple: its source, and our socket it is sent to. */
struct fp_key {
	uint8_t		family;
	uint8_t		pad;
	uint16_t	sport;
	uint16_t	dport;
	uint16_t	pad2;
	uint8_t		saddr[16];
	uint8_t		daddr[16];
};

#define FP_F_DROP	0x01	/* saddr, sport 0: anyone else, dropped */
#define FP_F_RTP	0x02	/* count RTP sequence numbers (RFC 3550 A.1) */

/*
 * An entry of the stream map, written by rtpd: where the packets of the
 * key go (from our socket on the other side to the other leg's peer),
 * and what the program counts.  The sequence state is rtpd's rtp_seen,
 * handed over when the entry is made and taken back when it goes, so
 * that the loss and SSRC counts carry on as if rtpd had seen each packet.
 */
struct fp_val {
	FP_LOCK;
	uint8_t		flags;		/* FP_F_* */
	uint8_t		pad[3];
	uint16_t	sport;		/* new source: our socket */
	uint16_t	dport;		/* new destination: the peer */
	uint8_t		saddr[16];
	uint8_t		daddr[16];
	/* the program's, from 0 */
	uint64_t	packets;	/* relayed, or dropped with FP_F_DROP */
	uint64_t	bytes;		/* UDP payload */
	uint64_t	last_ns;	/* CLOCK_MONOTONIC of the last one */
	/* RFC 3550 A.1 without probation, as rtpd's struct rtp_seen */
	uint64_t	cycles;
	uint64_t	got;
	uint64_t	lost;
	uint32_t	ssrc;
	uint32_t	changes;
	uint16_t	base;
	uint16_t	max;
	uint32_t	have;
};

/* Room in the maps: two entries per relay socket, every port, both sides. */
#define FP_MAX_SOCKETS	(65536 * 2)
#define FP_MAX_ENTRIES	(FP_MAX_SOCKETS * 2)

#ifndef __bpf__
struct sockaddr;
uint8_t	fp_sockaddr(const struct sockaddr *, uint8_t *, uint16_t *);
#endif

#endif /* SIPROXD_FASTPATH_H */
