/*
 * coverage — named event counters for slow-path events (OVS's coverage/show).
 *
 * Each counter counts one kind of event that is rare enough not to matter for speed: an upcall, a
 * cache flush, a port added, the EMC switching to bypass. The list is one X-macro (COVERAGE_EVENTS)
 * so the enum and the names come from one place; add an entry to add a counter.
 *
 * Rates: coverage_run(), called by the main loop, samples the totals once a second into a ring of
 * the last 60 seconds and once a minute into a ring of the last 60 minutes; coverage/show prints
 * the average per second over the last 5 seconds, the count over the last minute and over the last
 * hour (before the process was that old, the counts since it started), and the total.
 *
 * Invariants: totals only grow; nothing here is on the per-packet fast path (a PMD counts an
 * event where it already took a slow path, e.g. per upcall, per flush, per aging pass).
 *
 * Thread-safety: coverage_inc()/coverage_add() from any thread (relaxed atomic adds to a shared
 * counter); coverage_run(), coverage_show() and coverage_register_unixctl() on the main thread.
 */
#ifndef UVS_COVERAGE_H
#define UVS_COVERAGE_H 1

#include <stdbool.h>
#include <stdint.h>

struct ds;

#define COVERAGE_EVENTS                                                             \
    COVERAGE(upcall, "packet missed the caches and went to the OpenFlow pipeline")  \
    COVERAGE(upcall_failed, "upcall failed (packet dropped)")                       \
    COVERAGE(upcall_flow_limit, "megaflow not installed: flow-limit reached")       \
    COVERAGE(dpif_flush, "datapath caches flushed (rule or port change)")           \
    COVERAGE(dpif_sync, "waited for PMDs to apply a flush (barrier)")               \
    COVERAGE(dpif_revalidate, "datapath asked to revalidate megaflows (flow-mod)")  \
    COVERAGE(revalidate_pass, "a PMD started a megaflow revalidation pass")         \
    COVERAGE(upcall_limited, "miss dropped: upcall rate or batch bound")            \
    COVERAGE(pmd_cache_flush, "a PMD dropped its megaflows and EMC")                \
    COVERAGE(megaflow_aged, "megaflow removed idle (max-idle or flow-limit)")       \
    COVERAGE(emc_bypass, "a PMD started bypassing its EMC (low hit rate)")          \
    COVERAGE(pmd_reload, "rx queues reassigned to the PMD threads")                 \
    COVERAGE(pmd_create, "PMD thread started")                                      \
    COVERAGE(port_add, "datapath port added")                                       \
    COVERAGE(port_del, "datapath port deleted")                                     \
    COVERAGE(port_reconfigure, "datapath port reconfigured (n_rxq)")                \
    COVERAGE(packet_in, "packet delivered to userspace (packet-in)")                \
    COVERAGE(packet_in_drop, "packet-in dropped: queue full")                       \
    COVERAGE(dp_execute, "packet executed from the main thread (packet-out)")

enum coverage_event {
#define COVERAGE(NAME, DESC) COVERAGE_##NAME,
    COVERAGE_EVENTS
#undef COVERAGE
    COVERAGE_N_EVENTS
};

/* Adds N to counter EV. Any thread. */
void coverage_add(enum coverage_event ev, uint64_t n);
static inline void
coverage_inc(enum coverage_event ev)
{
    coverage_add(ev, 1);
}
/* The total of EV since start (any thread). */
uint64_t coverage_total(enum coverage_event ev);
const char *coverage_name(enum coverage_event ev);

/* Samples the totals when a second has passed since the last sample; NOW_MSEC is time_msec().
 * Main thread; cheap when called more often. */
void coverage_run(long long now_msec);

/* coverage/show text (OVS layout: one line per counter that ever counted, then "N events never
 * hit") or, with JSON, an object {"counters":[{"name","description","per_sec","per_min",
 * "per_hour","total"}...]} with every counter (zeros included; keys are only ever added). */
void coverage_show(struct ds *, bool json);

/* Registers the unixctl command "coverage/show [--format json]". Only the first call registers. */
void coverage_register_unixctl(void);

#endif
