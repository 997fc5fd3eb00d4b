/*
 * CRdmaSys - the libc calls Swift cannot make directly (variadic in glibc, or without a glibc
 * wrapper) and the open/stat flags that go with them. Only RdmaLinux, the code below the kernel
 * seam, depends on this target; CRdmaABI (kernel UAPI numbers and layouts) stays free of libc
 * so the code above the seam cannot reach it (DESIGN sec. 2, .ci/lint-imports.sh).
 */
#ifndef CRDMASYS_H
#define CRDMASYS_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <linux/sched.h>

/* glibc's own major()/minor()/makedev() (<sys/sysmacros.h>): the reference the test suite holds
 * CRdmaABI's rdmaabi_major/minor/makedev to. */
static inline unsigned int rdmasys_major(unsigned long long dev) { return (unsigned int)major((dev_t)dev); }
static inline unsigned int rdmasys_minor(unsigned long long dev) { return (unsigned int)minor((dev_t)dev); }
static inline unsigned long long rdmasys_makedev(unsigned int maj, unsigned int min) {
    return (unsigned long long)makedev(maj, min);
}

/* errno itself is a macro over a thread-local; these read and write it. */
static inline int rdmaabi_errno(void) { return errno; }
static inline void rdmaabi_set_errno(int value) { errno = value; }

/* =====================================================================================
 * 9. open / openat2 / access / stat flags
 *    O_PATH is GNU-only in glibc's <fcntl.h>; fall back to glibc's always-defined
 *    internal __O_* spelling so the value is reachable whatever the feature macros.
 * ===================================================================================== */

static const int RDMAABI_O_RDONLY = O_RDONLY;
static const int RDMAABI_O_WRONLY = O_WRONLY;
static const int RDMAABI_O_RDWR = O_RDWR;
static const int RDMAABI_O_ACCMODE = O_ACCMODE;
static const int RDMAABI_O_NOCTTY = O_NOCTTY;
static const int RDMAABI_O_NONBLOCK = O_NONBLOCK;
#ifdef O_CLOEXEC
static const int RDMAABI_O_CLOEXEC = O_CLOEXEC;
#else
static const int RDMAABI_O_CLOEXEC = __O_CLOEXEC;
#endif
#ifdef O_NOFOLLOW
static const int RDMAABI_O_NOFOLLOW = O_NOFOLLOW;
#else
static const int RDMAABI_O_NOFOLLOW = __O_NOFOLLOW;
#endif
#ifdef O_DIRECTORY
static const int RDMAABI_O_DIRECTORY = O_DIRECTORY;
#else
static const int RDMAABI_O_DIRECTORY = __O_DIRECTORY;
#endif
#ifdef O_PATH
static const int RDMAABI_O_PATH = O_PATH;
#else
static const int RDMAABI_O_PATH = __O_PATH;
#endif

/* RESOLVE_* (<linux/openat2.h>); open_how.resolve is a u64. */
static const unsigned long long RDMAABI_RESOLVE_NO_XDEV = RESOLVE_NO_XDEV;
static const unsigned long long RDMAABI_RESOLVE_NO_MAGICLINKS = RESOLVE_NO_MAGICLINKS;
static const unsigned long long RDMAABI_RESOLVE_NO_SYMLINKS = RESOLVE_NO_SYMLINKS;
static const unsigned long long RDMAABI_RESOLVE_BENEATH = RESOLVE_BENEATH;
static const unsigned long long RDMAABI_RESOLVE_IN_ROOT = RESOLVE_IN_ROOT;

#ifdef AT_FDCWD
static const int RDMAABI_AT_FDCWD = AT_FDCWD;
#else
static const int RDMAABI_AT_FDCWD = -100;
#endif
#ifdef AT_SYMLINK_NOFOLLOW
static const int RDMAABI_AT_SYMLINK_NOFOLLOW = AT_SYMLINK_NOFOLLOW;
#else
static const int RDMAABI_AT_SYMLINK_NOFOLLOW = 0x100; /* include/uapi/linux/fcntl.h */
#endif
#ifdef AT_EACCESS
static const int RDMAABI_AT_EACCESS = AT_EACCESS;
#else
static const int RDMAABI_AT_EACCESS = 0x200; /* include/uapi/linux/fcntl.h */
#endif

static const int RDMAABI_F_OK = F_OK;
static const int RDMAABI_X_OK = X_OK;
static const int RDMAABI_W_OK = W_OK;
static const int RDMAABI_R_OK = R_OK;

static const unsigned int RDMAABI_S_IFMT = S_IFMT;
static const unsigned int RDMAABI_S_IFSOCK = S_IFSOCK;
static const unsigned int RDMAABI_S_IFLNK = S_IFLNK;
static const unsigned int RDMAABI_S_IFREG = S_IFREG;
static const unsigned int RDMAABI_S_IFBLK = S_IFBLK;
static const unsigned int RDMAABI_S_IFDIR = S_IFDIR;
static const unsigned int RDMAABI_S_IFCHR = S_IFCHR;
static const unsigned int RDMAABI_S_IFIFO = S_IFIFO;

_Static_assert(sizeof(struct open_how) == 24, "struct open_how (OPEN_HOW_SIZE_VER0)");

/* =====================================================================================
 * 10. System calls Swift cannot call directly (variadic in glibc, or no glibc wrapper).
 *     All return -1 and set errno on failure, like the libc calls they wrap.
 * ===================================================================================== */

#if defined(SYS_openat2)
#define RDMAABI_SYS_OPENAT2_NR SYS_openat2
#elif defined(__NR_openat2)
#define RDMAABI_SYS_OPENAT2_NR __NR_openat2
#else
#define RDMAABI_SYS_OPENAT2_NR 437 /* unified syscall number since Linux 5.6 (not alpha) */
#endif

/* openat2(2): glibc 2.36 has no wrapper. */
static inline int rdmaabi_openat2(int dirfd, const char *path, unsigned long long flags,
                                  unsigned long long mode, unsigned long long resolve) {
    struct open_how how = {.flags = flags, .mode = mode, .resolve = resolve};
    return (int)syscall(RDMAABI_SYS_OPENAT2_NR, dirfd, path, &how, sizeof(how));
}

/* unshare(2); the syscall is used directly: glibc declares unshare() only under _GNU_SOURCE.
 * The tests' private mount namespaces pass CLONE_NEWNS, which moves only the calling thread
 * (kernel/fork.c ksys_unshare). */
static inline int rdmasys_unshare(int flags) {
    return (int)syscall(SYS_unshare, flags);
}

/* unshare(2) CLONE_FILES: the calling thread gets a copy of the process's descriptor table
 * (kernel/fork.c unshare_fd). A discovery worker opens and closes thousands of descriptors;
 * in a table two threads share, every open and close takes its `file_lock` and every
 * descriptor look-up counts the file (fs/file.c alloc_fd, __fget_light: the light path only
 * for a table no other thread uses). */
static inline int rdmasys_unshare_files(void) { return rdmasys_unshare(CLONE_FILES); }

/* getdents64(2) straight into a caller's buffer: one call returns a page of entries with their
 * d_type, where opendir/readdir add an fcntl and an fstat per directory. Records are
 * struct linux_dirent64 (d_ino u64, d_off s64, d_reclen u16, d_type u8, d_name[]). */
static inline long rdmasys_getdents64(int fd, void *buffer, unsigned long size) {
    return syscall(SYS_getdents64, fd, buffer, size);
}
static const unsigned int RDMASYS_DIRENT64_RECLEN_OFFSET = offsetof(struct dirent, d_reclen);
static const unsigned int RDMASYS_DIRENT64_TYPE_OFFSET = offsetof(struct dirent, d_type);
static const unsigned int RDMASYS_DIRENT64_NAME_OFFSET = offsetof(struct dirent, d_name);
static const unsigned char RDMASYS_DT_REG = DT_REG;
static const unsigned char RDMASYS_DT_DIR = DT_DIR;
/* glibc's struct dirent on LP64 is the kernel's linux_dirent64 (fs/readdir.c) field for field. */
_Static_assert(sizeof(void *) != 8 || (offsetof(struct dirent, d_reclen) == 16 && offsetof(struct dirent, d_type) == 18 &&
               offsetof(struct dirent, d_name) == 19), "struct dirent is not linux_dirent64 here");

/* Whether no device node can be opened on the file system `fd` is on, through the mount it
 * was reached by: 1 yes, 0 no, -1 fstatfs failed (an O_PATH descriptor will do, Linux 3.12+).
 * Yes on a mount with MS_NODEV — statfs reports the mount's flags in f_flags since 2.6.36
 * (fs/statfs.c flags_by_mnt: MNT_NODEV -> ST_NODEV), and opening a block or character device
 * there fails with EACCES before any driver's open runs (fs/namei.c may_open -> may_open_dev)
 * — and on sysfs, whose kernfs nodes are only directories, attributes and links
 * (fs/kernfs/inode.c kernfs_init_inode). */
#if defined(ST_NODEV) || defined(__USE_GNU)
#define RDMASYS_ST_NODEV ST_NODEV
#else
#define RDMASYS_ST_NODEV 4 /* glibc <bits/statvfs.h> without _GNU_SOURCE hides it; include/linux/statfs.h */
#endif
static inline int rdmasys_mount_refuses_device_opens(int fd) {
    struct statfs st;
    if (fstatfs(fd, &st) != 0) return -1;
    return ((st.f_flags & RDMASYS_ST_NODEV) != 0 || st.f_type == SYSFS_MAGIC) ? 1 : 0;
}

/* One attribute of a batch (rdmasys_read_attributes), filled in by the call. */
struct rdmasys_attribute_read {
    int open_errno;  /* 0: opened; else why the open failed (nothing else is set) */
    int read_errno;  /* 0, or why the first read failed */
    int length;      /* bytes the first read gave (slot bytes at most, in the batch's buffer) */
    int fd;          /* -1; the descriptor, left open, when the first read filled the slot: the
                        caller reads the rest and closes it */
    int stat_errno;  /* with `check`, after a failed or empty read: 0, or why the fstat failed */
    unsigned int mode; /* with `check`, after a failed or empty read: the file's st_mode */
};

/* Reads `count` attributes, each opened and read, then all closed together (sys.c close_all):
 * the `prefix_length` bytes at `prefix` (a directory; none: `dirfd` itself), a "/" after a
 * prefix, then the next of `names` (one run of NUL-terminated names), opened relative to `dirfd`
 * with `flags` — through openat2 with `resolve` when it is not 0, else openat — and read once
 * into `buffer` + i * `slot`. `check`: after a failed or empty read, an fstat says what was
 * opened (a tree's attribute opened without a look first may be a directory or a FIFO). The loop
 * a discovery makes thirty times a device, in one call from Swift (issue 9: the opens and reads
 * of one attribute at a time, one close_range for their descriptors). */
void rdmasys_read_attributes(int dirfd, const char *prefix, size_t prefix_length, const char *names, int count,
                             int flags, unsigned long long resolve, int check,
                             struct rdmasys_attribute_read *reads, char *buffer, unsigned int slot);

/* ioctl(2) is variadic in glibc. */
static inline int rdmaabi_ioctl_ptr(int fd, unsigned long request, void *arg) { return ioctl(fd, request, arg); }
static inline int rdmaabi_ioctl_ulong(int fd, unsigned long request, unsigned long arg) {
    return ioctl(fd, request, arg);
}

/* open(2) / openat(2) are variadic in glibc. rdmaabi_open passes no mode, so it must not
 * be used with O_CREAT or O_TMPFILE; use rdmaabi_open_mode for those. */
static inline int rdmaabi_open(const char *path, int flags) { return open(path, flags); }
static inline int rdmaabi_open_mode(const char *path, int flags, unsigned int mode) {
    return open(path, flags, (mode_t)mode);
}
static inline int rdmaabi_openat(int dirfd, const char *path, int flags, unsigned int mode) {
    return openat(dirfd, path, flags, (mode_t)mode);
}

/* fcntl(2) is variadic in glibc. */
static inline int rdmaabi_fcntl_getfl(int fd) { return fcntl(fd, F_GETFL); }
static inline int rdmaabi_fcntl_setfl(int fd, int flags) { return fcntl(fd, F_SETFL, flags); }
static inline int rdmaabi_fcntl_getfd(int fd) { return fcntl(fd, F_GETFD); }
static inline int rdmaabi_fcntl_setfd(int fd, int flags) { return fcntl(fd, F_SETFD, flags); }
static const int RDMAABI_FD_CLOEXEC = FD_CLOEXEC;


#endif /* CRDMASYS_H */
