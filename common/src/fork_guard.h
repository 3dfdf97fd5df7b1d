/* Every context records the fork generation it was made in; after fork()
 * the child's generation differs, so it never drives its parent's sockets. */
#ifndef KC_FORK_GUARD_H
#define KC_FORK_GUARD_H

unsigned kc_fork_generation(void);

#endif
