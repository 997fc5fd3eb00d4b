/* CRdmaLock: see include/CRdmaLock.h for why this is a pthread mutex and not Synchronization.Mutex. */
#define _GNU_SOURCE
#include "CRdmaLock.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rdmalock {
    pthread_mutex_t mutex;
};

static void rdmalock_fail(const char *call, int rc) {
    fprintf(stderr, "rdmactl: %s failed: %s\n", call, strerror(rc));
    abort();
}

rdmalock *rdmalock_create(void) {
    rdmalock *lock = malloc(sizeof *lock);
    if (lock == NULL) rdmalock_fail("malloc", 12 /* ENOMEM */);
    /* Adaptive: a contended lock spins briefly before it sleeps. What these locks guard is held
       for a look-up or two (a directory cache, a table of handles), far shorter than the futex
       wait and wake-up a plain mutex pays on each collision (issue 9: when one directory cache
       served every discovery thread, futex and the scheduler were 5 % of a rooted listing's
       samples on 2 cores, `perf record`). */
    pthread_mutexattr_t attr;
    int rc = pthread_mutexattr_init(&attr);
    if (rc == 0) rc = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
    if (rc == 0) rc = pthread_mutex_init(&lock->mutex, &attr);
    pthread_mutexattr_destroy(&attr);
    if (rc != 0) rdmalock_fail("pthread_mutex_init", rc);
    return lock;
}

void rdmalock_destroy(rdmalock *lock) {
    int rc = pthread_mutex_destroy(&lock->mutex);
    if (rc != 0) rdmalock_fail("pthread_mutex_destroy", rc);
    free(lock);
}

void rdmalock_lock(rdmalock *lock) {
    int rc = pthread_mutex_lock(&lock->mutex);
    if (rc != 0) rdmalock_fail("pthread_mutex_lock", rc);
}

void rdmalock_unlock(rdmalock *lock) {
    int rc = pthread_mutex_unlock(&lock->mutex);
    if (rc != 0) rdmalock_fail("pthread_mutex_unlock", rc);
}
