#include "sanitize/sanitizer.h"

#include "sanitize/detector.h"
#include "sanitize/document_sanitizer.h"
#include "sanitize/ip_anonymizer.h"
#include "sanitize/literal_matcher.h"
#include "sanitize/numeric_scanner.h"
#include "sanitize/policy.h"
#include "sanitize/pseudonymizer.h"
#include "sanitize/rewriter.h"
#include "sanitize/scan_state.h"
#include "sanitize/triggers.h"

namespace vigil {

using namespace sanitize_detail;

// Everything a Sanitizer is made of. The members refer to each other, so
// Parts lives at one heap address for its whole life.
struct Sanitizer::Parts {
  Parts(Policy p, Pseudonymizer ps, IpAnonymizer i, std::vector<Trigger> t,
        std::unique_ptr<LiteralMatcher> m)
      : policy(p),
        pseudonymizer(std::move(ps)),
        ip(i),
        triggers(std::move(t)),
        matcher(std::move(m)),
        numeric(policy),
        detector(triggers, matcher.get(), numeric),
        rewriter(policy, pseudonymizer, ip),
        document(policy, detector, rewriter) {}

  Policy policy;
  Pseudonymizer pseudonymizer;
  IpAnonymizer ip;
  std::vector<Trigger> triggers;
  std::unique_ptr<LiteralMatcher> matcher;
  NumericScanner numeric;
  Detector detector;
  Rewriter rewriter;
  DocumentSanitizer document;
};

Result<std::shared_ptr<const Sanitizer>> Sanitizer::create(const SanitizeConfig& config) {
  auto policy = Policy::from_config(config);
  if (!policy) return tl::unexpected(policy.error());
  auto ip = IpAnonymizer::create(config.ipv4_prefix, config.ipv6_prefix);
  if (!ip) return tl::unexpected(ip.error());
  auto pseudonymizer = Pseudonymizer::create(config.pseudonymize_key);
  if (!pseudonymizer) return tl::unexpected(pseudonymizer.error());
  auto triggers = build_triggers(*policy, config.sensitive_keys);
  if (!triggers) return tl::unexpected(triggers.error());
  auto matcher = LiteralMatcher::compile(*triggers);
  if (!matcher) return tl::unexpected(matcher.error());
  auto parts = std::make_unique<const Parts>(*policy, std::move(*pseudonymizer), *ip,
                                             std::move(*triggers), std::move(*matcher));
  return std::shared_ptr<const Sanitizer>(new Sanitizer(std::move(parts)));
}

Sanitizer::Sanitizer(std::unique_ptr<const Parts> parts) : parts_(std::move(parts)) {}
Sanitizer::~Sanitizer() = default;

void Sanitizer::sanitize(Value& doc) const {
  parts_->document.sanitize(doc);
}

std::string Sanitizer::sanitize_text(std::string_view text) const {
  ScanState& st = ScanState::local();
  st.clear();
  st.segments.emplace_back(0, text.size(), SegmentKind::kValue, nullptr, nullptr);
  if (!parts_->detector.detect(text, st)) return std::string(Rewriter::kRedactedValue);
  if (st.findings.empty()) return std::string(text);
  std::string out;
  parts_->rewriter.rewrite(text, 0, st.findings.data(), st.findings.size(), out);
  return out;
}

std::string Sanitizer::pseudonymize(std::string_view value) const {
  return parts_->pseudonymizer.pseudonymize(value);
}

std::string Sanitizer::anonymize_ip(std::string_view ip) const {
  return parts_->ip.anonymize(ip);
}

bool Sanitizer::ephemeral_key() const {
  return parts_->pseudonymizer.ephemeral();
}

}  // namespace vigil
