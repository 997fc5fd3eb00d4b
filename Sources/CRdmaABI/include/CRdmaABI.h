/*
 * CRdmaABI - the C seam between rdmactl's Swift code and the Linux RDMA user ABI.
 *
 * Modelled on apple/swift-nio's CNIOLinux: prefixed `static const` constants, tiny
 * `static inline` functions, and `_Static_assert`s that pin every number and layout
 * this project depends on, so a header or ABI drift fails the *C* build first.
 *
 * Rules this file follows
 *  - A kernel struct that a UAPI header (Debian linux-libc-dev, /usr/include/rdma/...)
 *    defines is never retyped here: the header is included and its layout asserted.
 *  - Structs that no installed header has (qib's qib_common.h is kernel-internal; the
 *    write()-era hfi1 structs were removed from the UAPI in Linux 4.7) are defined here,
 *    named `struct rdmaabi_*`, with `_Static_assert` on sizeof and on the offset of
 *    every field, and a comment citing the kernel source.
 *  - Everything exported to Swift is named `RDMAABI_<kernel name>` (a leading `RDMA_`
 *    of the kernel name is dropped: RDMA_NLDEV_ATTR_DEV_INDEX -> RDMAABI_NLDEV_ATTR_DEV_INDEX,
 *    RDMA_VERBS_IOCTL -> RDMAABI_VERBS_IOCTL), functions are `rdmaabi_<name>`, and
 *    shim-defined structs are `struct rdmaabi_<name>`. Nothing here is reachable only
 *    through a macro: function-like macros and sizeof-based ioctl numbers become
 *    `static const` values or `static inline` functions.
 *
 * References: /work/shared/docs/ABI-FACTS.md (sections named "ABI-FACTS sec. n" below);
 * values were checked by compiling against linux-libc-dev 6.1 on x86_64.
 */
#ifndef CRDMAABI_H
#define CRDMAABI_H

/* Only kernel UAPI headers: nothing here declares a libc function, so the Swift code above the
 * kernel seam, which imports this module, cannot reach libc through it (DESIGN sec. 2; the
 * syscall wrappers live in CRdmaSys, which only RdmaLinux imports; .ci/lint-imports.sh checks
 * both). */
#include <stddef.h>
#include <linux/errno.h>
#include <linux/types.h>
#include <linux/ioctl.h>
#include <asm/ioctls.h>
#include <linux/netlink.h>
#include <linux/openat2.h>

#include <rdma/hfi/hfi1_ioctl.h>
#include <rdma/hfi/hfi1_user.h>
#include <rdma/ib_user_verbs.h>
#include <rdma/ib_user_mad.h>
#include <rdma/rdma_netlink.h>
#include <rdma/rdma_user_ioctl.h>
#include <rdma/rdma_user_ioctl_cmds.h>
#include <rdma/ib_user_ioctl_cmds.h>
#include <rdma/ib_user_ioctl_verbs.h>

#if !defined(__linux__)
#error "CRdmaABI describes the Linux RDMA ABI and only builds on Linux"
#endif

/* Every struct layout asserted below is the x86_64 / LP64 one (ABI-FACTS sec. 2.6). */
_Static_assert(sizeof(unsigned long) == 8, "CRdmaABI assumes an LP64 target (x86_64)");
_Static_assert(sizeof(void *) == 8, "CRdmaABI assumes 64-bit pointers");

/* =====================================================================================
 * 1. ioctl number encoding (<asm-generic/ioctl.h>, via <linux/ioctl.h>)
 * ===================================================================================== */

static const unsigned int RDMAABI_IOC_NONE = _IOC_NONE;
static const unsigned int RDMAABI_IOC_WRITE = _IOC_WRITE;
static const unsigned int RDMAABI_IOC_READ = _IOC_READ;
static const unsigned int RDMAABI_IOCTL_MAGIC = RDMA_IOCTL_MAGIC; /* 0x1b */

/* _IOC_DIR / _IOC_TYPE / _IOC_NR / _IOC_SIZE, as functions. */
static inline unsigned int rdmaabi_ioc_dir(unsigned long cmd) { return (unsigned int)_IOC_DIR(cmd); }
static inline unsigned int rdmaabi_ioc_type(unsigned long cmd) { return (unsigned int)_IOC_TYPE(cmd); }
static inline unsigned int rdmaabi_ioc_nr(unsigned long cmd) { return (unsigned int)_IOC_NR(cmd); }
static inline unsigned int rdmaabi_ioc_size(unsigned long cmd) { return (unsigned int)_IOC_SIZE(cmd); }

/* _IOC(dir, type, nr, size): build a request number, e.g. one with a deliberately wrong size. */
static inline unsigned long rdmaabi_ioc(unsigned int dir, unsigned int type, unsigned int nr,
                                        unsigned int size) {
    return (unsigned long)_IOC(dir, type, nr, size);
}

_Static_assert(RDMA_IOCTL_MAGIC == 0x1b, "RDMA_IOCTL_MAGIC (ABI-FACTS sec. 2.4)");
_Static_assert(_IOC_NONE == 0U && _IOC_WRITE == 1U && _IOC_READ == 2U, "_IOC direction bits");

/* =====================================================================================
 * 2. hfi1 ioctls and versions ([UAPI] rdma/rdma_user_ioctl.h, rdma/hfi/hfi1_user.h;
 *    ABI-FACTS sec. 2.4, sec. 2.5)
 * ===================================================================================== */

static const unsigned long RDMAABI_HFI1_IOCTL_ASSIGN_CTXT = HFI1_IOCTL_ASSIGN_CTXT;
static const unsigned long RDMAABI_HFI1_IOCTL_CTXT_INFO = HFI1_IOCTL_CTXT_INFO;
static const unsigned long RDMAABI_HFI1_IOCTL_USER_INFO = HFI1_IOCTL_USER_INFO;
static const unsigned long RDMAABI_HFI1_IOCTL_TID_UPDATE = HFI1_IOCTL_TID_UPDATE;
static const unsigned long RDMAABI_HFI1_IOCTL_TID_FREE = HFI1_IOCTL_TID_FREE;
static const unsigned long RDMAABI_HFI1_IOCTL_CREDIT_UPD = HFI1_IOCTL_CREDIT_UPD;
static const unsigned long RDMAABI_HFI1_IOCTL_RECV_CTRL = HFI1_IOCTL_RECV_CTRL;
static const unsigned long RDMAABI_HFI1_IOCTL_POLL_TYPE = HFI1_IOCTL_POLL_TYPE;
static const unsigned long RDMAABI_HFI1_IOCTL_ACK_EVENT = HFI1_IOCTL_ACK_EVENT;
static const unsigned long RDMAABI_HFI1_IOCTL_SET_PKEY = HFI1_IOCTL_SET_PKEY;
static const unsigned long RDMAABI_HFI1_IOCTL_CTXT_RESET = HFI1_IOCTL_CTXT_RESET;
static const unsigned long RDMAABI_HFI1_IOCTL_TID_INVAL_READ = HFI1_IOCTL_TID_INVAL_READ;
static const unsigned long RDMAABI_HFI1_IOCTL_GET_VERS = HFI1_IOCTL_GET_VERS;

_Static_assert(HFI1_IOCTL_ASSIGN_CTXT == 0xc01c1be1UL, "HFI1_IOCTL_ASSIGN_CTXT (ABI-FACTS sec. 2.4)");
_Static_assert(HFI1_IOCTL_CTXT_INFO == 0x40281be2UL, "HFI1_IOCTL_CTXT_INFO (ABI-FACTS sec. 2.4)");
_Static_assert(HFI1_IOCTL_USER_INFO == 0x40781be3UL, "HFI1_IOCTL_USER_INFO (ABI-FACTS sec. 2.4)");
_Static_assert(HFI1_IOCTL_TID_UPDATE == 0xc0181be4UL, "HFI1_IOCTL_TID_UPDATE (ABI-FACTS sec. 2.4)");
_Static_assert(HFI1_IOCTL_TID_FREE == 0xc0181be5UL, "HFI1_IOCTL_TID_FREE (ABI-FACTS sec. 2.4)");
_Static_assert(HFI1_IOCTL_CREDIT_UPD == 0x00001be6UL, "HFI1_IOCTL_CREDIT_UPD (ABI-FACTS sec. 2.4)");
_Static_assert(HFI1_IOCTL_RECV_CTRL == 0x40041be8UL, "HFI1_IOCTL_RECV_CTRL (ABI-FACTS sec. 2.4)");
_Static_assert(HFI1_IOCTL_POLL_TYPE == 0x40041be9UL, "HFI1_IOCTL_POLL_TYPE (ABI-FACTS sec. 2.4)");
_Static_assert(HFI1_IOCTL_ACK_EVENT == 0x40081beaUL, "HFI1_IOCTL_ACK_EVENT (ABI-FACTS sec. 2.4)");
_Static_assert(HFI1_IOCTL_SET_PKEY == 0x40021bebUL, "HFI1_IOCTL_SET_PKEY (ABI-FACTS sec. 2.4)");
_Static_assert(HFI1_IOCTL_CTXT_RESET == 0x00001becUL, "HFI1_IOCTL_CTXT_RESET (ABI-FACTS sec. 2.4)");
_Static_assert(HFI1_IOCTL_TID_INVAL_READ == 0xc0181bedUL, "HFI1_IOCTL_TID_INVAL_READ (ABI-FACTS sec. 2.4)");
_Static_assert(HFI1_IOCTL_GET_VERS == 0x80041beeUL, "HFI1_IOCTL_GET_VERS (ABI-FACTS sec. 2.4)");

static const unsigned int RDMAABI_HFI1_USER_SWMAJOR = HFI1_USER_SWMAJOR;  /* 6 */
static const unsigned int RDMAABI_HFI1_USER_SWMINOR = HFI1_USER_SWMINOR;  /* 3 */
static const unsigned int RDMAABI_HFI1_SWMAJOR_SHIFT = HFI1_SWMAJOR_SHIFT; /* 16 */
/* HFI1_USER_SWVERSION is defined only in the kernel's drivers/infiniband/hw/hfi1/common.h
 * (not in the UAPI header): (HFI1_USER_SWMAJOR << HFI1_SWMAJOR_SHIFT) | HFI1_USER_SWMINOR.
 * GET_VERS returns it as an int. */
static const unsigned int RDMAABI_HFI1_USER_SWVERSION =
    ((unsigned int)HFI1_USER_SWMAJOR << HFI1_SWMAJOR_SHIFT) | (unsigned int)HFI1_USER_SWMINOR;
/* First hfi1 major that speaks ioctl(); majors below it used write() (PSM2
 * psm_hal_gen1/hfi1_deprecated_gen1.h IOCTL_CMD_API_MODULE_MAJOR; ABI-FACTS sec. 2.5). */
static const unsigned int RDMAABI_HFI1_IOCTL_CMD_API_MODULE_MAJOR = 6;
static const unsigned int RDMAABI_HFI1_MAX_SHARED_CTXTS = HFI1_MAX_SHARED_CTXTS; /* 8 */

_Static_assert(HFI1_USER_SWMAJOR == 6 && HFI1_USER_SWMINOR == 3 && HFI1_SWMAJOR_SHIFT == 16,
               "hfi1 user ABI version 6.3 (ABI-FACTS sec. 2.5)");
_Static_assert(((HFI1_USER_SWMAJOR << HFI1_SWMAJOR_SHIFT) | HFI1_USER_SWMINOR) == 0x00060003,
               "HFI1_USER_SWVERSION (ABI-FACTS sec. 2.4 GET_VERS)");

/* UAPI struct layouts (ABI-FACTS sec. 2.6). */
_Static_assert(sizeof(struct hfi1_user_info) == 28, "hfi1_user_info size");
_Static_assert(offsetof(struct hfi1_user_info, userversion) == 0, "hfi1_user_info.userversion");
_Static_assert(offsetof(struct hfi1_user_info, pad) == 4, "hfi1_user_info.pad");
_Static_assert(offsetof(struct hfi1_user_info, subctxt_cnt) == 8, "hfi1_user_info.subctxt_cnt");
_Static_assert(offsetof(struct hfi1_user_info, subctxt_id) == 10, "hfi1_user_info.subctxt_id");
_Static_assert(offsetof(struct hfi1_user_info, uuid) == 12, "hfi1_user_info.uuid");

_Static_assert(sizeof(struct hfi1_ctxt_info) == 40, "hfi1_ctxt_info size");
_Static_assert(offsetof(struct hfi1_ctxt_info, runtime_flags) == 0, "hfi1_ctxt_info.runtime_flags");
_Static_assert(offsetof(struct hfi1_ctxt_info, rcvegr_size) == 8, "hfi1_ctxt_info.rcvegr_size");
_Static_assert(offsetof(struct hfi1_ctxt_info, num_active) == 12, "hfi1_ctxt_info.num_active");
_Static_assert(offsetof(struct hfi1_ctxt_info, unit) == 14, "hfi1_ctxt_info.unit");
_Static_assert(offsetof(struct hfi1_ctxt_info, ctxt) == 16, "hfi1_ctxt_info.ctxt");
_Static_assert(offsetof(struct hfi1_ctxt_info, subctxt) == 18, "hfi1_ctxt_info.subctxt");
_Static_assert(offsetof(struct hfi1_ctxt_info, rcvtids) == 20, "hfi1_ctxt_info.rcvtids");
_Static_assert(offsetof(struct hfi1_ctxt_info, credits) == 22, "hfi1_ctxt_info.credits");
_Static_assert(offsetof(struct hfi1_ctxt_info, numa_node) == 24, "hfi1_ctxt_info.numa_node");
_Static_assert(offsetof(struct hfi1_ctxt_info, rec_cpu) == 26, "hfi1_ctxt_info.rec_cpu");
_Static_assert(offsetof(struct hfi1_ctxt_info, send_ctxt) == 28, "hfi1_ctxt_info.send_ctxt");
_Static_assert(offsetof(struct hfi1_ctxt_info, egrtids) == 30, "hfi1_ctxt_info.egrtids");
_Static_assert(offsetof(struct hfi1_ctxt_info, rcvhdrq_cnt) == 32, "hfi1_ctxt_info.rcvhdrq_cnt");
_Static_assert(offsetof(struct hfi1_ctxt_info, rcvhdrq_entsize) == 34, "hfi1_ctxt_info.rcvhdrq_entsize");
_Static_assert(offsetof(struct hfi1_ctxt_info, sdma_ring_size) == 36, "hfi1_ctxt_info.sdma_ring_size");

_Static_assert(sizeof(struct hfi1_tid_info) == 24, "hfi1_tid_info size");
_Static_assert(offsetof(struct hfi1_tid_info, vaddr) == 0, "hfi1_tid_info.vaddr");
_Static_assert(offsetof(struct hfi1_tid_info, tidlist) == 8, "hfi1_tid_info.tidlist");
_Static_assert(offsetof(struct hfi1_tid_info, tidcnt) == 16, "hfi1_tid_info.tidcnt");
_Static_assert(offsetof(struct hfi1_tid_info, length) == 20, "hfi1_tid_info.length");

_Static_assert(sizeof(struct hfi1_base_info) == 120, "hfi1_base_info size");
_Static_assert(offsetof(struct hfi1_base_info, hw_version) == 0, "hfi1_base_info.hw_version");
_Static_assert(offsetof(struct hfi1_base_info, sw_version) == 4, "hfi1_base_info.sw_version");
_Static_assert(offsetof(struct hfi1_base_info, jkey) == 8, "hfi1_base_info.jkey");
_Static_assert(offsetof(struct hfi1_base_info, padding1) == 10, "hfi1_base_info.padding1");
_Static_assert(offsetof(struct hfi1_base_info, bthqp) == 12, "hfi1_base_info.bthqp");
_Static_assert(offsetof(struct hfi1_base_info, sc_credits_addr) == 16, "hfi1_base_info.sc_credits_addr");
_Static_assert(offsetof(struct hfi1_base_info, pio_bufbase_sop) == 24, "hfi1_base_info.pio_bufbase_sop");
_Static_assert(offsetof(struct hfi1_base_info, pio_bufbase) == 32, "hfi1_base_info.pio_bufbase");
_Static_assert(offsetof(struct hfi1_base_info, rcvhdr_bufbase) == 40, "hfi1_base_info.rcvhdr_bufbase");
_Static_assert(offsetof(struct hfi1_base_info, rcvegr_bufbase) == 48, "hfi1_base_info.rcvegr_bufbase");
_Static_assert(offsetof(struct hfi1_base_info, sdma_comp_bufbase) == 56, "hfi1_base_info.sdma_comp_bufbase");
_Static_assert(offsetof(struct hfi1_base_info, user_regbase) == 64, "hfi1_base_info.user_regbase");
_Static_assert(offsetof(struct hfi1_base_info, events_bufbase) == 72, "hfi1_base_info.events_bufbase");
_Static_assert(offsetof(struct hfi1_base_info, status_bufbase) == 80, "hfi1_base_info.status_bufbase");
_Static_assert(offsetof(struct hfi1_base_info, rcvhdrtail_base) == 88, "hfi1_base_info.rcvhdrtail_base");
_Static_assert(offsetof(struct hfi1_base_info, subctxt_uregbase) == 96, "hfi1_base_info.subctxt_uregbase");
_Static_assert(offsetof(struct hfi1_base_info, subctxt_rcvegrbuf) == 104, "hfi1_base_info.subctxt_rcvegrbuf");
_Static_assert(offsetof(struct hfi1_base_info, subctxt_rcvhdrbuf) == 112, "hfi1_base_info.subctxt_rcvhdrbuf");

/* =====================================================================================
 * 3. hfi1 write()-era command interface (staging hfi1, Linux 4.3-4.6; removed from the
 *    UAPI in 4.7, so no installed header has these). ABI-FACTS sec. 2.8, sec. 11.
 * ===================================================================================== */

/*
 * struct hfi1_cmd - written to /dev/hfi1_N by write(); `addr` points at the payload.
 * Source: drivers/staging/rdma/hfi1 era include/uapi/rdma/hfi/hfi1_user.h (4.3, as
 * reproduced by bionic's generated copy), and PSM2 psm_hal_gen1/hfi1_deprecated_gen1.h
 * `struct hfi1_cmd_deprecated`. 16 bytes.
 */
struct rdmaabi_hfi1_cmd {
    __u32 type; /* RDMAABI_HFI1_CMD_* */
    __u32 len;  /* length of the struct at addr */
    __u64 addr; /* user pointer to the payload */
};
_Static_assert(sizeof(struct rdmaabi_hfi1_cmd) == 16, "hfi1_cmd size (ABI-FACTS sec. 2.8)");
_Static_assert(_Alignof(struct rdmaabi_hfi1_cmd) == 8, "hfi1_cmd alignment");
_Static_assert(offsetof(struct rdmaabi_hfi1_cmd, type) == 0, "hfi1_cmd.type");
_Static_assert(offsetof(struct rdmaabi_hfi1_cmd, len) == 4, "hfi1_cmd.len");
_Static_assert(offsetof(struct rdmaabi_hfi1_cmd, addr) == 8, "hfi1_cmd.addr");

/*
 * struct hfi1_user_info as of hfi1 user ABI major 4/5 (write era). Source: 4.3 staging
 * include/uapi/rdma/hfi/hfi1_user.h `struct hfi1_user_info`, and PSM2
 * hfi1_deprecated_gen1.h `struct hfi1_user_info_dep` ("identical to the struct
 * hfi1_user_info declaration from MAJOR version 5"). 28 bytes, same size as the
 * modern (major 6) struct but `pad` is u16 and `hfi1_alg` sits at offset 6.
 */
struct rdmaabi_hfi1_user_info_v5 {
    __u32 userversion; /* (major << 16) | minor */
    __u16 pad;
    __u16 hfi1_alg;    /* HFI selection algorithm (ACROSS 0, WITHIN 1) */
    __u16 subctxt_cnt;
    __u16 subctxt_id;
    __u8 uuid[16];
};
_Static_assert(sizeof(struct rdmaabi_hfi1_user_info_v5) == 28, "hfi1_user_info v5 size (ABI-FACTS sec. 2.6)");
_Static_assert(_Alignof(struct rdmaabi_hfi1_user_info_v5) == 4, "hfi1_user_info v5 alignment");
_Static_assert(offsetof(struct rdmaabi_hfi1_user_info_v5, userversion) == 0, "v5.userversion");
_Static_assert(offsetof(struct rdmaabi_hfi1_user_info_v5, pad) == 4, "v5.pad");
_Static_assert(offsetof(struct rdmaabi_hfi1_user_info_v5, hfi1_alg) == 6, "v5.hfi1_alg");
_Static_assert(offsetof(struct rdmaabi_hfi1_user_info_v5, subctxt_cnt) == 8, "v5.subctxt_cnt");
_Static_assert(offsetof(struct rdmaabi_hfi1_user_info_v5, subctxt_id) == 10, "v5.subctxt_id");
_Static_assert(offsetof(struct rdmaabi_hfi1_user_info_v5, uuid) == 12, "v5.uuid");
_Static_assert(sizeof(struct rdmaabi_hfi1_user_info_v5) == sizeof(struct hfi1_user_info),
               "write-era and ioctl-era hfi1_user_info have the same size");

/* Write-era HFI1_CMD_* numbers (4.3 staging header; 13 and 14 from the 4.7-era header
 * where the ioctl nr is HFI1_CMD_x + 0xE0). 7 existed only up to 4.6. */
static const unsigned int RDMAABI_HFI1_CMD_ASSIGN_CTXT = 1;
static const unsigned int RDMAABI_HFI1_CMD_CTXT_INFO = 2;
static const unsigned int RDMAABI_HFI1_CMD_USER_INFO = 3;
static const unsigned int RDMAABI_HFI1_CMD_TID_UPDATE = 4;
static const unsigned int RDMAABI_HFI1_CMD_TID_FREE = 5;
static const unsigned int RDMAABI_HFI1_CMD_CREDIT_UPD = 6;
static const unsigned int RDMAABI_HFI1_CMD_SDMA_STATUS_UPD = 7;
static const unsigned int RDMAABI_HFI1_CMD_RECV_CTRL = 8;
static const unsigned int RDMAABI_HFI1_CMD_POLL_TYPE = 9;
static const unsigned int RDMAABI_HFI1_CMD_ACK_EVENT = 10;
static const unsigned int RDMAABI_HFI1_CMD_SET_PKEY = 11;
static const unsigned int RDMAABI_HFI1_CMD_CTXT_RESET = 12;
static const unsigned int RDMAABI_HFI1_CMD_TID_INVAL_READ = 13;
static const unsigned int RDMAABI_HFI1_CMD_GET_VERS = 14;
/* EPROM commands (need CAP_SYS_ADMIN). 66..71 are 4.3-only, 75..77 replaced them. */
static const unsigned int RDMAABI_HFI1_CMD_EP_INFO = 64;
static const unsigned int RDMAABI_HFI1_CMD_EP_ERASE_CHIP = 65;
static const unsigned int RDMAABI_HFI1_CMD_EP_ERASE_P0 = 66;
static const unsigned int RDMAABI_HFI1_CMD_EP_ERASE_P1 = 67;
static const unsigned int RDMAABI_HFI1_CMD_EP_READ_P0 = 68;
static const unsigned int RDMAABI_HFI1_CMD_EP_READ_P1 = 69;
static const unsigned int RDMAABI_HFI1_CMD_EP_WRITE_P0 = 70;
static const unsigned int RDMAABI_HFI1_CMD_EP_WRITE_P1 = 71;
static const unsigned int RDMAABI_HFI1_CMD_EP_ERASE_RANGE = 75;
static const unsigned int RDMAABI_HFI1_CMD_EP_READ_RANGE = 76;
static const unsigned int RDMAABI_HFI1_CMD_EP_WRITE_RANGE = 77;

/* The ioctl nr of each modern hfi1 ioctl is the write-era command + 0xE0. */
_Static_assert(_IOC_NR(HFI1_IOCTL_ASSIGN_CTXT) == 0xE0 + 1, "ASSIGN_CTXT nr = HFI1_CMD_ASSIGN_CTXT + 0xE0");
_Static_assert(_IOC_NR(HFI1_IOCTL_CREDIT_UPD) == 0xE0 + 6, "CREDIT_UPD nr = HFI1_CMD_CREDIT_UPD + 0xE0");
_Static_assert(_IOC_NR(HFI1_IOCTL_GET_VERS) == 0xE0 + 14, "GET_VERS nr = HFI1_CMD_GET_VERS + 0xE0");

/* =====================================================================================
 * 4. qib write() command interface. Source: kernel drivers/infiniband/hw/qib/qib_common.h
 *    (kernel-internal; never exported as UAPI). ABI-FACTS sec. 3.2, sec. 3.3, sec. 11.
 * ===================================================================================== */

static const unsigned int RDMAABI_QIB_USER_SWMAJOR = 1;
static const unsigned int RDMAABI_QIB_USER_SWMINOR = 13; /* 10 and 11 in older trees */
static const unsigned int RDMAABI_QIB_USER_SWVERSION = (1U << 16) | 13U;

static const unsigned int RDMAABI_QIB_CMD_CTXT_INFO = 17;
static const unsigned int RDMAABI_QIB_CMD_RECV_CTRL = 18;
static const unsigned int RDMAABI_QIB_CMD_TID_UPDATE = 19;
static const unsigned int RDMAABI_QIB_CMD_TID_FREE = 20;
static const unsigned int RDMAABI_QIB_CMD_SET_PART_KEY = 21;
static const unsigned int RDMAABI_QIB_CMD_ASSIGN_CTXT = 23;
static const unsigned int RDMAABI_QIB_CMD_USER_INIT = 24;
static const unsigned int RDMAABI_QIB_CMD_UNUSED_1 = 25;
static const unsigned int RDMAABI_QIB_CMD_UNUSED_2 = 26;
static const unsigned int RDMAABI_QIB_CMD_PIOAVAILUPD = 27;
static const unsigned int RDMAABI_QIB_CMD_POLL_TYPE = 28;
static const unsigned int RDMAABI_QIB_CMD_ARMLAUNCH_CTRL = 29;
static const unsigned int RDMAABI_QIB_CMD_SDMA_INFLIGHT = 31;
static const unsigned int RDMAABI_QIB_CMD_SDMA_COMPLETE = 32;
static const unsigned int RDMAABI_QIB_CMD_DISARM_BUFS = 34;
static const unsigned int RDMAABI_QIB_CMD_ACK_EVENT = 35;
static const unsigned int RDMAABI_QIB_CMD_CPUS_LIST = 36;

/* QIB_PORT_ALG_* for qib_user_info.spu_port_alg (user minor >= 11). */
static const unsigned int RDMAABI_QIB_PORT_ALG_ACROSS = 0;
static const unsigned int RDMAABI_QIB_PORT_ALG_WITHIN = 1;

/* struct qib_user_info (qib_common.h), __aligned(8). 32 bytes. */
struct rdmaabi_qib_user_info {
    __u32 spu_userversion;    /* (QIB_USER_SWMAJOR << 16) | minor */
    __u32 _spu_unused2;
    __u32 spu_base_info_size; /* size of the qib_base_info buffer at spu_base_info */
    __u32 spu_port_alg;       /* QIB_PORT_ALG_*; was _spu_unused3 before user minor 11 */
    __u16 spu_subctxt_cnt;
    __u16 spu_subctxt_id;
    __u32 spu_port;           /* 0 = any port */
    __u64 spu_base_info;      /* user pointer where USER_INIT writes qib_base_info */
} __attribute__((aligned(8)));
_Static_assert(sizeof(struct rdmaabi_qib_user_info) == 32, "qib_user_info size (ABI-FACTS sec. 3.3)");
_Static_assert(_Alignof(struct rdmaabi_qib_user_info) == 8, "qib_user_info alignment");
_Static_assert(offsetof(struct rdmaabi_qib_user_info, spu_userversion) == 0, "qib_user_info.spu_userversion");
_Static_assert(offsetof(struct rdmaabi_qib_user_info, _spu_unused2) == 4, "qib_user_info._spu_unused2");
_Static_assert(offsetof(struct rdmaabi_qib_user_info, spu_base_info_size) == 8, "qib_user_info.spu_base_info_size");
_Static_assert(offsetof(struct rdmaabi_qib_user_info, spu_port_alg) == 12, "qib_user_info.spu_port_alg");
_Static_assert(offsetof(struct rdmaabi_qib_user_info, spu_subctxt_cnt) == 16, "qib_user_info.spu_subctxt_cnt");
_Static_assert(offsetof(struct rdmaabi_qib_user_info, spu_subctxt_id) == 18, "qib_user_info.spu_subctxt_id");
_Static_assert(offsetof(struct rdmaabi_qib_user_info, spu_port) == 20, "qib_user_info.spu_port");
_Static_assert(offsetof(struct rdmaabi_qib_user_info, spu_base_info) == 24, "qib_user_info.spu_base_info");

/* struct qib_ctxt_info (qib_common.h). 16 bytes, eight u16. */
struct rdmaabi_qib_ctxt_info {
    __u16 num_active;   /* number of active units */
    __u16 unit;         /* unit (chip) assigned */
    __u16 port;         /* IB port assigned (1-based) */
    __u16 ctxt;         /* context on the unit */
    __u16 subctxt;      /* subcontext */
    __u16 num_ctxts;    /* contexts available on the unit */
    __u16 num_subctxts; /* subcontexts opened on ctxt */
    __u16 rec_cpu;      /* 0xffff if none */
};
_Static_assert(sizeof(struct rdmaabi_qib_ctxt_info) == 16, "qib_ctxt_info size (ABI-FACTS sec. 3.3)");
_Static_assert(_Alignof(struct rdmaabi_qib_ctxt_info) == 2, "qib_ctxt_info alignment");
_Static_assert(offsetof(struct rdmaabi_qib_ctxt_info, num_active) == 0, "qib_ctxt_info.num_active");
_Static_assert(offsetof(struct rdmaabi_qib_ctxt_info, unit) == 2, "qib_ctxt_info.unit");
_Static_assert(offsetof(struct rdmaabi_qib_ctxt_info, port) == 4, "qib_ctxt_info.port");
_Static_assert(offsetof(struct rdmaabi_qib_ctxt_info, ctxt) == 6, "qib_ctxt_info.ctxt");
_Static_assert(offsetof(struct rdmaabi_qib_ctxt_info, subctxt) == 8, "qib_ctxt_info.subctxt");
_Static_assert(offsetof(struct rdmaabi_qib_ctxt_info, num_ctxts) == 10, "qib_ctxt_info.num_ctxts");
_Static_assert(offsetof(struct rdmaabi_qib_ctxt_info, num_subctxts) == 12, "qib_ctxt_info.num_subctxts");
_Static_assert(offsetof(struct rdmaabi_qib_ctxt_info, rec_cpu) == 14, "qib_ctxt_info.rec_cpu");

/* struct qib_tid_info (qib_common.h). 32 bytes. */
struct rdmaabi_qib_tid_info {
    __u32 tidcnt;
    __u32 tid__unused; /* keeps 32- and 64-bit layouts equal */
    __u64 tidvaddr;    /* virtual address of first page */
    __u64 tidlist;     /* user pointer to __u16 tid array */
    __u64 tidmap;      /* user pointer to bitmap of TIDs used */
};
_Static_assert(sizeof(struct rdmaabi_qib_tid_info) == 32, "qib_tid_info size (ABI-FACTS sec. 3.3)");
_Static_assert(_Alignof(struct rdmaabi_qib_tid_info) == 8, "qib_tid_info alignment");
_Static_assert(offsetof(struct rdmaabi_qib_tid_info, tidcnt) == 0, "qib_tid_info.tidcnt");
_Static_assert(offsetof(struct rdmaabi_qib_tid_info, tid__unused) == 4, "qib_tid_info.tid__unused");
_Static_assert(offsetof(struct rdmaabi_qib_tid_info, tidvaddr) == 8, "qib_tid_info.tidvaddr");
_Static_assert(offsetof(struct rdmaabi_qib_tid_info, tidlist) == 16, "qib_tid_info.tidlist");
_Static_assert(offsetof(struct rdmaabi_qib_tid_info, tidmap) == 24, "qib_tid_info.tidmap");

/*
 * struct qib_base_info (qib_common.h), __aligned(8). 176 bytes. Written by
 * QIB_CMD_USER_INIT to qib_user_info.spu_base_info (at most spu_base_info_size bytes; the
 * kernel accepts a buffer 7*8 bytes shorter when the context is not shared).
 */
struct rdmaabi_qib_base_info {
    __u32 spi_hw_version;
    __u32 spi_sw_version;       /* (QIB_KERN_TYPE << 31) | QIB_USER_SWVERSION */
    __u16 spi_ctxt;
    __u16 spi_subctxt;
    __u32 spi_mtu;              /* bytes */
    __u32 spi_piosize;          /* words */
    __u32 spi_tidcnt;
    __u32 spi_tidegrcnt;
    __u32 spi_rcvhdrent_size;   /* words */
    __u32 spi_rcvhdr_cnt;
    __u32 spi_runtime_flags;    /* QIB_RUNTIME_* */
    __u64 spi_rcvhdr_base;
    __u64 spi_rcv_egrbufs;
    __u32 spi_rcv_egrbufsize;
    __u32 spi_qpair;            /* QIB_KD_QP 0x656b78 */
    __u64 spi_uregbase;
    __u32 spi_tid_maxsize;
    __u32 spi_pioalign;
    __u32 spi_pioindex;
    __u32 spi_piocnt;
    __u64 spi_piobufbase;
    __u64 spi_pioavailaddr;
    __u64 spi_status;
    __u32 spi_nctxts;
    __u16 spi_unit;
    __u16 spi_port;
    __u32 spi_rcv_egrperchunk;
    __u32 spi_rcv_egrchunksize;
    __u32 spi_rcv_egrbuftotlen;
    __u32 spi_rhf_offset;
    __u64 spi_rcvhdr_tailaddr;
    __u64 spi_subctxt_uregbase;
    __u64 spi_subctxt_rcvegrbuf;
    __u64 spi_subctxt_rcvhdr_base;
    __u64 spi_sendbuf_status;
} __attribute__((aligned(8)));
_Static_assert(sizeof(struct rdmaabi_qib_base_info) == 176, "qib_base_info size (ABI-FACTS sec. 3.3)");
_Static_assert(_Alignof(struct rdmaabi_qib_base_info) == 8, "qib_base_info alignment");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_hw_version) == 0, "qib_base_info.spi_hw_version");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_sw_version) == 4, "qib_base_info.spi_sw_version");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_ctxt) == 8, "qib_base_info.spi_ctxt");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_subctxt) == 10, "qib_base_info.spi_subctxt");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_mtu) == 12, "qib_base_info.spi_mtu");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_piosize) == 16, "qib_base_info.spi_piosize");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_tidcnt) == 20, "qib_base_info.spi_tidcnt");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_tidegrcnt) == 24, "qib_base_info.spi_tidegrcnt");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_rcvhdrent_size) == 28, "qib_base_info.spi_rcvhdrent_size");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_rcvhdr_cnt) == 32, "qib_base_info.spi_rcvhdr_cnt");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_runtime_flags) == 36, "qib_base_info.spi_runtime_flags");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_rcvhdr_base) == 40, "qib_base_info.spi_rcvhdr_base");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_rcv_egrbufs) == 48, "qib_base_info.spi_rcv_egrbufs");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_rcv_egrbufsize) == 56, "qib_base_info.spi_rcv_egrbufsize");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_qpair) == 60, "qib_base_info.spi_qpair");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_uregbase) == 64, "qib_base_info.spi_uregbase");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_tid_maxsize) == 72, "qib_base_info.spi_tid_maxsize");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_pioalign) == 76, "qib_base_info.spi_pioalign");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_pioindex) == 80, "qib_base_info.spi_pioindex");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_piocnt) == 84, "qib_base_info.spi_piocnt");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_piobufbase) == 88, "qib_base_info.spi_piobufbase");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_pioavailaddr) == 96, "qib_base_info.spi_pioavailaddr");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_status) == 104, "qib_base_info.spi_status");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_nctxts) == 112, "qib_base_info.spi_nctxts");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_unit) == 116, "qib_base_info.spi_unit");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_port) == 118, "qib_base_info.spi_port");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_rcv_egrperchunk) == 120, "qib_base_info.spi_rcv_egrperchunk");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_rcv_egrchunksize) == 124, "qib_base_info.spi_rcv_egrchunksize");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_rcv_egrbuftotlen) == 128, "qib_base_info.spi_rcv_egrbuftotlen");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_rhf_offset) == 132, "qib_base_info.spi_rhf_offset");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_rcvhdr_tailaddr) == 136, "qib_base_info.spi_rcvhdr_tailaddr");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_subctxt_uregbase) == 144, "qib_base_info.spi_subctxt_uregbase");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_subctxt_rcvegrbuf) == 152, "qib_base_info.spi_subctxt_rcvegrbuf");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_subctxt_rcvhdr_base) == 160, "qib_base_info.spi_subctxt_rcvhdr_base");
_Static_assert(offsetof(struct rdmaabi_qib_base_info, spi_sendbuf_status) == 168, "qib_base_info.spi_sendbuf_status");

/*
 * struct qib_cmd (qib_common.h): u32 type + an *inline* payload union at offset 8
 * (the union is 8-aligned because of its u64 / aligned(8) members). 40 bytes.
 * The kernel's union is anonymous in type and named `cmd`; here the union type is named.
 * qib_write() copies 4 + sizeof(payload) bytes and returns that count (ABI-FACTS sec. 3.2, sec. 11).
 */
union rdmaabi_qib_cmd_payload {
    struct rdmaabi_qib_tid_info tid_info;   /* TID_UPDATE, TID_FREE */
    struct rdmaabi_qib_user_info user_info; /* ASSIGN_CTXT, USER_INIT */
    __u64 sdma_inflight;                    /* user pointer for the inflight counter */
    __u64 sdma_complete;                    /* user pointer for the completion counter */
    __u64 ctxt_info;                        /* user pointer to struct qib_ctxt_info */
    __u32 recv_ctrl;
    __u32 armlaunch_ctrl;
    __u16 part_key;
    __u64 slave_mask_addr;
    __u16 poll_type;
    __u8 ctxt_bp;
    __u64 event_mask;                       /* ACK_EVENT */
};
struct rdmaabi_qib_cmd {
    __u32 type; /* RDMAABI_QIB_CMD_* */
    union rdmaabi_qib_cmd_payload cmd;
};
_Static_assert(sizeof(union rdmaabi_qib_cmd_payload) == 32, "qib_cmd payload union size");
_Static_assert(sizeof(struct rdmaabi_qib_cmd) == 40, "qib_cmd size (ABI-FACTS sec. 3.2)");
_Static_assert(_Alignof(struct rdmaabi_qib_cmd) == 8, "qib_cmd alignment");
_Static_assert(offsetof(struct rdmaabi_qib_cmd, type) == 0, "qib_cmd.type");
_Static_assert(offsetof(struct rdmaabi_qib_cmd, cmd) == 8, "qib_cmd.cmd (union at offset 8)");
_Static_assert(offsetof(struct rdmaabi_qib_cmd, cmd.tid_info) == 8, "qib_cmd.cmd.tid_info");
_Static_assert(offsetof(struct rdmaabi_qib_cmd, cmd.user_info) == 8, "qib_cmd.cmd.user_info");
_Static_assert(offsetof(struct rdmaabi_qib_cmd, cmd.sdma_inflight) == 8, "qib_cmd.cmd.sdma_inflight");
_Static_assert(offsetof(struct rdmaabi_qib_cmd, cmd.sdma_complete) == 8, "qib_cmd.cmd.sdma_complete");
_Static_assert(offsetof(struct rdmaabi_qib_cmd, cmd.ctxt_info) == 8, "qib_cmd.cmd.ctxt_info");
_Static_assert(offsetof(struct rdmaabi_qib_cmd, cmd.recv_ctrl) == 8, "qib_cmd.cmd.recv_ctrl");
_Static_assert(offsetof(struct rdmaabi_qib_cmd, cmd.armlaunch_ctrl) == 8, "qib_cmd.cmd.armlaunch_ctrl");
_Static_assert(offsetof(struct rdmaabi_qib_cmd, cmd.part_key) == 8, "qib_cmd.cmd.part_key");
_Static_assert(offsetof(struct rdmaabi_qib_cmd, cmd.slave_mask_addr) == 8, "qib_cmd.cmd.slave_mask_addr");
_Static_assert(offsetof(struct rdmaabi_qib_cmd, cmd.poll_type) == 8, "qib_cmd.cmd.poll_type");
_Static_assert(offsetof(struct rdmaabi_qib_cmd, cmd.ctxt_bp) == 8, "qib_cmd.cmd.ctxt_bp");
_Static_assert(offsetof(struct rdmaabi_qib_cmd, cmd.event_mask) == 8, "qib_cmd.cmd.event_mask");

/* =====================================================================================
 * 5. umad and uverbs ([UAPI] rdma_user_ioctl.h, rdma_user_ioctl_cmds.h, ib_user_mad.h,
 *    ib_user_verbs.h, ib_user_ioctl_verbs.h; ABI-FACTS sec. 2.4, sec. 4.1)
 * ===================================================================================== */

static const unsigned long RDMAABI_IB_USER_MAD_REGISTER_AGENT = IB_USER_MAD_REGISTER_AGENT;
static const unsigned long RDMAABI_IB_USER_MAD_UNREGISTER_AGENT = IB_USER_MAD_UNREGISTER_AGENT;
static const unsigned long RDMAABI_IB_USER_MAD_ENABLE_PKEY = IB_USER_MAD_ENABLE_PKEY;
static const unsigned long RDMAABI_IB_USER_MAD_REGISTER_AGENT2 = IB_USER_MAD_REGISTER_AGENT2;
static const unsigned long RDMAABI_VERBS_IOCTL = RDMA_VERBS_IOCTL;

_Static_assert(IB_USER_MAD_REGISTER_AGENT == 0xc01c1b01UL, "IB_USER_MAD_REGISTER_AGENT (ABI-FACTS sec. 2.4)");
_Static_assert(IB_USER_MAD_UNREGISTER_AGENT == 0x40041b02UL, "IB_USER_MAD_UNREGISTER_AGENT (ABI-FACTS sec. 2.4)");
_Static_assert(IB_USER_MAD_ENABLE_PKEY == 0x00001b03UL, "IB_USER_MAD_ENABLE_PKEY (ABI-FACTS sec. 2.4)");
_Static_assert(IB_USER_MAD_REGISTER_AGENT2 == 0xc0281b04UL, "IB_USER_MAD_REGISTER_AGENT2 (ABI-FACTS sec. 2.4)");
_Static_assert(RDMA_VERBS_IOCTL == 0xc0181b01UL, "RDMA_VERBS_IOCTL (ABI-FACTS sec. 2.4, sec. 4.1)");
_Static_assert(sizeof(struct ib_user_mad_reg_req) == 28, "ib_user_mad_reg_req size");
_Static_assert(sizeof(struct ib_user_mad_reg_req2) == 40, "ib_user_mad_reg_req2 size");

static const unsigned int RDMAABI_IB_USER_VERBS_ABI_VERSION = IB_USER_VERBS_ABI_VERSION; /* 6 */
static const unsigned int RDMAABI_IB_USER_MAD_ABI_VERSION = IB_USER_MAD_ABI_VERSION;     /* 5 */
_Static_assert(IB_USER_VERBS_ABI_VERSION == 6, "uverbs class ABI (ABI-FACTS sec. 10.7)");
_Static_assert(IB_USER_MAD_ABI_VERSION == 5, "umad ABI (ABI-FACTS sec. 10.7)");

/* Netlink UVERBS_DRIVER_ID values (enum rdma_driver_id; sent as u32). */
static const unsigned int RDMAABI_DRIVER_RXE = RDMA_DRIVER_RXE;   /* 14 */
static const unsigned int RDMAABI_DRIVER_HFI1 = RDMA_DRIVER_HFI1; /* 15 */
static const unsigned int RDMAABI_DRIVER_QIB = RDMA_DRIVER_QIB;   /* 16 */
_Static_assert(RDMA_DRIVER_RXE == 14 && RDMA_DRIVER_HFI1 == 15 && RDMA_DRIVER_QIB == 16,
               "rdma_driver_id values (ABI-FACTS sec. 10.10, sec. 11)");
/* The other driver ids rdma-core's provider match tables name (VERBS_DRIVER_ID in
 * providers/{mlx5/mlx5.c,mlx4/mlx4.c,bnxt_re/main.c,efa/efa.c,siw/siw.c}); doctor's provider
 * catalogue. RDMA_DRIVER_UNKNOWN is what libibverbs keeps when netlink names none. */
static const unsigned int RDMAABI_DRIVER_UNKNOWN = RDMA_DRIVER_UNKNOWN; /* 0 */
static const unsigned int RDMAABI_DRIVER_MLX5 = RDMA_DRIVER_MLX5;       /* 1 */
static const unsigned int RDMAABI_DRIVER_MLX4 = RDMA_DRIVER_MLX4;       /* 2 */
static const unsigned int RDMAABI_DRIVER_BNXT_RE = RDMA_DRIVER_BNXT_RE; /* 6 */
static const unsigned int RDMAABI_DRIVER_EFA = RDMA_DRIVER_EFA;         /* 17 */
static const unsigned int RDMAABI_DRIVER_SIW = RDMA_DRIVER_SIW;         /* 18 */
_Static_assert(RDMA_DRIVER_UNKNOWN == 0 && RDMA_DRIVER_MLX5 == 1 && RDMA_DRIVER_MLX4 == 2 &&
               RDMA_DRIVER_BNXT_RE == 6 && RDMA_DRIVER_EFA == 17 && RDMA_DRIVER_SIW == 18,
               "rdma_driver_id values (include/uapi/rdma/ib_user_ioctl_verbs.h)");

/* uverbs ioctl framework attribute flags and ID namespaces (ABI-FACTS sec. 4.1). */
static const unsigned short RDMAABI_UVERBS_ATTR_F_MANDATORY = UVERBS_ATTR_F_MANDATORY;
static const unsigned short RDMAABI_UVERBS_ATTR_F_VALID_OUTPUT = UVERBS_ATTR_F_VALID_OUTPUT;
static const unsigned short RDMAABI_UVERBS_ID_NS_MASK = UVERBS_ID_NS_MASK;
static const unsigned int RDMAABI_UVERBS_ID_NS_SHIFT = UVERBS_ID_NS_SHIFT;

_Static_assert(sizeof(struct ib_uverbs_ioctl_hdr) == 24, "ib_uverbs_ioctl_hdr size (ABI-FACTS sec. 4.1)");
_Static_assert(offsetof(struct ib_uverbs_ioctl_hdr, length) == 0, "ib_uverbs_ioctl_hdr.length");
_Static_assert(offsetof(struct ib_uverbs_ioctl_hdr, object_id) == 2, "ib_uverbs_ioctl_hdr.object_id");
_Static_assert(offsetof(struct ib_uverbs_ioctl_hdr, method_id) == 4, "ib_uverbs_ioctl_hdr.method_id");
_Static_assert(offsetof(struct ib_uverbs_ioctl_hdr, num_attrs) == 6, "ib_uverbs_ioctl_hdr.num_attrs");
_Static_assert(offsetof(struct ib_uverbs_ioctl_hdr, reserved1) == 8, "ib_uverbs_ioctl_hdr.reserved1");
_Static_assert(offsetof(struct ib_uverbs_ioctl_hdr, driver_id) == 16, "ib_uverbs_ioctl_hdr.driver_id");
_Static_assert(offsetof(struct ib_uverbs_ioctl_hdr, reserved2) == 20, "ib_uverbs_ioctl_hdr.reserved2");
_Static_assert(offsetof(struct ib_uverbs_ioctl_hdr, attrs) == 24, "ib_uverbs_ioctl_hdr.attrs");

_Static_assert(sizeof(struct ib_uverbs_attr) == 16, "ib_uverbs_attr size (ABI-FACTS sec. 4.1)");
_Static_assert(offsetof(struct ib_uverbs_attr, attr_id) == 0, "ib_uverbs_attr.attr_id");
_Static_assert(offsetof(struct ib_uverbs_attr, len) == 2, "ib_uverbs_attr.len");
_Static_assert(offsetof(struct ib_uverbs_attr, flags) == 4, "ib_uverbs_attr.flags");
_Static_assert(offsetof(struct ib_uverbs_attr, attr_data) == 6, "ib_uverbs_attr.attr_data");
_Static_assert(offsetof(struct ib_uverbs_attr, data) == 8, "ib_uverbs_attr.data");
_Static_assert(offsetof(struct ib_uverbs_attr, data_s64) == 8, "ib_uverbs_attr.data_s64");

/* The uverbs attr's anonymous `data` union is awkward from Swift; these reach it. */
static inline __u64 rdmaabi_uverbs_attr_get_data(const struct ib_uverbs_attr *attr) { return attr->data; }
static inline void rdmaabi_uverbs_attr_set_data(struct ib_uverbs_attr *attr, __u64 data) { attr->data = data; }

/* =====================================================================================
 * 6. RDMA netlink ([UAPI] rdma/rdma_netlink.h, linux/netlink.h; ABI-FACTS sec. 5)
 * ===================================================================================== */

static const int RDMAABI_NETLINK_RDMA = NETLINK_RDMA; /* 20 */
_Static_assert(NETLINK_RDMA == 20, "NETLINK_RDMA (ABI-FACTS sec. 5)");
#ifdef SOL_NETLINK
static const int RDMAABI_SOL_NETLINK = SOL_NETLINK;
#else
static const int RDMAABI_SOL_NETLINK = 270; /* include/linux/socket.h */
#endif

/* Generic file ioctls every file answers before its driver (fs/ioctl.c do_vfs_ioctl). */
static const unsigned long RDMAABI_FIOCLEX = FIOCLEX;
static const unsigned long RDMAABI_FIONCLEX = FIONCLEX;
static const unsigned long RDMAABI_FIONBIO = FIONBIO;
static const int RDMAABI_NETLINK_CAP_ACK = NETLINK_CAP_ACK;
static const int RDMAABI_NETLINK_EXT_ACK = NETLINK_EXT_ACK;

static const unsigned short RDMAABI_NL_NLDEV = RDMA_NL_NLDEV; /* 5 */
_Static_assert(RDMA_NL_NLDEV == 5, "RDMA_NL_NLDEV (ABI-FACTS sec. 5)");

/* RDMA_NL_GET_TYPE / _CLIENT / _OP as functions. */
static inline unsigned short rdmaabi_nl_get_type(unsigned int client, unsigned int op) {
    return (unsigned short)RDMA_NL_GET_TYPE(client, op);
}
static inline unsigned int rdmaabi_nl_get_client(unsigned int type) { return (unsigned int)RDMA_NL_GET_CLIENT(type); }
static inline unsigned int rdmaabi_nl_get_op(unsigned int type) { return (unsigned int)RDMA_NL_GET_OP(type); }

static const unsigned short RDMAABI_NLDEV_CMD_GET = RDMA_NLDEV_CMD_GET;                 /* 1 */
static const unsigned short RDMAABI_NLDEV_CMD_PORT_GET = RDMA_NLDEV_CMD_PORT_GET;       /* 5 */
static const unsigned short RDMAABI_NLDEV_CMD_SYS_GET = RDMA_NLDEV_CMD_SYS_GET;         /* 6 */
static const unsigned short RDMAABI_NLDEV_CMD_GET_CHARDEV = RDMA_NLDEV_CMD_GET_CHARDEV; /* 15 */
_Static_assert(RDMA_NL_GET_TYPE(RDMA_NL_NLDEV, RDMA_NLDEV_CMD_GET) == 0x1401, "NLDEV GET type (ABI-FACTS sec. 5)");
_Static_assert(RDMA_NL_GET_TYPE(RDMA_NL_NLDEV, RDMA_NLDEV_CMD_PORT_GET) == 0x1405, "NLDEV PORT_GET type");
_Static_assert(RDMA_NL_GET_TYPE(RDMA_NL_NLDEV, RDMA_NLDEV_CMD_SYS_GET) == 0x1406, "NLDEV SYS_GET type");
_Static_assert(RDMA_NL_GET_TYPE(RDMA_NL_NLDEV, RDMA_NLDEV_CMD_GET_CHARDEV) == 0x140f, "NLDEV GET_CHARDEV type");

/* Attribute numbers (enum rdma_nldev_attr; netlink nla_type is u16). */
static const unsigned short RDMAABI_NLDEV_ATTR_UNSPEC = RDMA_NLDEV_ATTR_UNSPEC;
static const unsigned short RDMAABI_NLDEV_ATTR_PAD = RDMA_NLDEV_ATTR_PAD;
static const unsigned short RDMAABI_NLDEV_ATTR_DEV_INDEX = RDMA_NLDEV_ATTR_DEV_INDEX;
static const unsigned short RDMAABI_NLDEV_ATTR_DEV_NAME = RDMA_NLDEV_ATTR_DEV_NAME;
static const unsigned short RDMAABI_NLDEV_ATTR_PORT_INDEX = RDMA_NLDEV_ATTR_PORT_INDEX;
static const unsigned short RDMAABI_NLDEV_ATTR_CAP_FLAGS = RDMA_NLDEV_ATTR_CAP_FLAGS;
static const unsigned short RDMAABI_NLDEV_ATTR_FW_VERSION = RDMA_NLDEV_ATTR_FW_VERSION;
static const unsigned short RDMAABI_NLDEV_ATTR_NODE_GUID = RDMA_NLDEV_ATTR_NODE_GUID;
static const unsigned short RDMAABI_NLDEV_ATTR_SYS_IMAGE_GUID = RDMA_NLDEV_ATTR_SYS_IMAGE_GUID;
static const unsigned short RDMAABI_NLDEV_ATTR_SUBNET_PREFIX = RDMA_NLDEV_ATTR_SUBNET_PREFIX;
static const unsigned short RDMAABI_NLDEV_ATTR_LID = RDMA_NLDEV_ATTR_LID;
static const unsigned short RDMAABI_NLDEV_ATTR_SM_LID = RDMA_NLDEV_ATTR_SM_LID;
static const unsigned short RDMAABI_NLDEV_ATTR_LMC = RDMA_NLDEV_ATTR_LMC;
static const unsigned short RDMAABI_NLDEV_ATTR_PORT_STATE = RDMA_NLDEV_ATTR_PORT_STATE;
static const unsigned short RDMAABI_NLDEV_ATTR_PORT_PHYS_STATE = RDMA_NLDEV_ATTR_PORT_PHYS_STATE;
static const unsigned short RDMAABI_NLDEV_ATTR_DEV_NODE_TYPE = RDMA_NLDEV_ATTR_DEV_NODE_TYPE;
static const unsigned short RDMAABI_NLDEV_ATTR_NDEV_INDEX = RDMA_NLDEV_ATTR_NDEV_INDEX;
static const unsigned short RDMAABI_NLDEV_ATTR_NDEV_NAME = RDMA_NLDEV_ATTR_NDEV_NAME;
static const unsigned short RDMAABI_NLDEV_ATTR_LINK_TYPE = RDMA_NLDEV_ATTR_LINK_TYPE;
static const unsigned short RDMAABI_NLDEV_SYS_ATTR_NETNS_MODE = RDMA_NLDEV_SYS_ATTR_NETNS_MODE;
static const unsigned short RDMAABI_NLDEV_ATTR_DEV_PROTOCOL = RDMA_NLDEV_ATTR_DEV_PROTOCOL;
static const unsigned short RDMAABI_NLDEV_NET_NS_FD = RDMA_NLDEV_NET_NS_FD;
static const unsigned short RDMAABI_NLDEV_ATTR_CHARDEV_TYPE = RDMA_NLDEV_ATTR_CHARDEV_TYPE;
static const unsigned short RDMAABI_NLDEV_ATTR_CHARDEV_NAME = RDMA_NLDEV_ATTR_CHARDEV_NAME;
static const unsigned short RDMAABI_NLDEV_ATTR_CHARDEV_ABI = RDMA_NLDEV_ATTR_CHARDEV_ABI;
static const unsigned short RDMAABI_NLDEV_ATTR_CHARDEV = RDMA_NLDEV_ATTR_CHARDEV;
static const unsigned short RDMAABI_NLDEV_ATTR_UVERBS_DRIVER_ID = RDMA_NLDEV_ATTR_UVERBS_DRIVER_ID;
static const unsigned short RDMAABI_NLDEV_ATTR_DEV_DIM = RDMA_NLDEV_ATTR_DEV_DIM;
static const unsigned short RDMAABI_NLDEV_SYS_ATTR_COPY_ON_FORK = RDMA_NLDEV_SYS_ATTR_COPY_ON_FORK;
/*
 * Attributes newer than the installed 6.1 header, which ends at STAT_HWCOUNTER_DYNAMIC (95)
 * with RDMA_NLDEV_ATTR_MAX = 96. enum rdma_nldev_attr is append-only; upstream
 * include/uapi/rdma/rdma_netlink.h continues PRIVILEGED_QKEY_MODE 96, DRIVER_DETAILS 97,
 * RES_SUBTYPE 98, DEV_TYPE 99, PARENT_NAME 100, NAME_ASSIGN_TYPE 101 (the release that
 * added each was not checked). A kernel of the 6.1 header's age never sends them.
 */
static const unsigned short RDMAABI_NLDEV_SYS_ATTR_PRIVILEGED_QKEY_MODE = 96;
static const unsigned short RDMAABI_NLDEV_ATTR_DRIVER_DETAILS = 97;
static const unsigned short RDMAABI_NLDEV_ATTR_RES_SUBTYPE = 98;
static const unsigned short RDMAABI_NLDEV_ATTR_DEV_TYPE = 99;
static const unsigned short RDMAABI_NLDEV_ATTR_PARENT_NAME = 100;
static const unsigned short RDMAABI_NLDEV_ATTR_NAME_ASSIGN_TYPE = 101;
_Static_assert(RDMA_NLDEV_ATTR_STAT_HWCOUNTER_DYNAMIC == 95,
               "the literal attribute numbers above continue the enum after STAT_HWCOUNTER_DYNAMIC");
_Static_assert(RDMA_NLDEV_ATTR_MAX >= 96, "installed rdma_netlink.h is at least the 6.1 one");
/* Kernel-internal include/rdma/rdma_netlink.h: NLA_NUL_STRING policy length of CHARDEV_TYPE
 * (so at most 31 name bytes + NUL; ABI-FACTS sec. 11). */
static const unsigned int RDMAABI_NLDEV_ATTR_CHARDEV_TYPE_SIZE = 32;

_Static_assert(RDMA_NLDEV_ATTR_PAD == 0 && RDMA_NLDEV_ATTR_DEV_INDEX == 1 && RDMA_NLDEV_ATTR_DEV_NAME == 2 &&
                   RDMA_NLDEV_ATTR_PORT_INDEX == 3 && RDMA_NLDEV_ATTR_CAP_FLAGS == 4 &&
                   RDMA_NLDEV_ATTR_FW_VERSION == 5 && RDMA_NLDEV_ATTR_NODE_GUID == 6 &&
                   RDMA_NLDEV_ATTR_SYS_IMAGE_GUID == 7 && RDMA_NLDEV_ATTR_SUBNET_PREFIX == 8 &&
                   RDMA_NLDEV_ATTR_LID == 9 && RDMA_NLDEV_ATTR_SM_LID == 10 && RDMA_NLDEV_ATTR_LMC == 11 &&
                   RDMA_NLDEV_ATTR_PORT_STATE == 12 && RDMA_NLDEV_ATTR_PORT_PHYS_STATE == 13 &&
                   RDMA_NLDEV_ATTR_DEV_NODE_TYPE == 14,
               "nldev attribute numbers 0..14 (ABI-FACTS sec. 5)");
_Static_assert(RDMA_NLDEV_ATTR_NDEV_INDEX == 50 && RDMA_NLDEV_ATTR_NDEV_NAME == 51 &&
                   RDMA_NLDEV_ATTR_LINK_TYPE == 65 && RDMA_NLDEV_SYS_ATTR_NETNS_MODE == 66 &&
                   RDMA_NLDEV_ATTR_DEV_PROTOCOL == 67 && RDMA_NLDEV_NET_NS_FD == 68 &&
                   RDMA_NLDEV_ATTR_CHARDEV_TYPE == 69 && RDMA_NLDEV_ATTR_CHARDEV_NAME == 70 &&
                   RDMA_NLDEV_ATTR_CHARDEV_ABI == 71 && RDMA_NLDEV_ATTR_CHARDEV == 72 &&
                   RDMA_NLDEV_ATTR_UVERBS_DRIVER_ID == 73 && RDMA_NLDEV_ATTR_DEV_DIM == 84 &&
                   RDMA_NLDEV_SYS_ATTR_COPY_ON_FORK == 93,
               "nldev attribute numbers 50..93 (ABI-FACTS sec. 5)");

/* nlmsghdr flags (u16) and standard message types (u16). */
static const unsigned short RDMAABI_NLM_F_REQUEST = NLM_F_REQUEST;
static const unsigned short RDMAABI_NLM_F_MULTI = NLM_F_MULTI;
static const unsigned short RDMAABI_NLM_F_ACK = NLM_F_ACK;
static const unsigned short RDMAABI_NLM_F_ECHO = NLM_F_ECHO;
static const unsigned short RDMAABI_NLM_F_DUMP_INTR = NLM_F_DUMP_INTR;
static const unsigned short RDMAABI_NLM_F_DUMP_FILTERED = NLM_F_DUMP_FILTERED;
static const unsigned short RDMAABI_NLM_F_ROOT = NLM_F_ROOT;
static const unsigned short RDMAABI_NLM_F_MATCH = NLM_F_MATCH;
static const unsigned short RDMAABI_NLM_F_ATOMIC = NLM_F_ATOMIC;
static const unsigned short RDMAABI_NLM_F_DUMP = NLM_F_DUMP;
static const unsigned short RDMAABI_NLM_F_CAPPED = NLM_F_CAPPED;     /* flags of NLMSG_ERROR acks */
static const unsigned short RDMAABI_NLM_F_ACK_TLVS = NLM_F_ACK_TLVS; /* flags of NLMSG_ERROR acks */
static const unsigned short RDMAABI_NLMSG_NOOP = NLMSG_NOOP;
static const unsigned short RDMAABI_NLMSG_ERROR = NLMSG_ERROR;
static const unsigned short RDMAABI_NLMSG_DONE = NLMSG_DONE;
static const unsigned short RDMAABI_NLMSG_OVERRUN = NLMSG_OVERRUN;
static const unsigned short RDMAABI_NLMSG_MIN_TYPE = NLMSG_MIN_TYPE;

/* nlattr type bits. */
static const unsigned short RDMAABI_NLA_F_NESTED = NLA_F_NESTED;
static const unsigned short RDMAABI_NLA_F_NET_BYTEORDER = NLA_F_NET_BYTEORDER;
static const unsigned short RDMAABI_NLA_TYPE_MASK = (unsigned short)NLA_TYPE_MASK; /* 0x3fff */

/* Alignment and sizes. */
static const size_t RDMAABI_NLMSG_ALIGNTO = NLMSG_ALIGNTO;
static const size_t RDMAABI_NLA_ALIGNTO = NLA_ALIGNTO;
static const size_t RDMAABI_NLMSG_HDRLEN = NLMSG_HDRLEN;
static const size_t RDMAABI_NLA_HDRLEN = NLA_HDRLEN;
static const size_t RDMAABI_SIZEOF_NLMSGHDR = sizeof(struct nlmsghdr);
static const size_t RDMAABI_SIZEOF_NLATTR = sizeof(struct nlattr);
static const size_t RDMAABI_SIZEOF_NLMSGERR = sizeof(struct nlmsgerr);

/* NLMSG_ALIGN / NLA_ALIGN: round up to a multiple of 4. */
static inline size_t rdmaabi_nlmsg_align(size_t len) {
    return (len + (size_t)NLMSG_ALIGNTO - 1U) & ~((size_t)NLMSG_ALIGNTO - 1U);
}
static inline size_t rdmaabi_nla_align(size_t len) {
    return (len + (size_t)NLA_ALIGNTO - 1U) & ~((size_t)NLA_ALIGNTO - 1U);
}

_Static_assert(NLMSG_ALIGNTO == 4 && NLA_ALIGNTO == 4, "netlink alignment");
_Static_assert(NLMSG_HDRLEN == 16 && NLA_HDRLEN == 4, "netlink header lengths");
_Static_assert(sizeof(struct nlmsghdr) == 16, "nlmsghdr size");
_Static_assert(offsetof(struct nlmsghdr, nlmsg_len) == 0, "nlmsghdr.nlmsg_len");
_Static_assert(offsetof(struct nlmsghdr, nlmsg_type) == 4, "nlmsghdr.nlmsg_type");
_Static_assert(offsetof(struct nlmsghdr, nlmsg_flags) == 6, "nlmsghdr.nlmsg_flags");
_Static_assert(offsetof(struct nlmsghdr, nlmsg_seq) == 8, "nlmsghdr.nlmsg_seq");
_Static_assert(offsetof(struct nlmsghdr, nlmsg_pid) == 12, "nlmsghdr.nlmsg_pid");
_Static_assert(sizeof(struct nlattr) == 4, "nlattr size");
_Static_assert(offsetof(struct nlattr, nla_len) == 0, "nlattr.nla_len");
_Static_assert(offsetof(struct nlattr, nla_type) == 2, "nlattr.nla_type");
_Static_assert(sizeof(struct nlmsgerr) == 20, "nlmsgerr size");
_Static_assert(offsetof(struct nlmsgerr, error) == 0, "nlmsgerr.error");
_Static_assert(offsetof(struct nlmsgerr, msg) == 4, "nlmsgerr.msg");
_Static_assert(NLM_F_REQUEST == 1 && NLM_F_MULTI == 2 && NLM_F_ACK == 4 && NLM_F_DUMP == 0x300, "NLM_F_*");
_Static_assert(NLMSG_NOOP == 1 && NLMSG_ERROR == 2 && NLMSG_DONE == 3 && NLMSG_OVERRUN == 4, "NLMSG_*");

/* =====================================================================================
 * 7. Device numbers (<sys/sysmacros.h>; kernel include/linux/kdev_t.h)
 * ===================================================================================== */

/* major()/minor()/makedev() of the dev_t that stat(2) returns through glibc
 * (<sys/sysmacros.h> __SYSMACROS_DEFINE_MAJOR/MINOR/MAKEDEV): 12+20-bit split over 64 bits.
 * Written out here because <sys/sysmacros.h> would put libc declarations into this module; the
 * test suite checks these against glibc's own macros (CRdmaSys's rdmasys_major/minor/makedev). */
static inline unsigned int rdmaabi_major(unsigned long long dev) {
    return (unsigned int)(((dev >> 8) & 0xfffULL) | ((dev >> 32) & ~0xfffULL));
}
static inline unsigned int rdmaabi_minor(unsigned long long dev) {
    return (unsigned int)((dev & 0xffULL) | ((dev >> 12) & ~0xffULL));
}
static inline unsigned long long rdmaabi_makedev(unsigned int maj, unsigned int min) {
    unsigned long long M = maj, m = min;
    return ((M & 0x00000fffULL) << 8) | ((M & 0xfffff000ULL) << 32)
         | ((m & 0x000000ffULL) << 0) | ((m & 0xffffff00ULL) << 12);
}

/*
 * Kernel huge_encode_dev() == new_encode_dev() (include/linux/kdev_t.h), the encoding of
 * RDMA_NLDEV_ATTR_CHARDEV (ABI-FACTS sec. 5): minor bits 0-7 at 0-7, major (12 bits) at
 * 8-19, minor bits 8-19 at 20-31. The masks mirror the kernel's 12-bit MAJOR / 20-bit MINOR.
 */
static inline unsigned long long rdmaabi_huge_encode_dev(unsigned int maj, unsigned int min) {
    __u32 ma = maj & 0xfffU;
    __u32 mi = min & 0xfffffU;
    return (unsigned long long)((mi & 0xffU) | (ma << 8) | ((mi & ~0xffU) << 12));
}
/* Kernel huge_decode_dev() == new_decode_dev((u32)dev). */
static inline unsigned int rdmaabi_huge_decode_major(unsigned long long dev) {
    __u32 v = (__u32)dev;
    return (v & 0xfff00U) >> 8;
}
static inline unsigned int rdmaabi_huge_decode_minor(unsigned long long dev) {
    __u32 v = (__u32)dev;
    return (v & 0xffU) | ((v >> 12) & 0xfff00U);
}

/* =====================================================================================
 * 8. errno values (the code above the kernel seam cannot import Glibc)
 * ===================================================================================== */

static const int RDMAABI_EPERM = EPERM;
static const int RDMAABI_ENOENT = ENOENT;
static const int RDMAABI_ESRCH = ESRCH;
static const int RDMAABI_EINTR = EINTR;
static const int RDMAABI_EIO = EIO;
static const int RDMAABI_ENXIO = ENXIO;
static const int RDMAABI_E2BIG = E2BIG;
static const int RDMAABI_EBADF = EBADF;
static const int RDMAABI_EAGAIN = EAGAIN;
static const int RDMAABI_ENOMEM = ENOMEM;
static const int RDMAABI_EACCES = EACCES;
static const int RDMAABI_EFAULT = EFAULT;
static const int RDMAABI_EBUSY = EBUSY;
static const int RDMAABI_EEXIST = EEXIST;
static const int RDMAABI_EXDEV = EXDEV;
static const int RDMAABI_ENODEV = ENODEV;
static const int RDMAABI_ENOTDIR = ENOTDIR;
static const int RDMAABI_EISDIR = EISDIR;
static const int RDMAABI_EINVAL = EINVAL;
static const int RDMAABI_ENFILE = ENFILE;
static const int RDMAABI_EMFILE = EMFILE;
static const int RDMAABI_ENOTTY = ENOTTY;
static const int RDMAABI_EFBIG = EFBIG;
static const int RDMAABI_ENOSPC = ENOSPC;
static const int RDMAABI_EROFS = EROFS;
static const int RDMAABI_ELOOP = ELOOP;
static const int RDMAABI_ENAMETOOLONG = ENAMETOOLONG;
static const int RDMAABI_ENOLCK = ENOLCK; /* hfi1 CTXT_RESET halt timeout (ABI-FACTS sec. 2.4) */
static const int RDMAABI_ENOSYS = ENOSYS;
static const int RDMAABI_ENOTEMPTY = ENOTEMPTY;
static const int RDMAABI_EPROTONOSUPPORT = EPROTONOSUPPORT;
static const int RDMAABI_EOPNOTSUPP = EOPNOTSUPP;
static const int RDMAABI_ENETDOWN = ENETDOWN;
static const int RDMAABI_ENOTSUP = EOPNOTSUPP; /* glibc: ENOTSUP == EOPNOTSUPP on Linux */
static const int RDMAABI_ETIMEDOUT = ETIMEDOUT;
static const int RDMAABI_ECONNREFUSED = ECONNREFUSED;
static const int RDMAABI_ENOBUFS = ENOBUFS;
static const int RDMAABI_EMSGSIZE = EMSGSIZE;
static const int RDMAABI_EPROTO = EPROTO;
static const int RDMAABI_EPIPE = EPIPE;

/* Sections 9 and 10 (open/stat flags, syscall wrappers) moved to CRdmaSys. */

/* =====================================================================================
 * 11. The proposed driver-ops ioctl (rdmactl's uAPI proposal; Docs/ABI.md). No kernel has
 *     it: it is the 2016 "request a driver interface by name on the uverbs fd" idea
 *     (DESIGN sec. 1) made concrete. The kernel spelling would be, in
 *     include/uapi/rdma/rdma_user_ioctl.h:
 *
 *         struct rdma_driver_ops_req { ... };                 (layout below)
 *         #define RDMA_DRIVER_OPS_NAME_MAX  64
 *         #define RDMA_DRIVER_OPS_CLOEXEC   (1U << 0)
 *         #define RDMA_GET_DRIVER_OPS_FD \
 *                 _IOWR(RDMA_IOCTL_MAGIC, 0x10, struct rdma_driver_ops_req)
 *
 *     Issued on /dev/infiniband/uverbsN; returns a new fd (in the emulator: a handle id)
 *     that behaves exactly like an open of the driver's legacy node for the granted ABI.
 *     nr 0x10 is used by no 0x1b ioctl in the UAPI headers (umad 0x01-0x04,
 *     RDMA_VERBS_IOCTL 0x01, hfi1 0xE1-0xEE); a test scans the installed headers.
 *     Layout: only __u32 and char fields, no implicit padding, identical on 32- and
 *     64-bit ABIs (no compat_ioctl translation needed).
 * ===================================================================================== */

struct rdmaabi_driver_ops_req {
    char name[64];       /* in: facet name, NUL-terminated, 1..63 bytes, zero after the NUL */
    __u32 flags;         /* in: 0 or RDMAABI_DRIVER_OPS_CLOEXEC; other bits -> EINVAL */
    __u32 major;         /* in: the ABI major requested (exact match) */
    __u32 min_minor;     /* in: the lowest acceptable minor */
    __u32 offered_major; /* out on success and ENODEV: the major offered; ignored on input */
    __u32 offered_minor; /* out on success and ENODEV: the minor offered; ignored on input */
    __u32 reserved[3];   /* in: must be zero, else EINVAL */
};

static const unsigned int RDMAABI_DRIVER_OPS_NAME_MAX = 64; /* sizeof name, NUL included */
static const unsigned int RDMAABI_DRIVER_OPS_CLOEXEC = 1U << 0;
static const unsigned int RDMAABI_GET_DRIVER_OPS_FD_NR = 0x10;
static const unsigned long RDMAABI_GET_DRIVER_OPS_FD =
    _IOWR(RDMA_IOCTL_MAGIC, 0x10, struct rdmaabi_driver_ops_req);

_Static_assert(sizeof(struct rdmaabi_driver_ops_req) == 96, "rdma_driver_ops_req size (Docs/ABI.md)");
_Static_assert(_Alignof(struct rdmaabi_driver_ops_req) == 4, "rdma_driver_ops_req alignment");
_Static_assert(offsetof(struct rdmaabi_driver_ops_req, name) == 0, "rdma_driver_ops_req.name");
_Static_assert(offsetof(struct rdmaabi_driver_ops_req, flags) == 64, "rdma_driver_ops_req.flags");
_Static_assert(offsetof(struct rdmaabi_driver_ops_req, major) == 68, "rdma_driver_ops_req.major");
_Static_assert(offsetof(struct rdmaabi_driver_ops_req, min_minor) == 72, "rdma_driver_ops_req.min_minor");
_Static_assert(offsetof(struct rdmaabi_driver_ops_req, offered_major) == 76, "rdma_driver_ops_req.offered_major");
_Static_assert(offsetof(struct rdmaabi_driver_ops_req, offered_minor) == 80, "rdma_driver_ops_req.offered_minor");
_Static_assert(offsetof(struct rdmaabi_driver_ops_req, reserved) == 84, "rdma_driver_ops_req.reserved");
_Static_assert(sizeof(((struct rdmaabi_driver_ops_req *)0)->name) == 64, "rdma_driver_ops_req.name is 64 bytes");
_Static_assert(_IOWR(RDMA_IOCTL_MAGIC, 0x10, struct rdmaabi_driver_ops_req) == 0xc0601b10UL,
               "RDMA_GET_DRIVER_OPS_FD = _IOWR(0x1b, 0x10, 96 bytes) (Docs/ABI.md)");
/* The nr is free among the 0x1b ioctls this header knows (the test scans all UAPI headers). */
_Static_assert(0x10 != _IOC_NR(RDMA_VERBS_IOCTL) &&
                   0x10 != _IOC_NR(IB_USER_MAD_REGISTER_AGENT) &&
                   0x10 != _IOC_NR(IB_USER_MAD_UNREGISTER_AGENT) &&
                   0x10 != _IOC_NR(IB_USER_MAD_ENABLE_PKEY) &&
                   0x10 != _IOC_NR(IB_USER_MAD_REGISTER_AGENT2) &&
                   (0x10 < _IOC_NR(HFI1_IOCTL_ASSIGN_CTXT) ||
                    0x10 > _IOC_NR(HFI1_IOCTL_GET_VERS)),
               "RDMA_GET_DRIVER_OPS_FD nr collides with a known 0x1b ioctl");

/* =====================================================================================
 * 12. Kernel-internal hfi1 and qib constants the emulated drivers need (rdmactl emulator:
 *     Sources/RdmaEmulator/Drivers/Hfi1*.swift, Qib*.swift). None of these is in a UAPI
 *     header except the HFI1_CAP_* bits (re-exported here under the RDMAABI_ prefix);
 *     each cites the kernel file it copies. ABI-FACTS sec. 2.5, 2.6, 3.3.
 * ===================================================================================== */

/* HFI1_CAP_* bits ([UAPI] rdma/hfi/hfi1_user.h). */
static const unsigned long long RDMAABI_HFI1_CAP_DMA_RTAIL = HFI1_CAP_DMA_RTAIL;
static const unsigned long long RDMAABI_HFI1_CAP_SDMA = HFI1_CAP_SDMA;
static const unsigned long long RDMAABI_HFI1_CAP_SDMA_AHG = HFI1_CAP_SDMA_AHG;
static const unsigned long long RDMAABI_HFI1_CAP_EXTENDED_PSN = HFI1_CAP_EXTENDED_PSN;
static const unsigned long long RDMAABI_HFI1_CAP_HDRSUPP = HFI1_CAP_HDRSUPP;
static const unsigned long long RDMAABI_HFI1_CAP_MULTI_PKT_EGR = HFI1_CAP_MULTI_PKT_EGR;
static const unsigned long long RDMAABI_HFI1_CAP_NODROP_RHQ_FULL = HFI1_CAP_NODROP_RHQ_FULL;
static const unsigned long long RDMAABI_HFI1_CAP_NODROP_EGR_FULL = HFI1_CAP_NODROP_EGR_FULL;
static const unsigned long long RDMAABI_HFI1_CAP_TID_UNMAP = HFI1_CAP_TID_UNMAP;
static const unsigned long long RDMAABI_HFI1_CAP_PRINT_UNIMPL = HFI1_CAP_PRINT_UNIMPL;
static const unsigned long long RDMAABI_HFI1_CAP_NO_INTEGRITY = HFI1_CAP_NO_INTEGRITY;
static const unsigned long long RDMAABI_HFI1_CAP_PKEY_CHECK = HFI1_CAP_PKEY_CHECK;
static const unsigned long long RDMAABI_HFI1_CAP_STATIC_RATE_CTRL = HFI1_CAP_STATIC_RATE_CTRL;
static const unsigned long long RDMAABI_HFI1_CAP_EARLY_CREDIT_RETURN = HFI1_CAP_EARLY_CREDIT_RETURN;
_Static_assert(HFI1_CAP_DMA_RTAIL == (1UL << 0) && HFI1_CAP_SDMA == (1UL << 1) &&
                   HFI1_CAP_EXTENDED_PSN == (1UL << 3) && HFI1_CAP_HDRSUPP == (1UL << 4) &&
                   HFI1_CAP_MULTI_PKT_EGR == (1UL << 7) && HFI1_CAP_TID_UNMAP == (1UL << 10) &&
                   HFI1_CAP_NO_INTEGRITY == (1UL << 13) && HFI1_CAP_PKEY_CHECK == (1UL << 14) &&
                   HFI1_CAP_STATIC_RATE_CTRL == (1UL << 15) && HFI1_CAP_EARLY_CREDIT_RETURN == (1UL << 18),
               "HFI1_CAP_* bits (ABI-FACTS sec. 2.6)");

/*
 * hfi1 capability mask layout and defaults (kernel drivers/infiniband/hw/hfi1/common.h):
 * kernel bits 0-23, user bits 24-47 (HFI1_CAP_USER_SHIFT), misc bits from 48.
 * HFI1_CAP_MASK_DEFAULT is the module's default `cap_mask` (without HFI1_CAP_AIP, a kernel-only
 * accelerated-IP bit that never reaches user space); HFI1_CAP_K2U are the kernel bits
 * get_ctxt_info() passes to user space.
 */
static const unsigned int RDMAABI_HFI1_CAP_USER_SHIFT = 24;
static const unsigned int RDMAABI_HFI1_CAP_MISC_SHIFT = 48;
static const unsigned long long RDMAABI_HFI1_CAP_MASK = (1ULL << 24) - 1;
static const unsigned long long RDMAABI_HFI1_CAP_MASK_DEFAULT =
    HFI1_CAP_HDRSUPP | HFI1_CAP_NODROP_RHQ_FULL | HFI1_CAP_NODROP_EGR_FULL | HFI1_CAP_SDMA |
    HFI1_CAP_PRINT_UNIMPL | HFI1_CAP_STATIC_RATE_CTRL | HFI1_CAP_PKEY_CHECK |
    HFI1_CAP_MULTI_PKT_EGR | HFI1_CAP_EXTENDED_PSN |
    ((unsigned long long)(HFI1_CAP_HDRSUPP | HFI1_CAP_MULTI_PKT_EGR | HFI1_CAP_STATIC_RATE_CTRL |
                          HFI1_CAP_PKEY_CHECK | HFI1_CAP_EARLY_CREDIT_RETURN) << 24);
static const unsigned long long RDMAABI_HFI1_CAP_K2U =
    HFI1_CAP_SDMA | HFI1_CAP_EXTENDED_PSN | HFI1_CAP_PKEY_CHECK | HFI1_CAP_NO_INTEGRITY;

/* HFI1_KERN_SWVERSION (common.h): (HFI1_KERN_TYPE << 31) | HFI1_USER_SWVERSION, KERN_TYPE 0
 * upstream. get_base_info() returns it in hfi1_base_info.sw_version. */
static const unsigned int RDMAABI_HFI1_KERN_TYPE = 0;
static const unsigned int RDMAABI_HFI1_KERN_SWVERSION =
    (0U << 31) | ((unsigned int)HFI1_USER_SWMAJOR << HFI1_SWMAJOR_SHIFT) | (unsigned int)HFI1_USER_SWMINOR;
_Static_assert(((0U << 31) | ((unsigned int)HFI1_USER_SWMAJOR << HFI1_SWMAJOR_SHIFT) |
                (unsigned int)HFI1_USER_SWMINOR) == 0x00060003U,
               "HFI1_KERN_SWVERSION (ABI-FACTS sec. 2.5)");

/* The write()-era hfi1 user major (PSM2 hfi1_deprecated_gen1.h: "MAJOR version 5"). */
static const unsigned int RDMAABI_HFI1_WRITE_ERA_SWMAJOR = 5;

/* mmap tokens (hfi1/file_ops.c HFI1_MMAP_TOKEN and enum mmap_types). */
static const unsigned long long RDMAABI_HFI1_MMAP_MAGIC = 0xdabbad00ULL;
static const unsigned int RDMAABI_HFI1_MMAP_MAGIC_SHIFT = 32;
static const unsigned int RDMAABI_HFI1_MMAP_TYPE_SHIFT = 24;
static const unsigned long long RDMAABI_HFI1_MMAP_TYPE_MASK = 0xfULL;
static const unsigned int RDMAABI_HFI1_MMAP_CTXT_SHIFT = 16;
static const unsigned long long RDMAABI_HFI1_MMAP_CTXT_MASK = 0xffULL;
static const unsigned int RDMAABI_HFI1_MMAP_SUBCTXT_SHIFT = 12;
static const unsigned long long RDMAABI_HFI1_MMAP_SUBCTXT_MASK = 0xfULL;
static const unsigned long long RDMAABI_HFI1_MMAP_OFFSET_MASK = 0xfffULL;
enum rdmaabi_hfi1_mmap_type {
    RDMAABI_HFI1_MMAP_PIO_BUFS = 1,
    RDMAABI_HFI1_MMAP_PIO_BUFS_SOP = 2,
    RDMAABI_HFI1_MMAP_PIO_CRED = 3,
    RDMAABI_HFI1_MMAP_RCV_HDRQ = 4,
    RDMAABI_HFI1_MMAP_RCV_EGRBUF = 5,
    RDMAABI_HFI1_MMAP_UREGS = 6,
    RDMAABI_HFI1_MMAP_EVENTS = 7,
    RDMAABI_HFI1_MMAP_STATUS = 8,
    RDMAABI_HFI1_MMAP_RTAIL = 9,
    RDMAABI_HFI1_MMAP_SUBCTXT_UREGS = 10,
    RDMAABI_HFI1_MMAP_SUBCTXT_RCV_HDRQ = 11,
    RDMAABI_HFI1_MMAP_SUBCTXT_EGRBUF = 12,
    RDMAABI_HFI1_MMAP_SDMA_COMP = 13,
};
/* HFI1_MMAP_TOKEN(type, ctxt, subctxt, addr) as a function; `offset` is offset_in_page(addr). */
static inline unsigned long long rdmaabi_hfi1_mmap_token(unsigned int type, unsigned int ctxt,
                                                        unsigned int subctxt, unsigned long long offset) {
    return ((0xdabbad00ULL & 0xffffffffULL) << 32) | (((unsigned long long)type & 0xfULL) << 24) |
           (((unsigned long long)ctxt & 0xffULL) << 16) | (((unsigned long long)subctxt & 0xfULL) << 12) |
           (offset & 0xfffULL);
}
_Static_assert(RDMAABI_HFI1_MMAP_SDMA_COMP == 13, "hfi1 mmap types PIO_BUFS=1 .. SDMA_COMP=13 (ABI-FACTS sec. 2.6)");

/* J_KEY generation (hfi1/hfi.h generate_jkey) and the management P_Keys (common.h). */
static const unsigned int RDMAABI_HFI1_JKEY_WIDTH = 16;
static const unsigned int RDMAABI_HFI1_ADMIN_JKEY_RANGE = 32;
static const unsigned short RDMAABI_HFI1_LIM_MGMT_P_KEY = 0x7FFF;
static const unsigned short RDMAABI_HFI1_FULL_MGMT_P_KEY = 0xFFFF;
/* hfi1_base_info.bthqp: RVT_KDETH_QP_PREFIX (include/rdma/rdmavt_qp.h) = DEFAULT_KDETH_QP. */
static const unsigned int RDMAABI_HFI1_KDETH_QP = 0x80;
/* hfi1/chip.c: DEFAULT_KRCVQS kernel receive contexts plus the control context come before
 * the first user context (dd->first_dyn_alloc_ctxt). */
static const unsigned int RDMAABI_HFI1_DEFAULT_KRCVQS = 2;

/* qib versions and constants (kernel drivers/infiniband/hw/qib/qib_common.h, qib.h). */
static const unsigned int RDMAABI_QIB_KERN_TYPE = 0;
static const unsigned int RDMAABI_QIB_KERN_SWVERSION = (0U << 31) | ((1U << 16) | 13U);
/* qib_file_ops.c qib_get_base_info(): `spi_sw_version |= 1U << 31; QLogic-built, not kernel.org`. */
static const unsigned int RDMAABI_QIB_SW_VERSION_QLOGIC_BUILT = 1U << 31;
static const unsigned int RDMAABI_QIB_KD_QP = 0x656b78;
static const unsigned int RDMAABI_QIB_PORT_ALG_COUNT = 2;
static const unsigned int RDMAABI_QLOGIC_IB_MAX_SUBCTXT = 4;
static const unsigned short RDMAABI_QIB_DEFAULT_P_KEY = 0xFFFF;
static const unsigned int RDMAABI_QIB_NUM_IB_PORTS = 2;   /* qib_iba7322.c NUM_IB_PORTS */
static const unsigned int RDMAABI_QIB_RUNTIME_PCIE = 0x0002;
static const unsigned int RDMAABI_QIB_RUNTIME_MASTER = 0x0010;
static const unsigned int RDMAABI_QIB_RUNTIME_NODMA_RTAIL = 0x0080;
static const unsigned int RDMAABI_QIB_RUNTIME_SDMA = 0x0200;
static const unsigned int RDMAABI_QIB_RUNTIME_CTXT_MSB_IN_QP = 0x1000;
static const unsigned int RDMAABI_QIB_RUNTIME_HDRSUPP = 0x4000;
_Static_assert(((0U << 31) | ((1U << 16) | 13U)) == 0x0001000dU,
               "QIB_KERN_SWVERSION (ABI-FACTS sec. 3.3)");
/* qib_get_base_info(): a non-shared context accepts a buffer 7 u64 shorter than the struct. */
_Static_assert(sizeof(struct rdmaabi_qib_base_info) - 7 * sizeof(__u64) == 120,
               "qib_base_info minimum size without context sharing");

/* =====================================================================================
 * 13. Numbers of the emulated uverbs core, nldev, fixture and path walk, and of the client
 *     codecs (Sources/RdmaEmulator/Drivers/UverbsDriver.swift, Netlink/Nldev*.swift,
 *     Fixture.swift, SysfsCore.swift, PathWalk.swift; Sources/RdmaKit/Seam/Errno.swift,
 *     Model/Values.swift, Facets/FacetCatalogue.swift). UAPI values are re-exported and
 *     pinned by a _Static_assert; kernel-internal ones are literals that cite the kernel file
 *     they copy (as section 12 does).
 *
 *     PAGE_SIZE is RDMAABI_PAGE_SIZE of the hfi1/qib block below (x86_64 1 << 12;
 *     kernel-internal, user space asks sysconf(_SC_PAGESIZE) at run time): core/uverbs_ioctl.c
 *     ib_uverbs_ioctl() refuses an ib_uverbs_ioctl_hdr.length above it with EINVAL, and the
 *     emulator's user-memory registry hands out addresses aligned to it.
 * ===================================================================================== */

#include <linux/major.h>
/* <rdma/rdma_user_cm.h> pulls in <linux/in6.h>, whose in6_addr clashes with SwiftGlibc's in
 * RdmaLinux, and glibc's <netinet/in.h> (the usual cure) would bring libc functions into this
 * module: the header is included by shim.c only, which asserts the value below against it. */

/* ERANGE (asm-generic/errno-base.h): the netlink policy's "integer too short" and "string too
 * long" (lib/nlattr.c validate_nla). */
static const int RDMAABI_ERANGE = ERANGE;
_Static_assert(ERANGE == 34, "ERANGE (asm-generic/errno-base.h)");

/* nldev commands (enum rdma_nldev_command, [UAPI] rdma/rdma_netlink.h). GET, PORT_GET, SYS_GET
 * and GET_CHARDEV are exported in section 6. The enum is append-only: these numbers hold for
 * every header at least as new as 6.1's, whose last command is STAT_GET_STATUS (24). */
static const unsigned short RDMAABI_NLDEV_CMD_SET = RDMA_NLDEV_CMD_SET;                       /* 2 */
static const unsigned short RDMAABI_NLDEV_CMD_NEWLINK = RDMA_NLDEV_CMD_NEWLINK;               /* 3 */
static const unsigned short RDMAABI_NLDEV_CMD_DELLINK = RDMA_NLDEV_CMD_DELLINK;               /* 4 */
static const unsigned short RDMAABI_NLDEV_CMD_SYS_SET = RDMA_NLDEV_CMD_SYS_SET;               /* 7 */
static const unsigned short RDMAABI_NLDEV_CMD_RES_GET = RDMA_NLDEV_CMD_RES_GET;               /* 9 */
static const unsigned short RDMAABI_NLDEV_CMD_RES_QP_GET = RDMA_NLDEV_CMD_RES_QP_GET;         /* 10 */
static const unsigned short RDMAABI_NLDEV_CMD_RES_CM_ID_GET = RDMA_NLDEV_CMD_RES_CM_ID_GET;   /* 11 */
static const unsigned short RDMAABI_NLDEV_CMD_RES_CQ_GET = RDMA_NLDEV_CMD_RES_CQ_GET;         /* 12 */
static const unsigned short RDMAABI_NLDEV_CMD_RES_MR_GET = RDMA_NLDEV_CMD_RES_MR_GET;         /* 13 */
static const unsigned short RDMAABI_NLDEV_CMD_RES_PD_GET = RDMA_NLDEV_CMD_RES_PD_GET;         /* 14 */
static const unsigned short RDMAABI_NLDEV_CMD_STAT_SET = RDMA_NLDEV_CMD_STAT_SET;             /* 16 */
static const unsigned short RDMAABI_NLDEV_CMD_STAT_GET = RDMA_NLDEV_CMD_STAT_GET;             /* 17 */
static const unsigned short RDMAABI_NLDEV_CMD_STAT_DEL = RDMA_NLDEV_CMD_STAT_DEL;             /* 18 */
static const unsigned short RDMAABI_NLDEV_CMD_RES_QP_GET_RAW = RDMA_NLDEV_CMD_RES_QP_GET_RAW; /* 19 */
static const unsigned short RDMAABI_NLDEV_CMD_RES_CQ_GET_RAW = RDMA_NLDEV_CMD_RES_CQ_GET_RAW; /* 20 */
static const unsigned short RDMAABI_NLDEV_CMD_RES_MR_GET_RAW = RDMA_NLDEV_CMD_RES_MR_GET_RAW; /* 21 */
static const unsigned short RDMAABI_NLDEV_CMD_RES_CTX_GET = RDMA_NLDEV_CMD_RES_CTX_GET;       /* 22 */
static const unsigned short RDMAABI_NLDEV_CMD_RES_SRQ_GET = RDMA_NLDEV_CMD_RES_SRQ_GET;       /* 23 */
static const unsigned short RDMAABI_NLDEV_CMD_STAT_GET_STATUS = RDMA_NLDEV_CMD_STAT_GET_STATUS; /* 24 */
/* RDMA_NLDEV_NUM_OPS of the installed header: 25 in 6.1; a newer header's is larger, and the
 * ops past STAT_GET_STATUS are unknown to the emulated 6.1 nldev either way. */
static const unsigned short RDMAABI_NLDEV_NUM_OPS = RDMA_NLDEV_NUM_OPS;
_Static_assert(RDMA_NLDEV_CMD_SET == 2 && RDMA_NLDEV_CMD_NEWLINK == 3 && RDMA_NLDEV_CMD_DELLINK == 4 &&
                   RDMA_NLDEV_CMD_SYS_SET == 7 && RDMA_NLDEV_CMD_RES_GET == 9 && RDMA_NLDEV_CMD_RES_QP_GET == 10 &&
                   RDMA_NLDEV_CMD_RES_CM_ID_GET == 11 && RDMA_NLDEV_CMD_RES_CQ_GET == 12 &&
                   RDMA_NLDEV_CMD_RES_MR_GET == 13 && RDMA_NLDEV_CMD_RES_PD_GET == 14 &&
                   RDMA_NLDEV_CMD_GET_CHARDEV == 15 && RDMA_NLDEV_CMD_STAT_SET == 16 &&
                   RDMA_NLDEV_CMD_STAT_GET == 17 && RDMA_NLDEV_CMD_STAT_DEL == 18 &&
                   RDMA_NLDEV_CMD_RES_QP_GET_RAW == 19 && RDMA_NLDEV_CMD_RES_CQ_GET_RAW == 20 &&
                   RDMA_NLDEV_CMD_RES_MR_GET_RAW == 21 && RDMA_NLDEV_CMD_RES_CTX_GET == 22 &&
                   RDMA_NLDEV_CMD_RES_SRQ_GET == 23 && RDMA_NLDEV_CMD_STAT_GET_STATUS == 24,
               "nldev command numbers (ABI-FACTS sec. 5)");
_Static_assert(RDMA_NLDEV_NUM_OPS >= RDMA_NLDEV_CMD_STAT_GET_STATUS + 1,
               "installed rdma_netlink.h is at least the 6.1 one (RDMA_NLDEV_NUM_OPS 25)");

/* The last nldev attribute of the 6.1 header (RDMA_NLDEV_ATTR_MAX - 1 there): the maxtype the
 * emulated 6.1 kernel's nlmsg_parse uses. Pinned to 95 in section 6. */
static const unsigned short RDMAABI_NLDEV_ATTR_STAT_HWCOUNTER_DYNAMIC = RDMA_NLDEV_ATTR_STAT_HWCOUNTER_DYNAMIC;

/* IB_DEVICE_NAME_MAX (kernel-internal include/rdma/ib_verbs.h): `char name[IB_DEVICE_NAME_MAX]`
 * of struct ib_device; core/nldev.c nldev_policy bounds DEV_NAME with it. */
static const unsigned int RDMAABI_IB_DEVICE_NAME_MAX = 64;

/* Device capability bits (enum ib_uverbs_device_cap_flags, [UAPI] rdma/ib_user_verbs.h; the
 * kernel's IB_DEVICE_* equal them), as RDMA_NLDEV_ATTR_CAP_FLAGS carries them. */
static const unsigned long long RDMAABI_IB_UVERBS_DEVICE_BAD_PKEY_CNTR = IB_UVERBS_DEVICE_BAD_PKEY_CNTR;
static const unsigned long long RDMAABI_IB_UVERBS_DEVICE_BAD_QKEY_CNTR = IB_UVERBS_DEVICE_BAD_QKEY_CNTR;
static const unsigned long long RDMAABI_IB_UVERBS_DEVICE_SHUTDOWN_PORT = IB_UVERBS_DEVICE_SHUTDOWN_PORT;
static const unsigned long long RDMAABI_IB_UVERBS_DEVICE_PORT_ACTIVE_EVENT = IB_UVERBS_DEVICE_PORT_ACTIVE_EVENT;
static const unsigned long long RDMAABI_IB_UVERBS_DEVICE_SYS_IMAGE_GUID = IB_UVERBS_DEVICE_SYS_IMAGE_GUID;
static const unsigned long long RDMAABI_IB_UVERBS_DEVICE_RC_RNR_NAK_GEN = IB_UVERBS_DEVICE_RC_RNR_NAK_GEN;
static const unsigned long long RDMAABI_IB_UVERBS_DEVICE_SRQ_RESIZE = IB_UVERBS_DEVICE_SRQ_RESIZE;
static const unsigned long long RDMAABI_IB_UVERBS_DEVICE_MEM_MGT_EXTENSIONS = IB_UVERBS_DEVICE_MEM_MGT_EXTENSIONS;
_Static_assert(IB_UVERBS_DEVICE_BAD_PKEY_CNTR == 1ULL << 1 && IB_UVERBS_DEVICE_BAD_QKEY_CNTR == 1ULL << 2 &&
                   IB_UVERBS_DEVICE_SHUTDOWN_PORT == 1ULL << 8 && IB_UVERBS_DEVICE_PORT_ACTIVE_EVENT == 1ULL << 10 &&
                   IB_UVERBS_DEVICE_SYS_IMAGE_GUID == 1ULL << 11 && IB_UVERBS_DEVICE_RC_RNR_NAK_GEN == 1ULL << 12 &&
                   IB_UVERBS_DEVICE_SRQ_RESIZE == 1ULL << 13 && IB_UVERBS_DEVICE_MEM_MGT_EXTENSIONS == 1ULL << 21,
               "IB_UVERBS_DEVICE_* capability bits");

/* Port capability bits (enum ib_uverbs_query_port_cap_flags, [UAPI] rdma/ib_user_ioctl_verbs.h;
 * the kernel's include/rdma/ib_verbs.h `enum ib_port_capability_mask_bits` IB_PORT_* equal them,
 * IB_UVERBS_PCF_IP_BASED_GIDS being IB_PORT_OTHER_LOCAL_CHANGES_SUP's bit 26): sysfs
 * ports/N/cap_mask (core/sysfs.c cap_mask_show "0x%08x" of port_cap_flags) and nldev's port
 * RDMA_NLDEV_ATTR_CAP_FLAGS. Bits 0, 13 and 15 have no UAPI name (iproute2 rdma/link.c calls
 * them RESERVED, CABLE_INFO, CAP_MASK2; ib_verbs.h has IB_PORT_CAP_MASK2_SUP = 1 << 15). */
static const unsigned int RDMAABI_IB_UVERBS_PCF_SM = IB_UVERBS_PCF_SM;
static const unsigned int RDMAABI_IB_UVERBS_PCF_NOTICE_SUP = IB_UVERBS_PCF_NOTICE_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_TRAP_SUP = IB_UVERBS_PCF_TRAP_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_OPT_IPD_SUP = IB_UVERBS_PCF_OPT_IPD_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_AUTO_MIGR_SUP = IB_UVERBS_PCF_AUTO_MIGR_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_SL_MAP_SUP = IB_UVERBS_PCF_SL_MAP_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_MKEY_NVRAM = IB_UVERBS_PCF_MKEY_NVRAM;
static const unsigned int RDMAABI_IB_UVERBS_PCF_PKEY_NVRAM = IB_UVERBS_PCF_PKEY_NVRAM;
static const unsigned int RDMAABI_IB_UVERBS_PCF_LED_INFO_SUP = IB_UVERBS_PCF_LED_INFO_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_SM_DISABLED = IB_UVERBS_PCF_SM_DISABLED;
static const unsigned int RDMAABI_IB_UVERBS_PCF_SYS_IMAGE_GUID_SUP = IB_UVERBS_PCF_SYS_IMAGE_GUID_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_PKEY_SW_EXT_PORT_TRAP_SUP = IB_UVERBS_PCF_PKEY_SW_EXT_PORT_TRAP_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_EXTENDED_SPEEDS_SUP = IB_UVERBS_PCF_EXTENDED_SPEEDS_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_CM_SUP = IB_UVERBS_PCF_CM_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_SNMP_TUNNEL_SUP = IB_UVERBS_PCF_SNMP_TUNNEL_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_REINIT_SUP = IB_UVERBS_PCF_REINIT_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_DEVICE_MGMT_SUP = IB_UVERBS_PCF_DEVICE_MGMT_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_VENDOR_CLASS_SUP = IB_UVERBS_PCF_VENDOR_CLASS_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_DR_NOTICE_SUP = IB_UVERBS_PCF_DR_NOTICE_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_CAP_MASK_NOTICE_SUP = IB_UVERBS_PCF_CAP_MASK_NOTICE_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_BOOT_MGMT_SUP = IB_UVERBS_PCF_BOOT_MGMT_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_LINK_LATENCY_SUP = IB_UVERBS_PCF_LINK_LATENCY_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_CLIENT_REG_SUP = IB_UVERBS_PCF_CLIENT_REG_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_IP_BASED_GIDS = IB_UVERBS_PCF_IP_BASED_GIDS;
static const unsigned int RDMAABI_IB_UVERBS_PCF_LINK_SPEED_WIDTH_TABLE_SUP = IB_UVERBS_PCF_LINK_SPEED_WIDTH_TABLE_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_VENDOR_SPECIFIC_MADS_TABLE_SUP = IB_UVERBS_PCF_VENDOR_SPECIFIC_MADS_TABLE_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_MCAST_PKEY_TRAP_SUPPRESSION_SUP = IB_UVERBS_PCF_MCAST_PKEY_TRAP_SUPPRESSION_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_MCAST_FDB_TOP_SUP = IB_UVERBS_PCF_MCAST_FDB_TOP_SUP;
static const unsigned int RDMAABI_IB_UVERBS_PCF_HIERARCHY_INFO_SUP = IB_UVERBS_PCF_HIERARCHY_INFO_SUP;
_Static_assert(IB_UVERBS_PCF_SM == (1U << 1) && IB_UVERBS_PCF_NOTICE_SUP == (1U << 2) &&
                   IB_UVERBS_PCF_TRAP_SUP == (1U << 3) && IB_UVERBS_PCF_OPT_IPD_SUP == (1U << 4) &&
                   IB_UVERBS_PCF_AUTO_MIGR_SUP == (1U << 5) && IB_UVERBS_PCF_SL_MAP_SUP == (1U << 6) &&
                   IB_UVERBS_PCF_MKEY_NVRAM == (1U << 7) && IB_UVERBS_PCF_PKEY_NVRAM == (1U << 8) &&
                   IB_UVERBS_PCF_LED_INFO_SUP == (1U << 9) && IB_UVERBS_PCF_SM_DISABLED == (1U << 10) &&
                   IB_UVERBS_PCF_SYS_IMAGE_GUID_SUP == (1U << 11) &&
                   IB_UVERBS_PCF_PKEY_SW_EXT_PORT_TRAP_SUP == (1U << 12) &&
                   IB_UVERBS_PCF_EXTENDED_SPEEDS_SUP == (1U << 14) && IB_UVERBS_PCF_CM_SUP == (1U << 16) &&
                   IB_UVERBS_PCF_SNMP_TUNNEL_SUP == (1U << 17) && IB_UVERBS_PCF_REINIT_SUP == (1U << 18) &&
                   IB_UVERBS_PCF_DEVICE_MGMT_SUP == (1U << 19) &&
                   IB_UVERBS_PCF_VENDOR_CLASS_SUP == (1U << 20) &&
                   IB_UVERBS_PCF_DR_NOTICE_SUP == (1U << 21) &&
                   IB_UVERBS_PCF_CAP_MASK_NOTICE_SUP == (1U << 22) &&
                   IB_UVERBS_PCF_BOOT_MGMT_SUP == (1U << 23) &&
                   IB_UVERBS_PCF_LINK_LATENCY_SUP == (1U << 24) &&
                   IB_UVERBS_PCF_CLIENT_REG_SUP == (1U << 25) && IB_UVERBS_PCF_IP_BASED_GIDS == (1U << 26) &&
                   IB_UVERBS_PCF_LINK_SPEED_WIDTH_TABLE_SUP == (1U << 27) &&
                   IB_UVERBS_PCF_VENDOR_SPECIFIC_MADS_TABLE_SUP == (1U << 28) &&
                   IB_UVERBS_PCF_MCAST_PKEY_TRAP_SUPPRESSION_SUP == (1U << 29) &&
                   IB_UVERBS_PCF_MCAST_FDB_TOP_SUP == (1U << 30) &&
                   IB_UVERBS_PCF_HIERARCHY_INFO_SUP == (1ULL << 31),
               "IB_UVERBS_PCF_* port capability bits");

/* Node types (RDMA_NODE_*, [UAPI] rdma/rdma_netlink.h): RDMA_NLDEV_ATTR_DEV_NODE_TYPE and the
 * leading integer of sysfs node_type (core/sysfs.c node_type_show). */
static const unsigned int RDMAABI_NODE_IB_CA = RDMA_NODE_IB_CA;
static const unsigned int RDMAABI_NODE_IB_SWITCH = RDMA_NODE_IB_SWITCH;
static const unsigned int RDMAABI_NODE_IB_ROUTER = RDMA_NODE_IB_ROUTER;
static const unsigned int RDMAABI_NODE_RNIC = RDMA_NODE_RNIC;
static const unsigned int RDMAABI_NODE_USNIC = RDMA_NODE_USNIC;
static const unsigned int RDMAABI_NODE_USNIC_UDP = RDMA_NODE_USNIC_UDP;
static const unsigned int RDMAABI_NODE_UNSPECIFIED = RDMA_NODE_UNSPECIFIED;
_Static_assert(RDMA_NODE_IB_CA == 1 && RDMA_NODE_IB_SWITCH == 2 && RDMA_NODE_IB_ROUTER == 3 &&
                   RDMA_NODE_RNIC == 4 && RDMA_NODE_USNIC == 5 && RDMA_NODE_USNIC_UDP == 6 &&
                   RDMA_NODE_UNSPECIFIED == 7,
               "RDMA_NODE_* (ABI-FACTS sec. 1)");

/* Character devices of the RDMA core. MISC_MAJOR ([UAPI] linux/major.h) is rdma_cm's (a misc
 * device with a dynamic minor); RDMA_USER_CM_ABI_VERSION ([UAPI] rdma/rdma_user_cm.h) is its
 * sysfs abi_version and netlink CHARDEV_ABI. */
static const unsigned int RDMAABI_MISC_MAJOR = MISC_MAJOR;
static const unsigned int RDMAABI_USER_CM_ABI_VERSION = 4; /* == RDMA_USER_CM_ABI_VERSION, asserted in shim.c */
_Static_assert(MISC_MAJOR == 10, "MISC_MAJOR (linux/major.h)");

/*
 * The InfiniBand char major and the fixed minors (kernel-internal enums, no UAPI header):
 * core/uverbs_main.c IB_UVERBS_MAJOR 231, IB_UVERBS_BASE_MINOR 192, IB_UVERBS_NUM_FIXED_MINOR 32;
 * core/user_mad.c IB_UMAD_MAJOR 231 (the same major: Documentation/admin-guide/devices.txt
 * "231 char InfiniBand"), IB_UMAD_MINOR_BASE 0, IB_UMAD_NUM_FIXED_MINOR 64 and
 * IB_ISSM_MINOR_BASE = IB_UMAD_NUM_FIXED_MINOR. An enum, as in the kernel, so the major is
 * spelled once and the relations are asserted.
 */
enum {
    RDMAABI_IB_UVERBS_MAJOR = 231,
    RDMAABI_IB_UVERBS_BASE_MINOR = 192,
    RDMAABI_IB_UVERBS_NUM_FIXED_MINOR = 32,
    RDMAABI_IB_UMAD_MAJOR = RDMAABI_IB_UVERBS_MAJOR,
    RDMAABI_IB_UMAD_MINOR_BASE = 0,
    RDMAABI_IB_UMAD_NUM_FIXED_MINOR = 64,
    RDMAABI_IB_ISSM_MINOR_BASE = RDMAABI_IB_UMAD_NUM_FIXED_MINOR,
};
_Static_assert(RDMAABI_IB_UMAD_MAJOR == 231 && RDMAABI_IB_UVERBS_BASE_MINOR == 192 &&
                   RDMAABI_IB_ISSM_MINOR_BASE == 64,
               "InfiniBand char device numbers (ABI-FACTS sec. 1, sec. 10.7)");
_Static_assert(RDMAABI_IB_UMAD_MINOR_BASE + 2 * RDMAABI_IB_UMAD_NUM_FIXED_MINOR <= RDMAABI_IB_UVERBS_BASE_MINOR,
               "umad and issm fixed minors stay below the uverbs minors");

/* RVT_UVERBS_ABI_VERSION (kernel-internal #define in drivers/infiniband/sw/rdmavt/vt.c; not in
 * [UAPI] rdma/rvt-abi.h): the per-device uverbs ABI of rdmavt drivers (hfi1, qib), which
 * sysfs uverbsN/abi_version and netlink CHARDEV_ABI show. */
static const unsigned int RDMAABI_RVT_UVERBS_ABI_VERSION = 2;

/* MAXSYMLINKS (kernel-internal include/linux/namei.h): symbolic links one path walk follows
 * before fs/namei.c answers ELOOP. The emulator's path walk uses the same bound. */
static const unsigned int RDMAABI_MAXSYMLINKS = 40;

/* =====================================================================================
 * Emulated hfi1/qib drivers: more kernel-internal numbers (driver audit follow-up).
 * Added so Sources/RdmaEmulator/Drivers/Hfi1*.swift and Qib*.swift type no kernel
 * number in Swift. Each cites the kernel file it copies; none is in a UAPI header.
 * ===================================================================================== */

/* x86_64 PAGE_SHIFT / PAGE_SIZE (arch/x86/include/asm/page_types.h): the page the drivers
 * count in (offset_in_page, num_user_pages, pin_user_pages). The layouts above are x86_64. */
static const unsigned int RDMAABI_PAGE_SHIFT = 12;
static const unsigned long long RDMAABI_PAGE_SIZE = 1ULL << 12;
_Static_assert((1ULL << 12) == 4096ULL, "x86_64 PAGE_SIZE");

/* hfi1/common.h: the locked bit (HFI1_CAP_LOCKED_SHIFT 63) ends the misc bits that start at
 * HFI1_CAP_MISC_SHIFT; HFI1_CAP_MISC_MASK = (1 << (LOCKED_SHIFT - MISC_SHIFT)) - 1. */
static const unsigned int RDMAABI_HFI1_CAP_LOCKED_SHIFT = 63;
static const unsigned long long RDMAABI_HFI1_CAP_MISC_MASK = (1ULL << (63 - 48)) - 1;
_Static_assert(48 == 2 * 24, "HFI1_CAP_MISC_SHIFT = 2 * HFI1_CAP_USER_SHIFT");

/* IBA P_Key layout: the low 15 bits are the key, bit 15 the full-member bit
 * (qib_file_ops.c qib_set_part_key: `key & 0x7FFF`, `key |= 0x8000`). */
static const unsigned short RDMAABI_IB_PKEY_BASE_MASK = 0x7FFF;
static const unsigned short RDMAABI_IB_PKEY_FULL_MEMBER = 0x8000;
_Static_assert((0x7FFF | 0x8000) == 0xFFFF && (0x7FFF & 0x8000) == 0, "P_Key = full bit + 15-bit key");

/* hfi1 credit return (hfi1/pio.h `struct credit_return { volatile __le64 cr[8]; }`;
 * pio.c cr_group_addresses: `&cr_base[node].va[gc].cr[hw_context & 0x7]`). */
static const unsigned int RDMAABI_HFI1_CREDIT_RETURN_SLOTS = 8;
static const unsigned int RDMAABI_HFI1_CREDIT_RETURN_SLOT_SIZE = sizeof(__u64);
static const unsigned int RDMAABI_HFI1_CREDIT_RETURN_SIZE = 8 * sizeof(__u64);
_Static_assert(8 * sizeof(__u64) == 64, "hfi1 struct credit_return is 64 bytes");

/* hfi1 event flags (hfi1/hfi.h `unsigned long *events` in hfi1_devdata): one unsigned long
 * per (context, sub-context); get_base_info() reports offset_in_page(slot * sizeof). */
static const unsigned int RDMAABI_HFI1_EVENTS_ENTRY_SIZE = sizeof(unsigned long);
_Static_assert(sizeof(unsigned long) == 8, "hfi1 events entry is an LP64 unsigned long");

/* hfi1 expected receive (TID) programming: hfi1/chip.h MAX_EXPECTED_BUFFER (the largest
 * buffer one RcvArray entry maps) and hfi1/exp_rcv.h EXP_TID_* (the u32 TID-list entry
 * layout: IDX = RcvArray pair, CTRL = 1 or 2 for the even/odd entry of the pair, LEN = pages;
 * user_exp_rcv.c create_tid). */
static const unsigned int RDMAABI_HFI1_MAX_EXPECTED_BUFFER = 2048U * 1024U;
static const unsigned int RDMAABI_HFI1_EXP_TID_TIDLEN_MASK = 0x7FF;
static const unsigned int RDMAABI_HFI1_EXP_TID_TIDLEN_SHIFT = 0;
static const unsigned int RDMAABI_HFI1_EXP_TID_TIDCTRL_MASK = 0x3;
static const unsigned int RDMAABI_HFI1_EXP_TID_TIDCTRL_SHIFT = 20;
static const unsigned int RDMAABI_HFI1_EXP_TID_TIDIDX_MASK = 0x3FF;
static const unsigned int RDMAABI_HFI1_EXP_TID_TIDIDX_SHIFT = 22;
_Static_assert((2048U * 1024U) >> 12 == 512, "MAX_EXPECTED_BUFFER is 512 pages");
_Static_assert((0x7FFU << 0 & 0x3U << 20) == 0 && (0x3U << 20 & 0x3FFU << 22) == 0 && (0x3FFU << 22) >> 22 == 0x3FF,
               "EXP_TID fields do not overlap and fit in 32 bits");

/* qib_file_ops.c qib_get_base_info(): without context sharing the caller may pass the old,
 * shorter struct (`sz -= 7 * sizeof(u64)`). */
static const unsigned int RDMAABI_QIB_BASE_INFO_UNSHARED_SIZE =
    sizeof(struct rdmaabi_qib_base_info) - 7 * sizeof(__u64);
_Static_assert(sizeof(struct rdmaabi_qib_base_info) - 7 * sizeof(__u64) == 120,
               "qib_base_info without the 7 sharing u64s");

/* qib_file_ops.c qib_tid_update / qib_tid_free: the TID bitmap is `unsigned long tidmap[8]`,
 * copied to or from qib_tid_info.tidmap whole. */
static const unsigned int RDMAABI_QIB_TIDMAP_SIZE = 8 * sizeof(unsigned long);
_Static_assert(8 * sizeof(unsigned long) == 64, "qib TID bitmap is 64 bytes");

/* qib/qib.h struct qib_ctxtdata `u16 pkeys[4]`: P_Keys one context may set (SET_PART_KEY). */
static const unsigned int RDMAABI_QIB_CTXT_PKEYS = 4;

/* ================ end of the emulated hfi1/qib driver numbers block ================= */

/* =====================================================================================
 * Emulated RDMA core char devices: umad and issm (core/user_mad.c), rdma_cm (core/ucma.c).
 * Used by Sources/RdmaEmulator/Drivers/{Umad,Issm,RdmaCM}Driver.swift.
 * ===================================================================================== */

/* [UAPI] rdma/ib_user_mad.h: the flags REGISTER_AGENT2 accepts (ib_umad_reg_agent2 writes
 * IB_USER_MAD_REG_FLAGS_CAP back into `flags` when others are set); IB_USER_MAD_USER_RMPP is
 * also the kernel's IB_MAD_USER_RMPP (include/rdma/ib_mad.h). */
static const unsigned int RDMAABI_IB_USER_MAD_USER_RMPP = IB_USER_MAD_USER_RMPP;
static const unsigned int RDMAABI_IB_USER_MAD_REG_FLAGS_CAP = IB_USER_MAD_REG_FLAGS_CAP;

/* Kernel-internal, no UAPI header:
 *  - include/rdma/ib_verbs.h `enum ib_port_capability_mask_bits` IB_PORT_SM: the IsSM bit
 *    ib_umad_sm_open sets and ib_umad_sm_close clears through ib_modify_port; sysfs
 *    ports/N/cap_mask (core/sysfs.c cap_mask_show) shows it.
 *  - core/user_mad.c IB_UMAD_MAX_AGENTS: agent slots of one umad file.
 *  - include/rdma/ib_mad.h IB_MGMT_RMPP_HDR (MAD header 24 + RMPP header 12: ib_umad_write
 *    needs at least hdr_size + this), IB_MGMT_RMPP_VERSION, and the management classes
 *    ib_register_mad_agent (core/mad.c) validates against.
 *  - core/mad_priv.h MAX_MGMT_CLASS 80 and MAX_MGMT_VERSION 0x83 (0x83 since the OPA
 *    additions; 8 in kernels before 4.1). */
static const unsigned int RDMAABI_IB_PORT_SM = 1U << 1;
static const unsigned int RDMAABI_IB_UMAD_MAX_AGENTS = 32;
static const unsigned int RDMAABI_IB_MGMT_RMPP_HDR = 36;
static const unsigned char RDMAABI_IB_MGMT_RMPP_VERSION = 1;
static const unsigned char RDMAABI_IB_MGMT_CLASS_SUBN_LID_ROUTED = 0x01;
static const unsigned char RDMAABI_IB_MGMT_CLASS_SUBN_DIRECTED_ROUTE = 0x81;
static const unsigned char RDMAABI_IB_MGMT_CLASS_SUBN_ADM = 0x03;
static const unsigned char RDMAABI_IB_MGMT_CLASS_DEVICE_MGMT = 0x06;
static const unsigned char RDMAABI_IB_MGMT_CLASS_DEVICE_ADM = 0x10;
static const unsigned char RDMAABI_IB_MGMT_CLASS_BIS = 0x12;
static const unsigned char RDMAABI_IB_MGMT_CLASS_VENDOR_RANGE2_START = 0x30;
static const unsigned char RDMAABI_IB_MGMT_CLASS_VENDOR_RANGE2_END = 0x4F;
static const unsigned int RDMAABI_MAX_MGMT_CLASS = 80;
static const unsigned int RDMAABI_MAX_MGMT_VERSION = 0x83;
_Static_assert(24 + 12 == 36, "IB_MGMT_RMPP_HDR = IB_MGMT_MAD_HDR + the RMPP header");

/* [UAPI] rdma/rdma_user_cm.h, which this header cannot include for Swift (see the note
 * before ERANGE): `struct rdma_ucm_cmd_hdr { __u32 cmd; __u16 in; __u16 out; }`, the command
 * header ucma_write reads first, and the commands that bound ucma_cmd_table: its last entry
 * (JOIN_MCAST, so ARRAY_SIZE = JOIN_MCAST + 1 in 4.x-6.x kernels) and its one NULL entry
 * (GET_OPTION: ucma_write answers ENOSYS). The values are checked against the header below
 * when this file is compiled as C (shim.c); the Swift importer (`__swift__`) skips that. */
enum {
    RDMAABI_UCM_CMD_HDR_SIZE = 8,
    RDMAABI_UCM_CMD_HDR_CMD_OFFSET = 0,
    RDMAABI_UCM_CMD_HDR_IN_OFFSET = 4,
    RDMAABI_USER_CM_CMD_GET_OPTION = 13,
    RDMAABI_USER_CM_CMD_JOIN_MCAST = 22,
};
#ifndef __swift__
#include <rdma/rdma_user_cm.h>
_Static_assert(sizeof(struct rdma_ucm_cmd_hdr) == RDMAABI_UCM_CMD_HDR_SIZE, "sizeof(struct rdma_ucm_cmd_hdr)");
_Static_assert(offsetof(struct rdma_ucm_cmd_hdr, cmd) == RDMAABI_UCM_CMD_HDR_CMD_OFFSET, "rdma_ucm_cmd_hdr.cmd");
_Static_assert(offsetof(struct rdma_ucm_cmd_hdr, in) == RDMAABI_UCM_CMD_HDR_IN_OFFSET, "rdma_ucm_cmd_hdr.in");
_Static_assert(RDMA_USER_CM_CMD_GET_OPTION == RDMAABI_USER_CM_CMD_GET_OPTION, "RDMA_USER_CM_CMD_GET_OPTION");
_Static_assert(RDMA_USER_CM_CMD_JOIN_MCAST == RDMAABI_USER_CM_CMD_JOIN_MCAST, "RDMA_USER_CM_CMD_JOIN_MCAST");
#endif

/* ================ end of the RDMA core char device numbers block ==================== */

#endif /* CRDMAABI_H */
