#include "corpus/vocab.h"

#include <array>

namespace vigil::bench::vocab {
namespace {

using namespace std::string_view_literals;

constexpr std::array kFirst = {
    "alice"sv, "bob"sv,    "carol"sv,   "dave"sv,   "erin"sv,   "frank"sv, "grace"sv,  "heidi"sv,
    "ivan"sv,  "judy"sv,   "mallory"sv, "niaj"sv,   "olivia"sv, "peggy"sv, "rupert"sv, "sybil"sv,
    "trent"sv, "victor"sv, "walter"sv,  "yusuf"sv,  "zoë"sv,    "josé"sv,  "søren"sv,  "amélie"sv,
    "li"sv,    "priya"sv,  "kenji"sv,   "fatima"sv, "noah"sv,   "emma"sv,  "liam"sv,   "mia"sv};
constexpr std::array kLast = {"smith"sv,  "johnson"sv, "garcia"sv, "müller"sv,  "kowalski"sv,
                              "nguyen"sv, "okafor"sv,  "tanaka"sv, "rossi"sv,   "dubois"sv,
                              "novak"sv,  "silva"sv,   "kim"sv,    "patel"sv,   "ivanova"sv,
                              "larsen"sv, "brown"sv,   "walker"sv, "o'brien"sv, "hernández"sv};
constexpr std::array kDom = {"example.com"sv, "corp.example.org"sv, "mail.example.net"sv,
                             "partner.example.io"sv};
constexpr std::array kDept = {"finance"sv, "engineering"sv, "hr"sv,     "sales"sv,
                              "legal"sv,   "support"sv,     "it-ops"sv, "research"sv};
constexpr std::array kHost = {"web-01"sv, "web-02"sv, "web-03"sv,   "api-gw-1"sv, "vpn-edge"sv,
                              "db-01"sv,  "db-02"sv,  "files-01"sv, "sso-1"sv,    "bastion"sv};
constexpr std::array kUa = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"sv,
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15"sv,
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"sv,
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1"sv,
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36"sv,
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91"sv,
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17126; Pro)"sv,
    "okhttp/4.12.0"sv,
    "Go-http-client/2.0"sv,
    "aws-cli/2.15.7 Python/3.11.6 Linux/6.1.0 exe/x86_64.debian.12"sv};
constexpr std::array kBadUa = {
    "python-requests/2.31.0"sv, "curl/7.88.1"sv,
    "Mozilla/5.0 (Hydra)"sv,    "sqlmap/1.7.2#stable (https://sqlmap.org)"sv,
    "Nmap Scripting Engine"sv,  "masscan/1.3"sv};
constexpr std::array kRes = {"/api/v1/customers"sv,
                             "/api/v1/invoices"sv,
                             "/api/v1/admin/users"sv,
                             "/reports/q3-revenue.xlsx"sv,
                             "s3://corp-data/finance/ledger-2023.parquet"sv,
                             "s3://corp-backups/db/full-dump.sql.gz"sv,
                             "hr/payroll/2024-01.csv"sv,
                             "/wiki/onboarding"sv,
                             "crm.contacts"sv,
                             "/api/v2/orders/export"sv,
                             "\\\\files-01\\share\\legal\\contracts"sv,
                             "/git/platform/deploy-keys"sv};
constexpr std::array kDb = {"billing"sv, "crm"sv, "hr"sv, "analytics"sv, "auth"sv};
constexpr std::array kTab = {"users"sv,     "orders"sv,   "invoices"sv,  "payments"sv,
                             "employees"sv, "sessions"sv, "audit_log"sv, "customers"sv};
constexpr std::array kPerm = {"read"sv,  "write"sv,   "delete"sv, "share"sv,
                              "audit"sv, "billing"sv, "deploy"sv, "admin"sv};
constexpr std::array kAuth = {"password"sv, "mfa_totp"sv, "sso_saml"sv, "publickey"sv,
                              "webauthn"sv};
constexpr std::array kFail = {"bad_password"sv, "unknown_user"sv, "mfa_failed"sv,
                              "account_locked"sv, "expired_password"sv};
constexpr std::array kPw = {
    "hunter2"sv,   "Summer2024!"sv, "P@ssw0rd"sv, "letmein"sv, "correct horse battery staple"sv,
    "qwerty123"sv, "Tr0ub4dor&3"sv};
constexpr std::array kQ = {"SELECT id, name, email FROM %T WHERE id = %N"sv,
                           "SELECT count(*) FROM %T WHERE created_at > now() - interval '1 day'"sv,
                           "UPDATE %T SET status = 'paid' WHERE id = %N"sv,
                           "INSERT INTO %T (id, amount) VALUES (%N, 19.99)"sv,
                           "SELECT * FROM %T ORDER BY created_at DESC LIMIT 50"sv,
                           "DELETE FROM %T WHERE expires_at < now()"sv};
constexpr std::array kInj = {
    "SELECT * FROM users WHERE name = '' OR 1=1 --' AND password = 'x'"sv,
    "SELECT id FROM products WHERE id = 1 UNION SELECT username, password FROM users"sv,
    "SELECT * FROM orders WHERE id = 5; DROP TABLE orders; --"sv,
    "SELECT name FROM items WHERE id = 1; EXEC xp_cmdshell 'whoami'"sv,
    "select * from accounts where user = 'admin' or 1=1"sv,
    "SELECT title FROM news WHERE id = -1 union select table_name, null from information_schema.tables"sv};

}  // namespace

const std::span<const std::string_view> kFirstNames = kFirst;
const std::span<const std::string_view> kLastNames = kLast;
const std::span<const std::string_view> kDomains = kDom;
const std::span<const std::string_view> kDepartments = kDept;
const std::span<const std::string_view> kHosts = kHost;
const std::span<const std::string_view> kUserAgents = kUa;
const std::span<const std::string_view> kAttackerAgents = kBadUa;
const std::span<const std::string_view> kResources = kRes;
const std::span<const std::string_view> kDatabases = kDb;
const std::span<const std::string_view> kTables = kTab;
const std::span<const std::string_view> kPermissions = kPerm;
const std::span<const std::string_view> kAuthMethods = kAuth;
const std::span<const std::string_view> kFailureReasons = kFail;
const std::span<const std::string_view> kPasswords = kPw;
const std::span<const std::string_view> kQueries = kQ;
const std::span<const std::string_view> kInjections = kInj;

}  // namespace vigil::bench::vocab
