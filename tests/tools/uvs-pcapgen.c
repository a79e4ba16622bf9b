/*
 * uvs-pcapgen — writes the benchmark pcap: N packets of minimum-size Ethernet/IPv4/UDP frames
 * spread round-robin over F flows, and optionally the matching exact-match OpenFlow rules.
 *
 * Frames are 60 bytes in the pcap (14 Ethernet + 20 IPv4 + 8 UDP + 18 payload): with the 4-byte FCS
 * that the capture does not hold they are 64-byte frames on the wire, which is what "64-byte
 * packets" means in ../shared/PERF-BASELINE.md and what DPDK's net_pcap replays (it adds no FCS).
 *
 * Flow i (0-based) has IPv4 source SRC_IP + i and UDP source port SRC_PORT + (i mod 64512); the
 * MAC addresses, IPv4 destination and UDP destination port are the same for every flow. Packet j
 * belongs to flow j mod F, so the file cycles through all flows in order. IPv4 and UDP checksums
 * are valid.
 *
 * --exact-rules=FILE writes one ovs-ofctl flow per flow ("udp,nw_src=A,tp_src=P,actions=ACTIONS"),
 * loadable with `uvs-ofctl add-flows BRIDGE FILE` (or ovs-ofctl).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRAME_LEN 60
#define ETH_LEN 14
#define IP_LEN 20
#define UDP_LEN 8
#define PORT_SPAN 64512u          /* Source ports 1024..65535 by default. */
#define MIN_PACKETS 1024u

struct options {
    uint64_t n_flows;
    uint64_t n_packets;           /* 0: default. */
    uint8_t dst_mac[6];
    uint8_t src_mac[6];
    uint32_t src_ip;              /* Host order; flow i uses src_ip + i. */
    uint32_t dst_ip;
    uint16_t src_port;
    uint16_t dst_port;
    const char *rules_file;
    const char *actions;
    const char *output;
};

static const char *prog = "uvs-pcapgen";

static void
usage(FILE *f)
{
    fprintf(f,
"usage: %s --flows=N [OPTIONS] OUTPUT.pcap\n"
"Writes N flows of 60-byte Ethernet/IPv4/UDP frames (64 bytes on the wire with FCS).\n"
"Flow i has IPv4 source SRC_IP+i and UDP source port SRC_PORT+(i mod 64512).\n"
"\n"
"  --flows=N            number of distinct flows (1..16777215)\n"
"  --packets=M          packets in the file (default: the smallest multiple of N >= 1024,\n"
"                       so the file cycles every flow the same number of times)\n"
"  --dst-mac=MAC        destination MAC (default 02:00:00:00:00:02)\n"
"  --src-mac=MAC        source MAC (default 02:00:00:00:00:01)\n"
"  --src-ip=IP          first IPv4 source (default 10.0.0.1)\n"
"  --dst-ip=IP          IPv4 destination (default 192.168.1.1)\n"
"  --src-port=PORT      first UDP source port (default 1024)\n"
"  --dst-port=PORT      UDP destination port (default 5001)\n"
"  --exact-rules=FILE   also write one OpenFlow rule per flow to FILE:\n"
"                       udp,nw_src=IP,tp_src=PORT,actions=ACTIONS\n"
"  --actions=ACTIONS    actions for --exact-rules (default output:2)\n"
"  -h, --help           show this help\n", prog);
}

static bool
parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
        return false;
    }
    *out = v;
    return true;
}

static bool
parse_mac(const char *s, uint8_t mac[6])
{
    unsigned b[6];
    char extra;
    if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &extra) != 6) {
        return false;
    }
    for (int i = 0; i < 6; i++) {
        if (b[i] > 0xff) {
            return false;
        }
        mac[i] = b[i];
    }
    return true;
}

static bool
parse_ipv4(const char *s, uint32_t *ip)
{
    struct in_addr a;
    if (inet_pton(AF_INET, s, &a) != 1) {
        return false;
    }
    *ip = ntohl(a.s_addr);
    return true;
}

static void
die_arg(const char *opt, const char *value, const char *what)
{
    fprintf(stderr, "%s: invalid %s '%s': expected %s (see --help)\n", prog, opt, value, what);
    exit(2);
}

static void
parse_options(int argc, char *argv[], struct options *o)
{
    enum { OPT_FLOWS = 256, OPT_PACKETS, OPT_DST_MAC, OPT_SRC_MAC, OPT_SRC_IP, OPT_DST_IP,
           OPT_SRC_PORT, OPT_DST_PORT, OPT_RULES, OPT_ACTIONS };
    static const struct option longopts[] = {
        { "flows", required_argument, NULL, OPT_FLOWS },
        { "packets", required_argument, NULL, OPT_PACKETS },
        { "dst-mac", required_argument, NULL, OPT_DST_MAC },
        { "src-mac", required_argument, NULL, OPT_SRC_MAC },
        { "src-ip", required_argument, NULL, OPT_SRC_IP },
        { "dst-ip", required_argument, NULL, OPT_DST_IP },
        { "src-port", required_argument, NULL, OPT_SRC_PORT },
        { "dst-port", required_argument, NULL, OPT_DST_PORT },
        { "exact-rules", required_argument, NULL, OPT_RULES },
        { "actions", required_argument, NULL, OPT_ACTIONS },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    *o = (struct options) {
        .dst_mac = { 0x02, 0, 0, 0, 0, 0x02 },
        .src_mac = { 0x02, 0, 0, 0, 0, 0x01 },
        .src_ip = 0x0a000001,
        .dst_ip = 0xc0a80101,
        .src_port = 1024,
        .dst_port = 5001,
        .actions = "output:2",
    };
    bool have_flows = false;
    uint64_t v;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_FLOWS:
            if (!parse_u64(optarg, 1, 0xffffff, &o->n_flows)) {
                die_arg("--flows", optarg, "an integer from 1 to 16777215");
            }
            have_flows = true;
            break;
        case OPT_PACKETS:
            if (!parse_u64(optarg, 1, UINT32_MAX, &o->n_packets)) {
                die_arg("--packets", optarg, "an integer from 1 to 4294967295");
            }
            break;
        case OPT_DST_MAC:
            if (!parse_mac(optarg, o->dst_mac)) {
                die_arg("--dst-mac", optarg, "a MAC address like 02:00:00:00:00:02");
            }
            break;
        case OPT_SRC_MAC:
            if (!parse_mac(optarg, o->src_mac)) {
                die_arg("--src-mac", optarg, "a MAC address like 02:00:00:00:00:01");
            }
            break;
        case OPT_SRC_IP:
            if (!parse_ipv4(optarg, &o->src_ip)) {
                die_arg("--src-ip", optarg, "an IPv4 address like 10.0.0.1");
            }
            break;
        case OPT_DST_IP:
            if (!parse_ipv4(optarg, &o->dst_ip)) {
                die_arg("--dst-ip", optarg, "an IPv4 address like 192.168.1.1");
            }
            break;
        case OPT_SRC_PORT:
            if (!parse_u64(optarg, 0, 65535, &v)) {
                die_arg("--src-port", optarg, "a port from 0 to 65535");
            }
            o->src_port = v;
            break;
        case OPT_DST_PORT:
            if (!parse_u64(optarg, 0, 65535, &v)) {
                die_arg("--dst-port", optarg, "a port from 0 to 65535");
            }
            o->dst_port = v;
            break;
        case OPT_RULES:
            o->rules_file = optarg;
            break;
        case OPT_ACTIONS:
            o->actions = optarg;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            exit(2);
        }
    }
    if (!have_flows) {
        fprintf(stderr, "%s: missing --flows=N (the number of distinct flows to generate)\n", prog);
        exit(2);
    }
    if (optind != argc - 1) {
        fprintf(stderr, "%s: expected exactly one OUTPUT.pcap argument (got %d)\n", prog,
                argc - optind);
        exit(2);
    }
    o->output = argv[optind];
    if ((uint64_t) o->src_ip + o->n_flows - 1 > UINT32_MAX) {
        fprintf(stderr, "%s: --src-ip plus --flows runs past 255.255.255.255: "
                "choose a lower --src-ip or fewer flows\n", prog);
        exit(2);
    }
    if (!o->n_packets) {
        o->n_packets = o->n_flows >= MIN_PACKETS
                       ? o->n_flows : o->n_flows * ((MIN_PACKETS + o->n_flows - 1) / o->n_flows);
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* Frames.                                                                                         */

static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += (uint32_t) p[i] << 8 | p[i + 1];
    }
    if (n & 1) {
        sum += (uint32_t) p[n - 1] << 8;
    }
    return sum;
}

static uint16_t
csum_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return ~sum & 0xffff;
}

static void
put16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static void
put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

/* Fills FRAME with flow I's packet. */
static void
build_frame(const struct options *o, uint64_t i, uint8_t frame[FRAME_LEN])
{
    memset(frame, 0, FRAME_LEN);
    memcpy(frame, o->dst_mac, 6);
    memcpy(frame + 6, o->src_mac, 6);
    put16(frame + 12, 0x0800);

    uint8_t *ip = frame + ETH_LEN;
    ip[0] = 0x45;
    put16(ip + 2, FRAME_LEN - ETH_LEN);
    put16(ip + 4, (uint16_t) i);            /* identification */
    ip[8] = 64;                             /* TTL */
    ip[9] = 17;                             /* UDP */
    uint32_t src = o->src_ip + (uint32_t) i;
    put32(ip + 12, src);
    put32(ip + 16, o->dst_ip);
    put16(ip + 10, csum_fold(csum_add(0, ip, IP_LEN)));

    uint8_t *udp = ip + IP_LEN;
    uint16_t udp_len = FRAME_LEN - ETH_LEN - IP_LEN;
    put16(udp, (uint16_t) (o->src_port + i % PORT_SPAN));
    put16(udp + 2, o->dst_port);
    put16(udp + 4, udp_len);
    uint8_t *payload = udp + UDP_LEN;
    for (int k = 0; k < FRAME_LEN - ETH_LEN - IP_LEN - UDP_LEN; k++) {
        payload[k] = 0x20 + k;
    }
    /* RFC 768 checksum over the pseudo-header, header and payload. */
    uint32_t sum = csum_add(0, ip + 12, 8);
    sum += 17 + udp_len;
    sum = csum_add(sum, udp, udp_len);
    uint16_t ck = csum_fold(sum);
    put16(udp + 6, ck ? ck : 0xffff);
}

static int
write_rules(const struct options *o)
{
    FILE *f = fopen(o->rules_file, "w");
    if (!f) {
        fprintf(stderr, "%s: cannot create rules file '%s': %s\n", prog, o->rules_file,
                strerror(errno));
        return -1;
    }
    for (uint64_t i = 0; i < o->n_flows; i++) {
        uint32_t src = o->src_ip + (uint32_t) i;
        fprintf(f, "udp,nw_src=%u.%u.%u.%u,tp_src=%u,actions=%s\n", src >> 24, (src >> 16) & 0xff,
                (src >> 8) & 0xff, src & 0xff, (unsigned) (uint16_t) (o->src_port + i % PORT_SPAN),
                o->actions);
    }
    if (fclose(f)) {
        fprintf(stderr, "%s: cannot write rules file '%s': %s\n", prog, o->rules_file,
                strerror(errno));
        return -1;
    }
    return 0;
}

int
main(int argc, char *argv[])
{
    struct options o;
    parse_options(argc, argv, &o);

    pcap_t *pd = pcap_open_dead(DLT_EN10MB, 65535);
    if (!pd) {
        fprintf(stderr, "%s: pcap_open_dead failed (out of memory?)\n", prog);
        return 1;
    }
    pcap_dumper_t *dumper = pcap_dump_open(pd, o.output);
    if (!dumper) {
        fprintf(stderr, "%s: cannot create pcap '%s': %s\n", prog, o.output, pcap_geterr(pd));
        pcap_close(pd);
        return 1;
    }

    /* Frames are built once per flow, then the file cycles through them. */
    uint64_t n_frames = o.n_flows < o.n_packets ? o.n_flows : o.n_packets;
    uint8_t (*frames)[FRAME_LEN] = malloc(n_frames * FRAME_LEN);
    if (!frames) {
        fprintf(stderr, "%s: out of memory for %" PRIu64 " frames\n", prog, n_frames);
        return 1;
    }
    for (uint64_t i = 0; i < n_frames; i++) {
        build_frame(&o, i, frames[i]);
    }
    struct pcap_pkthdr hdr = { .caplen = FRAME_LEN, .len = FRAME_LEN };
    for (uint64_t j = 0; j < o.n_packets; j++) {
        hdr.ts.tv_sec = j / 1000000;
        hdr.ts.tv_usec = j % 1000000;
        pcap_dump((u_char *) dumper, &hdr, frames[j % o.n_flows]);
    }
    free(frames);
    int rc = 0;
    if (pcap_dump_flush(dumper) || ferror(pcap_dump_file(dumper))) {
        fprintf(stderr, "%s: write error on '%s': %s\n", prog, o.output, strerror(errno));
        rc = 1;
    }
    pcap_dump_close(dumper);
    pcap_close(pd);

    if (!rc && o.rules_file && write_rules(&o)) {
        rc = 1;
    }
    return rc;
}
