/*
 * flow-ref — the reference flow-key parser fuzz-flow compares flow_extract() against.
 *
 * Same contract as flow_extract() (pmd/flow.h): fills every field of *FLOW (zero where absent) and
 * returns the FLOW_F_* flags. Written for obviousness, not speed. Thread-safety: pure function.
 */
#ifndef UVS_FUZZ_FLOW_REF_H
#define UVS_FUZZ_FLOW_REF_H 1

#include <stddef.h>
#include <stdint.h>

#include "pmd/flow.h"

int flow_ref_extract(const uint8_t *data, size_t len, uint32_t in_port, struct flow *flow);

#endif
