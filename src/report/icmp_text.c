/* The words iputils ping uses for each ICMP and ICMPv6 error. */
#include <stdio.h>
#include <sys/socket.h>

#include "report.h"

static const char *unreach4[] = {
	"Destination Net Unreachable",
	"Destination Host Unreachable",
	"Destination Protocol Unreachable",
	"Destination Port Unreachable",
	NULL,   /* frag needed: carries the mtu */
	"Source Route Failed",
	"Destination Net Unknown",
	"Destination Host Unknown",
	"Source Host Isolated",
	"Destination Net Prohibited",
	"Destination Host Prohibited",
	"Destination Net Unreachable for Type of Service",
	"Destination Host Unreachable for Type of Service",
	"Packet filtered",
	"Precedence Violation",
	"Precedence Cutoff",
};

static const char *redirect4[] = {
	"Redirect Network",
	"Redirect Host",
	"Redirect Type of Service and Network",
	"Redirect Type of Service and Host",
};

static int text4(char *buf, size_t len, uint8_t type, uint8_t code,
		 uint32_t info, const char *gateway)
{
	switch (type) {
	case 0:
		return snprintf(buf, len, "Echo Reply");
	case 3:
		if (code == 4)
			return snprintf(buf, len, "Frag needed and DF set (mtu = %u)",
					info & 0xffff);
		if (code < sizeof(unreach4) / sizeof(unreach4[0]))
			return snprintf(buf, len, "%s", unreach4[code]);
		return snprintf(buf, len, "Dest Unreachable, Bad Code: %d", code);
	case 4:
		return snprintf(buf, len, "Source Quench");
	case 5:
		if (code < 4)
			return snprintf(buf, len, "%s(New nexthop: %s)",
					redirect4[code], gateway ? gateway : "");
		return snprintf(buf, len, "Redirect, Bad Code: %d(New nexthop: %s)",
				code, gateway ? gateway : "");
	case 8:
		return snprintf(buf, len, "Echo Request");
	case 11:
		if (code == 0)
			return snprintf(buf, len, "Time to live exceeded");
		if (code == 1)
			return snprintf(buf, len, "Frag reassembly time exceeded");
		return snprintf(buf, len, "Time exceeded, Bad Code: %d", code);
	case 12:
		return snprintf(buf, len, "Parameter problem: pointer = %u",
				info >> 24);
	case 13:
		return snprintf(buf, len, "Timestamp");
	case 14:
		return snprintf(buf, len, "Timestamp Reply");
	case 15:
		return snprintf(buf, len, "Information Request");
	case 16:
		return snprintf(buf, len, "Information Reply");
	case 17:
		return snprintf(buf, len, "Address Mask Request");
	case 18:
		return snprintf(buf, len, "Address Mask Reply");
	default:
		return snprintf(buf, len, "Bad ICMP type: %d", type);
	}
}

static int text6(char *buf, size_t len, uint8_t type, uint8_t code,
		 uint32_t info)
{
	static const char *unreach[] = {
		"No route", "Administratively prohibited",
		"Beyond scope of source address", "Address unreachable",
		"Port unreachable",
	};

	switch (type) {
	case 1:
		if (code < sizeof(unreach) / sizeof(unreach[0]))
			return snprintf(buf, len, "Destination unreachable: %s",
					unreach[code]);
		return snprintf(buf, len, "Destination unreachable: Unknown code %d",
				code);
	case 2:
		if (code)
			return snprintf(buf, len, "Packet too big: mtu=%u, code=%d",
					info, code);
		return snprintf(buf, len, "Packet too big: mtu=%u", info);
	case 3:
		if (code == 0)
			return snprintf(buf, len, "Time exceeded: Hop limit");
		if (code == 1)
			return snprintf(buf, len, "Time exceeded: Defragmentation failure");
		return snprintf(buf, len, "Time exceeded: code %d", code);
	case 4:
		if (code == 0)
			return snprintf(buf, len, "Parameter problem: Wrong header field at %u", info);
		if (code == 1)
			return snprintf(buf, len, "Parameter problem: Unknown header at %u", info);
		if (code == 2)
			return snprintf(buf, len, "Parameter problem: Unknown option at %u", info);
		return snprintf(buf, len, "Parameter problem: code %d at %u", code, info);
	case 128:
		return snprintf(buf, len, "Echo request");
	case 129:
		return snprintf(buf, len, "Echo reply");
	case 130:
		return snprintf(buf, len, "MLD Query");
	case 131:
		return snprintf(buf, len, "MLD Report");
	case 132:
		return snprintf(buf, len, "MLD Reduction");
	default:
		return snprintf(buf, len, "unknown icmp type: %u", type);
	}
}

int report_icmp_text(char *buf, size_t len, int family, uint8_t type,
		     uint8_t code, uint32_t info, const char *gateway)
{
	if (family == AF_INET6)
		return text6(buf, len, type, code, info);
	return text4(buf, len, type, code, info, gateway);
}
