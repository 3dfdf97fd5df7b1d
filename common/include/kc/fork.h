/* SPDX-License-Identifier: Apache-2.0 */
/* Every context records the fork generation it was made in; after fork()
 * the child's generation differs, so it never drives its parent's sockets.
 * Public so that callers caching kernel objects of their own (the
 * provider's idle hash sockets) can apply the same rule.
 *
 * What a context does in a child:
 *  - kc_hash: continues transparently. Its first operation after any fork,
 *    in the child or the parent, moves it to an op socket of its own,
 *    cloned (accept) from the one it had; neither side writes to the shared
 *    socket again, so each clone sees the state as it was at fork().
 *  - kc_cipher, kc_aead, kc_keywrap, kc_rng: KC_ERR_FORKED, since their
 *    op sockets cannot be cloned. kc_*_inherited() tells a caller that
 *    kept the key (the provider) to free the context, which closes only
 *    this process's copy of the fd, and make a new one. */
#ifndef KC_FORK_H
#define KC_FORK_H

unsigned kc_fork_generation(void);
/* Changes in both parent and child at every fork(). */
unsigned kc_fork_epoch(void);

#endif
