/* SPDX-License-Identifier: Apache-2.0 */
/* What a test can see of its own process. */
#ifndef KCT_PROC_H
#define KCT_PROC_H

/* Entries in /proc/self/fd (the count includes the directory's own fd, so
 * compare two counts, never one with a constant); -1 if unreadable. */
int kct_open_fds(void);

#endif
