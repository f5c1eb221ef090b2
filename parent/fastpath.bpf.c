/* SPDX-License-Identifier: ISC */
/* The kernel fast path: UDP of a locked RTP leg, rewritten and sent on at tc. */

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

typedef __u8	uint8_t;
typedef __u16	uint16_t;
typedef __u32	uint32_t;
typedef __u64	uint64_t;

#include "fastpath.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* rtpd's: one entry per locked leg and socket (see fastpath.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, FP_MAX_ENTRIES);
	__type(key, struct fp_key);
	__type(value, struct fp_val);
} streams SEC(".maps");

/* The parent's: the sockets it bound for rtpd, and where each leaves. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, FP_MAX_SOCKETS);
	__type(key, struct fp_addr);
	__type(value, struct fp_out);
} allowed SEC(".maps");

#define ETH_LEN		sizeof(struct ethhdr)
#define IP4_CSUM	(ETH_LEN + offsetof(struct iphdr, check))
#define IP4_TOS		(ETH_LEN + offsetof(struct iphdr, tos))
#define IP4_TTL		(ETH_LEN + offsetof(struct iphdr, ttl))
#define IP4_SADDR	(ETH_LEN + offsetof(struct iphdr, saddr))
#define UDP4		(ETH_LEN + sizeof(struct iphdr))
#define IP6_SADDR	(ETH_LEN + offsetof(struct ipv6hdr, saddr))
#define IP6_HOPS	(ETH_LEN + offsetof(struct ipv6hdr, hop_limit))
#define UDP6		(ETH_LEN + sizeof(struct ipv6hdr))
#define CSUM_UDP	BPF_F_MARK_MANGLED_0	/* 0: IPv4 sender sent none */

/* What the packet says, before anything is written. */
struct fp_pkt {
	uint32_t	len;		/* UDP payload */
	uint32_t	ssrc;
	uint16_t	seq;
	uint8_t		rtp;		/* an RTP version 2 header follows */
	uint8_t		pad;
};

static __always_inline int
fp_allowed(uint8_t family, const uint8_t *addr, uint16_t port,
    struct fp_out **out)
{
	struct fp_addr	a = {};

	a.family = family;
	a.port = port;
	__builtin_memcpy(a.addr, addr, 16);
	*out = bpf_map_lookup_elem(&allowed, &a);
	return (*out != NULL);
}

static __always_inline uint64_t
fp_lost(const struct fp_val *v)
{
	uint64_t	want;

	if (!v->have)
		return (v->lost);
	want = v->cycles + v->max - v->base + 1;
	return (v->lost + (want > v->got ? want - v->got : 0));
}

/* rtpd's seen_rtp(), under the entry's lock. */
static __always_inline void
fp_seen(struct fp_val *v, const struct fp_pkt *p)
{
	uint16_t	d;

	if (!v->have || p->ssrc != v->ssrc) {
		if (v->have) {
			v->lost = fp_lost(v);
			v->changes++;
		}
		v->ssrc = p->ssrc;
		v->base = v->max = p->seq;
		v->cycles = 0;
		v->got = 1;
		v->have = 1;
		return;
	}
	v->got++;
	d = p->seq - v->max;
	if (d != 0 && d < 0x8000) {
		if (p->seq < v->max)
			v->cycles += 65536;
		v->max = p->seq;
	}
}

static __always_inline void
fp_count(struct fp_val *v, const struct fp_pkt *p)
{
	uint64_t	now = bpf_ktime_get_ns();

	bpf_spin_lock(&v->lock);
	v->packets++;
	v->bytes += p->len;
	v->last_ns = now;
	if (p->rtp && (v->flags & FP_F_RTP))
		fp_seen(v, p);
	bpf_spin_unlock(&v->lock);
}

/* The UDP payload's length and, if it is RTP, its SSRC and sequence. */
static __always_inline int
fp_udp(struct __sk_buff *skb, uint32_t off, struct fp_pkt *p)
{
	void		*data = (void *)(long)skb->data;
	void		*end = (void *)(long)skb->data_end;
	struct udphdr	*udp = data + off;
	uint8_t		*rtp = (uint8_t *)(udp + 1);
	uint16_t	 ulen;

	if ((void *)(udp + 1) > end)
		return (-1);
	ulen = bpf_ntohs(udp->len);
	if (ulen < sizeof(*udp) || off + ulen > skb->len)
		return (-1);
	p->len = ulen - sizeof(*udp);
	p->rtp = 0;
	if (p->len >= 12 && (void *)(rtp + 12) <= end && (rtp[0] >> 6) == 2) {
		p->rtp = 1;
		p->seq = (uint16_t)(rtp[2] << 8 | rtp[3]);
		p->ssrc = (uint32_t)rtp[8] << 24 | (uint32_t)rtp[9] << 16 |
		    (uint32_t)rtp[10] << 8 | rtp[11];
	}
	return (0);
}

/*
 * The entry for a packet to one of our sockets, and where it may leave:
 * the key's destination must be a socket the parent bound, and the new
 * source one too, whose interface and DSCP are the parent's, not rtpd's.
 * Whoever holds the stream map can write any entry, so this is what
 * keeps a compromised rtpd from making the kernel send as anyone else.
 * A packet from anyone but the locked peer hits the socket's FP_F_DROP
 * entry and goes no further, as rtpd would drop it; no entry: rtpd's.
 */
static __always_inline int
fp_lookup(const struct fp_key *k, struct fp_val **v, struct fp_out **out)
{
	struct fp_out	*in;
	struct fp_key	 any;

	if (!fp_allowed(k->family, k->daddr, k->dport, &in))
		return (TC_ACT_OK);
	if ((*v = bpf_map_lookup_elem(&streams, k)) != NULL) {
		if ((*v)->flags & FP_F_DROP)
			return (TC_ACT_OK);
		if (!fp_allowed(k->family, (*v)->saddr, (*v)->sport, out))
			return (TC_ACT_OK);
		return (-1);
	}
	any = *k;
	__builtin_memset(any.saddr, 0, sizeof(any.saddr));
	any.sport = 0;
	if ((*v = bpf_map_lookup_elem(&streams, &any)) == NULL ||
	    !((*v)->flags & FP_F_DROP))
		return (TC_ACT_OK);
	return (TC_ACT_SHOT);
}

static __always_inline int
fp_ip4(struct __sk_buff *skb)
{
	void		*data = (void *)(long)skb->data;
	void		*end = (void *)(long)skb->data_end;
	struct iphdr	*ip = data + ETH_LEN;
	struct udphdr	*udp = (struct udphdr *)(ip + 1);
	struct fp_key	 k = {};
	struct fp_val	*v;
	struct fp_out	*out;
	struct fp_pkt	 p;
	uint32_t	 old[3], new[3];	/* saddr, daddr, ports */
	uint16_t	 ow, nw;
	uint8_t		 tos;
	int		 r;

	if ((void *)(udp + 1) > end || ip->ihl != 5 || ip->version != 4 ||
	    ip->protocol != IPPROTO_UDP || ip->ttl <= 1 ||
	    (ip->frag_off & bpf_htons(0x3fff)) != 0)
		return (TC_ACT_OK);
	k.family = FP_AF_INET;
	__builtin_memcpy(k.saddr, &ip->saddr, 4);
	__builtin_memcpy(k.daddr, &ip->daddr, 4);
	k.sport = udp->source;
	k.dport = udp->dest;
	tos = ip->tos;
	if ((r = fp_lookup(&k, &v, &out)) == TC_ACT_OK)
		return (r);
	if (fp_udp(skb, UDP4, &p) == -1)
		return (TC_ACT_OK);
	fp_count(v, &p);
	if (r == TC_ACT_SHOT)
		return (r);

	__builtin_memcpy(&old[0], k.saddr, 4);
	__builtin_memcpy(&old[1], k.daddr, 4);
	old[2] = (uint32_t)k.sport | (uint32_t)k.dport << 16;
	__builtin_memcpy(&new[0], v->saddr, 4);
	__builtin_memcpy(&new[1], v->daddr, 4);
	new[2] = (uint32_t)v->sport | (uint32_t)v->dport << 16;
	/* tos and ttl each share a 16-bit word of the header sum */
	ow = bpf_htons((uint16_t)ip->version << 12 | ip->ihl << 8 | tos);
	nw = bpf_htons((uint16_t)ip->version << 12 | ip->ihl << 8 |
	    out->tos);
	ip = NULL;

	if (bpf_l4_csum_replace(skb, UDP4 + offsetof(struct udphdr, check),
	    old[0], new[0], BPF_F_PSEUDO_HDR | CSUM_UDP | 4) ||
	    bpf_l4_csum_replace(skb, UDP4 + offsetof(struct udphdr, check),
	    old[1], new[1], BPF_F_PSEUDO_HDR | CSUM_UDP | 4) ||
	    bpf_l4_csum_replace(skb, UDP4 + offsetof(struct udphdr, check),
	    old[2], new[2], CSUM_UDP | 4) ||
	    bpf_l3_csum_replace(skb, IP4_CSUM, old[0], new[0], 4) ||
	    bpf_l3_csum_replace(skb, IP4_CSUM, old[1], new[1], 4) ||
	    bpf_l3_csum_replace(skb, IP4_CSUM, ow, nw, 2))
		return (TC_ACT_SHOT);
	if (bpf_skb_store_bytes(skb, IP4_SADDR, new, 8, 0) ||
	    bpf_skb_store_bytes(skb, UDP4, &new[2], 4, 0) ||
	    bpf_skb_store_bytes(skb, IP4_TOS, &out->tos, 1, 0))
		return (TC_ACT_SHOT);
	/* one hop less, as any router: two relays pointed at each other
	   must not pass a packet round for ever */
	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;
	ip = data + ETH_LEN;
	if ((void *)(ip + 1) > end)
		return (TC_ACT_SHOT);
	ow = bpf_htons((uint16_t)ip->ttl << 8 | ip->protocol);
	ip->ttl--;
	nw = bpf_htons((uint16_t)ip->ttl << 8 | ip->protocol);
	if (bpf_l3_csum_replace(skb, IP4_CSUM, ow, nw, 2))
		return (TC_ACT_SHOT);
	return (bpf_redirect_neigh(out->ifindex, NULL, 0, 0));
}

/* The traffic class sits across the first two bytes of the header. */
static __always_inline void
fp_tclass(struct ipv6hdr *ip, uint8_t tos)
{
	ip->priority = tos >> 4;
	ip->flow_lbl[0] = (ip->flow_lbl[0] & 0x0f) | (tos & 0x0f) << 4;
}

static __always_inline int
fp_csum6(struct __sk_buff *skb, const uint8_t *o, const uint8_t *n)
{
	uint32_t	a, b;
	int		i;

#pragma unroll
	for (i = 0; i < 16; i += 4) {
		__builtin_memcpy(&a, o + i, 4);
		__builtin_memcpy(&b, n + i, 4);
		if (bpf_l4_csum_replace(skb, UDP6 +
		    offsetof(struct udphdr, check), a, b,
		    BPF_F_PSEUDO_HDR | CSUM_UDP | 4))
			return (-1);
	}
	return (0);
}

static __always_inline int
fp_ip6(struct __sk_buff *skb)
{
	void		*data = (void *)(long)skb->data;
	void		*end = (void *)(long)skb->data_end;
	struct ipv6hdr	*ip = data + ETH_LEN;
	struct udphdr	*udp = (struct udphdr *)(ip + 1);
	struct fp_key	 k = {};
	struct fp_val	*v;
	struct fp_out	*out;
	struct fp_pkt	 p;
	uint32_t	 op, np;
	uint8_t		 addrs[32];
	int		 r;

	if ((void *)(udp + 1) > end || ip->version != 6 ||
	    ip->nexthdr != IPPROTO_UDP || ip->hop_limit <= 1)
		return (TC_ACT_OK);
	k.family = FP_AF_INET6;
	__builtin_memcpy(k.saddr, &ip->saddr, 16);
	__builtin_memcpy(k.daddr, &ip->daddr, 16);
	k.sport = udp->source;
	k.dport = udp->dest;
	if ((r = fp_lookup(&k, &v, &out)) == TC_ACT_OK)
		return (r);
	if (fp_udp(skb, UDP6, &p) == -1)
		return (TC_ACT_OK);
	fp_count(v, &p);
	if (r == TC_ACT_SHOT)
		return (r);

	op = (uint32_t)k.sport | (uint32_t)k.dport << 16;
	np = (uint32_t)v->sport | (uint32_t)v->dport << 16;
	__builtin_memcpy(addrs, v->saddr, 16);
	__builtin_memcpy(addrs + 16, v->daddr, 16);
	if (fp_csum6(skb, k.saddr, v->saddr) ||
	    fp_csum6(skb, k.daddr, v->daddr) ||
	    bpf_l4_csum_replace(skb, UDP6 + offsetof(struct udphdr, check),
	    op, np, CSUM_UDP | 4))
		return (TC_ACT_SHOT);
	if (bpf_skb_store_bytes(skb, IP6_SADDR, addrs, 32, 0) ||
	    bpf_skb_store_bytes(skb, UDP6, &np, 4, 0))
		return (TC_ACT_SHOT);
	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;
	ip = data + ETH_LEN;
	if ((void *)(ip + 1) > end)
		return (TC_ACT_SHOT);
	fp_tclass(ip, out->tos);
	ip->hop_limit--;
	return (bpf_redirect_neigh(out->ifindex, NULL, 0, 0));
}

SEC("tc")
int
siproxd_fastpath(struct __sk_buff *skb)
{
	void		*data = (void *)(long)skb->data;
	void		*end = (void *)(long)skb->data_end;
	struct ethhdr	*eth = data;

	if ((void *)(eth + 1) > end || skb->gso_segs > 1)
		return (TC_ACT_OK);
	if (eth->h_proto == bpf_htons(ETH_P_IP))
		return (fp_ip4(skb));
	if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		return (fp_ip6(skb));
	return (TC_ACT_OK);
}
