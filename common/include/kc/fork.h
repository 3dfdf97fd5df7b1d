/* Every context records the fork generation it was made in; after fork()
 * the child's generation differs, so it never drives its parent's sockets.
 * Public so that callers caching kernel objects of their own (the
 * provider's idle hash sockets) can apply the same rule. */
#ifndef KC_FORK_H
#define KC_FORK_H

unsigned kc_fork_generation(void);

#endif
