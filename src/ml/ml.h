// The ML stage's public header: the Isolation Forest *detector* (the
// algorithm itself is src/anomaly). Meaningful per-event features with
// bounded per-entity history, a `general` model and one per event type
// trained in the background on reservoir samples, persisted under
// <data_dir>/ml/ and swapped in atomically, and explained, sanitized alerts.
// Configured by the `ml:` section (config/vigil.example.yaml, docs/ml.md).
#pragma once

#include "ml/entity_history.h"     // IWYU pragma: export
#include "ml/explanation_words.h"  // IWYU pragma: export
#include "ml/features.h"           // IWYU pragma: export
#include "ml/ml_detector.h"        // IWYU pragma: export
#include "ml/model_bank.h"         // IWYU pragma: export
#include "ml/model_file.h"         // IWYU pragma: export
#include "ml/reservoir.h"          // IWYU pragma: export
