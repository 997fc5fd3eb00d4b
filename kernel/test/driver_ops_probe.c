// SPDX-License-Identifier: GPL-2.0
/*
 * driver_ops_probe: sends RDMA_GET_DRIVER_OPS_FD requests to a uverbs node and prints what the
 * kernel did, for kernel/check-driver-ops.sh (in the VM) and the differential check.
 *
 * usage: driver_ops_probe rows FILE NODE      one line per row of FILE (kernel/differential/rows.tsv):
 *                                             LABEL<TAB>ret=fd|-1 errno=NAME wb=OFF:HEX,... fds=+N
 *        driver_ops_probe grant NODE NAME MAJOR MIN_MINOR
 *                                             grant, then fstat, /proc/self/fd link, read() it and
 *                                             read its first page through mmap()
 *        driver_ops_probe remove NODE NAME MAJOR 'COMMAND'
 *                                             grant, keep uverbs open, run `sh -c COMMAND` (the removal)
 *                                             in a child; say whether it finished within 2 s; then a
 *                                             request (EIO), read/ioctl/poll of the facet fd, a touch of
 *                                             the page mapped before the removal (SIGBUS when zapped),
 *                                             a new mmap (EIO), munmap, close; close uverbs; the child
 *                                             must finish
 * Exit: 0 the probe ran (outcomes are in the output); 1 a setup step failed; 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define REQ_SIZE 96
#define GET_DRIVER_OPS_FD 0xc0601b10UL

static const char *errname(int e)
{
	switch (e) {
	case 0: return "0";
	case EIO: return "EIO";
	case EINVAL: return "EINVAL";
	case EBADF: return "EBADF";
	case EFAULT: return "EFAULT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENODEV: return "ENODEV";
	case EMFILE: return "EMFILE";
	case ENOTTY: return "ENOTTY";
	case ENXIO: return "ENXIO";
	case ENOMEM: return "ENOMEM";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	default: return "other";
	}
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the DIR's own fd */
}

static void put32(uint8_t *b, int off, uint32_t v)
{
	memcpy(b + off, &v, 4);
}

/* NAME with \xNN escapes into the 64-byte name field */
static int parse_name(const char *s, uint8_t *out)
{
	int n = 0;

	while (*s) {
		if (n >= 64)
			return -1;
		if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
			char hex[3] = { s[2], s[3], 0 };

			out[n++] = (uint8_t)strtoul(hex, NULL, 16);
			s += 4;
		} else {
			out[n++] = (uint8_t)*s++;
		}
	}
	return n;
}

static void request(uint8_t *b, const char *name, uint32_t flags, uint32_t major, uint32_t minmin)
{
	memset(b, 0, REQ_SIZE);
	parse_name(name, b);
	put32(b, 64, flags);
	put32(b, 68, major);
	put32(b, 72, minmin);
}

/* The descriptor-yielding call and what it wrote */
static void call_row(const char *label, const char *node, const char *omode, unsigned long cmd,
		     const char *buf, const uint8_t *req)
{
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *mem = NULL, *arg = NULL, before[REQ_SIZE];
	int ufd, fd, err, fds0, fds1, i, first = 1;

	ufd = open(node, strcmp(omode, "ro") ? O_RDWR | O_CLOEXEC : O_RDONLY | O_CLOEXEC);
	if (ufd < 0) {
		printf("%s\tsetup: open %s: %s\n", label, node, strerror(errno));
		return;
	}
	if (strcmp(buf, "null")) {
		mem = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (!strcmp(buf, "short")) {
			/* only 64 bytes before an unmapped page */
			munmap(mem + page, page);
			arg = mem + page - 64;
			memcpy(arg, req, 64);
		} else {
			arg = mem;
			memcpy(arg, req, REQ_SIZE);
			if (!strcmp(buf, "ro"))
				mprotect(mem, page, PROT_READ);
		}
		memcpy(before, arg, strcmp(buf, "short") ? REQ_SIZE : 64);
	}
	fds0 = count_fds();
	fd = ioctl(ufd, cmd, arg);
	err = fd < 0 ? errno : 0;
	printf("%s\tret=%s errno=%s wb=", label, fd >= 0 ? "fd" : "-1", errname(err));
	if (arg && strcmp(buf, "short")) {
		for (i = 0; i < REQ_SIZE; i++) {
			if (arg[i] == before[i])
				continue;
			printf("%s%02x:%02x", first ? "" : ",", i, arg[i]);
			first = 0;
		}
	}
	if (first)
		printf("-");
	if (fd >= 0) {
		struct stat st;
		int cloexec = fcntl(fd, F_GETFD) & FD_CLOEXEC;

		fstat(fd, &st);
		printf(" type=%o cloexec=%d", (unsigned int)(st.st_mode & S_IFMT), cloexec ? 1 : 0);
		close(fd);
	}
	fds1 = count_fds();
	printf(" fds=%+d\n", fds1 - fds0);
	close(ufd);
	if (mem)
		munmap(mem, 2 * page);
}

static int rows(const char *file, const char *node)
{
	char line[512];
	FILE *f = fopen(file, "r");

	if (!f) {
		perror(file);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *fld[10], *save = NULL, *p;
		uint8_t req[REQ_SIZE];
		int n = 0;

		line[strcspn(line, "\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		for (p = strtok_r(line, "\t", &save); p && n < 10; p = strtok_r(NULL, "\t", &save))
			fld[n++] = p;
		if (n != 10) {
			printf("%s\tbad row (%d fields)\n", n ? fld[0] : "?", n);
			continue;
		}
		/* label open cmd buf name flags major min_minor reserved-index(-|0..2) reserved-value */
		request(req, strcmp(fld[4], "-") ? fld[4] : "",
			strtoul(fld[5], NULL, 0), strtoul(fld[6], NULL, 0), strtoul(fld[7], NULL, 0));
		if (strcmp(fld[8], "-"))
			put32(req, 84 + 4 * atoi(fld[8]), strtoul(fld[9], NULL, 0));
		call_row(fld[0], node, fld[1], strtoul(fld[2], NULL, 16), fld[3], req);
		fflush(stdout);
	}
	fclose(f);
	return 0;
}

static int grant(const char *node, const char *name, uint32_t major, uint32_t minmin, int *ufd_out)
{
	uint8_t req[REQ_SIZE];
	uint32_t om, on;
	int ufd, fd;

	ufd = open(node, O_RDWR | O_CLOEXEC);
	if (ufd < 0) {
		printf("open %s: %s\n", node, strerror(errno));
		return -1;
	}
	request(req, name, 1, major, minmin);
	fd = ioctl(ufd, GET_DRIVER_OPS_FD, req);
	memcpy(&om, req + 76, 4);
	memcpy(&on, req + 80, 4);
	printf("grant %s@%u.%u on %s: ret=%s errno=%s offered=%u.%u\n", name, major, minmin, node,
	       fd >= 0 ? "fd" : "-1", errname(fd < 0 ? errno : 0), om, on);
	if (ufd_out)
		*ufd_out = ufd;
	else
		close(ufd);
	return fd;
}

static sigjmp_buf touch_env;

static void touch_sigbus(int sig)
{
	siglongjmp(touch_env, sig);
}

/*
 * Read the start of a mapping, catching SIGBUS and SIGSEGV: "text <first line>", "zeroes", or
 * the signal's name. A zapped facet mapping must raise SIGBUS (the core's fault handler).
 */
static void touch(const char *label, const volatile char *map)
{
	struct sigaction sa, obus, osegv;
	char text[128];
	size_t i;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = touch_sigbus;
	sigaction(SIGBUS, &sa, &obus);
	sigaction(SIGSEGV, &sa, &osegv);
	sig = sigsetjmp(touch_env, 1);
	if (sig == 0) {
		for (i = 0; i < sizeof(text) - 1 && map[i] && map[i] != '\n'; i++)
			text[i] = map[i];
		text[i] = 0;
		if (i == 0 && !map[0])
			printf("%s: zeroes\n", label);
		else
			printf("%s: text %s\n", label, text);
	} else {
		printf("%s: %s\n", label, sig == SIGBUS ? "SIGBUS" : "SIGSEGV");
	}
	sigaction(SIGBUS, &obus, NULL);
	sigaction(SIGSEGV, &osegv, NULL);
}

static void *map_facet(const char *label, int fd)
{
	void *map = mmap(NULL, getpagesize(), PROT_READ, MAP_SHARED, fd, 0);

	if (map == MAP_FAILED) {
		printf("%s: -1 %s\n", label, errname(errno));
		return NULL;
	}
	printf("%s: ok\n", label);
	return map;
}

static void describe(int fd)
{
	char path[64], link[256] = "", buf[256];
	struct stat st;
	void *map;
	ssize_t n;

	fstat(fd, &st);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	printf("fstat: type=%o mode=%o\n", (unsigned int)(st.st_mode & S_IFMT),
	       (unsigned int)(st.st_mode & 07777));
	printf("link: %s\n", link);
	printf("cloexec: %d\n", (fcntl(fd, F_GETFD) & FD_CLOEXEC) ? 1 : 0);
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		printf("read: -1 %s\n", errname(errno));
		return;
	}
	buf[n] = 0;
	printf("read: %zd %s", n, buf);
	n = read(fd, buf, sizeof(buf));
	printf("read again: %zd\n", n);
	map = map_facet("mmap", fd);
	if (map) {
		touch("mapped", map);
		printf("munmap: %d\n", munmap(map, getpagesize()));
	}
}

static int remove_test(const char *node, const char *name, uint32_t major, const char *cmd)
{
	uint8_t req[REQ_SIZE];
	struct pollfd pfd;
	char buf[64];
	int ufd, fd, st = 0, r, done, go[2], ready[2];
	void *map, *late;
	pid_t pid, holder;

	fd = grant(node, name, major, 0, &ufd);
	if (fd < 0)
		return 1;
	map = map_facet("mmap before removal", fd);
	if (!map)
		return 1;
	touch("mapped before removal", map);
	/*
	 * A child holding a fork copy of the mapping, faulted in by its own touch before the
	 * removal (fork copies no page table entries of a shared file mapping): it must be zapped
	 * as well.
	 */
	if (pipe(go) || pipe(ready))
		return 1;
	fflush(stdout);
	holder = fork();
	if (holder == 0) {
		close(go[1]);
		close(ready[0]);
		touch("fork copy before removal", map);
		fflush(stdout);
		if (write(ready[1], "r", 1) == 1 && read(go[0], buf, 1) == 1)
			touch("fork copy after removal", map);
		fflush(stdout);
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	if (read(ready[0], buf, 1) != 1)
		return 1;
	close(ready[0]);
	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	/*
	 * Without disassociate_ucontext (soft-RoCE) removal revokes the facet file at once, then
	 * waits for this open uverbs file; with it, removal finishes. Give it a moment.
	 */
	sleep(2);
	done = waitpid(pid, &st, WNOHANG);
	printf("removal with uverbs open: %s\n", done == 0 ? "waiting" : "finished");
	request(req, name, 0, major, 0);
	r = ioctl(ufd, GET_DRIVER_OPS_FD, req);
	printf("request after removal: ret=%d errno=%s\n", r, errname(r < 0 ? errno : 0));
	r = read(fd, buf, sizeof(buf));
	printf("facet read: %d %s\n", r, errname(r < 0 ? errno : 0));
	r = ioctl(fd, 0x1234, 0);
	printf("facet ioctl: %d %s\n", r, errname(r < 0 ? errno : 0));
	pfd.fd = fd;
	pfd.events = POLLIN;
	r = poll(&pfd, 1, 0);
	printf("facet poll: %d revents=%s\n", r, pfd.revents & POLLERR ? "POLLERR" : "other");
	touch("mapped after removal", map);
	fflush(stdout);
	if (write(go[1], "x", 1) == 1)
		waitpid(holder, NULL, 0);
	close(go[1]);
	late = map_facet("mmap after removal", fd);
	if (late)
		munmap(late, getpagesize());
	printf("munmap after removal: %d\n", munmap(map, getpagesize()));
	printf("facet close: %d\n", close(fd));
	close(ufd);
	if (done == 0)
		waitpid(pid, &st, 0);
	printf("removal exit: %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "rows"))
		return rows(argv[2], argv[3]);
	if (argc == 6 && !strcmp(argv[1], "grant")) {
		int fd = grant(argv[2], argv[3], strtoul(argv[4], NULL, 0), strtoul(argv[5], NULL, 0), NULL);

		if (fd < 0)
			return 0;
		describe(fd);
		close(fd);
		return 0;
	}
	if (argc == 6 && !strcmp(argv[1], "remove"))
		return remove_test(argv[2], argv[3], strtoul(argv[4], NULL, 0), argv[5]);
	fprintf(stderr, "usage: %s rows FILE NODE | grant NODE NAME MAJOR MIN | remove NODE NAME MAJOR DEV\n",
		argv[0]);
	return 2;
}
