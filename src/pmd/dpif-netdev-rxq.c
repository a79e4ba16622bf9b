/* dpif-netdev-rxq — rx queue placement on the PMD threads (pmd-rxq-assign, pmd-rxq-affinity,
 * options:n_rxq) and the publication of new poll lists. See dpif-netdev.h for the design and
 * dp_reload_pmds() below for the rules. Main thread only, under dp->mutex where stated. */
#include "pmd/dpif-netdev.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "pmd/dpif-netdev-private.h"
#include "pmd/netdev-dpdk.h"

VLOG_DEFINE_THIS_MODULE(dpif_netdev_rxq);

/* An rx queue waiting for a PMD in dp_reload_pmds(). */
struct rxq_ref {
    struct dp_port *port;
    uint16_t qid;
    uint64_t cycles;
};

/* Busiest first; ties in port then queue order, so the result is deterministic. */
static int
rxq_ref_cmp(const void *a_, const void *b_)
{
    const struct rxq_ref *a = a_, *b = b_;
    if (a->cycles != b->cycles) {
        return a->cycles > b->cycles ? -1 : 1;
    }
    if (a->port->dp_port != b->port->dp_port) {
        return a->port->dp_port < b->port->dp_port ? -1 : 1;
    }
    return (int) a->qid - (int) b->qid;
}

/* Records each polled queue's busy cycles per second (measured by its PMD since it took the
 * queue) in its port, for pmd-rxq-assign=cycles and group. Caller holds dp->mutex. */
static void
dp_collect_rxq_cycles(struct dp_netdev *dp)
{
    uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();
    for (unsigned i = 0; i < dp->n_pmds; i++) {
        struct pmd_thread *pmd = dp->pmds[i];
        unsigned n = __atomic_load_n(&pmd->n_rxq_stats, __ATOMIC_ACQUIRE);
        for (unsigned k = 0; k < n; k++) {
            const struct pmd_rxq_stat *st = &pmd->rxq_stats[k];
            struct dp_port *port = st->dp_port < DP_MAX_PORTS ? dp->ports[st->dp_port] : NULL;
            uint64_t span = now - st->since_tsc;
            if (port && st->qid < NETDEV_MAX_RXQ && span > hz / 10) {
                uint64_t cyc = __atomic_load_n(&st->cycles, __ATOMIC_RELAXED);
                port->rxq_cycles[st->qid] = (uint64_t) ((double) cyc * (double) hz
                                                        / (double) span);
            }
        }
    }
}

static void
pmd_give_rxq(struct pmd_thread *pmd, struct dp_port *port, uint16_t qid)
{
    pthread_mutex_lock(&pmd->mutex);
    pmd->pending_rxqs[pmd->n_pending_rxqs].port = port;
    pmd->pending_rxqs[pmd->n_pending_rxqs].qid = qid;
    pmd->n_pending_rxqs++;
    pthread_mutex_unlock(&pmd->mutex);
}

/* Assigns every rx queue to a PMD, publishes, and waits for every PMD to act:
 *  1. queues pinned by pmd-rxq-affinity go to the PMD on their core, which then becomes
 *     isolated (it polls only pinned queues, as in OVS); a pin to a core without a PMD is logged
 *     and the queue is assigned like an unpinned one;
 *  2. the other queues go to the non-isolated PMDs by pmd-rxq-assign (see enum rxq_assign), the
 *     cycles modes using each queue's measured busy cycles.
 * Called whenever ports, PMDs or the placement options change. Caller holds dp->mutex. */
void
dp_reload_pmds(struct dp_netdev *dp)
{
    unsigned n_rxq_total = 0;

    for (unsigned p = 0; p < DP_MAX_PORTS; p++) {
        if (dp->ports[p]) {
            n_rxq_total += dp->ports[p]->dev->n_rxq;
        }
    }
    if (dp->rxq_assign != RXQ_ASSIGN_ROUNDROBIN) {
        dp_collect_rxq_cycles(dp);
    }
    for (unsigned i = 0; i < dp->n_pmds; i++) {
        struct pmd_thread *pmd = dp->pmds[i];
        pthread_mutex_lock(&pmd->mutex);
        free(pmd->pending_rxqs);
        pmd->pending_rxqs = xcalloc(n_rxq_total ? n_rxq_total : 1, sizeof *pmd->pending_rxqs);
        pmd->n_pending_rxqs = 0;
        pthread_mutex_unlock(&pmd->mutex);
    }

    bool isolated[PMD_MAX] = { false };
    uint64_t load[PMD_MAX] = { 0 };
    unsigned n_queues[PMD_MAX] = { 0 };
    struct rxq_ref *todo = xcalloc(n_rxq_total ? n_rxq_total : 1, sizeof *todo);
    unsigned n_todo = 0;
    for (unsigned p = 0; p < DP_MAX_PORTS && dp->n_pmds; p++) {
        struct dp_port *port = dp->ports[p];
        for (uint16_t q = 0; port && q < port->dev->n_rxq; q++) {
            uint64_t cycles = q < NETDEV_MAX_RXQ ? port->rxq_cycles[q] : 0;
            int core = q < NETDEV_MAX_RXQ ? port->rxq_affinity[q] : -1;
            if (core >= 0) {
                unsigned i;
                for (i = 0; i < dp->n_pmds && dp->pmds[i]->core_id != (unsigned) core; i++) {
                    continue;
                }
                if (i < dp->n_pmds) {
                    pmd_give_rxq(dp->pmds[i], port, q);
                    isolated[i] = true;
                    load[i] += cycles;
                    n_queues[i]++;
                    continue;
                }
                VLOG_WARN("interface %s: other_config:pmd-rxq-affinity pins rx queue %u to core "
                          "%d, which runs no PMD thread: assigning the queue to another PMD "
                          "(add core %d to other_config:pmd-cpu-mask to honour the pin)",
                          port->name, q, core, core);
            }
            todo[n_todo++] = (struct rxq_ref) { port, q, cycles };
        }
    }

    unsigned cand[PMD_MAX], n_cand = 0;
    for (unsigned i = 0; i < dp->n_pmds; i++) {
        if (!isolated[i]) {
            cand[n_cand++] = i;
        }
    }
    if (n_todo && !n_cand) {
        VLOG_WARN("%u rx queue%s (first: interface %s queue %u) not pinned by "
                  "pmd-rxq-affinity, but every PMD thread is isolated by a pinned queue: they "
                  "are not polled (add a core to other_config:pmd-cpu-mask)", n_todo,
                  n_todo == 1 ? "" : "s", todo[0].port->name, todo[0].qid);
        n_todo = 0;
    }
    if (dp->rxq_assign != RXQ_ASSIGN_ROUNDROBIN) {
        qsort(todo, n_todo, sizeof *todo, rxq_ref_cmp);
    }
    for (unsigned k = 0; k < n_todo; k++) {
        unsigned c;
        if (dp->rxq_assign == RXQ_ASSIGN_ROUNDROBIN) {
            c = k % n_cand;
        } else if (dp->rxq_assign == RXQ_ASSIGN_CYCLES) {
            /* Zig-zag: 0,1,..,n-1,n-1,..,0, so the busiest queues are spread evenly. */
            unsigned pos = k % (2 * n_cand);
            c = pos < n_cand ? pos : 2 * n_cand - 1 - pos;
        } else {
            c = 0;
            for (unsigned j = 1; j < n_cand; j++) {
                unsigned a = cand[j], b = cand[c];
                if (load[a] < load[b] || (load[a] == load[b] && n_queues[a] < n_queues[b])) {
                    c = j;
                }
            }
        }
        unsigned i = cand[c];
        pmd_give_rxq(dp->pmds[i], todo[k].port, todo[k].qid);
        load[i] += todo[k].cycles;
        n_queues[i]++;
    }
    free(todo);
    for (unsigned i = 0; i < dp->n_pmds; i++) {
        __atomic_store_n(&dp->pmds[i]->isolated, isolated[i], __ATOMIC_RELAXED);
    }
    coverage_inc(COVERAGE_pmd_reload);
    uint64_t seq = __atomic_add_fetch(&dp->reload_seq, 1, __ATOMIC_ACQ_REL);
    long long deadline = time_msec() + RELOAD_TIMEOUT_MSEC;
    for (unsigned i = 0; i < dp->n_pmds; i++) {
        while (__atomic_load_n(&dp->pmds[i]->reload_done, __ATOMIC_ACQUIRE) != seq) {
            if (time_msec() > deadline) {
                VLOG_ERR("pmd thread on core %u did not take its new poll list within %d ms",
                         dp->pmds[i]->core_id, RELOAD_TIMEOUT_MSEC);
                break;
            }
            usleep(100);
        }
    }
}

static bool
streq_null(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

/* Parses pmd-rxq-affinity "Q:CORE,Q:CORE" into AFF[] (-1 elsewhere). Returns NULL or a malloc'd
 * reason. */
static char *
parse_rxq_affinity(const char *spec, int aff[NETDEV_MAX_RXQ])
{
    for (unsigned q = 0; q < NETDEV_MAX_RXQ; q++) {
        aff[q] = -1;
    }
    char *copy = xstrdup(spec), *save = NULL, *err = NULL;
    for (char *tok = strtok_r(copy, ", ", &save); tok && !err; tok = strtok_r(NULL, ", ", &save)) {
        unsigned long q, core;
        char *end;
        errno = 0;
        q = strtoul(tok, &end, 10);
        if (end == tok || *end != ':' || errno) {
            err = xasprintf("\"%s\" is not QUEUE:CORE", tok);
            break;
        }
        char *c = end + 1;
        core = strtoul(c, &end, 10);
        if (end == c || *end || errno || core >= CPU_SETSIZE) {
            err = xasprintf("\"%s\" is not QUEUE:CORE", tok);
        } else if (q >= NETDEV_MAX_RXQ) {
            err = xasprintf("queue %lu is above the highest queue id %d", q, NETDEV_MAX_RXQ - 1);
        } else {
            aff[q] = (int) core;
        }
    }
    free(copy);
    return err;
}

int
dp_netdev_port_set_config(struct dp_netdev *dp, uint32_t p, const char *n_rxq_s,
                          const char *affinity_s)
{
    if (p >= DP_MAX_PORTS) {
        return -ENODEV;
    }
    pthread_mutex_lock(&dp->mutex);
    struct dp_port *port = dp->ports[p];
    if (!port) {
        pthread_mutex_unlock(&dp->mutex);
        return -ENODEV;
    }
    int ret = 0;
    bool changed = false;
    unsigned n_rxq = port->dev->n_rxq;
    if (n_rxq_s) {
        char *end;
        errno = 0;
        unsigned long v = strtoul(n_rxq_s, &end, 10);
        if (end == n_rxq_s || *end || errno || v < 1 || v > NETDEV_MAX_RXQ) {
            VLOG_ERR("interface %s: options:n_rxq=\"%s\" is not a number from 1 to %d; keeping "
                     "%u rx queue%s", port->name, n_rxq_s, NETDEV_MAX_RXQ, n_rxq,
                     n_rxq == 1 ? "" : "s");
            ret = -EINVAL;
        } else {
            n_rxq = (unsigned) v;
        }
    } else {
        n_rxq = 1;
    }
    if (n_rxq > port->dev->max_rxq) {
        VLOG_WARN("interface %s: options:n_rxq=%u but DPDK device '%s' (driver %s) has at most "
                  "%u rx queues: using %u", port->name, n_rxq, port->dev->devargs,
                  netdev_dpdk_driver_name(port->dev), port->dev->max_rxq, port->dev->max_rxq);
        n_rxq = port->dev->max_rxq;
    }
    if (n_rxq != port->dev->n_rxq) {
        /* Unpublish the port so that no PMD polls or sends on it, reconfigure, publish again. */
        char *err = NULL;
        __atomic_store_n(&dp->ports[p], NULL, __ATOMIC_RELEASE);
        __atomic_add_fetch(&dp->cache_gen, 1, __ATOMIC_ACQ_REL);
        dp_reload_pmds(dp);
        if (netdev_dpdk_set_n_rxq(port->dev, n_rxq, &err)) {
            VLOG_ERR("interface %s: options:n_rxq=%u: %s", port->name, n_rxq, err);
            ret = -EINVAL;
        }
        free(err);
        memset(port->rxq_cycles, 0, sizeof port->rxq_cycles);
        coverage_inc(COVERAGE_port_reconfigure);
        __atomic_store_n(&dp->ports[p], port, __ATOMIC_RELEASE);
        changed = true;
    }
    if (!streq_null(affinity_s, port->affinity_spec)) {
        int aff[NETDEV_MAX_RXQ];
        char *err = affinity_s ? parse_rxq_affinity(affinity_s, aff) : NULL;
        if (err) {
            VLOG_ERR("interface %s: other_config:pmd-rxq-affinity=\"%s\": %s (expected "
                     "QUEUE:CORE pairs such as \"0:1,1:2\"); no queue of the interface is pinned",
                     port->name, affinity_s, err);
            free(err);
            ret = -EINVAL;
            for (unsigned q = 0; q < NETDEV_MAX_RXQ; q++) {
                aff[q] = -1;
            }
        } else if (!affinity_s) {
            for (unsigned q = 0; q < NETDEV_MAX_RXQ; q++) {
                aff[q] = -1;
            }
        }
        memcpy(port->rxq_affinity, aff, sizeof aff);
        free(port->affinity_spec);
        port->affinity_spec = affinity_s ? xstrdup(affinity_s) : NULL;
        changed = true;
    }
    if (changed) {
        for (unsigned q = port->dev->n_rxq; q < NETDEV_MAX_RXQ; q++) {
            if (port->rxq_affinity[q] >= 0) {
                VLOG_WARN("interface %s: other_config:pmd-rxq-affinity pins rx queue %u, but "
                          "the interface has %u rx queue%s (options:n_rxq): ignored", port->name,
                          q, port->dev->n_rxq, port->dev->n_rxq == 1 ? "" : "s");
            }
        }
        __atomic_add_fetch(&dp->cache_gen, 1, __ATOMIC_ACQ_REL);
        dp_reload_pmds(dp);
    }
    pthread_mutex_unlock(&dp->mutex);
    return ret;
}

int
dp_netdev_set_rxq_assign(struct dp_netdev *dp, const char *mode)
{
    enum rxq_assign a;
    int ret = 0;

    if (!mode || !strcmp(mode, "cycles")) {
        a = RXQ_ASSIGN_CYCLES;
    } else if (!strcmp(mode, "roundrobin")) {
        a = RXQ_ASSIGN_ROUNDROBIN;
    } else if (!strcmp(mode, "group")) {
        a = RXQ_ASSIGN_GROUP;
    } else {
        VLOG_ERR("other_config:pmd-rxq-assign=\"%s\" is not one of cycles, roundrobin, group; "
                 "using cycles", mode);
        a = RXQ_ASSIGN_CYCLES;
        ret = -EINVAL;
    }
    pthread_mutex_lock(&dp->mutex);
    if (a != dp->rxq_assign) {
        static const char *const names[] = { "cycles", "roundrobin", "group" };
        dp->rxq_assign = a;
        VLOG_INFO("rx queue assignment: %s", names[a]);
        dp_reload_pmds(dp);
    }
    pthread_mutex_unlock(&dp->mutex);
    return ret;
}
