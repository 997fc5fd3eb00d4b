/* nlprobe: send raw NETLINK_RDMA requests and hex-dump every reply message.
 * usage: nlprobe LABEL HEX [LABEL HEX ...]   (HEX: the whole request, nlmsghdr included)
 * One socket per request. Prints "REQ label hex", "REP label hex" per reply message, and
 * "END label done|error|timeout|multi-end". Receives until NLMSG_DONE, NLMSG_ERROR, a
 * non-multipart reply followed by silence, or a 1 s timeout. Used by capture.sh in the VM. */
#include <errno.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static size_t unhex(const char *s, unsigned char *out, size_t cap) {
    size_t n = 0;
    while (s[0] && s[1] && n < cap) {
        unsigned int b;
        if (sscanf(s, "%2x", &b) != 1) break;
        out[n++] = (unsigned char)b;
        s += 2;
    }
    return n;
}

static void dump(const char *tag, const char *label, const unsigned char *p, size_t n) {
    printf("%s %s ", tag, label);
    for (size_t i = 0; i < n; i++) printf("%02x", p[i]);
    printf("\n");
}

int main(int argc, char **argv) {
    for (int a = 1; a + 1 < argc; a += 2) {
        const char *label = argv[a];
        unsigned char req[4096], buf[65536];
        size_t len = unhex(argv[a + 1], req, sizeof req);
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 20);
        if (fd < 0) { printf("END %s socket-errno-%d\n", label, errno); continue; }
        struct timeval tv = {1, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
        dump("REQ", label, req, len);
        if (sendto(fd, req, len, 0, (struct sockaddr *)&sa, sizeof sa) != (ssize_t)len) {
            printf("END %s send-errno-%d\n", label, errno); close(fd); continue;
        }
        const char *how = NULL;
        while (!how) {
            ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n < 0) { how = errno == EAGAIN ? "timeout" : "recv-error"; break; }
            size_t off = 0;
            while (off + 16 <= (size_t)n) {
                struct nlmsghdr *h = (struct nlmsghdr *)(buf + off);
                if (h->nlmsg_len < 16 || off + h->nlmsg_len > (size_t)n) { how = "truncated"; break; }
                dump("REP", label, buf + off, h->nlmsg_len);
                if (h->nlmsg_type == NLMSG_DONE) how = "done";
                else if (h->nlmsg_type == NLMSG_ERROR) how = "error";
                off += NLMSG_ALIGN(h->nlmsg_len);
            }
        }
        printf("END %s %s\n", label, how);
        close(fd);
    }
    return 0;
}
