// The syscall floor of a command (issue 9; Docs/performance.md "How far"): its file syscalls,
// as `strace -ff` recorded them, made again from C on the same threads with nothing else —
// no parsing, no strings, no allocation. What the command takes beyond this is its own user
// space and its scheduling; what the floor takes is the kernel's work for those calls.
//
// usage: syscall-floor RUNS CWD LEADER [THREAD...]
//   LEADER   the leader's trace; its k-th clone/clone3 starts the k-th THREAD's trace
//   THREAD   the trace of the thread that clone created ("-" for one to leave out)
// Phases: the leader's trace is cut at each clone; segment k runs beside thread k, and the
// leader's next segment starts when both are done (the way a fork-join worker pool runs; a
// thread that outlives its segment in the real run is counted inside it here).
// Replayed: openat, openat2, getdents64, read, pread64, close, readlinkat, newfstatat, statx,
// faccessat(2), unshare. Descriptors are mapped from recorded to real numbers per table.
// Output, one line: "ops OPS threads T runs N wall_ms W cpu_ms C user_ms U sys_ms S" (medians).
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { OPENAT, OPENAT2, GETDENTS, READ, PREAD, CLOSE, READLINK, FSTATAT, STATX, FACCESS, UNSHARE, CLONE };
typedef struct { int op, fd, result, flags, length; unsigned long long resolve; char *name; } Op;
typedef struct { Op *ops; int count, capacity; } Trace;
enum { MAXFD = 1 << 16 };

static void push(Trace *t, Op o) {
    if (t->count == t->capacity) {
        t->capacity = t->capacity ? t->capacity * 2 : 1024;
        t->ops = realloc(t->ops, sizeof(Op) * t->capacity);
        if (!t->ops) { perror("realloc"); exit(2); }
    }
    t->ops[t->count++] = o;
}

static int dirfd_of(const char *arg) { return strncmp(arg, "AT_FDCWD", 8) ? atoi(arg) : AT_FDCWD; }

// The first quoted string of a line ("-s 4096" keeps names whole; sysfs names need no escapes).
static char *quoted(const char *line) {
    const char *a = strchr(line, '"');
    if (!a) return NULL;
    const char *b = strchr(++a, '"');
    return b ? strndup(a, b - a) : NULL;
}

static int has(const char *line, const char *flag) { return strstr(line, flag) != NULL; }

static int open_flags(const char *line) {
    int f = O_RDONLY;
    if (has(line, "O_DIRECTORY")) f |= O_DIRECTORY;
    if (has(line, "O_NOFOLLOW")) f |= O_NOFOLLOW;
    if (has(line, "O_NONBLOCK")) f |= O_NONBLOCK;
    if (has(line, "O_NOCTTY")) f |= O_NOCTTY;
    if (has(line, "O_CLOEXEC")) f |= O_CLOEXEC;
    if (has(line, "O_PATH")) f |= O_PATH;
    return f;
}

static Trace load(const char *path) {
    Trace t = {0};
    if (!strcmp(path, "-")) return t;
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); exit(2); }
    static char line[1 << 16];
    while (fgets(line, sizeof line, f)) {
        // A line longer than the buffer (a large read's data) goes on in the next fgets: skip it.
        if (!strchr(line, '\n') && !feof(f)) { int c; while ((c = fgetc(f)) != EOF && c != '\n') {} }
        char *open = strchr(line, '('), *eq = strrchr(line, '=');
        if (!open || !eq) continue;
        Op o = {0};
        o.result = atoi(eq + 1);
        const char *args = open + 1;
        if (!strncmp(line, "openat2(", 8)) {
            o.op = OPENAT2; o.fd = dirfd_of(args); o.name = quoted(line); o.flags = open_flags(line);
            if (has(line, "RESOLVE_IN_ROOT")) o.resolve |= RESOLVE_IN_ROOT;
            if (has(line, "RESOLVE_BENEATH")) o.resolve |= RESOLVE_BENEATH;
            if (has(line, "RESOLVE_NO_SYMLINKS")) o.resolve |= RESOLVE_NO_SYMLINKS;
            if (has(line, "RESOLVE_NO_MAGICLINKS")) o.resolve |= RESOLVE_NO_MAGICLINKS;
            if (has(line, "RESOLVE_NO_XDEV")) o.resolve |= RESOLVE_NO_XDEV;
        } else if (!strncmp(line, "openat(", 7)) {
            o.op = OPENAT; o.fd = dirfd_of(args); o.name = quoted(line); o.flags = open_flags(line);
        } else if (!strncmp(line, "getdents64(", 11)) {
            o.op = GETDENTS; o.fd = atoi(args);
        } else if (!strncmp(line, "read(", 5) || !strncmp(line, "pread64(", 8)) {
            o.op = line[0] == 'r' ? READ : PREAD; o.fd = atoi(args);
            // read(fd, "data"..., LENGTH) = n: the length is the last argument.
            char *close_paren = strrchr(line, ')'), *comma = close_paren;
            while (comma > line && *comma != ',') comma--;
            if (o.op == PREAD) { char *c2 = comma - 1; while (c2 > line && *c2 != ',') c2--; comma = c2; }
            o.length = atoi(comma + 1);
        } else if (!strncmp(line, "close(", 6)) {
            o.op = CLOSE; o.fd = atoi(args);
        } else if (!strncmp(line, "readlinkat(", 11)) {
            o.op = READLINK; o.fd = dirfd_of(args); o.name = quoted(line);
        } else if (!strncmp(line, "newfstatat(", 11)) {
            o.op = FSTATAT; o.fd = dirfd_of(args); o.name = quoted(line);
            if (has(line, "AT_SYMLINK_NOFOLLOW")) o.flags |= AT_SYMLINK_NOFOLLOW;
            if (has(line, "AT_EMPTY_PATH")) o.flags |= AT_EMPTY_PATH;
        } else if (!strncmp(line, "statx(", 6)) {
            o.op = STATX; o.fd = dirfd_of(args); o.name = quoted(line);
            if (has(line, "AT_SYMLINK_NOFOLLOW")) o.flags |= AT_SYMLINK_NOFOLLOW;
            if (has(line, "AT_EMPTY_PATH")) o.flags |= AT_EMPTY_PATH;
        } else if (!strncmp(line, "faccessat2(", 11) || !strncmp(line, "faccessat(", 10)) {
            o.op = FACCESS; o.fd = dirfd_of(args); o.name = quoted(line);
        } else if (!strncmp(line, "unshare(", 8)) {
            o.op = UNSHARE;
        } else if (!strncmp(line, "clone3(", 7) || !strncmp(line, "clone(", 6)) {
            o.op = CLONE;
        } else continue;
        if (o.op != UNSHARE && o.op != CLONE && o.op != OPENAT && o.op != OPENAT2 && o.op != CLOSE
            && o.fd >= 0 && o.fd <= 2) continue;   // the terminal and pipes: not the command's files
        push(&t, o);
    }
    fclose(f);
    return t;
}

typedef struct { Trace *trace; int from, to; int *map; } Segment;

static void *replay(void *arg) {
    Segment *s = arg;
    int *map = s->map;
    static __thread char buffer[1 << 16];
    struct stat st;
    struct statx sx;
    for (int i = s->from; i < s->to; i++) {
        Op *o = &s->trace->ops[i];
        int fd = o->fd >= 0 && o->fd < MAXFD ? map[o->fd] : o->fd;
        int r = -1;
        switch (o->op) {
        case OPENAT2: {
            struct open_how how = { .flags = o->flags, .resolve = o->resolve };
            r = syscall(SYS_openat2, fd, o->name, &how, sizeof how);
            break;
        }
        case OPENAT: r = openat(fd, o->name, o->flags); break;
        case GETDENTS: syscall(SYS_getdents64, fd, buffer, sizeof buffer); break;
        case READ: read(fd, buffer, o->length < (int)sizeof buffer ? o->length : (int)sizeof buffer); break;
        case PREAD: pread(fd, buffer, o->length < (int)sizeof buffer ? o->length : (int)sizeof buffer, 0); break;
        case CLOSE: close(fd); break;
        case READLINK: readlinkat(fd, o->name, buffer, sizeof buffer); break;
        case FSTATAT: fstatat(fd, o->name, &st, o->flags); break;
        case STATX: statx(fd, o->name, o->flags, STATX_BASIC_STATS, &sx); break;
        case FACCESS: faccessat(fd, o->name, R_OK | W_OK, 0); break;
        case UNSHARE: unshare(CLONE_FILES); break;
        }
        if ((o->op == OPENAT || o->op == OPENAT2) && o->result >= 0 && o->result < MAXFD) map[o->result] = r;
    }
    return NULL;
}

static double ms(struct timeval t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; }
static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
static double median(double *v, int n) { qsort(v, n, sizeof *v, by_value); return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2; }

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: syscall-floor RUNS CWD LEADER [THREAD...]\n"); return 2; }
    int runs = atoi(argv[1]);
    if (runs < 1) runs = 1;
    int threads = argc - 4;
    Trace leader = load(argv[3]);
    Trace *workers = calloc(threads + 1, sizeof(Trace));
    long ops = leader.count;
    for (int i = 0; i < threads; i++) { workers[i] = load(argv[4 + i]); ops += workers[i].count; }
    if (chdir(argv[2]) != 0) { perror(argv[2]); return 2; }
    double *wall = calloc(runs, sizeof(double)), *cpu = calloc(runs, sizeof(double));
    double *user = calloc(runs, sizeof(double)), *sys = calloc(runs, sizeof(double));
    int *leader_map = malloc(sizeof(int) * MAXFD);
    int **maps = calloc(threads + 1, sizeof(int *));
    for (int i = 0; i < threads; i++) maps[i] = malloc(sizeof(int) * MAXFD);
    for (int run = 0; run < runs; run++) {
        // Each run in a child, so every run starts from the same descriptor table and nothing
        // one run opened is left for the next.
        int pipefd[2];
        if (pipe(pipefd) != 0) { perror("pipe"); return 2; }
        pid_t pid = fork();
        if (pid == 0) {
            for (int i = 0; i < MAXFD; i++) leader_map[i] = i;
            struct timespec a, b;
            struct rusage r0, r1;
            getrusage(RUSAGE_SELF, &r0);
            clock_gettime(CLOCK_MONOTONIC, &a);
            int from = 0, next = 0;
            for (int i = 0; i <= leader.count; i++) {
                if (i < leader.count && leader.ops[i].op != CLONE) continue;
                // The leader's segment [from, i) beside the thread its previous clone started.
                Segment lead = { &leader, from, i, leader_map };
                pthread_t worker;
                Segment w = {0};
                int spawned = 0;
                if (next > 0 && next - 1 < threads && workers[next - 1].count > 0) {
                    int *map = maps[next - 1];
                    for (int k = 0; k < MAXFD; k++) map[k] = leader_map[k];
                    w = (Segment){ &workers[next - 1], 0, workers[next - 1].count, map };
                    spawned = pthread_create(&worker, NULL, replay, &w) == 0;
                }
                replay(&lead);
                if (spawned) pthread_join(worker, NULL);
                from = i + 1;
                next++;
            }
            clock_gettime(CLOCK_MONOTONIC, &b);
            getrusage(RUSAGE_SELF, &r1);
            double out[3] = { (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6,
                              ms(r1.ru_utime) - ms(r0.ru_utime), ms(r1.ru_stime) - ms(r0.ru_stime) };
            if (write(pipefd[1], out, sizeof out) != sizeof out) _exit(1);
            _exit(0);
        }
        close(pipefd[1]);
        double in[3];
        if (read(pipefd[0], in, sizeof in) != sizeof in) { fprintf(stderr, "syscall-floor: a run failed\n"); return 1; }
        close(pipefd[0]);
        waitpid(pid, NULL, 0);
        wall[run] = in[0]; user[run] = in[1]; sys[run] = in[2]; cpu[run] = in[1] + in[2];
    }
    printf("ops %ld threads %d runs %d wall_ms %.1f cpu_ms %.1f user_ms %.1f sys_ms %.1f\n", ops, threads + 1, runs,
           median(wall, runs), median(cpu, runs), median(user, runs), median(sys, runs));
    return 0;
}
