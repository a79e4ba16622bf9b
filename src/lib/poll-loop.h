/*
 * poll-loop — the single-threaded event loop of the control threads (never used by PMD threads).
 *
 * The OVS pattern: each module has a run() that does whatever work is ready without blocking, and a
 * wait() that registers what would make run() have work (fds, timers). The main loop is
 *
 *     for (;;) { a_run(); b_run(); a_wait(); b_wait(); poll_block(); }
 *
 * poll_block() sleeps in poll(2) until an fd is ready, a timer expires, or poll_immediate_wake() was
 * called, then clears the registrations. Only the thread that runs the loop may call these.
 */
#ifndef UVS_POLL_LOOP_H
#define UVS_POLL_LOOP_H 1

#include <poll.h>

/* Wakes poll_block() when FD has any of EVENTS (POLLIN, POLLOUT). */
void poll_fd_wait(int fd, short events);
/* Wakes poll_block() after MSEC milliseconds (0 = immediately; negative is ignored). */
void poll_timer_wait(long long msec);
/* Wakes poll_block() when time_msec() >= WHEN. */
void poll_timer_wait_until(long long when);
void poll_immediate_wake(void);
void poll_block(void);

#endif
