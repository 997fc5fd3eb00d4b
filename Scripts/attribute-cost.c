/*
 * What one attribute costs the kernel, measured from C (issue 9; Docs/performance.md, "How far
 * the goals are"). Not a test: numbers to read beside the benchmark's floor.
 *
 *   cc -O2 -o /tmp/attribute-cost Scripts/attribute-cost.c
 *   /tmp/attribute-cost calls DIR NAME [N]   per-call cost of the ways to read DIR/NAME, N times each
 *   /tmp/attribute-cost walk TREE [PASSES]   the class devices' attributes of every uverbsN (and
 *                                            its umadN/issmN) of a tree, read through the class
 *                                            links from the root, then relative to the PCI
 *                                            device's directory (the walk's length)
 *
 * `calls` times, per call in microseconds: openat + close; openat2 (RESOLVE_BENEATH, as rdmactl
 * opens a tree's attribute) + close; the same with a read; pread of an open descriptor; getppid
 * (the cost of entering the kernel at all). `walk` times one pass over the tree's devices each
 * way, nine attributes a device (ibdev, uevent, abi_version/port of uverbsN, issmN, umadN).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define ATTRIBUTE_FLAGS (O_RDONLY | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)
#define BENEATH (RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH)
#define IN_ROOT (RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_IN_ROOT)

static int open2(int dirfd, const char *path, unsigned long long flags, unsigned long long resolve) {
    struct open_how how = {.flags = flags, .mode = 0, .resolve = resolve};
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int fail(const char *what) {
    fprintf(stderr, "attribute-cost: %s: %s\n", what, strerror(errno));
    return 1;
}

static int calls(const char *dir, const char *name, long n) {
    int d = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (d < 0) return fail(dir);
    int probe = open2(d, name, ATTRIBUTE_FLAGS, BENEATH);
    if (probe < 0) return fail(name);
    char buf[256];
    long sink = 0;
    double t = now_us();
    for (long i = 0; i < n; i++) close(openat(d, name, ATTRIBUTE_FLAGS));
    printf("openat + close            %6.2f us\n", (now_us() - t) / n);
    t = now_us();
    for (long i = 0; i < n; i++) close(open2(d, name, ATTRIBUTE_FLAGS, BENEATH));
    printf("openat2 + close           %6.2f us\n", (now_us() - t) / n);
    t = now_us();
    for (long i = 0; i < n; i++) {
        int fd = open2(d, name, ATTRIBUTE_FLAGS, BENEATH);
        sink += read(fd, buf, sizeof buf);
        close(fd);
    }
    printf("openat2 + read + close    %6.2f us\n", (now_us() - t) / n);
    t = now_us();
    for (long i = 0; i < n; i++) sink += pread(probe, buf, sizeof buf, 0);
    printf("pread                     %6.2f us\n", (now_us() - t) / n);
    t = now_us();
    for (long i = 0; i < n; i++) sink += getppid();
    printf("getppid (kernel entry)    %6.2f us\n", (now_us() - t) / n);
    return sink == -1;
}

/* One device's nine class-device attributes: through /sys/class links from the root, or below
 * its PCI directory (`pci`, relative to the root) with no link on the way. */
static long read_class_devices(int root, const char *pci, int unit, int by_class) {
    static const char *group[3] = {"infiniband_verbs", "infiniband_mad", "infiniband_mad"};
    static const char *kind[3] = {"uverbs", "issm", "umad"};
    static const char *attr[3][3] = {{"ibdev", "uevent", "abi_version"}, {"ibdev", "uevent", "port"}, {"ibdev", "uevent", "port"}};
    char path[512], buf[256];
    long sink = 0;
    int pfd = by_class ? root : open2(root, pci, O_PATH | O_DIRECTORY | O_CLOEXEC, BENEATH);
    for (int c = 0; c < 3; c++)
        for (int a = 0; a < 3; a++) {
            if (by_class) snprintf(path, sizeof path, "sys/class/%s/%s%d/%s", group[c], kind[c], unit, attr[c][a]);
            else snprintf(path, sizeof path, "%s/%s%d/%s", group[c], kind[c], unit, attr[c][a]);
            int fd = open2(pfd, path, ATTRIBUTE_FLAGS, by_class ? IN_ROOT : BENEATH);
            if (fd < 0) continue;
            sink += read(fd, buf, sizeof buf);
            close(fd);
        }
    if (!by_class) close(pfd);
    return sink;
}

static int walk(const char *tree, int passes) {
    int root = open(tree, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) return fail(tree);
    enum { MAX = 4096 };
    static char pci[MAX][256];
    int n = 0;
    for (; n < MAX; n++) {
        char link[512], target[512];
        snprintf(link, sizeof link, "%s/sys/class/infiniband_verbs/uverbs%d", tree, n);
        ssize_t k = readlink(link, target, sizeof target - 1);
        if (k < 0) break;
        target[k] = 0;
        /* ../../devices/PCI/infiniband_verbs/uverbsN → sys/devices/PCI */
        char *start = strstr(target, "devices/"), *end = strstr(target, "/infiniband_verbs/");
        if (!start || !end) break;
        *end = 0;
        snprintf(pci[n], sizeof pci[n], "sys/%s", start);
    }
    if (n == 0) { fprintf(stderr, "attribute-cost: no uverbsN links under %s/sys/class/infiniband_verbs\n", tree); return 1; }
    long sink = 0;
    for (int by_class = 1; by_class >= 0; by_class--) {
        double t = now_us();
        for (int p = 0; p < passes; p++)
            for (int i = 0; i < n; i++) sink += read_class_devices(root, pci[i], i, by_class);
        printf("%-40s %7.2f ms a pass (%d devices, %.2f us an attribute)\n",
               by_class ? "through the class links, from the root" : "below the PCI directory, no link",
               (now_us() - t) / 1e3 / passes, n, (now_us() - t) / passes / (9.0 * n));
    }
    return sink == -1;
}

int main(int argc, char **argv) {
    if (argc >= 4 && strcmp(argv[1], "calls") == 0) return calls(argv[2], argv[3], argc > 4 ? atol(argv[4]) : 100000);
    if (argc >= 3 && strcmp(argv[1], "walk") == 0) return walk(argv[2], argc > 3 ? atoi(argv[3]) : 5);
    fprintf(stderr, "usage: attribute-cost calls DIR NAME [N] | attribute-cost walk TREE [PASSES]\n");
    return 2;
}
