/*
 * CRdmaLock - a mutex the thread sanitizer can see (issue 10).
 *
 * With Swift 6.3 on Linux, Synchronization.Mutex waits on a futex through a raw syscall that
 * TSan does not intercept, so two critical sections under the same Mutex carry no
 * happens-before edge and every access inside them is reported as a "Swift access race". A
 * pthread mutex is intercepted (compiler-rt tsan_interceptors_posix.cpp, pthread_mutex_lock),
 * so the same code under this lock is checked for real.
 *
 * The header includes nothing: code above the kernel seam may import this module and still
 * cannot reach libc (DESIGN sec. 2, .ci/lint-imports.sh). The lock is opaque; lock.c owns it.
 */
#ifndef CRDMALOCK_H
#define CRDMALOCK_H

typedef struct rdmalock rdmalock;

/* A new unlocked mutex; aborts if it cannot allocate one (there is no recovery a caller could
 * make, and a nil lock would only move the crash). */
rdmalock *rdmalock_create(void);
void rdmalock_destroy(rdmalock *lock);
/* Abort on any error return: EDEADLK/EINVAL here are programming errors, never conditions. */
void rdmalock_lock(rdmalock *lock);
void rdmalock_unlock(rdmalock *lock);

#endif
