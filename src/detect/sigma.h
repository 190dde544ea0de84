// vigil's Sigma detection-rule engine: what the detect stage offers.
//   load_rules()    files/directories/YAML text -> rules + per-rule errors
//   FieldMapping    how rule fields and log sources meet one event schema
//   RuleSet         the compiled, immutable rule set; match(event)
//   SigmaDetector   the pipeline Detector that turns matches into alerts
#pragma once

#include "detect/default_mappings.h"
#include "detect/event_file.h"
#include "detect/field_mapping.h"
#include "detect/rule_loader.h"
#include "detect/rule_set.h"
#include "detect/sigma_detector.h"
