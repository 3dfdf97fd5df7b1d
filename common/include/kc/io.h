/* SPDX-License-Identifier: Apache-2.0 */
/* How requests reach the kernel. Plain: one sendmsg and one read (2
 * syscalls). io_uring: the same two linked on the calling thread's ring and
 * submitted with one io_uring_enter (1 syscall), each thread holding one
 * ring fd. Off unless enabled here or by KCRYPT_IO_URING=1; where io_uring
 * is absent or refused the plain path serves, decided at run time. */
#ifndef KC_IO_H
#define KC_IO_H

void kc_io_uring_enable(int on);
int kc_io_uring_enabled(void);

#endif
