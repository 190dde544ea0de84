// vigil's Sigma detection-rule engine: what the detect stage offers.
//   load_rules()    files/directories/YAML text -> rules + per-rule errors
//   FieldMapping    how rule fields and log sources meet one event schema
//   RuleSet         the compiled, immutable rule set; match(event), screened
//                   by Hyperscan literal databases (literal_prefilter.h)
//   SigmaDetector   the pipeline Detector that turns matches into alerts
//   Correlation*    correlation rules: parsed (correlation.h), linked
//                   (CorrelationSet), run over event-time windows
//                   (CorrelationEngine, state in a state::StateStore)
#pragma once

#include "detect/correlation_engine.h"
#include "detect/correlation_set.h"
#include "detect/default_mappings.h"
#include "detect/event_file.h"
#include "detect/field_mapping.h"
#include "detect/rule_loader.h"
#include "detect/rule_set.h"
#include "detect/sigma_detector.h"
