/* CRdmaSys is header-only (static inline wrappers); SwiftPM needs one C source per target. */
#include "CRdmaSys.h"
