/*
 * CRdmaABI has no out-of-line code: everything lives in include/CRdmaABI.h as
 * `static const` values and `static inline` functions. SwiftPM needs one C source per
 * C target, and compiling the header here also evaluates every `_Static_assert` in it,
 * so an ABI or header drift breaks `swift build --target CRdmaABI`.
 */
#include "CRdmaABI.h"
