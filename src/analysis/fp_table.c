/* The stack behaviour table: what each family's ICMP looks like on the
 * wire.  Data only; fp.c uses the TTL columns, the others wait for the
 * active probes of `echolot os`.
 *
 * Sources, cited per row by the tags in brackets:
 *
 * [X2]  Xprobe2 fingerprint database, etc/xprobe2.conf ("Xprobe2
 *       Fingerprinting Database, Last Modified: 11 July 2005", Ofir Arkin,
 *       Fyodor Yarochkin, Meder Kydyraliev), as in the Xprobe2 source
 *       tree, https://github.com/binarytrails/xprobe2/blob/master/etc/xprobe2.conf
 *       Its keywords: Module A (ICMP echo: icmp_echo_code, icmp_echo_ip_id,
 *       icmp_echo_df_bit, icmp_echo_reply_ttl), Module B (ICMP timestamp:
 *       icmp_timestamp_reply), Module E (UDP -> port unreachable:
 *       icmp_unreach_echoed_dtsize = 8, 64 or >64 bytes quoted after the
 *       IP header).
 * [X2A] How Module A probes, src/xpmodules/os_probe/icmp_echo_id/
 *       icmp_echo_id.cc in the same tree: an echo request with code 123,
 *       TOS 6 and DF set; icmp_echo_code "!0" means the reply kept the
 *       code, "0" that it zeroed it; icmp_echo_ip_id "SENT" means the
 *       reply carries the request's IP ID; the reply TTL (plus the
 *       distance) is filed under "<32", "<60", "<64", "<128" or "<255".
 * [NM]  "TCP/IP Fingerprinting Methods Supported by Nmap", Nmap Network
 *       Scanning, https://nmap.org/book/osdetect-methods.html : the IE
 *       test sends two echo requests, the first with DF set, TOS 0 and
 *       code 9, the second without DF and with code 0; U1 sends a UDP
 *       datagram to a closed port.
 * [NMS] The same tests as nmap computes them, osscan2.cc,
 *       https://github.com/nmap/nmap/blob/master/osscan2.cc
 *       (processTIcmpResp, processTUdpResp, get_initial_ttl_guess):
 *       DFI Y = both replies DF, S = DF as in each request, N = neither,
 *       O = other; CD Z = both codes zero, S = the codes of the requests
 *       (9 then 0); U1 IPL = total length of the port unreachable (hex),
 *       the probe being 328 bytes; TG = initial TTL guess 32/64/128/255.
 * [NDB] nmap-os-db, https://github.com/nmap/nmap/blob/master/nmap-os-db
 *       (the 2nd generation database as stored at commit 3f8618479fb0).
 * [P0F] p0f v3 README, section 5 "Fingerprint database",
 *       https://lcamtuf.coredump.cx/p0f3/README : in a TCP signature
 *       "ver" is '4', '6' or '*' (both), "ittl" the initial TTL; "Almost
 *       all operating systems use 64, 128, or 255; ancient versions of
 *       Windows sometimes used 32, and several obscure systems sometimes
 *       resort to odd values such as 60."  Signatures from its p0f.fp.
 *
 * hlim6 is from p0f's '*' TCP signatures (the same initial value over
 * IPv4 and IPv6); note that it describes TCP, and that for OpenBSD and
 * Solaris the ICMPv4 echo reply TTL (255) differs from their TCP one (64),
 * so their ICMPv6 echo replies are not known from these sources. */
#include "fp.h"

const struct fp_stack fp_stacks[] = {
	/* [X2] "Linux Kernel 2.6.0" .. "2.6.7", "2.4.22" .. "2.4.30":
	 *   icmp_echo_code = !0, icmp_echo_ip_id = !0, icmp_echo_df_bit = 0,
	 *   icmp_echo_reply_ttl = <64, icmp_timestamp_reply = y,
	 *   icmp_unreach_echoed_dtsize = >64.  (Its "Linux Kernel 2.2.x"
	 *   rows have icmp_echo_reply_ttl = <255: old kernels answered
	 *   echoes from 255.)
	 * [NDB] "Linux 2.6.21 - 2.6.28" and neighbours:
	 *   IE(DFI=N%T=3B-45%TG=40%CD=S), U1(DF=N%...%IPL=164%...): reply
	 *   never DF, code echoed, TTL 64; 0x164 = 356 = 20 + 8 + the whole
	 *   328-byte probe quoted.
	 * [P0F] "s:unix:Linux:3.x", "2.6.x", ...: sig = *:64:... */
	{ "Linux", "2.4-2.6 [X2], 2.6.2x [NDB], 2.2-3.x [P0F]",
	  64, 64, FP_CODE_ECHOED, FP_IPID_OWN, FP_DF_NEVER,
	  FP_ANSWER_YES, FP_QUOTE_ALL },

	/* [X2] "FreeBSD 4.8" .. "FreeBSD 5.4": icmp_echo_code = !0,
	 *   icmp_echo_ip_id = !0, icmp_echo_df_bit = 1,
	 *   icmp_echo_reply_ttl = <64, icmp_timestamp_reply = y,
	 *   icmp_unreach_echoed_dtsize = 8.
	 * [P0F] "s:unix:FreeBSD:8.x", "9.x": sig = *:64:... */
	{ "FreeBSD", "4.8-5.4 [X2], 8.x-9.x [P0F]",
	  64, 64, FP_CODE_ECHOED, FP_IPID_OWN, FP_DF_ON_DF_REQUEST,
	  FP_ANSWER_YES, 8 },

	/* [X2] "OpenBSD 3.0" .. "OpenBSD 3.7": icmp_echo_code = !0,
	 *   icmp_echo_ip_id = !0, icmp_echo_df_bit = 1,
	 *   icmp_echo_reply_ttl = <255, icmp_timestamp_reply = y,
	 *   icmp_unreach_echoed_dtsize = 8.
	 * [NDB] "OpenBSD 4.3" .. "OpenBSD 4.8": IE(...%TG=FF%CD=S) with
	 *   DFI=S (4.3-4.5) or DFI=N (4.6-4.8); U1(...%IPL=38%...):
	 *   0x38 = 56 = 20 + 8 + the probe's 20-byte header and 8 bytes.
	 *   Its TCP tests guess TG=40 (64), as p0f does.
	 * [P0F] "s:unix:OpenBSD:3.x", "4.x-5.x": sig = *:64:... (TCP) */
	{ "OpenBSD", "3.0-3.7 [X2], 4.3-4.8 [NDB], 3.x-5.x [P0F]",
	  255, 64, FP_CODE_ECHOED, FP_IPID_OWN, FP_DF_VARIES,
	  FP_ANSWER_YES, 8 },

	/* [X2] "Apple Mac OS X 10.2.0" .. "10.4.1": icmp_echo_code = !0,
	 *   icmp_echo_ip_id = !0, icmp_echo_df_bit = 1,
	 *   icmp_echo_reply_ttl = <64, icmp_timestamp_reply = y (10.2.x)
	 *   but n (10.4.1), icmp_unreach_echoed_dtsize = 8.
	 * [P0F] "s:unix:Mac OS X:10.x": sig = *:64:... */
	{ "macOS", "Mac OS X 10.2-10.4 [X2], 10.x [P0F]",
	  64, 64, FP_CODE_ECHOED, FP_IPID_OWN, FP_DF_ON_DF_REQUEST,
	  FP_ANSWER_VARIES, 8 },

	/* [X2] "Microsoft Windows XP SP2", "Microsoft Windows 2003 Server
	 *   Standard/Enterprise Edition": icmp_echo_code = 0,
	 *   icmp_echo_ip_id = !0, icmp_echo_df_bit = 1,
	 *   icmp_echo_reply_ttl = <128, icmp_timestamp_reply = y,
	 *   icmp_unreach_echoed_dtsize = >64.  (NT 4 rows: timestamp n;
	 *   XP and XP SP1 rows: dtsize 8.)
	 * [NDB] "Microsoft Windows XP SP2 or SP3, or Windows Server 2003":
	 *   IE(DFI=S%T=7B-85%TG=80%CD=Z), U1(DF=N%...%IPL=B0%...):
	 *   0xB0 = 176 = 20 + 8 + 148 = the probe's header and 128 bytes.
	 * [P0F] "s:win:Windows:XP", "7 or 8": sig = *:128:... */
	{ "Windows", "XP SP2/SP3, Server 2003 [X2][NDB], XP-8 [P0F]",
	  128, 128, FP_CODE_ZEROED, FP_IPID_OWN, FP_DF_COPIED,
	  FP_ANSWER_YES, 128 },

	/* [X2] "Cisco IOS 11.1" .. "Cisco IOS 12.3": icmp_echo_code = !0,
	 *   icmp_echo_ip_id = SENT, icmp_echo_df_bit = 1,
	 *   icmp_echo_reply_ttl = <255, icmp_timestamp_reply = y,
	 *   icmp_unreach_echoed_dtsize = 8.
	 *   No IPv6 figure in these sources (p0f.fp has no Cisco row). */
	{ "Cisco IOS", "11.1-12.3 [X2]",
	  255, 0, FP_CODE_ECHOED, FP_IPID_COPIED, FP_DF_ON_DF_REQUEST,
	  FP_ANSWER_YES, 8 },

	/* [X2] "Sun Solaris 10 (SunOS 5.10)": icmp_echo_code = !0,
	 *   icmp_echo_ip_id = !0, icmp_echo_df_bit = 1,
	 *   icmp_echo_reply_ttl = <255, icmp_timestamp_reply = n,
	 *   icmp_unreach_echoed_dtsize = 64.
	 * [P0F] "s:unix:Solaris:10": sig = *:64:... (TCP; its "Solaris:6"
	 *   SYN+ACK rows are 4:255:..., IPv4 only) */
	{ "Solaris", "10 [X2][P0F]",
	  255, 64, FP_CODE_ECHOED, FP_IPID_OWN, FP_DF_ON_DF_REQUEST,
	  FP_ANSWER_NO, 64 },

	/* The two rarer initial values, so that each known one has a user:
	 * [X2] "Microsoft Windows 95": icmp_echo_code = 0,
	 *   icmp_echo_ip_id = !0, icmp_echo_df_bit = 1,
	 *   icmp_echo_reply_ttl = <32, icmp_timestamp_reply = n,
	 *   icmp_unreach_echoed_dtsize = 8.
	 * [P0F] "ancient versions of Windows sometimes used 32" */
	{ "Windows 95", "95 [X2]",
	  32, 0, FP_CODE_ZEROED, FP_IPID_OWN, FP_DF_ON_DF_REQUEST,
	  FP_ANSWER_NO, 8 },

	/* [X2] "HP JetDirect ROM G.05.34 EEPROM G.05.35" .. "ROM G.08.08
	 *   EEPROM G.08.04": icmp_echo_code = 0, icmp_echo_ip_id = !0,
	 *   icmp_echo_df_bit = 0, icmp_echo_reply_ttl = <60,
	 *   icmp_timestamp_reply = n, icmp_unreach_echoed_dtsize = 8.
	 * [P0F] "several obscure systems sometimes resort to odd values
	 *   such as 60" */
	{ "HP JetDirect", "ROM G.05-G.08 [X2]",
	  60, 0, FP_CODE_ZEROED, FP_IPID_OWN, FP_DF_NEVER,
	  FP_ANSWER_NO, 8 },
};

const size_t fp_nstacks = sizeof(fp_stacks) / sizeof(fp_stacks[0]);

/* The initial TTLs the verdict knows: [X2A]'s buckets 32, 60, 64, 128,
 * 255 (nmap's guess [NMS] has all but 60; p0f [P0F] names all five).
 * A label names the rows above that start there. */
const struct fp_initial fp_initials[] = {
	{ 32, "Windows 95" },                   /* Windows 95 */
	{ 60, "HP JetDirect" },                 /* HP JetDirect */
	{ 64, "Linux/Unix" },                   /* Linux, FreeBSD, macOS */
	{ 128, "Windows" },                     /* Windows */
	{ 255, "Cisco IOS/Solaris/OpenBSD" },   /* Cisco IOS, Solaris, OpenBSD */
};

const size_t fp_ninitials = sizeof(fp_initials) / sizeof(fp_initials[0]);
