/*
 * test-pcapgen — runs uvs-pcapgen (path in argv[1]) and reads its pcap back with libpcap and
 * flow_extract(): packet count, frame size, the per-flow source address and port, valid checksums,
 * the exact-rules file, argument errors, and the 100k-flow generation time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pmd/flow.h"

static const char *gen_path;
static char tmpdir[] = "/tmp/uvs-test-pcapgen-XXXXXX";

/* Runs the generator with ARGS (NULL-terminated); stderr goes to ERRFILE if not NULL. Returns the
 * exit status. */
static int
run_gen(const char *errfile, const char *const args[])
{
    const char *argv[32];
    int n = 0;
    argv[n++] = gen_path;
    for (int i = 0; args[i]; i++) {
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (!pid) {
        if (errfile) {
            int fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            dup2(fd, 2);
        }
        execv(gen_path, (char *const *) argv);
        _exit(127);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static char *
tmp_path(const char *name)
{
    static char buf[8][256];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", tmpdir, name);
    return p;
}

static uint16_t
ones_sum(const uint8_t *p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += (uint32_t) p[i] << 8 | p[i + 1];
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

struct expect {
    uint64_t flows, packets;
    uint32_t src_ip, dst_ip;
    uint16_t src_port, dst_port;
    uint8_t dst_mac[6], src_mac[6];
};

/* Reads PCAP and checks every packet against E. */
static void
check_pcap(const char *pcap, const struct expect *e)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(pcap, err);
    if (!p) {
        fail_msg("cannot read %s: %s", pcap, err);
    }
    assert_int_equal(pcap_datalink(p), DLT_EN10MB);
    struct pcap_pkthdr *hdr;
    const u_char *data;
    uint64_t j = 0;
    int rc;
    while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
        assert_int_equal(hdr->caplen, 60);
        assert_int_equal(hdr->len, 60);
        struct flow f;
        assert_int_equal(flow_extract(data, hdr->caplen, 1, &f), 0);
        uint64_t i = j % e->flows;
        assert_memory_equal(f.dl_dst.ea, e->dst_mac, 6);
        assert_memory_equal(f.dl_src.ea, e->src_mac, 6);
        assert_int_equal(ntohs(f.dl_type_be), ETH_TYPE_IP);
        assert_int_equal(f.vlan_tci_be, 0);
        assert_int_equal(ntohl(f.nw_src_be), e->src_ip + i);
        assert_int_equal(ntohl(f.nw_dst_be), e->dst_ip);
        assert_int_equal(f.nw_proto, 17);
        assert_int_equal(f.nw_frag, 0);
        assert_int_equal(ntohs(f.tp_src_be), (uint16_t) (e->src_port + i % 64512));
        assert_int_equal(ntohs(f.tp_dst_be), e->dst_port);
        /* IPv4 header checksum and UDP checksum (pseudo-header) verify to 0xffff. */
        assert_int_equal(ones_sum(data + 14, 20, 0), 0xffff);
        uint32_t pseudo = ones_sum(data + 26, 8, 17 + 26);
        assert_int_equal(ones_sum(data + 34, 26, pseudo), 0xffff);
        j++;
    }
    assert_int_equal(rc, PCAP_ERROR_BREAK);
    assert_int_equal(j, e->packets);
    pcap_close(p);
}

static void
default_expect(struct expect *e, uint64_t flows, uint64_t packets)
{
    *e = (struct expect) {
        .flows = flows, .packets = packets, .src_ip = 0x0a000001, .dst_ip = 0xc0a80101,
        .src_port = 1024, .dst_port = 5001,
        .dst_mac = { 2, 0, 0, 0, 0, 2 }, .src_mac = { 2, 0, 0, 0, 0, 1 },
    };
}

static void
test_default_packet_count(void **state)
{
    (void) state;
    struct expect e;
    /* 1 flow: 1024 packets; 1000 flows: 2000 (smallest multiple of N >= 1024); 3000: 3000. */
    static const uint64_t cases[][2] = { { 1, 1024 }, { 1000, 2000 }, { 3000, 3000 } };
    for (size_t k = 0; k < 3; k++) {
        char flows[32];
        snprintf(flows, sizeof flows, "--flows=%" PRIu64, cases[k][0]);
        const char *args[] = { flows, tmp_path("a.pcap"), NULL };
        assert_int_equal(run_gen(NULL, args), 0);
        default_expect(&e, cases[k][0], cases[k][1]);
        check_pcap(tmp_path("a.pcap"), &e);
    }
}

static void
test_options_and_rules(void **state)
{
    (void) state;
    const char *args[] = {
        "--flows=70000", "--packets=70001", "--dst-mac=aa:bb:cc:dd:ee:ff",
        "--src-mac=0e:00:00:00:00:01", "--src-ip=172.16.0.10", "--dst-ip=172.17.0.1",
        "--src-port=2000", "--dst-port=4789", "--exact-rules", tmp_path("rules.txt"),
        "--actions=output:7", tmp_path("b.pcap"), NULL,
    };
    assert_int_equal(run_gen(NULL, args), 0);
    struct expect e = {
        .flows = 70000, .packets = 70001, .src_ip = 0xac10000a, .dst_ip = 0xac110001,
        .src_port = 2000, .dst_port = 4789,
        .dst_mac = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff }, .src_mac = { 0x0e, 0, 0, 0, 0, 1 },
    };
    check_pcap(tmp_path("b.pcap"), &e);

    FILE *f = fopen(tmp_path("rules.txt"), "r");
    assert_non_null(f);
    char line[256], want[256];
    uint64_t n = 0;
    while (fgets(line, sizeof line, f)) {
        uint32_t src = e.src_ip + n;
        snprintf(want, sizeof want, "udp,nw_src=%u.%u.%u.%u,tp_src=%u,actions=output:7\n",
                 src >> 24, (src >> 16) & 0xff, (src >> 8) & 0xff, src & 0xff,
                 (unsigned) (uint16_t) (2000 + n % 64512));
        assert_string_equal(line, want);
        n++;
    }
    fclose(f);
    assert_int_equal(n, 70000);
}

static void
test_bad_arguments(void **state)
{
    (void) state;
    const char *errfile = tmp_path("err.txt");
    const char *const bad[][4] = {
        { "--flows=0", "x.pcap", NULL },
        { "--flows=ten", "x.pcap", NULL },
        { tmp_path("x.pcap"), NULL },                       /* missing --flows */
        { "--flows=1", NULL },                              /* missing output */
        { "--flows=1", "--dst-mac=02:00:00:00:00", "x.pcap", NULL },
        { "--flows=1", "--src-ip=300.0.0.1", "x.pcap", NULL },
        { "--flows=16777215", "--src-ip=255.0.0.2", "x.pcap", NULL },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(run_gen(errfile, bad[i]), 2);
        FILE *f = fopen(errfile, "r");
        char msg[512] = "";
        assert_non_null(fgets(msg, sizeof msg, f));
        fclose(f);
        assert_non_null(strstr(msg, "uvs-pcapgen: "));
    }
    const char *unwritable[] = { "--flows=1", "/nonexistent-dir/x.pcap", NULL };
    assert_int_equal(run_gen(errfile, unwritable), 1);
}

/* 100,000 flows with rules: the benchmark's largest case, well under a second. */
static void
test_100k_flows_fast(void **state)
{
    (void) state;
    struct timespec t0, t1;
    const char *args[] = { "--flows=100000", "--exact-rules", tmp_path("r100k.txt"),
                           tmp_path("c.pcap"), NULL };
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(run_gen(NULL, args), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    print_message("100k flows + rules generated in %.3f s\n", secs);
    assert_true(secs < 1.0);
    struct expect e;
    default_expect(&e, 100000, 100000);
    check_pcap(tmp_path("c.pcap"), &e);
}

static int
cleanup(void **state)
{
    (void) state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int
main(int argc, char *argv[])
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s PATH/TO/uvs-pcapgen\n", argv[0]);
        return 2;
    }
    gen_path = argv[1];
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_packet_count),
        cmocka_unit_test(test_options_and_rules),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_100k_flows_fast),
    };
    return cmocka_run_group_tests_name("pcapgen", tests, NULL, cleanup);
}
