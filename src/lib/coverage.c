/* coverage — named slow-path event counters. See coverage.h. */
#include "lib/coverage.h"

#include <inttypes.h>
#include <string.h>

#include "lib/unixctl.h"
#include "lib/util.h"

/* ---- Types and state. ---- */

static const char *const names[COVERAGE_N_EVENTS] = {
#define COVERAGE(NAME, DESC) #NAME,
    COVERAGE_EVENTS
#undef COVERAGE
};

static const char *const descs[COVERAGE_N_EVENTS] = {
#define COVERAGE(NAME, DESC) DESC,
    COVERAGE_EVENTS
#undef COVERAGE
};

static uint64_t totals[COVERAGE_N_EVENTS];        /* __atomic relaxed, any thread. */

/* Main thread only: sampled totals. Entries not yet written are 0, which is the total at start. */
#define SEC_RING 64     /* Holds 60 seconds back from the last sample. */
#define MIN_RING 64     /* Holds 60 minutes back. */
static uint64_t sec_ring[SEC_RING][COVERAGE_N_EVENTS];   /* One sample per second. */
static uint64_t min_ring[MIN_RING][COVERAGE_N_EVENTS];   /* One sample per minute. */
static unsigned n_secs;                                   /* Seconds sampled so far. */
static long long next_sample;                             /* msec; 0 = not started. */

/* ---- API. ---- */

void
coverage_add(enum coverage_event ev, uint64_t n)
{
    if ((unsigned) ev < COVERAGE_N_EVENTS) {
        __atomic_fetch_add(&totals[ev], n, __ATOMIC_RELAXED);
    }
}

uint64_t
coverage_total(enum coverage_event ev)
{
    return (unsigned) ev < COVERAGE_N_EVENTS ? __atomic_load_n(&totals[ev], __ATOMIC_RELAXED) : 0;
}

const char *
coverage_name(enum coverage_event ev)
{
    return (unsigned) ev < COVERAGE_N_EVENTS ? names[ev] : "?";
}

void
coverage_run(long long now)
{
    if (!next_sample) {
        next_sample = now + 1000;
        return;
    }
    /* At most 60 catch-up samples per call, so a long stall cannot make this loop long. */
    for (int i = 0; now >= next_sample && i < SEC_RING; i++) {
        uint64_t *s = sec_ring[n_secs % SEC_RING];
        for (unsigned e = 0; e < COVERAGE_N_EVENTS; e++) {
            s[e] = coverage_total((enum coverage_event) e);
        }
        n_secs++;
        if (n_secs % 60 == 0) {
            memcpy(min_ring[(n_secs / 60) % MIN_RING], s, sizeof min_ring[0]);
        }
        next_sample += 1000;
    }
    if (now >= next_sample) {
        next_sample = now + 1000;
    }
}

/* The total sampled AGO (<= 60) seconds before the last sample; 0 before the start. */
static uint64_t
sec_ago(unsigned e, unsigned ago)
{
    return ago < n_secs ? sec_ring[(n_secs - 1 - ago) % SEC_RING][e] : 0;
}

/* The total sampled AGO (<= 60) minutes before the last minute sample; 0 before the start. */
static uint64_t
min_ago(unsigned e, unsigned ago)
{
    unsigned n_mins = n_secs / 60;
    return ago < n_mins ? min_ring[(n_mins - ago) % MIN_RING][e] : 0;
}

void
coverage_show(struct ds *ds, bool json)
{
    unsigned never = 0;

    ds_put_cstr(ds, json ? "{\"counters\":["
                         : "Event coverage, avg rate over last: 5 seconds, last minute, "
                           "last hour:\n");
    for (unsigned e = 0; e < COVERAGE_N_EVENTS; e++) {
        uint64_t total = coverage_total((enum coverage_event) e);
        uint64_t last = n_secs ? sec_ago(e, 0) : 0;
        double per_sec = (double) (last - sec_ago(e, 5)) / 5.0;
        uint64_t per_min = last - sec_ago(e, 60);
        uint64_t per_hour = last - min_ago(e, 60);
        if (json) {
            ds_put_format(ds, "%s{\"name\":\"%s\",\"description\":\"%s\",\"per_sec\":%.1f,"
                          "\"per_min\":%" PRIu64 ",\"per_hour\":%" PRIu64 ",\"total\":%" PRIu64
                          "}", e ? "," : "", names[e], descs[e], per_sec, per_min, per_hour,
                          total);
        } else if (total) {
            ds_put_format(ds, "%-24s %8.1f/sec %9" PRIu64 "/min %10" PRIu64 "/hr   total: %"
                          PRIu64 "\n", names[e], per_sec, per_min, per_hour, total);
        } else {
            never++;
        }
    }
    if (json) {
        ds_put_cstr(ds, "]}\n");
    } else {
        ds_put_format(ds, "%u events never hit\n", never);
    }
}

/* ---- unixctl. ---- */

static void
coverage_show_cmd(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    (void) aux;
    bool json = argc == 3 && !strcmp(argv[1], "--format") && !strcmp(argv[2], "json");
    if (argc > 1 && !json) {
        unixctl_command_reply_error(conn, "usage: coverage/show [--format json]");
        return;
    }
    struct ds ds = DS_EMPTY_INITIALIZER;
    coverage_show(&ds, json);
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

void
coverage_register_unixctl(void)
{
    static bool done;
    if (!done) {
        done = true;
        unixctl_command_register("coverage/show", "[--format json]", 0, 2, coverage_show_cmd,
                                 NULL);
    }
}
