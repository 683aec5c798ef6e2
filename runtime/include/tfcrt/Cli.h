//===- Cli.h - tiny command-line parser -------------------------*- C++ -*-===//
//
// Long options (--name value, --name=value), short aliases (-n value, -nvalue),
// boolean flags, repeatable options, "--" to end options, and typed getters
// with range checks. Messages are one line and start with "error: ", e.g.
//   error: --top-p: expected a number in (0, 1], got '1.5'
//
//===----------------------------------------------------------------------===//
#ifndef TFCRT_CLI_H
#define TFCRT_CLI_H

#include <cstdint>
#include <string>
#include <vector>

namespace tfcrt {

class ArgParser {
public:
  explicit ArgParser(std::string usage) : usage(std::move(usage)) {}

  /// A boolean flag: --name or -s (short = 0 for none).
  void addFlag(const std::string &name, char shortName,
               const std::string &help);
  /// An option taking a value; `repeatable` collects every occurrence,
  /// otherwise giving it twice is an error. `defaultValue` is what get()
  /// returns when the option is absent.
  void addOption(const std::string &name, char shortName,
                 const std::string &metavar, const std::string &help,
                 const std::string &defaultValue = "", bool repeatable = false);

  /// Parses argv[1..argc). Non-option arguments go to positional().
  bool parse(int argc, const char *const *argv, std::string *error);

  /// True if the flag/option was given on the command line.
  bool has(const std::string &name) const;
  /// Last value given, or the default.
  std::string get(const std::string &name) const;
  /// All values given, in order (empty if none).
  std::vector<std::string> getAll(const std::string &name) const;
  const std::vector<std::string> &positional() const { return positionals; }

  /// Value as an integer in [min, max]; the default if absent.
  bool getInt(const std::string &name, int64_t min, int64_t max, int64_t *out,
              std::string *error) const;
  /// Value as a finite number in the interval given by min/max and whether
  /// each end is included; the default if absent.
  bool getFloat(const std::string &name, double min, double max,
                bool minIncluded, bool maxIncluded, double *out,
                std::string *error) const;

  /// Usage line plus one line per option.
  std::string help() const;

private:
  struct Spec {
    std::string name, metavar, help, defaultValue;
    char shortName;
    bool takesValue, repeatable;
    std::vector<std::string> values;
    int seen = 0;
  };
  Spec *find(const std::string &name);
  const Spec *find(const std::string &name) const;

  std::string usage;
  std::vector<Spec> specs;
  std::vector<std::string> positionals;
};

/// Strict whole-string number parsing (no trailing junk, no overflow).
bool parseInt(const std::string &text, int64_t *out);
bool parseFloat(const std::string &text, double *out);

} // namespace tfcrt

#endif // TFCRT_CLI_H
