/*
 * fuzz.h - what the fuzz targets share: a sink for diagnostics, so that their
 * formatting runs without printing anything.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_FUZZ_H
#define NETVERIFY_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

/* /dev/null, opened once; the process exits with it open. */
static inline FILE *nv_fuzz_sink(void)
{
    static FILE *sink;

    if (!sink && !(sink = fopen("/dev/null", "w"))) {
        perror("/dev/null");
        abort();
    }
    return sink;
}

#endif
