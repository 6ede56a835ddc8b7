/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Header validation.  Nothing here writes to the packet. */

#include <netinet/ip.h>
#include <netinet/ip6.h>

#include "pkt.h"
#include "xlat_int.h"

#define IP4_MF		0x2000
#define IP4_DF		0x4000
#define IP4_OFFMASK	0x1fff
#define IP4_MAXLEN	65535
#define MAX_EXTHDRS	8
#define TCP_MINLEN	20
#define UDP_HLEN	8

static enum xlat_drop
ip4_check_frag(const struct ip4_info *ip)
{
	size_t data = ip->tot_len - ip->hdr_len;

	/* Only the last fragment may end off an 8-byte boundary. */
	if (ip->mf && (data == 0 || data % 8 != 0))
		return XLAT_DROP_BAD_FRAG;
	if ((size_t)ip->frag_off * 8 + data > IP4_MAXLEN)
		return XLAT_DROP_BAD_FRAG;
	return XLAT_DROP_NONE;
}

enum xlat_drop
pkt_parse_ip4(const uint8_t *p, size_t len, int mode, struct ip4_info *ip)
{
	uint16_t frag;

	if (len < sizeof(struct ip))
		return XLAT_DROP_TRUNCATED;
	if (p[0] >> 4 != 4)
		return XLAT_DROP_BAD_VERSION;
	ip->hdr_len = (size_t)(p[0] & 0x0f) * 4;
	if (ip->hdr_len < sizeof(struct ip) || ip->hdr_len > len)
		return XLAT_DROP_BAD_IHL;
	ip->tot_len = get16(p + 2);
	if (ip->tot_len < ip->hdr_len)
		return XLAT_DROP_BAD_TOTLEN;
	if (mode == PKT_OUTER) {
		if (ip->tot_len > len)
			return XLAT_DROP_BAD_TOTLEN;
		if (csum_fold(csum_partial(p, ip->hdr_len, 0)) != 0)
			return XLAT_DROP_BAD_IP4_CSUM;
		ip->pkt_len = ip->tot_len;
	} else {
		ip->pkt_len = ip->tot_len < len ? ip->tot_len : len;
	}
	ip->tos = p[1];
	ip->id = get16(p + 4);
	frag = get16(p + 6);
	ip->df = (frag & IP4_DF) != 0;
	ip->mf = (frag & IP4_MF) != 0;
	ip->frag_off = frag & IP4_OFFMASK;
	ip->ttl = p[8];
	ip->proto = p[9];
	memcpy(&ip->src, p + 12, 4);
	memcpy(&ip->dst, p + 16, 4);
	ip->l4_len = ip->pkt_len - ip->hdr_len;
	if (mode == PKT_OUTER)
		return ip4_check_frag(ip);
	return XLAT_DROP_NONE;
}

static enum xlat_drop
ip6_frag_hdr(struct ip6_info *ip, const uint8_t *h, size_t off, int mode)
{
	uint16_t fo = get16(h + 2);
	size_t data;

	if (ip->has_frag)
		return XLAT_DROP_BAD_EXTHDR;
	ip->has_frag = true;
	ip->frag_hdr_off = off;
	ip->frag_off = fo >> 3;
	ip->mf = (fo & 1) != 0;
	ip->frag_id = get32(h + 4);
	if (mode != PKT_OUTER)
		return XLAT_DROP_NONE;
	data = ip->pkt_len - (off + 8);
	if (ip->mf && (data == 0 || data % 8 != 0))
		return XLAT_DROP_BAD_FRAG;
	if ((size_t)ip->frag_off * 8 + data > IP4_MAXLEN)
		return XLAT_DROP_BAD_FRAG;
	return XLAT_DROP_NONE;
}

/* Walk hop-by-hop, routing, destination options and fragment headers. */
static enum xlat_drop
ip6_walk(const uint8_t *p, struct ip6_info *ip, int mode)
{
	size_t off = sizeof(struct ip6_hdr);
	uint8_t nh = p[6];
	enum xlat_drop r;
	int n;

	for (n = 0; n < MAX_EXTHDRS; n++) {
		switch (nh) {
		case IPPROTO_HOPOPTS:
			/* RFC 8200 4.1: only right after the IPv6 header. */
			if (off != sizeof(struct ip6_hdr))
				return XLAT_DROP_BAD_EXTHDR;
			/* FALLTHROUGH */
		case IPPROTO_DSTOPTS:
		case IPPROTO_ROUTING:
			if (ip->pkt_len - off < 8)
				return XLAT_DROP_BAD_EXTHDR;
			if (ip->pkt_len - off < (size_t)(p[off + 1] + 1) * 8)
				return XLAT_DROP_BAD_EXTHDR;
			if (nh == IPPROTO_ROUTING && p[off + 3] != 0 &&
			    !ip->segleft_nonzero) {
				ip->segleft_nonzero = true;
				ip->segleft_off = off + 3;
			}
			nh = p[off];
			off += (size_t)(p[off + 1] + 1) * 8;
			break;
		case IPPROTO_FRAGMENT:
			if (ip->pkt_len - off < 8)
				return XLAT_DROP_BAD_EXTHDR;
			r = ip6_frag_hdr(ip, p + off, off, mode);
			if (r != XLAT_DROP_NONE)
				return r;
			nh = p[off];
			off += 8;
			/* Later fragments carry no further headers. */
			if (ip->frag_off != 0)
				goto done;
			break;
		default:
			goto done;
		}
	}
	return XLAT_DROP_BAD_EXTHDR;
done:
	ip->proto = nh;
	ip->l4_off = off;
	ip->l4_len = ip->pkt_len - off;
	return XLAT_DROP_NONE;
}

enum xlat_drop
pkt_parse_ip6(const uint8_t *p, size_t len, int mode, struct ip6_info *ip)
{
	uint32_t vtf;

	if (len < sizeof(struct ip6_hdr))
		return XLAT_DROP_TRUNCATED;
	if (p[0] >> 4 != 6)
		return XLAT_DROP_BAD_VERSION;
	vtf = get32(p);
	ip->tclass = (vtf >> 20) & 0xff;
	ip->flow = vtf & 0xfffff;
	ip->plen = get16(p + 4);
	ip->hlim = p[7];
	memcpy(&ip->src, p + 8, 16);
	memcpy(&ip->dst, p + 24, 16);
	/* A zero payload length means a jumbogram (RFC 2675): refused. */
	if (mode == PKT_OUTER) {
		if (ip->plen == 0 && p[6] == IPPROTO_HOPOPTS)
			return XLAT_DROP_BAD_PLEN;
		if (sizeof(struct ip6_hdr) + ip->plen > len)
			return XLAT_DROP_BAD_PLEN;
		ip->pkt_len = sizeof(struct ip6_hdr) + ip->plen;
	} else {
		ip->pkt_len = sizeof(struct ip6_hdr) + ip->plen;
		if (ip->pkt_len > len)
			ip->pkt_len = len;
	}
	ip->has_frag = false;
	ip->frag_hdr_off = 0;
	ip->frag_off = 0;
	ip->mf = false;
	ip->frag_id = 0;
	ip->segleft_nonzero = false;
	ip->segleft_off = 0;
	return ip6_walk(p, ip, mode);
}

enum xlat_drop
pkt_check_tcp(const uint8_t *l4, size_t len)
{
	size_t doff;

	if (len < TCP_MINLEN)
		return XLAT_DROP_BAD_L4;
	doff = (size_t)(l4[12] >> 4) * 4;
	if (doff < TCP_MINLEN || doff > len)
		return XLAT_DROP_BAD_L4;
	return XLAT_DROP_NONE;
}

enum xlat_drop
pkt_check_udp(const uint8_t *l4, size_t len, bool whole)
{
	if (len < UDP_HLEN || get16(l4 + 4) < UDP_HLEN)
		return XLAT_DROP_BAD_L4;
	if (whole && get16(l4 + 4) > len)
		return XLAT_DROP_BAD_L4;
	return XLAT_DROP_NONE;
}
