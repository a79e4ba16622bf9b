/*
 * poll-loop — the control threads' event loop. See poll-loop.h for the contract.
 *
 * State is per thread (__thread): the registered pollfds and the earliest timer. poll_block() consumes
 * and clears it. Several registrations of the same fd are merged into one pollfd.
 */
#include "lib/poll-loop.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lib/daemon.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(poll_loop);

struct poll_loop {
    struct pollfd *fds;
    size_t n_fds;
    size_t alloc;
    long long timeout_when;   /* LLONG_MAX: no timer */
    bool initialized;
};

static __thread struct poll_loop loop;

/* Frees a thread's pollfd array when the thread exits. */
static pthread_key_t loop_key;
static pthread_once_t loop_key_once = PTHREAD_ONCE_INIT;

static void
free_loop(void *l_)
{
    struct poll_loop *l = l_;
    free(l->fds);
    l->fds = NULL;
    l->alloc = l->n_fds = 0;
}

static void
create_loop_key(void)
{
    pthread_key_create(&loop_key, free_loop);
}

static struct poll_loop *
get_loop(void)
{
    if (!loop.initialized) {
        loop.timeout_when = LLONG_MAX;
        loop.initialized = true;
        pthread_once(&loop_key_once, create_loop_key);
        pthread_setspecific(loop_key, &loop);
    }
    return &loop;
}

void
poll_fd_wait(int fd, short events)
{
    struct poll_loop *l = get_loop();
    if (fd < 0) {
        return;
    }
    for (size_t i = 0; i < l->n_fds; i++) {
        if (l->fds[i].fd == fd) {
            l->fds[i].events |= events;
            return;
        }
    }
    if (l->n_fds >= l->alloc) {
        l->alloc = l->alloc ? l->alloc * 2 : 16;
        l->fds = xrealloc(l->fds, l->alloc * sizeof *l->fds);
    }
    l->fds[l->n_fds].fd = fd;
    l->fds[l->n_fds].events = events;
    l->fds[l->n_fds].revents = 0;
    l->n_fds++;
}

void
poll_timer_wait_until(long long when)
{
    struct poll_loop *l = get_loop();
    if (when < l->timeout_when) {
        l->timeout_when = when;
    }
}

void
poll_timer_wait(long long msec)
{
    if (msec < 0) {
        return;
    }
    long long now = time_msec();
    poll_timer_wait_until(msec > LLONG_MAX - now ? LLONG_MAX - 1 : now + msec);
}

void
poll_immediate_wake(void)
{
    poll_timer_wait_until(LLONG_MIN);
}

void
poll_block(void)
{
    struct poll_loop *l = get_loop();
    fatal_signal_wait();
    int timeout;
    if (l->timeout_when == LLONG_MAX) {
        timeout = -1;
    } else {
        long long now = time_msec();
        long long delta = l->timeout_when <= now ? 0 : l->timeout_when - now;
        timeout = delta > INT_MAX ? INT_MAX : (int) delta;
    }
    if (l->n_fds == 0 && timeout < 0) {
        /* Nothing can ever wake us: a bug in some wait() function. Avoid hanging forever. */
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 1);
        VLOG_WARN_RL(&rl, "poll_block() called with nothing to wait for; sleeping 1 s");
        timeout = 1000;
    }
    int n = poll(l->fds, l->n_fds, timeout);
    if (n < 0 && errno != EINTR) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);
        VLOG_ERR_RL(&rl, "poll: %s", strerror(errno));
    }
    l->n_fds = 0;
    l->timeout_when = LLONG_MAX;
    fatal_signal_run();
}
