// The anomaly stage's public header: an Isolation Forest with scikit-learn's
// semantics (fit, score, explain), its sklearn-export loader, and the
// benchmark protocol used to check it against scikit-learn.
#pragma once

#include "anomaly/dataset_csv.h"       // IWYU pragma: export
#include "anomaly/evaluation.h"        // IWYU pragma: export
#include "anomaly/explanation.h"       // IWYU pragma: export
#include "anomaly/isolation_forest.h"  // IWYU pragma: export
#include "anomaly/roc_auc.h"           // IWYU pragma: export
#include "anomaly/sklearn_export.h"    // IWYU pragma: export
