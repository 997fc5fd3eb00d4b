/* libFuzzer's entry for a program that owns main() (compiler-rt/lib/fuzzer/FuzzerInterface.h,
 * LLVMFuzzerRunDriver). SwiftPM links every executable with `--defsym main=<module>_main`, so
 * the targets cannot take libFuzzer's own main(); each defines <module>_main and calls this. */
#ifndef CFUZZDRIVER_H
#define CFUZZDRIVER_H
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif
