/* SPDX-License-Identifier: ISC */
/* Unit tests for the SDP reader and rewriter (sipd/sdp.c). */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sdp.h"
#include "unit.h"

static struct sockaddr_storage	 ss4, ss6;

static void
mkaddr(struct sockaddr_storage *ss, const char *s)
{
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &((struct sockaddr_in *)ss)->sin_addr) == 1)
		ss->ss_family = AF_INET;
	else if (inet_pton(AF_INET6, s,
	    &((struct sockaddr_in6 *)ss)->sin6_addr) == 1)
		ss->ss_family = AF_INET6;
	else
		fatalx("mkaddr %s", s);
}

/* "addr:port" or "[addr]:port" of a parsed address, "-" when none. */
static const char *
fmt(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == 0)
		return ("-");
	return (log_sa((const struct sockaddr *)ss));
}

static int
parse(struct sdp *sdp, const char *body)
{
	return (sdp_parse(sdp, body, strlen(body)));
}

/*
 * Parse body, rewrite it with addr and the ports, compare with want
 * (NULL: the rewrite must fail), and check that the output parses again.
 */
static int
rewrites(const char *body, const struct sockaddr_storage *addr,
    const uint16_t *rtp, const uint16_t *rtcp, const char *want)
{
	struct sdp	 sdp, again;
	struct sdp_subst sub;
	char		*out;
	size_t		 outlen;
	int		 ok, rv;

	if (parse(&sdp, body) == -1)
		return (0);
	sub.addr = (const struct sockaddr *)addr;
	sub.rtp_port = rtp;
	sub.rtcp_port = rtcp;
	rv = sdp_rewrite(body, strlen(body), &sdp, &sub, &out, &outlen);
	if (want == NULL) {
		sdp_clear(&sdp);
		return (rv == -1 && out == NULL);
	}
	ok = rv == 0 && outlen == strlen(want) &&
	    memcmp(out, want, outlen) == 0;
	if (!ok && rv == 0)
		printf("# got:\n%.*s# want:\n%s", (int)outlen, out, want);
	if (ok && sdp_parse(&again, out, outlen) == 0) {
		ok = again.nmedia == sdp.nmedia;
		sdp_clear(&again);
	} else
		ok = 0;
	free(out);
	sdp_clear(&sdp);
	return (ok);
}

static const char *audio =
	"v=0\r\n"
	"o=alice 2890844526 2890844526 IN IP4 10.0.0.2\r\n"
	"s=-\r\n"
	"c=IN IP4 10.0.0.2\r\n"
	"t=0 0\r\n"
	"m=audio 49170 RTP/AVP 0 8 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-15\r\n";

static void
t_audio(void)
{
	struct sdp	 sdp;
	uint16_t	 rtp[] = { 7070 };
	int		 ok;

	ok = parse(&sdp, audio) == 0 && sdp.nmedia == 1 &&
	    strcmp(sdp.media[0].media, "audio") == 0 &&
	    strcmp(sdp.media[0].proto, "RTP/AVP") == 0 &&
	    sdp.media[0].port == 49170 && sdp.media[0].nports == 1 &&
	    strcmp(fmt(&sdp.media[0].addr), "10.0.0.2:49170") == 0 &&
	    strcmp(fmt(&sdp.session_addr), "10.0.0.2:0") == 0 &&
	    strcmp(fmt(&sdp.origin_addr), "10.0.0.2:0") == 0 &&
	    sdp.media[0].dir == SDP_SENDRECV && !sdp.media[0].hold &&
	    sdp.media[0].rtcp_port == 0 && !sdp.media[0].rtcp_mux;
	CHECK(ok, "plain audio offer parses");
	sdp_clear(&sdp);
	CHECK(rewrites(audio, &ss4, rtp, NULL,
	    "v=0\r\n"
	    "o=alice 2890844526 2890844526 IN IP4 203.0.113.1\r\n"
	    "s=-\r\n"
	    "c=IN IP4 203.0.113.1\r\n"
	    "t=0 0\r\n"
	    "m=audio 7070 RTP/AVP 0 8 101\r\n"
	    "a=rtpmap:0 PCMU/8000\r\n"
	    "a=rtpmap:101 telephone-event/8000\r\n"
	    "a=fmtp:101 0-15\r\n"), "plain audio offer rewritten");
}

static void
t_identity(void)
{
	struct sdp	 sdp;
	struct sdp_subst sub;
	char		*out = NULL;
	size_t		 outlen;
	const char	*odd =
	    "v=0\r\n"
	    "o=- 1 1 IN IP4 10.0.0.2\r\n"
	    "s=  spaces  kept \r\n"
	    "b=AS:64\r\n"
	    "t=0 0\r\n"
	    "m=audio  5004   RTP/AVP  0\r\n"
	    "c=IN  IP4   10.0.0.2 \r\n"
	    "a=x-unknown:\xc3\xa9t\xc3\xa9\r\n"
	    "a=ptime:20";

	memset(&sub, 0, sizeof(sub));
	CHECK(parse(&sdp, odd) == 0 && sdp_rewrite(odd, strlen(odd), &sdp,
	    &sub, &out, &outlen) == 0 && outlen == strlen(odd) &&
	    memcmp(out, odd, outlen) == 0, "no substitution copies every byte");
	free(out);
	sdp_clear(&sdp);
	CHECK(rewrites(odd, &ss4, (uint16_t[]){ 30000 }, NULL,
	    "v=0\r\n"
	    "o=- 1 1 IN IP4 203.0.113.1\r\n"
	    "s=  spaces  kept \r\n"
	    "b=AS:64\r\n"
	    "t=0 0\r\n"
	    "m=audio  30000   RTP/AVP  0\r\n"
	    "c=IN  IP4   203.0.113.1 \r\n"
	    "a=x-unknown:\xc3\xa9t\xc3\xa9\r\n"
	    "a=ptime:20"),
	    "odd spacing, UTF-8 and a missing last line ending are kept");
}

static const char *av =
	"v=0\r\n"
	"o=bob 1 2 IN IP4 192.168.1.20\r\n"
	"s=call\r\n"
	"c=IN IP4 192.168.1.20\r\n"
	"t=0 0\r\n"
	"m=audio 4000 RTP/AVP 0\r\n"
	"m=video 4002/2 RTP/AVP 96\r\n"
	"c=IN IP4 192.168.1.21\r\n"
	"a=rtpmap:96 H264/90000\r\n";

static void
t_audio_video(void)
{
	struct sdp	 sdp;
	uint16_t	 rtp[] = { 30000, 30002 };
	int		 ok;

	ok = parse(&sdp, av) == 0 && sdp.nmedia == 2 &&
	    strcmp(sdp.media[1].media, "video") == 0 &&
	    sdp.media[1].port == 4002 && sdp.media[1].nports == 2 &&
	    strcmp(fmt(&sdp.media[0].addr), "192.168.1.20:4000") == 0;
	CHECK(ok, "audio+video parses, m= port count");
	CHECK(ok && strcmp(fmt(&sdp.media[1].addr), "192.168.1.21:4002") == 0,
	    "media-level c= overrides the session c=");
	sdp_clear(&sdp);
	CHECK(rewrites(av, &ss4, rtp, NULL,
	    "v=0\r\n"
	    "o=bob 1 2 IN IP4 203.0.113.1\r\n"
	    "s=call\r\n"
	    "c=IN IP4 203.0.113.1\r\n"
	    "t=0 0\r\n"
	    "m=audio 30000 RTP/AVP 0\r\n"
	    "m=video 30002/2 RTP/AVP 96\r\n"
	    "c=IN IP4 203.0.113.1\r\n"
	    "a=rtpmap:96 H264/90000\r\n"),
	    "audio+video rewritten, /2 kept, both c= rewritten");
}

static void
t_session_c(void)
{
	struct sdp	 sdp;
	const char	*b =
	    "v=0\r\no=- 1 1 IN IP4 10.1.1.1\r\ns=-\r\nc=IN IP4 10.1.1.9\r\n"
	    "t=0 0\r\nm=audio 6000 RTP/AVP 0\r\nm=video 6002 RTP/AVP 31\r\n";
	const char	*none =
	    "v=0\r\no=- 1 1 IN IP4 10.1.1.1\r\ns=-\r\nt=0 0\r\n"
	    "m=audio 6000 RTP/AVP 0\r\n";

	CHECK(parse(&sdp, b) == 0 && sdp.nmedia == 2 &&
	    strcmp(fmt(&sdp.media[0].addr), "10.1.1.9:6000") == 0 &&
	    strcmp(fmt(&sdp.media[1].addr), "10.1.1.9:6002") == 0,
	    "session-level c= only: every stream uses it");
	sdp_clear(&sdp);
	CHECK(parse(&sdp, none) == 0 && sdp.media[0].addr.ss_family == 0 &&
	    sdp.session_addr.ss_family == 0, "no c= at all: family 0");
	sdp_clear(&sdp);
}

static void
t_rtcp(void)
{
	struct sdp	 sdp;
	const char	*b =
	    "v=0\r\no=- 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\n"
	    "t=0 0\r\n"
	    "m=audio 49170 RTP/AVP 0\r\na=rtcp:53020 IN IP4 10.0.0.3\r\n"
	    "m=video 49172 RTP/AVP 31\r\na=rtcp:49999\r\n";
	int		 ok;

	ok = parse(&sdp, b) == 0 && sdp.nmedia == 2 &&
	    sdp.media[0].rtcp_port == 53020 &&
	    strcmp(fmt(&sdp.media[0].rtcp_addr), "10.0.0.3:53020") == 0;
	CHECK(ok, "a=rtcp with address parses");
	CHECK(ok && sdp.media[1].rtcp_port == 49999 &&
	    sdp.media[1].rtcp_addr.ss_family == 0,
	    "a=rtcp without address parses");
	sdp_clear(&sdp);
	CHECK(rewrites(b, &ss4, (uint16_t[]){ 30000, 30010 }, NULL,
	    "v=0\r\no=- 1 1 IN IP4 203.0.113.1\r\ns=-\r\n"
	    "c=IN IP4 203.0.113.1\r\nt=0 0\r\n"
	    "m=audio 30000 RTP/AVP 0\r\na=rtcp:30001 IN IP4 203.0.113.1\r\n"
	    "m=video 30010 RTP/AVP 31\r\na=rtcp:30011\r\n"),
	    "a=rtcp rewritten to rtp+1 when no RTCP ports are given");
	CHECK(rewrites(b, &ss6, (uint16_t[]){ 30000, 30010 },
	    (uint16_t[]){ 40001, 40011 },
	    "v=0\r\no=- 1 1 IN IP6 2001:db8::1\r\ns=-\r\n"
	    "c=IN IP6 2001:db8::1\r\nt=0 0\r\n"
	    "m=audio 30000 RTP/AVP 0\r\na=rtcp:40001 IN IP6 2001:db8::1\r\n"
	    "m=video 30010 RTP/AVP 31\r\na=rtcp:40011\r\n"),
	    "a=rtcp rewritten to the given RTCP ports, IP4 to IP6");
	CHECK(rewrites(b, &ss4, NULL, NULL,
	    "v=0\r\no=- 1 1 IN IP4 203.0.113.1\r\ns=-\r\n"
	    "c=IN IP4 203.0.113.1\r\nt=0 0\r\n"
	    "m=audio 49170 RTP/AVP 0\r\na=rtcp:53020 IN IP4 203.0.113.1\r\n"
	    "m=video 49172 RTP/AVP 31\r\na=rtcp:49999\r\n"),
	    "no ports given: m= and a=rtcp ports kept");
	CHECK(rewrites(b, &ss4, (uint16_t[]){ 65535, 30010 }, NULL, NULL),
	    "rtp port 65535 without an RTCP port fails");
}

static void
t_rtcp_mux(void)
{
	struct sdp	 sdp;
	const char	*b =
	    "v=0\r\no=- 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\n"
	    "t=0 0\r\nm=audio 49170 RTP/AVP 0\r\na=rtcp-mux\r\n"
	    "m=video 49172 RTP/AVP 31\r\n";

	CHECK(parse(&sdp, b) == 0 && sdp.media[0].rtcp_mux &&
	    !sdp.media[1].rtcp_mux, "a=rtcp-mux is per stream");
	sdp_clear(&sdp);
}

static void
t_hold(void)
{
	struct sdp	 sdp;
	const char	*b =
	    "v=0\r\no=- 1 2 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 0.0.0.0\r\n"
	    "t=0 0\r\nm=audio 49170 RTP/AVP 0\r\n";
	const char	*b6 =
	    "v=0\r\no=- 1 2 IN IP6 fd00::2\r\ns=-\r\nt=0 0\r\n"
	    "m=audio 49170 RTP/AVP 0\r\nc=IN IP6 ::\r\n";
	const char	*dir =
	    "v=0\r\no=- 1 2 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\n"
	    "t=0 0\r\na=sendonly\r\n"
	    "m=audio 49170 RTP/AVP 0\r\n"
	    "m=audio 49172 RTP/AVP 0\r\na=inactive\r\n"
	    "m=audio 49174 RTP/AVP 0\r\na=recvonly \r\n"
	    "m=audio 49176 RTP/AVP 0\r\na=sendrecv\r\n";

	CHECK(parse(&sdp, b) == 0 && sdp.media[0].hold,
	    "c=IN IP4 0.0.0.0 is hold");
	sdp_clear(&sdp);
	CHECK(parse(&sdp, b6) == 0 && sdp.media[0].hold,
	    "c=IN IP6 :: is hold");
	sdp_clear(&sdp);
	CHECK(rewrites(b, &ss4, (uint16_t[]){ 30000 }, NULL,
	    "v=0\r\no=- 1 2 IN IP4 203.0.113.1\r\ns=-\r\nc=IN IP4 0.0.0.0\r\n"
	    "t=0 0\r\nm=audio 30000 RTP/AVP 0\r\n"),
	    "hold c= stays, port and o= rewritten");
	CHECK(rewrites(b6, &ss4, (uint16_t[]){ 30000 }, NULL,
	    "v=0\r\no=- 1 2 IN IP4 203.0.113.1\r\ns=-\r\nt=0 0\r\n"
	    "m=audio 30000 RTP/AVP 0\r\nc=IN IP6 ::\r\n"),
	    "hold c=IN IP6 :: stays");
	CHECK(parse(&sdp, dir) == 0 && sdp.nmedia == 4 &&
	    sdp.media[0].dir == SDP_SENDONLY &&
	    sdp.media[1].dir == SDP_INACTIVE &&
	    sdp.media[2].dir == SDP_RECVONLY &&
	    sdp.media[3].dir == SDP_SENDRECV && !sdp.media[0].hold,
	    "session a=sendonly, media a=inactive/recvonly/sendrecv");
	sdp_clear(&sdp);
}

static void
t_port0(void)
{
	const char	*b =
	    "v=0\r\no=- 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\n"
	    "t=0 0\r\nm=audio 49170 RTP/AVP 0\r\n"
	    "m=video 0 RTP/AVP 31\r\na=rtcp:9\r\n";

	CHECK(rewrites(b, &ss4, (uint16_t[]){ 30000, 30002 }, NULL,
	    "v=0\r\no=- 1 1 IN IP4 203.0.113.1\r\ns=-\r\n"
	    "c=IN IP4 203.0.113.1\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0\r\n"
	    "m=video 0 RTP/AVP 31\r\na=rtcp:9\r\n"),
	    "a refused stream (port 0) stays 0");
}

/* RFC 5118 §4.6 (ipv6-in-sdp) body, with CRLF. */
static const char *v6 =
	"v=0\r\n"
	"o=assistant 971731711378798081 0 IN IP6 2001:db8::20\r\n"
	"s=Live video feed for today's meeting\r\n"
	"c=IN IP6 2001:db8::20\r\n"
	"t=3338481189 3370017201\r\n"
	"m=audio 6000 RTP/AVP 2\r\n"
	"a=rtpmap:2 G726-32/8000\r\n"
	"m=video 6024 RTP/AVP 107\r\n"
	"a=rtpmap:107 H263-1998/90000\r\n";

/* RFC 5118 §4.8 (mult-ip-in-sdp) body, LF as in the archive. */
static const char *multip =
	"v=0\n"
	"o=bob 280744730 28977631 IN IP4 host.example.com\n"
	"s=\n"
	"t=0 0\n"
	"m=audio 22334 RTP/AVP 0\n"
	"c=IN IP4 192.0.2.1\n"
	"m=video 6024 RTP/AVP 107\n"
	"c=IN IP6 2001:db8::1\n"
	"a=rtpmap:107 H263-1998/90000\n";

static void
t_ipv6(void)
{
	struct sdp	 sdp;
	const char	*mapped = "v=0\r\no=- 1 0 IN IP6 ::ffff:192.0.2.2\r\n"
	    "s=-\r\nc=IN IP6 ::ffff:192.0.2.2\r\nt=0 0\r\n"
	    "m=audio 6000 RTP/AVP 2\r\n";

	CHECK(parse(&sdp, v6) == 0 && sdp.nmedia == 2 &&
	    strcmp(fmt(&sdp.media[0].addr), "[2001:db8::20]:6000") == 0 &&
	    strcmp(fmt(&sdp.origin_addr), "[2001:db8::20]:0") == 0,
	    "RFC 5118 4.6 IPv6 in SDP parses");
	sdp_clear(&sdp);
	CHECK(rewrites(v6, &ss4, (uint16_t[]){ 30000, 30002 }, NULL,
	    "v=0\r\n"
	    "o=assistant 971731711378798081 0 IN IP4 203.0.113.1\r\n"
	    "s=Live video feed for today's meeting\r\n"
	    "c=IN IP4 203.0.113.1\r\n"
	    "t=3338481189 3370017201\r\n"
	    "m=audio 30000 RTP/AVP 2\r\n"
	    "a=rtpmap:2 G726-32/8000\r\n"
	    "m=video 30002 RTP/AVP 107\r\n"
	    "a=rtpmap:107 H263-1998/90000\r\n"), "IPv6 SDP rewritten to IPv4");
	CHECK(rewrites(audio, &ss6, (uint16_t[]){ 7070 }, NULL,
	    "v=0\r\n"
	    "o=alice 2890844526 2890844526 IN IP6 2001:db8::1\r\n"
	    "s=-\r\n"
	    "c=IN IP6 2001:db8::1\r\n"
	    "t=0 0\r\n"
	    "m=audio 7070 RTP/AVP 0 8 101\r\n"
	    "a=rtpmap:0 PCMU/8000\r\n"
	    "a=rtpmap:101 telephone-event/8000\r\n"
	    "a=fmtp:101 0-15\r\n"), "IPv4 SDP rewritten to IPv6");
	CHECK(parse(&sdp, multip) == 0 && sdp.nmedia == 2 &&
	    sdp.origin_addr.ss_family == 0 &&
	    strcmp(fmt(&sdp.media[0].addr), "192.0.2.1:22334") == 0 &&
	    strcmp(fmt(&sdp.media[1].addr), "[2001:db8::1]:6024") == 0,
	    "RFC 5118 4.8 several addresses, o= host name, empty s=");
	sdp_clear(&sdp);
	CHECK(rewrites(multip, &ss4, (uint16_t[]){ 30000, 30002 }, NULL,
	    "v=0\n"
	    "o=bob 280744730 28977631 IN IP4 host.example.com\n"
	    "s=\n"
	    "t=0 0\n"
	    "m=audio 30000 RTP/AVP 0\n"
	    "c=IN IP4 203.0.113.1\n"
	    "m=video 30002 RTP/AVP 107\n"
	    "c=IN IP4 203.0.113.1\n"
	    "a=rtpmap:107 H263-1998/90000\n"),
	    "RFC 5118 4.8 rewritten, o= host name kept, LF kept");
	CHECK(parse(&sdp, mapped) == 0 &&
	    strcmp(fmt(&sdp.media[0].addr), "[::ffff:192.0.2.2]:6000") == 0,
	    "RFC 5118 4.9 IPv4-mapped IPv6 parses");
	sdp_clear(&sdp);
}

static void
t_lf(void)
{
	const char	*b =
	    "v=0\no=- 1 1 IN IP4 10.0.0.2\ns=-\nc=IN IP4 10.0.0.2\nt=0 0\n"
	    "m=audio 49170 RTP/AVP 0\na=rtcp:49171\n";

	CHECK(rewrites(b, &ss4, (uint16_t[]){ 30000 }, NULL,
	    "v=0\no=- 1 1 IN IP4 203.0.113.1\ns=-\nc=IN IP4 203.0.113.1\n"
	    "t=0 0\nm=audio 30000 RTP/AVP 0\na=rtcp:30001\n"),
	    "LF-only body rewritten with LF");
}

static void
t_many(void)
{
	struct sdp	 sdp, again;
	struct sdp_subst sub;
	uint16_t	 rtp[300];
	char		*body = NULL, *out = NULL;
	const char	*line = "m=audio 40598 RTP/AVP 0\r\na=rtcp:40599\r\n";
	size_t		 len = 0, outlen, i;
	int		 ok;
	FILE		*f;

	if ((f = open_memstream(&body, &len)) == NULL)
		fatal("open_memstream");
	fputs("v=0\r\no=- 1 1 IN IP4 10.0.0.2\r\ns=-\r\n"
	    "c=IN IP4 10.0.0.2\r\nt=0 0\r\n", f);
	for (i = 0; i < 300; i++) {
		fprintf(f, "m=audio %zu RTP/AVP 0\r\na=rtcp:%zu\r\n",
		    10000 + 2 * i, 10001 + 2 * i);
		rtp[i] = 40000 + 2 * i;
	}
	fclose(f);
	ok = sdp_parse(&sdp, body, len) == 0 && sdp.nmedia == 300 &&
	    sdp.media[299].port == 10598 && sdp.media[299].rtcp_port == 10599;
	CHECK(ok, "300 m= lines parse");
	sub.addr = (struct sockaddr *)&ss4;
	sub.rtp_port = rtp;
	sub.rtcp_port = NULL;
	ok = ok && sdp_rewrite(body, len, &sdp, &sub, &out, &outlen) == 0;
	ok = ok && outlen > strlen(line) &&
	    memcmp(out + outlen - strlen(line), line, strlen(line)) == 0 &&
	    sdp_parse(&again, out, outlen) == 0 && again.nmedia == 300 &&
	    again.media[150].port == 40300 &&
	    again.media[150].rtcp_port == 40301;
	CHECK(ok, "300 m= lines rewritten");
	if (ok)
		sdp_clear(&again);
	free(out);
	sdp.nmedia = 299;
	CHECK(sdp_rewrite(body, len, &sdp, &sub, &out, &outlen) == -1 &&
	    out == NULL, "rewrite refuses a body with more m= than parsed");
	sdp.nmedia = 300;
	/* Drop the last "m=audio 10598 RTP/AVP 0\r\na=rtcp:10599\r\n". */
	CHECK(sdp_rewrite(body, len - 39, &sdp, &sub, &out, &outlen) == -1 &&
	    out == NULL, "rewrite refuses a body with fewer m= than parsed");
	sdp_clear(&sdp);
	free(body);
}

static void
t_mcast(void)
{
	struct sdp	 sdp;
	const char	*b =
	    "v=0\r\no=- 1 1 IN IP4 10.0.0.2\r\ns=-\r\n"
	    "c=IN IP4 224.2.36.42/127\r\nt=0 0\r\n"
	    "m=audio 49170 RTP/AVP 0\r\n"
	    "m=video 51372 RTP/AVP 99\r\nc=IN IP6 ff15::101/3\r\n"
	    "m=video 51374 RTP/AVP 99\r\nc=IN IP4 224.2.1.1/127/3\r\n"
	    "c=IN IP4 224.2.1.4/127\r\n";

	CHECK(parse(&sdp, b) == 0 && sdp.nmedia == 3 && sdp.media[0].mcast &&
	    sdp.media[1].mcast && sdp.media[2].mcast &&
	    strcmp(fmt(&sdp.media[2].addr), "224.2.1.1:51374") == 0,
	    "multicast c= with /ttl and /count parses, layered c=");
	sdp_clear(&sdp);
	CHECK(rewrites(b, &ss4, (uint16_t[]){ 1, 2, 3 }, NULL,
	    "v=0\r\no=- 1 1 IN IP4 203.0.113.1\r\ns=-\r\n"
	    "c=IN IP4 224.2.36.42/127\r\nt=0 0\r\n"
	    "m=audio 1 RTP/AVP 0\r\n"
	    "m=video 2 RTP/AVP 99\r\nc=IN IP6 ff15::101/3\r\n"
	    "m=video 3 RTP/AVP 99\r\nc=IN IP4 224.2.1.1/127/3\r\n"
	    "c=IN IP4 224.2.1.4/127\r\n"), "multicast c= stays");
}

/* The SDP bodies of RFC 4475 §3.3.15 (sdp01) and §3.1.1.1 (wsinv). */
static void
t_rfc4475(void)
{
	struct sdp	 sdp;
	const char	*sdp01 =
	    "v=0\r\n"
	    "o=mhandley 29739 7272939 IN IP4 192.0.2.5\r\n"
	    "s=-\r\n"
	    "c=IN IP4 192.0.2.5\r\n"
	    "t=0 0\r\n"
	    "m=audio 49217 RTP/AVP 0 12\r\n"
	    "m=video 3227 RTP/AVP 31\r\n"
	    "a=rtpmap:31 LPC\r\n";
	const char	*wsinv =
	    "v=0\r\n"
	    "o=mhandley 29739 7272939 IN IP4 192.0.2.3\r\n"
	    "s=-\r\n"
	    "c=IN IP4 192.0.2.4\r\n"
	    "t=0 0\r\n"
	    "m=audio 49217 RTP/AVP 0 12\r\n"
	    "m=video 3227 RTP/AVP 31\r\n"
	    "a=rtpmap:31 LPC\r\n";
	const char	*want =
	    "v=0\r\n"
	    "o=mhandley 29739 7272939 IN IP4 203.0.113.1\r\n"
	    "s=-\r\n"
	    "c=IN IP4 203.0.113.1\r\n"
	    "t=0 0\r\n"
	    "m=audio 20000 RTP/AVP 0 12\r\n"
	    "m=video 20002 RTP/AVP 31\r\n"
	    "a=rtpmap:31 LPC\r\n";

	CHECK(strlen(sdp01) == 150 && strlen(wsinv) == 150,
	    "RFC 4475 bodies match their Content-Length");
	CHECK(parse(&sdp, sdp01) == 0 && sdp.nmedia == 2 &&
	    strcmp(fmt(&sdp.media[1].addr), "192.0.2.5:3227") == 0,
	    "RFC 4475 sdp01 body parses");
	sdp_clear(&sdp);
	CHECK(rewrites(sdp01, &ss4, (uint16_t[]){ 20000, 20002 }, NULL, want),
	    "RFC 4475 sdp01 body rewritten");
	CHECK(parse(&sdp, wsinv) == 0 && sdp.nmedia == 2 &&
	    strcmp(fmt(&sdp.origin_addr), "192.0.2.3:0") == 0 &&
	    strcmp(fmt(&sdp.media[0].addr), "192.0.2.4:49217") == 0,
	    "RFC 4475 wsinv body parses");
	sdp_clear(&sdp);
	CHECK(rewrites(wsinv, &ss4, (uint16_t[]){ 20000, 20002 }, NULL, want),
	    "RFC 4475 wsinv body rewritten");
}

static void
t_bad(void)
{
	static const struct {
		const char	*why;
		const char	*body;
		size_t		 len;	/* 0: strlen */
	} bad[] = {
		{ "empty", "", 0 },
		{ "missing v=", "o=- 1 1 IN IP4 10.0.0.2\r\ns=-\r\n", 0 },
		{ "v=1", "v=1\r\ns=-\r\n", 0 },
		{ "second v=", "v=0\r\nv=0\r\n", 0 },
		{ "NUL byte", "v=0\r\ns=a\0b\r\n", 11 },
		{ "truncated m=", "v=0\r\ns=-\r\nm=audio 49", 0 },
		{ "truncated c=", "v=0\r\ns=-\r\nc=IN IP4 10.0.", 0 },
		{ "truncated o=", "v=0\r\no=- 1 1 IN", 0 },
		{ "port 65536", "v=0\r\nm=audio 65536 RTP/AVP 0\r\n", 0 },
		{ "huge port", "v=0\r\nm=audio 99999999999999999999 RTP/AVP 0\r\n",
		    0 },
		{ "negative port", "v=0\r\nm=audio -1 RTP/AVP 0\r\n", 0 },
		{ "port count 0", "v=0\r\nm=audio 5000/0 RTP/AVP 0\r\n", 0 },
		{ "a=rtcp port 70000",
		    "v=0\r\nm=audio 5000 RTP/AVP 0\r\na=rtcp:70000\r\n", 0 },
		{ "a=rtcp bad address", "v=0\r\nm=audio 5000 RTP/AVP 0\r\n"
		    "a=rtcp:5001 IN IP4 1.2.3\r\n", 0 },
		{ "bad IPv4 address", "v=0\r\nc=IN IP4 10.0.0.256\r\n", 0 },
		{ "host name in c=", "v=0\r\nc=IN IP4 pc.example.com\r\n", 0 },
		{ "IPv6 address as IP4", "v=0\r\nc=IN IP4 2001:db8::1\r\n", 0 },
		{ "IPv4 address as IP6", "v=0\r\nc=IN IP6 192.0.2.1\r\n", 0 },
		{ "bracketed IPv6", "v=0\r\nc=IN IP6 [2001:db8::1]\r\n", 0 },
		{ "unknown addrtype", "v=0\r\nc=IN IPX 10.0.0.1\r\n", 0 },
		{ "TTL on unicast", "v=0\r\nc=IN IP4 10.0.0.1/127\r\n", 0 },
		{ "bad o= address", "v=0\r\no=- 1 1 IN IP4 10.0.0.300\r\n", 0 },
		{ "two session c=", "v=0\r\nc=IN IP4 10.0.0.1\r\n"
		    "c=IN IP4 10.0.0.2\r\n", 0 },
		{ "stray CR", "v=0\r\ns=a\rb\r\n", 0 },
		{ "not type=value", "v=0\r\nhello\r\n", 0 },
		{ "m= field too long", "v=0\r\nm=audioaudioaudioaudioaudioaudio"
		    "audio 5000 RTP/AVP 0\r\n", 0 },
	};
	struct sdp	 sdp;
	char		*longline;
	size_t		 i, len;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = bad[i].len ? bad[i].len : strlen(bad[i].body);
		CHECK(sdp_parse(&sdp, bad[i].body, len) == -1 &&
		    sdp.media == NULL && sdp.nmedia == 0,
		    "rejects %s", bad[i].why);
	}
	len = 4 + SDP_LINE_MAX + 1;	/* "v=0\n", one byte too many */
	if ((longline = malloc(len)) == NULL)
		fatal("malloc");
	memcpy(longline, "v=0\na=", 6);
	memset(longline + 6, 'x', len - 6);
	CHECK(sdp_parse(&sdp, longline, len) == -1, "rejects a line too long");
	CHECK(sdp_parse(&sdp, longline, len - 1) == 0,
	    "takes a line at the length cap");
	sdp_clear(&sdp);
	free(longline);
}

/* RFC 8839: ICE candidates that name a LAN address stay on the LAN. */
static void
t_ice(void)
{
	uint16_t	 rtp[] = { 7070 };
	const char	*ice =
	    "v=0\r\n"
	    "o=alice 1 1 IN IP4 10.0.0.2\r\n"
	    "s=-\r\n"
	    "c=IN IP4 10.0.0.2\r\n"
	    "t=0 0\r\n"
	    "a=ice-ufrag:8hhY\r\n"
	    "m=audio 49170 RTP/AVP 0\r\n"
	    "a=candidate:1 1 UDP 2130706431 10.0.0.2 49170 typ host\r\n"
	    "a=candidate:2 1 UDP 2130706431 fd00:1::2 49170 typ host\r\n"
	    "a=candidate:3 1 UDP 1694498815 198.51.100.7 49170 typ srflx "
	    "raddr 10.0.0.2 rport 49170\r\n"
	    "a=candidate:4 1 UDP 1694498815 198.51.100.7 49172 typ srflx\r\n"
	    "a=candidate:5 1 UDP 2130706431 f0c1.local 49170 typ host\r\n"
	    "a=remote-candidates:1 198.51.100.9 5000 2 10.1.2.3 5002\r\n"
	    "a=rtpmap:0 PCMU/8000\r\n";

	CHECK(rewrites(ice, &ss4, rtp, NULL,
	    "v=0\r\n"
	    "o=alice 1 1 IN IP4 203.0.113.1\r\n"
	    "s=-\r\n"
	    "c=IN IP4 203.0.113.1\r\n"
	    "t=0 0\r\n"
	    "a=ice-ufrag:8hhY\r\n"
	    "m=audio 7070 RTP/AVP 0\r\n"
	    "a=candidate:4 1 UDP 1694498815 198.51.100.7 49172 typ srflx\r\n"
	    "a=candidate:5 1 UDP 2130706431 f0c1.local 49170 typ host\r\n"
	    "a=rtpmap:0 PCMU/8000\r\n"), "candidates naming LAN addresses "
	    "(address or raddr) are left out, the others kept");
}

int
main(void)
{
	log_init(1, 0);
	log_setverbose(getenv("SDP_DEBUG") != NULL ? 2 : 0);
	mkaddr(&ss4, "203.0.113.1");
	mkaddr(&ss6, "2001:db8::1");
	t_audio();
	t_identity();
	t_audio_video();
	t_session_c();
	t_rtcp();
	t_rtcp_mux();
	t_hold();
	t_port0();
	t_ipv6();
	t_lf();
	t_many();
	t_mcast();
	t_rfc4475();
	t_bad();
	t_ice();
	UNIT_DONE();
}
