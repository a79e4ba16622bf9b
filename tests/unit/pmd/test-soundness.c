/*
 * test-soundness — differential test of the megaflow cache against the OpenFlow pipeline (the class
 * of CVE-2020-35498 and CVE-2023-1668: a megaflow whose mask misses a field the pipeline consulted
 * forwards other packets with the wrong actions).
 *
 * A real ofproto (the pipeline, MAC learning) and a real dp_netdev (only for its cache generation)
 * are set up; random OpenFlow rule sets go in through ofproto_handle_flow_mod(), and random packets
 * go through a datapath cache built like a PMD's: EMC then megaflow classifier (pmd/emc.h,
 * pmd/dpcls.h), an upcall (ofproto_upcall) on a miss installing a megaflow with the returned mask
 * (plus in_port and recirc_id exact, as dpif-netdev does), a flush whenever the datapath's cache
 * generation moves (port changes), and a revalidation pass (dp_flow_revalidate() with
 * ofproto_revalidate(), as a PMD runs it) whenever its revalidation sequence moves (every
 * flow-mod, every MAC NORMAL learns): megaflows are kept, updated in place or removed one by one, never flushed. For every
 * packet answered from the cache, the cached actions must equal the actions a fresh
 * ofproto_upcall() gives the same packet now. Rules are added, modified (strict and not) and
 * deleted (strict and not) between packet rounds; the test also checks that revalidation kept,
 * updated and removed megaflows (so it is not a flush in disguise).
 *
 * Needs an EAL (rte_hash): started with --no-huge; skipped (exit 77) if it cannot start.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <rte_malloc.h>

#include "eal-test.h"
#include "ofproto/ofp-parse.h"
#include "ofproto/ofproto.h"
#include "pkt-build.h"
#include "pmd/dpcls.h"
#include "pmd/dpif-netdev.h"
#include "pmd/emc.h"
#include "pmd/flow.h"

#define N_PORTS 4
#define DP_PORT_OF(OFP) ((OFP) + 10)      /* Datapath numbers differ from OpenFlow ones. */

static unsigned rng_state = 12345;

static unsigned
rnd(unsigned n)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (rng_state >> 8) % n;
}

/* The simulated PMD cache. */
struct cache {
    struct emc_cache *emc;
    struct dpcls *cls;
    uint64_t gen;
    uint64_t reval_seq;
    unsigned n_hits, n_misses, n_flushes;
    unsigned n_kept, n_updated, n_deleted;      /* Revalidation verdicts applied. */
};

static void
free_flow(struct dp_flow *flow, void *aux)
{
    (void) aux;
    rte_free(flow);
}

static void
cache_flush(struct cache *c)
{
    emc_flush(c->emc);
    dpcls_flush(c->cls, free_flow, NULL);
    c->n_flushes++;
}

/* Collects the megaflows of the classifier (dpcls_foreach() forbids removal during the walk). */
struct collect {
    struct dp_flow **flows;
    size_t n, alloc;
};

static void
collect_flow(struct dp_flow *flow, void *c_)
{
    struct collect *c = c_;
    if (c->n == c->alloc) {
        c->alloc = c->alloc ? 2 * c->alloc : 64;
        c->flows = realloc(c->flows, c->alloc * sizeof *c->flows);
        assert_non_null(c->flows);
    }
    c->flows[c->n++] = flow;
}

struct fixture;
static void *port_aux_of_dp(struct fixture *, uint32_t dp_port);

/* One revalidation pass over every megaflow, as pmd_reval_run() does it. */
static void
cache_revalidate(struct fixture *f, struct cache *c)
{
    struct collect col = { NULL, 0, 0 };
    struct dp_upcall_result *res = calloc(1, sizeof *res);
    bool any_dead = false;

    assert_non_null(res);
    dpcls_foreach(c->cls, collect_flow, &col);
    for (size_t i = 0; i < col.n; i++) {
        struct dp_flow *flow = col.flows[i];
        enum dp_reval_verdict v = dp_flow_revalidate(flow, ofproto_revalidate,
                                                     port_aux_of_dp(f, flow->key.in_port), res);
        if (v == DP_REVAL_UPDATE && !dp_flow_update(flow, res)) {
            v = DP_REVAL_DELETE;
        }
        if (v == DP_REVAL_DELETE) {
            flow->dead = 1;
            dpcls_remove(c->cls, flow);
            any_dead = true;
            c->n_deleted++;
        } else {
            v == DP_REVAL_UPDATE ? c->n_updated++ : c->n_kept++;
        }
    }
    if (any_dead) {
        emc_remove_dead(c->emc);
        for (size_t i = 0; i < col.n; i++) {
            if (col.flows[i]->dead) {
                rte_free(col.flows[i]);
            }
        }
    }
    free(col.flows);
    free(res);
}

struct fixture {
    char rundir[64];
    struct dp_netdev *dp;
    struct ofproto *ofproto;
    struct cache cache;
};

static const uint8_t macs[4][6] = {
    { 0, 0, 0, 0, 0, 1 }, { 0, 0, 0, 0, 0, 2 }, { 0, 0, 0, 0, 0, 3 }, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
};

/* A random packet from a small space, so that rules overlap and megaflows get reused. */
static void
random_packet(struct pkt *p, uint32_t *ofp_in)
{
    memset(p, 0, sizeof *p);
    *ofp_in = 1 + rnd(N_PORTS);
    unsigned kind = rnd(10);
    pkt_put_eth(p, macs[rnd(4)], macs[rnd(3)],
                kind == 0 ? 0x88cc : kind == 1 ? 0x86dd : 0x0800);
    if (kind == 0) {
        pkt_put_zeros(p, 46);
        return;
    }
    uint8_t proto = rnd(2) ? 6 : 17;
    uint16_t sport = (const uint16_t[]) { 53, 80, 443, 1000 }[rnd(4)];
    uint16_t dport = (const uint16_t[]) { 53, 80, 443, 1000 }[rnd(4)];
    uint16_t l4len = proto == 6 ? 20 : 8;
    if (kind == 1) {
        uint8_t src[16] = { 0xfe, 0x80 }, dst[16] = { 0xfe, 0x80 };
        src[15] = (uint8_t) rnd(4);
        dst[15] = (uint8_t) rnd(4);
        pkt_put_ipv6(p, 0, 0, l4len, proto, 64, src, dst);
    } else {
        uint32_t src = 0x0a000000u | rnd(2) << 8 | rnd(4) << 6 | rnd(2);
        uint32_t dst = 0x0a000000u | rnd(2) << 8 | rnd(4);
        pkt_put_ipv4(p, (uint8_t) (rnd(2) << 2), l4len, 0, 64, proto, src, dst);
    }
    if (proto == 6) {
        pkt_put_tcp(p, sport, dport, rnd(2) ? 0x02 : 0x10, 5);
    } else {
        pkt_put_udp(p, sport, dport, 0);
    }
}

/* A random match + priority, as ovs-ofctl text. */
static void
random_match(char *buf, size_t size, bool with_priority)
{
    int n = 0;
    buf[0] = '\0';
    if (with_priority) {
        n += snprintf(buf + n, size - n, "priority=%u,", rnd(6));
    }
    if (rnd(3) == 0) {
        n += snprintf(buf + n, size - n, "in_port=%u,", 1 + rnd(N_PORTS));
    }
    if (rnd(5) == 0) {
        n += snprintf(buf + n, size - n, "dl_src=00:00:00:00:00:0%u,", 1 + rnd(3));
    }
    if (rnd(5) == 0) {
        n += snprintf(buf + n, size - n, "dl_dst=00:00:00:00:00:0%u,", 1 + rnd(3));
    }
    unsigned l3 = rnd(4);
    if (l3 >= 1) {
        const char *proto = (const char *[]) { "ip", "tcp", "udp" }[rnd(3)];
        n += snprintf(buf + n, size - n, "%s,", proto);
        if (rnd(2)) {
            static const int plens[] = { 8, 16, 23, 24, 26, 30, 32 };
            n += snprintf(buf + n, size - n, "nw_src=10.0.%u.%u/%d,", rnd(2), rnd(4) << 6 | rnd(2),
                          plens[rnd(7)]);
        }
        if (rnd(2)) {
            n += snprintf(buf + n, size - n, "nw_dst=10.0.%u.%u/%d,", rnd(2), rnd(4),
                          rnd(2) ? 32 : 24);
        }
        if (strcmp(proto, "ip") && rnd(2)) {
            n += snprintf(buf + n, size - n, "tp_dst=%u,",
                          (const unsigned[]) { 53, 80, 443, 1000 }[rnd(4)]);
        }
        if (strcmp(proto, "ip") && rnd(3) == 0) {
            n += snprintf(buf + n, size - n, "tp_src=%u,",
                          (const unsigned[]) { 53, 80, 443, 1000 }[rnd(4)]);
        }
        if (rnd(6) == 0) {
            n += snprintf(buf + n, size - n, "nw_tos=%u,", rnd(2) << 2);
        }
    }
    if (n && buf[n - 1] == ',') {
        buf[n - 1] = '\0';
    }
}

static void
random_actions(char *buf, size_t size)
{
    switch (rnd(8)) {
    case 0: snprintf(buf, size, "drop"); break;
    case 1: snprintf(buf, size, "NORMAL"); break;
    case 2: snprintf(buf, size, "output:%u,output:%u", 1 + rnd(N_PORTS), 1 + rnd(N_PORTS)); break;
    case 3: snprintf(buf, size, "in_port"); break;
    case 4: snprintf(buf, size, "FLOOD"); break;
    default: snprintf(buf, size, "output:%u", 1 + rnd(N_PORTS)); break;
    }
}

static bool
port_name_cb(void *aux, const char *name, uint32_t *port)
{
    (void) aux;
    if (!strncmp(name, "p", 1) && name[1] >= '1' && name[1] <= '0' + N_PORTS && !name[2]) {
        *port = (uint32_t) (name[1] - '0');
        return true;
    }
    return false;
}

static void *
port_aux_of_dp(struct fixture *f, uint32_t dp_port)
{
    return ofproto_port_aux(f->ofproto, dp_port - DP_PORT_OF(0));
}

/* Sends one random flow-mod. */
static void
random_flow_mod(struct fixture *f)
{
    static const enum ofp_flow_mod_command cmds[] = {
        OFPFC_ADD, OFPFC_ADD, OFPFC_ADD, OFPFC_MODIFY, OFPFC_MODIFY_STRICT, OFPFC_DELETE,
        OFPFC_DELETE_STRICT,
    };
    enum ofp_flow_mod_command cmd = cmds[rnd(7)];
    char match[256], acts[64], text[400];
    struct ofp_flow_mod fm;
    struct ofperr err;

    random_match(match, sizeof match, cmd != OFPFC_DELETE && cmd != OFPFC_MODIFY);
    random_actions(acts, sizeof acts);
    if (cmd == OFPFC_DELETE || cmd == OFPFC_DELETE_STRICT) {
        snprintf(text, sizeof text, "%s", match);
    } else {
        snprintf(text, sizeof text, "%s%sactions=%s", match, *match ? "," : "", acts);
    }
    char *error = ofp_parse_flow_mod(text, cmd, port_name_cb, NULL, &fm);
    if (error) {
        fail_msg("cannot parse generated flow \"%s\": %s", text, error);
    }
    ofproto_handle_flow_mod(f->ofproto, &fm, &err);
    ofp_flow_mod_destroy(&fm);
}

static bool
actions_equal(const struct dp_actions *a, const struct dp_action *b, uint32_t n)
{
    return a->n == n && !memcmp(a->a, b, n * sizeof *b);
}

static char *
format_actions(const struct dp_action *a, uint32_t n)
{
    static char buf[512];
    int len = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < n && len < 480; i++) {
        len += snprintf(buf + len, sizeof buf - len, "%s%u:%u", i ? "," : "", a[i].type,
                        a[i].port);
    }
    return n ? buf : (char *) "drop";
}

/* Runs one packet through the simulated cache, checking a cached answer against a fresh one. */
static void
process_packet(struct fixture *f, const struct pkt *p, uint32_t ofp_in)
{
    struct cache *c = &f->cache;
    struct flow key;
    struct dp_upcall_result *res = calloc(1, sizeof *res);
    void *aux = ofproto_port_aux(f->ofproto, ofp_in);

    assert_non_null(res);
    assert_non_null(aux);
    if (dp_netdev_cache_gen(f->dp) != c->gen) {
        c->gen = dp_netdev_cache_gen(f->dp);
        c->reval_seq = dp_netdev_reval_seq(f->dp);
        cache_flush(c);
    } else if (dp_netdev_reval_seq(f->dp) != c->reval_seq) {
        c->reval_seq = dp_netdev_reval_seq(f->dp);
        cache_revalidate(f, c);
    }
    flow_extract(p->data, p->len, DP_PORT_OF(ofp_in), &key);
    uint32_t hash = flow_hash(&key, 0);
    struct dp_flow *flow = emc_lookup(c->emc, &key, hash);
    if (!flow) {
        const struct flow *keys[1] = { &key };
        dpcls_lookup(c->cls, keys, 1, &flow);
    }
    if (flow) {
        c->n_hits++;
        assert_int_equal(ofproto_upcall(aux, &key, p->data, p->len, res), 0);
        if (!actions_equal(&res->actions, flow->actions, flow->n_actions)) {
            char *k = flow_to_string(&key, NULL), *m = flow_to_string(&flow->key, &flow->mask);
            char cached[512];
            snprintf(cached, sizeof cached, "%s", format_actions(flow->actions, flow->n_actions));
            fail_msg("stale or unsound megaflow:\n  packet   %s\n  megaflow %s\n  cached   %s\n"
                     "  fresh    %s", k, m, cached,
                     format_actions(res->actions.a, res->actions.n));
        }
        free(res);
        return;
    }

    c->n_misses++;
    assert_int_equal(ofproto_upcall(aux, &key, p->data, p->len, res), 0);
    res->wc.in_port = UINT32_MAX;
    res->wc.recirc_id = UINT32_MAX;
    flow = rte_zmalloc(NULL, sizeof *flow + res->actions.n * sizeof flow->actions[0],
                       RTE_CACHE_LINE_SIZE);
    assert_non_null(flow);
    flow->mask = res->wc;
    flow_apply_mask(&flow->key, &key, &res->wc);
    flow->n_actions = res->actions.n;
    flow->alloc_actions = res->actions.n;
    flow->rule_id = res->rule_id;
    memcpy(flow->actions, res->actions.a, res->actions.n * sizeof flow->actions[0]);
    int err = dpcls_insert(c->cls, flow);
    if (err) {
        char *k = flow_to_string(&key, NULL), *m = flow_to_string(&flow->key, &flow->mask);
        fail_msg("megaflow insert failed (%d) after a miss: packet %s megaflow %s", err, k, m);
    }
    emc_insert(c->emc, &key, hash, flow);
    free(res);
}

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (!f) {
        return -1;
    }
    snprintf(f->rundir, sizeof f->rundir, "/tmp/uvs-test-sound.XXXXXX");
    if (!mkdtemp(f->rundir)) {
        free(f);
        return -1;
    }
    setenv("UVS_RUNDIR", f->rundir, 1);
    f->dp = dp_netdev_create();
    f->ofproto = ofproto_create("sound0", 1, f->dp);
    if (!f->ofproto) {
        return -1;
    }
    for (uint32_t i = 1; i <= N_PORTS; i++) {
        char name[8];
        snprintf(name, sizeof name, "p%u", i);
        if (ofproto_port_add(f->ofproto, i, DP_PORT_OF(i), name)) {
            return -1;
        }
    }
    f->cache.emc = emc_create(SOCKET_ID_ANY);
    f->cache.cls = dpcls_create(SOCKET_ID_ANY, "sound");
    if (!f->cache.emc || !f->cache.cls) {
        return -1;
    }
    f->cache.gen = dp_netdev_cache_gen(f->dp);
    f->cache.reval_seq = dp_netdev_reval_seq(f->dp);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    cache_flush(&f->cache);
    emc_destroy(f->cache.emc);
    dpcls_destroy(f->cache.cls);
    ofproto_destroy(f->ofproto);
    dp_netdev_destroy(f->dp);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->rundir);
    if (system(cmd)) {
        /* Best effort. */
    }
    free(f);
    return 0;
}

/* Random rule sets and packets; rules change between rounds. */
static void
test_random_rules(void **state)
{
    struct fixture *f = *state;

    for (unsigned seed = 1; seed <= 8; seed++) {
        rng_state = seed * 2654435761u;
        /* A fresh table for each seed: delete everything, then 10-30 rules. */
        struct ofp_flow_mod fm;
        struct ofperr err;
        assert_null(ofp_parse_flow_mod("", OFPFC_DELETE, port_name_cb, NULL, &fm));
        ofproto_handle_flow_mod(f->ofproto, &fm, &err);
        ofp_flow_mod_destroy(&fm);
        unsigned n_rules = 10 + rnd(20);
        for (unsigned i = 0; i < n_rules; i++) {
            random_flow_mod(f);
        }
        for (unsigned round = 0; round < 25; round++) {
            for (unsigned k = 0; k < 150; k++) {
                struct pkt p;
                uint32_t in;
                random_packet(&p, &in);
                process_packet(f, &p, in);
            }
            for (unsigned k = 1 + rnd(4); k; k--) {
                random_flow_mod(f);
            }
        }
    }
    /* The test means something only if the cache answered many packets. */
    assert_true(f->cache.n_hits > 10000);
    assert_true(f->cache.n_misses > 100);
    /* Flow-mods revalidated the cache megaflow by megaflow: some survived, some changed. */
    assert_true(f->cache.n_kept > 100);
    assert_true(f->cache.n_deleted > 10);
    assert_true(f->cache.n_updated > 10);
    print_message("soundness: %u cache hits checked, %u misses, %u flushes; revalidation kept %u, "
                  "updated %u, deleted %u megaflows\n", f->cache.n_hits, f->cache.n_misses,
                  f->cache.n_flushes, f->cache.n_kept, f->cache.n_updated, f->cache.n_deleted);
}

/* A flow-mod that changes forwarding must trigger revalidation: the sequence moves. */
static void
test_flow_mod_invalidates(void **state)
{
    struct fixture *f = *state;
    struct ofp_flow_mod fm;
    struct ofperr err;

    uint64_t g0 = dp_netdev_reval_seq(f->dp);
    assert_null(ofp_parse_flow_mod("priority=100,udp,actions=output:2", OFPFC_ADD, port_name_cb,
                                   NULL, &fm));
    assert_int_equal(ofproto_handle_flow_mod(f->ofproto, &fm, &err), 0);
    ofp_flow_mod_destroy(&fm);
    assert_true(dp_netdev_reval_seq(f->dp) != g0);
    /* With no PMD threads, sync returns at once. */
    assert_int_equal(dp_netdev_sync_caches(f->dp), 0);
}

int
main(int argc, char *argv[])
{
    (void) argc;
    if (eal_test_init(argv[0])) {
        fprintf(stderr, "%s: skipped: the DPDK EAL cannot start here\n", argv[0]);
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_random_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flow_mod_invalidates, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
