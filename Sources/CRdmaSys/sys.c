/* CRdmaSys: static inline wrappers in the header, and the one loop kept out of line here. */
#include "CRdmaSys.h"

#include <limits.h>
#include <string.h>

#if defined(SYS_close_range)
#define RDMASYS_SYS_CLOSE_RANGE SYS_close_range
#else
#define RDMASYS_SYS_CLOSE_RANGE 436 /* unified syscall number since Linux 5.9 */
#endif

/* The descriptors a batch opened and read, closed together: where they are every descriptor
 * from the lowest to the highest — so no other descriptor lies between, whatever another thread
 * opened meanwhile — one close_range(2) (Linux 5.9; fs/file.c __close_range closes each as
 * close(2) does), else one close each. One syscall where there were a dozen (issue 9). */
static void close_all(const int *fds, int count) {
    if (count == 0) return;
    int low = fds[0], high = fds[0];
    for (int i = 1; i < count; i++) {
        if (fds[i] < low) low = fds[i];
        if (fds[i] > high) high = fds[i];
    }
    if (high - low + 1 == count && syscall(RDMASYS_SYS_CLOSE_RANGE, (unsigned int)low, (unsigned int)high, 0u) == 0) return;
    for (int i = 0; i < count; i++) close(fds[i]);
}

void rdmasys_read_attributes(int dirfd, const char *prefix, size_t prefix_length, const char *names, int count,
                             int flags, unsigned long long resolve, int check,
                             struct rdmasys_attribute_read *reads, char *buffer, unsigned int slot) {
    char path[PATH_MAX];
    if (prefix_length >= sizeof path - 1) prefix_length = sizeof path; /* every open below: ENAMETOOLONG */
    else if (prefix_length > 0) {
        memcpy(path, prefix, prefix_length);
        path[prefix_length++] = '/';
    }
    const char *name = names;
    int opened[64], open_count = 0;
    for (int i = 0; i < count; i++) {
        struct rdmasys_attribute_read *r = &reads[i];
        size_t name_length = strlen(name);
        r->open_errno = 0; r->read_errno = 0; r->length = 0; r->fd = -1; r->stat_errno = 0; r->mode = 0;
        if (prefix_length + name_length >= sizeof path) {
            r->open_errno = ENAMETOOLONG;
        } else {
            memcpy(path + prefix_length, name, name_length + 1);
            int fd = resolve != 0 ? rdmaabi_openat2(dirfd, path, (unsigned long long)flags, 0, resolve)
                                  : openat(dirfd, path, flags);
            if (fd < 0) {
                r->open_errno = errno;
            } else {
                ssize_t n;
                do { n = read(fd, buffer + (size_t)i * slot, slot); } while (n < 0 && errno == EINTR);
                if (n < 0) r->read_errno = errno; else r->length = (int)n;
                if (check && n <= 0) {
                    struct stat st;
                    if (fstat(fd, &st) == 0) r->mode = st.st_mode; else r->stat_errno = errno;
                }
                if (n == (ssize_t)slot) {
                    r->fd = fd;
                } else {
                    opened[open_count++] = fd;
                    if (open_count == (int)(sizeof opened / sizeof opened[0])) { close_all(opened, open_count); open_count = 0; }
                }
            }
        }
        name += name_length + 1;
    }
    close_all(opened, open_count);
}
