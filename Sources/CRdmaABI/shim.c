/*
 * CRdmaABI has no out-of-line code: everything lives in include/CRdmaABI.h as
 * `static const` values and `static inline` functions. SwiftPM needs one C source per
 * C target, and compiling the header here also evaluates every `_Static_assert` in it,
 * so an ABI or header drift breaks `swift build --target CRdmaABI`.
 *
 * Values the header cannot take from a UAPI header without dragging libc declarations into
 * the Swift module are asserted here instead, where libc headers are harmless.
 */
#include "CRdmaABI.h"

#include <netinet/in.h>
#include <rdma/rdma_user_cm.h>

_Static_assert(RDMA_USER_CM_ABI_VERSION == RDMAABI_USER_CM_ABI_VERSION,
               "RDMA_USER_CM_ABI_VERSION (ABI-FACTS sec. 5, sec. 11)");
