/* CRdmaLock: see include/CRdmaLock.h for why this is a pthread mutex and not Synchronization.Mutex. */
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
    int rc = pthread_mutex_init(&lock->mutex, NULL);
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
