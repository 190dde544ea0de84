// The free-text `message` of an event, written the way applications write
// log lines; about a third carry personal data or secrets (emails, SSNs,
// card numbers, passwords, tokens) and some carry harmless look-alikes.
#pragma once

#include "corpus/rng.h"
#include "corpus/synthetic_event.h"

namespace vigil::bench {

void compose_message(Rng& rng, SyntheticEvent& ev);

}  // namespace vigil::bench
