#include "intel/stix_pattern.h"

#include <fmt/format.h>

#include <cctype>

namespace vigil::intel {
namespace {

enum class Tok {
  kEnd,
  kLBracket,
  kRBracket,
  kLParen,
  kRParen,
  kComma,
  kOp,
  kWord,
  kPath,
  kString,
  kLiteral
};

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // strings: unescaped contents
};

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  Result<Token> next() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    if (pos_ >= s_.size()) return Token{Tok::kEnd, ""};
    const char c = s_[pos_];
    switch (c) {
      case '[':
        ++pos_;
        return Token{Tok::kLBracket, "["};
      case ']':
        ++pos_;
        return Token{Tok::kRBracket, "]"};
      case '(':
        ++pos_;
        return Token{Tok::kLParen, "("};
      case ')':
        ++pos_;
        return Token{Tok::kRParen, ")"};
      case ',':
        ++pos_;
        return Token{Tok::kComma, ","};
      case '\'':
        return string_literal(Tok::kString);
      default:
        break;
    }
    if (c == '=' || c == '!' || c == '<' || c == '>') return op();
    if ((c == 't' || c == 'h' || c == 'b') && pos_ + 1 < s_.size() && s_[pos_ + 1] == '\'') {
      ++pos_;
      return string_literal(Tok::kLiteral);
    }
    if (c == '-' || c == '+' || std::isdigit(static_cast<unsigned char>(c))) return number();
    if (is_word_char(c)) return word_or_path();
    return error(fmt::format("unexpected '{}'", c));
  }

  size_t pos() const { return pos_; }

 private:
  tl::unexpected<Error> error(std::string what) const {
    return make_error(ErrorCode::kInvalidInput, fmt::format("at {}: {}", pos_, what));
  }

  Result<Token> string_literal(Tok kind) {
    std::string out;
    for (++pos_; pos_ < s_.size(); ++pos_) {
      const char c = s_[pos_];
      if (c == '\\' && pos_ + 1 < s_.size()) {
        out += s_[++pos_];
      } else if (c == '\'') {
        ++pos_;
        return Token{kind, std::move(out)};
      } else {
        out += c;
      }
    }
    return error("unterminated string");
  }

  Result<Token> op() {
    static constexpr std::string_view kOps[] = {"==", "<=", ">=", "!=", "<>", "=", "<", ">"};
    for (std::string_view o : kOps) {
      if (s_.substr(pos_).starts_with(o)) {
        pos_ += o.size();
        // "==" and "<>" are the grammar's spellings of "=" and "!=".
        const std::string_view canonical = o == "<>" ? "!=" : o == "==" ? "=" : o;
        return Token{Tok::kOp, std::string(canonical)};
      }
    }
    return error("unknown operator");
  }

  Result<Token> number() {
    const size_t start = pos_++;
    while (pos_ < s_.size() &&
           (std::isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.'))
      ++pos_;
    return Token{Tok::kLiteral, std::string(s_.substr(start, pos_ - start))};
  }

  // A keyword ("AND", "true") or an object path: type ':' property, where the
  // property continues with ".name", ".'quoted name'" and "[n]" / "[*]".
  Result<Token> word_or_path() {
    const size_t start = pos_;
    while (pos_ < s_.size() && is_word_char(s_[pos_])) ++pos_;
    if (pos_ >= s_.size() || s_[pos_] != ':') {
      return Token{Tok::kWord, std::string(s_.substr(start, pos_ - start))};
    }
    std::string path(s_.substr(start, pos_ - start + 1));
    ++pos_;
    for (bool first = true;; first = false) {
      if (!first && pos_ < s_.size() && s_[pos_] == '[') {
        const size_t close = s_.find(']', pos_);
        if (close == std::string_view::npos) return error("unterminated index");
        const std::string_view index = s_.substr(pos_ + 1, close - pos_ - 1);
        if (index != "*" &&
            (index.empty() || index.find_first_not_of("0123456789") != std::string_view::npos)) {
          break;  // not an index: the ']' closes the observation
        }
        path += s_.substr(pos_, close - pos_ + 1);
        pos_ = close + 1;
        continue;
      }
      if (!first) {
        if (pos_ >= s_.size() || s_[pos_] != '.') break;
        ++pos_;
        path += '.';
      }
      if (pos_ < s_.size() && s_[pos_] == '\'') {
        auto quoted = string_literal(Tok::kString);
        if (!quoted) return quoted;
        path += quoted->text;
      } else {
        const size_t name = pos_;
        while (pos_ < s_.size() && is_word_char(s_[pos_])) ++pos_;
        if (pos_ == name) return error("empty object path component");
        path += s_.substr(name, pos_ - name);
      }
    }
    return Token{Tok::kPath, std::move(path)};
  }

  std::string_view s_;
  size_t pos_ = 0;
};

class Parser {
 public:
  explicit Parser(std::string_view s) : lex_(s) {}

  Result<StixPattern> parse() {
    if (auto ok = advance(); !ok) return tl::unexpected(ok.error());
    if (auto ok = observation_expressions(); !ok) return tl::unexpected(ok.error());
    if (tok_.kind != Tok::kEnd) return fail("text after the pattern");
    if (out_.comparisons.empty()) return fail("no comparison");
    return std::move(out_);
  }

 private:
  using Step = Result<void>;

  tl::unexpected<Error> fail(std::string what) const {
    return make_error(ErrorCode::kInvalidInput,
                      fmt::format("at {}: {} (near '{}')", lex_.pos(), what, tok_.text));
  }
  Step advance() {
    auto t = lex_.next();
    if (!t) return tl::unexpected(t.error());
    tok_ = std::move(*t);
    return {};
  }
  bool is_word(std::string_view w) const { return tok_.kind == Tok::kWord && tok_.text == w; }
  Step expect(Tok kind, std::string_view what) {
    if (tok_.kind != kind) return fail(fmt::format("expected {}", what));
    return advance();
  }

  Step observation_expressions() { return binary(&Parser::observation_or, "FOLLOWEDBY", true); }
  Step observation_or() { return binary(&Parser::observation_and, "OR", false); }
  Step observation_and() { return binary(&Parser::observation_qualified, "AND", false); }
  Step comparison_or() { return binary(&Parser::comparison_and, "OR", false); }
  Step comparison_and() { return binary(&Parser::property_test, "AND", false); }

  Step binary(Step (Parser::*operand)(), std::string_view keyword, bool sequence) {
    if (auto ok = (this->*operand)(); !ok) return ok;
    while (is_word(keyword)) {
      if (sequence) out_.has_qualifiers_or_sequences = true;
      if (auto ok = advance(); !ok) return ok;
      if (auto ok = (this->*operand)(); !ok) return ok;
    }
    return {};
  }

  Step observation_qualified() {
    if (tok_.kind == Tok::kLBracket) {
      if (auto ok = advance(); !ok) return ok;
      if (auto ok = comparison_or(); !ok) return ok;
      if (auto ok = expect(Tok::kRBracket, "']'"); !ok) return ok;
    } else if (tok_.kind == Tok::kLParen) {
      if (auto ok = advance(); !ok) return ok;
      if (auto ok = observation_expressions(); !ok) return ok;
      if (auto ok = expect(Tok::kRParen, "')'"); !ok) return ok;
    } else {
      return fail("expected '[' or '('");
    }
    while (is_word("WITHIN") || is_word("REPEATS") || is_word("START")) {
      if (auto ok = qualifier(); !ok) return ok;
    }
    return {};
  }

  Step qualifier() {
    out_.has_qualifiers_or_sequences = true;
    const std::string which = tok_.text;
    if (auto ok = advance(); !ok) return ok;
    const Tok value_kind = tok_.kind;
    if (auto ok = expect(Tok::kLiteral, which == "START" ? "a timestamp" : "a number"); !ok)
      return ok;
    const char* closing = which == "WITHIN" ? "SECONDS" : which == "REPEATS" ? "TIMES" : "STOP";
    if (!is_word(closing)) return fail(fmt::format("expected {}", closing));
    if (auto ok = advance(); !ok) return ok;
    if (which == "START") return expect(Tok::kLiteral, "a timestamp");
    (void)value_kind;
    return {};
  }

  Step property_test() {
    if (tok_.kind == Tok::kLParen) {
      if (auto ok = advance(); !ok) return ok;
      if (auto ok = comparison_or(); !ok) return ok;
      return expect(Tok::kRParen, "')'");
    }
    StixComparison c;
    if (is_word("EXISTS")) {
      c.op = "EXISTS";
      if (auto ok = advance(); !ok) return ok;
      if (auto ok = path_into(c); !ok) return ok;
      out_.comparisons.push_back(std::move(c));
      return {};
    }
    if (auto ok = path_into(c); !ok) return ok;
    if (is_word("NOT")) {
      c.negated = true;
      if (auto ok = advance(); !ok) return ok;
    }
    if (auto ok = operator_into(c); !ok) return ok;
    if (auto ok = values_into(c); !ok) return ok;
    out_.comparisons.push_back(std::move(c));
    return {};
  }

  Step path_into(StixComparison& c) {
    if (tok_.kind != Tok::kPath) return fail("expected an object path");
    const size_t colon = tok_.text.find(':');
    c.object_type = tok_.text.substr(0, colon);
    c.property = tok_.text.substr(colon + 1);
    return advance();
  }

  Step operator_into(StixComparison& c) {
    static constexpr std::string_view kWordOps[] = {"IN", "LIKE", "MATCHES", "ISSUBSET",
                                                    "ISSUPERSET"};
    if (tok_.kind == Tok::kOp) {
      c.op = tok_.text;
      return advance();
    }
    for (std::string_view w : kWordOps) {
      if (is_word(w)) {
        c.op = w;
        return advance();
      }
    }
    return fail("expected a comparison operator");
  }

  Step values_into(StixComparison& c) {
    if (c.op != "IN") return literal_into(c);
    if (auto ok = expect(Tok::kLParen, "'(' after IN"); !ok) return ok;
    for (;;) {
      if (auto ok = literal_into(c); !ok) return ok;
      if (tok_.kind == Tok::kRParen) return advance();
      if (auto ok = expect(Tok::kComma, "',' or ')'"); !ok) return ok;
    }
  }

  Step literal_into(StixComparison& c) {
    const bool literal = tok_.kind == Tok::kString || tok_.kind == Tok::kLiteral ||
                         is_word("true") || is_word("false");
    if (!literal) return fail("expected a literal");
    c.values.push_back(tok_.text);
    return advance();
  }

  Lexer lex_;
  Token tok_;
  StixPattern out_;
};

}  // namespace

Result<StixPattern> parse_stix_pattern(std::string_view pattern) {
  return Parser(pattern).parse();
}

}  // namespace vigil::intel
