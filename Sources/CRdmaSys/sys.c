/* CRdmaSys: static inline wrappers in the header, and the one loop kept out of line here. */
#include "CRdmaSys.h"

#include <limits.h>
#include <string.h>

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
                if (n == (ssize_t)slot) r->fd = fd; else close(fd);
            }
        }
        name += name_length + 1;
    }
}
