/* Nothing to compile: the declaration in include/CFuzzDriver.h is libFuzzer's. SwiftPM wants a
 * source file in every C target. */
#include "CFuzzDriver.h"
